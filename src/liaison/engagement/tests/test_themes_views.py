"""The theme pages, the recomputation job and the command: who sees what, the
insights lead's forms, the charts with their tables."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from liaison.core.models import Job, JobStatus, User
from liaison.engagement import tasks
from liaison.engagement.models import Insight, Theme
from liaison.engagement.services import themes as services
from liaison.engagement.tests import factories
from liaison.engagement.tests.themes_known import KNOWN


@pytest.fixture
def themed(msl: User, other_msl: User, insights_lead: User) -> dict[str, list[Insight]]:
    """The known set, alice's reimbursement and injection statements and the other
    MSL's elderly ones, recomputed into three themes."""
    made = {
        subject: [
            factories.insight(
                other_msl if subject == "elderly" else msl, statement=text, country="DE"
            )
            for text in statements
        ]
        for subject, statements in KNOWN.items()
    }
    services.recompute_themes(actor=insights_lead)
    return made


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def theme_with(insight: Insight) -> Theme:
    insight.refresh_from_db()
    assert insight.theme is not None
    return insight.theme


def test_theme_list_shows_a_chart_and_its_table_to_every_member(
    themed: dict[str, list[Insight]], medinfo: User, insights_lead: User
) -> None:
    page = client_for(medinfo).get(reverse("engagement:theme-list")).content.decode()
    assert 'role="img"' in page and 'aria-describedby="theme-table"' in page
    assert '<table id="theme-table">' in page
    for theme in Theme.objects.all():
        assert theme.label in page
    assert "style=" not in page
    assert "Recompute" not in page
    lead_page = client_for(insights_lead).get(reverse("engagement:theme-list")).content.decode()
    assert reverse("engagement:theme-recompute") in lead_page


def test_theme_detail_shows_only_the_insights_the_user_may_read(
    themed: dict[str, list[Insight]], msl: User, medinfo: User, insights_lead: User
) -> None:
    elderly = theme_with(themed["elderly"][0])
    url = reverse("engagement:theme-detail", args=[elderly.pk])
    # Alice reads none of the other MSL's insights: counts, no statements.
    page = client_for(msl).get(url).content.decode()
    assert all(i.statement[:40] not in page for i in themed["elderly"])
    assert "you may not read" in page
    assert "Rename" not in page
    lead = client_for(insights_lead).get(url).content.decode()
    representatives = Insight.objects.filter(pk__in=elderly.representative_ids)
    assert all(i.statement[:40] in lead for i in representatives)
    assert 'name="insights"' in lead and "Rename" in lead
    mine = theme_with(themed["reimbursement"][0])
    own = client_for(msl).get(reverse("engagement:theme-detail", args=[mine.pk])).content.decode()
    assert themed["reimbursement"][0].statement[:40] in own


def test_the_lead_renames_pins_splits_and_merges_from_the_page(
    themed: dict[str, list[Insight]], insights_lead: User
) -> None:
    client = client_for(insights_lead)
    theme = theme_with(themed["injection site"][0])
    response = client.post(reverse("engagement:theme-rename", args=[theme.pk]), {"label": ""})
    assert response.status_code == 400
    assert "give the theme a name" in response.content.decode()
    client.post(reverse("engagement:theme-rename", args=[theme.pk]), {"label": "Skin reactions"})
    client.post(reverse("engagement:theme-pin", args=[theme.pk]), {"pinned": "on"})
    theme.refresh_from_db()
    assert (theme.label, theme.renamed, theme.pinned) == ("Skin reactions", True, True)

    members = list(Insight.objects.filter(theme=theme).order_by("pk")[:3])
    response = client.post(
        reverse("engagement:theme-selection", args=[theme.pk]),
        {"insights": [i.pk for i in members], "action": "split", "label": ""},
    )
    assert response.status_code == 400 and "give the theme a name" in response.content.decode()
    response = client.post(
        reverse("engagement:theme-selection", args=[theme.pk]),
        {"insights": [i.pk for i in members], "action": "split", "label": "Bruising"},
    )
    split = Theme.objects.get(label="Bruising")
    assert response.status_code == 302 and response["Location"].endswith(f"/{split.pk}/")
    assert set(Insight.objects.filter(theme=split).values_list("pk", flat=True)) == {
        i.pk for i in members
    }
    response = client.post(
        reverse("engagement:theme-merge", args=[theme.pk]), {"themes": [split.pk]}
    )
    assert response.status_code == 302
    assert not Theme.objects.filter(pk=split.pk).exists()
    assert Insight.objects.filter(pk__in=[i.pk for i in members], theme=theme).count() == 3


def test_moving_needs_a_target_theme(themed: dict[str, list[Insight]], insights_lead: User) -> None:
    theme = theme_with(themed["elderly"][0])
    target = theme_with(themed["reimbursement"][0])
    url = reverse("engagement:theme-selection", args=[theme.pk])
    client = client_for(insights_lead)
    response = client.post(url, {"insights": [themed["elderly"][0].pk], "action": "move"})
    assert response.status_code == 400
    assert "choose the theme to move them to" in response.content.decode()
    client.post(url, {"insights": [themed["elderly"][0].pk], "action": "move", "theme": target.pk})
    assert theme_with(themed["elderly"][0]).pk == target.pk


def test_recompute_runs_as_a_job_with_progress(
    themed: dict[str, list[Insight]], insights_lead: User
) -> None:
    response = client_for(insights_lead).post(reverse("engagement:theme-recompute"))
    job = Job.objects.get(kind=tasks.THEMES_KIND)
    assert response["Location"] == reverse("core:job-detail", args=[job.pk])
    assert job.params["origin"]["url"] == reverse("engagement:theme-list")
    assert tasks.recompute_themes_task.call(job.pk) == 3
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.done == job.total == len(services.STAGES)
    assert "3 themes over 60 insights" in job.message


def test_analytics_and_coverage_pages_draw_charts_with_tables(
    themed: dict[str, list[Insight]], insights_lead: User
) -> None:
    question = factories.strategic_question(code="SQ9")
    themed["elderly"][0].strategic_questions.add(question)
    client = client_for(insights_lead)
    page = client.get(reverse("engagement:analytics")).content.decode()
    for dimension in ("month", "country", "therapeutic-area", "tier", "question"):
        assert f'aria-describedby="by-{dimension}-table"' in page
        assert f'<table id="by-{dimension}-table"' in page
    assert "Germany" in page and "No tier" in page
    assert "style=" not in page
    coverage = client.get(reverse("engagement:question-coverage")).content.decode()
    assert 'aria-describedby="coverage-table"' in coverage
    assert str(question) in coverage
    assert "Questions no one answered (0)" in coverage


def test_command_recomputes_with_a_summary_and_queues_a_job(
    themed: dict[str, list[Insight]], insights_lead: User
) -> None:
    out = io.StringIO()
    call_command("engagement", "themes", "-v", "0", stdout=out)
    assert re.search(r"3 themes over 60 insights: 0 new, 3 kept, 0 removed", out.getvalue())
    out = io.StringIO()
    call_command("engagement", "themes", "--queue", "--as", insights_lead.username, stdout=out)
    job = Job.objects.get(kind=tasks.THEMES_KIND)
    assert f"job {job.pk}" in out.getvalue() and job.owner == insights_lead
