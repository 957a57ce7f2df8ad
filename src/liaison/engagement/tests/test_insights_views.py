"""The insight pages: the list's filters and its constant number of queries, capture
with every error beside its field, an insight's page (evidence links, comments,
review buttons for reviewers, tags), review, comments and tags through the web."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from liaison.core.models import User
from liaison.directory.tests import factories as directory
from liaison.engagement.models import Insight, InsightStatus, Theme
from liaison.engagement.tests import factories
from liaison.literature.models import Publication
from liaison.trials.models import Trial

LIST = reverse("engagement:insight-list")
CREATE = reverse("engagement:insight-create")


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def statements(response: object) -> list[str]:
    page = response.context["page_obj"]  # type: ignore[attr-defined]
    return [insight.statement for insight in page.object_list]


@pytest.fixture
def alices(msl: User) -> list[Insight]:
    theme = Theme.objects.create(label="Elderly data")
    area = directory.therapeutic_area()
    question = factories.strategic_question(therapeutic_area=area)
    first = factories.insight(
        msl,
        statement="Clinicians want data in elderly patients.",
        theme=theme,
        therapeutic_area=area,
        country="DE",
        tags=["elderly"],
    )
    first.strategic_questions.add(question)
    second = factories.insight(
        msl,
        statement="Payers refuse reimbursement without a comparator.",
        category=factories.category("access_and_reimbursement"),
        status=InsightStatus.REVIEWED,
        country="AT",
        source="congress",
    )
    Insight.objects.filter(pk=second.pk).update(created_at=timezone.now() - dt.timedelta(days=40))
    return [first, second]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            {},
            [
                "Clinicians want data in elderly patients.",
                "Payers refuse reimbursement without a comparator.",
            ],
        ),
        ({"status": "reviewed"}, ["Payers refuse reimbursement without a comparator."]),
        ({"category": "unmet_medical_need"}, ["Clinicians want data in elderly patients."]),
        ({"therapeutic_area": "oncology"}, ["Clinicians want data in elderly patients."]),
        ({"country": "AT"}, ["Payers refuse reimbursement without a comparator."]),
        ({"source": "congress"}, ["Payers refuse reimbursement without a comparator."]),
        ({"tag": "Elderly"}, ["Clinicians want data in elderly patients."]),
        ({"q": "reimbursement comparator"}, ["Payers refuse reimbursement without a comparator."]),
        ({"q": "ELDERLY"}, ["Clinicians want data in elderly patients."]),
    ],
)
def test_the_list_filters(
    alices: list[Insight], msl: User, query: dict[str, str], expected: list[str]
) -> None:
    assert statements(client_for(msl).get(LIST, query)) == expected


def test_the_list_filters_by_theme_question_msl_and_dates(alices: list[Insight], msl: User) -> None:
    client = client_for(msl)
    first = alices[0]
    theme = first.theme
    assert theme is not None
    assert statements(client.get(LIST, {"theme": theme.pk})) == [first.statement]
    question = first.strategic_questions.get()
    assert statements(client.get(LIST, {"strategic_question": question.pk})) == [first.statement]
    assert len(statements(client.get(LIST, {"msl": msl.pk}))) == 2
    since = (timezone.localdate() - dt.timedelta(days=10)).isoformat()
    assert statements(client.get(LIST, {"date_from": since})) == [first.statement]
    until = (timezone.localdate() - dt.timedelta(days=10)).isoformat()
    assert statements(client.get(LIST, {"date_to": until})) == [alices[1].statement]


def test_the_filters_record_selects_are_bounded_and_keep_the_one_chosen(
    msl: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("liaison.engagement.forms.insights.FILTER_CHOICES", 2)
    products = [directory.product(f"Product {letter}") for letter in "ABCD"]
    for product in products:
        factories.insight(msl, product=product, statement=f"About {product.name}")
    client = client_for(msl)
    field = client.get(LIST).context["form"].fields["product"]
    assert [label for _, label in field.choices] == ["Any product", "Product A", "Product B"]
    # A product past the limit (from a link) is offered and filters the list.
    response = client.get(LIST, {"product": products[3].pk})
    assert statements(response) == ["About Product D"]
    field = response.context["form"].fields["product"]
    assert [label for _, label in field.choices][-1] == "Product D"
    assert client.get(LIST, {"msl": msl.pk}).context["form"].fields["msl"].choices[-1][0] == msl.pk


def test_the_list_shows_only_insights_the_reader_sees(
    alices: list[Insight], other_msl: User, insights_lead: User
) -> None:
    assert statements(client_for(other_msl).get(LIST)) == []
    assert len(statements(client_for(insights_lead).get(LIST))) == 2


def test_a_page_of_the_list_asks_a_constant_number_of_queries(
    msl: User, insights_lead: User
) -> None:
    hcp = factories.an_hcp()
    for index in range(3):
        factories.insight(msl, statement=f"Insight {index}", hcp=hcp, country="DE")
    client = client_for(insights_lead)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for index in range(30):
        factories.insight(
            msl,
            statement=f"More {index}",
            hcp=factories.an_hcp(f"Name{index}"),
            theme=Theme.objects.create(label=f"Theme {index}"),
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST)
    assert response.status_code == 200
    assert len(many) == len(few)


def test_the_list_counts_new_insights_awaiting_review_for_reviewers(
    alices: list[Insight], insights_lead: User, msl: User
) -> None:
    assert "1 new insight awaiting review" in client_for(insights_lead).get(LIST).content.decode()
    assert "new insight awaiting review" not in client_for(msl).get(LIST).content.decode()


def test_the_lists_export_links_carry_the_filters(alices: list[Insight], msl: User) -> None:
    html = client_for(msl).get(LIST, {"status": "new"}).content.decode()
    assert f"{reverse('engagement:insight-export')}?status=new&amp;format=xlsx" in html


# --- capture ------------------------------------------------------------------------


@pytest.fixture
def library() -> tuple[Publication, Trial]:
    publication = Publication.objects.create(pmid=31562800, title="Dosing in the elderly")
    trial = Trial.objects.create(nct_id="NCT04368728", brief_title="A phase 3 trial")
    return publication, trial


def test_capture_saves_the_insight_with_its_evidence(
    msl: User, library: tuple[Publication, Trial]
) -> None:
    hcp = factories.an_hcp(country="AT")
    area = directory.therapeutic_area()
    question = factories.strategic_question(
        therapeutic_area=area,
        period_start=timezone.localdate() - dt.timedelta(days=1),
        period_end=timezone.localdate() + dt.timedelta(days=1),
    )
    response = client_for(msl).post(
        CREATE,
        {
            "statement": "Clinicians want data in elderly patients.",
            "category": "unmet_medical_need",
            "therapeutic_area": area.code,
            "strategic_questions": [question.pk],
            "source": "advisory_board",
            "hcp": hcp.pk,
            "publications": "31562800",
            "trials": "nct04368728",
            "tags": "Elderly, dosing",
        },
    )
    insight = Insight.objects.get()
    assert response["Location"] == reverse("engagement:insight-detail", args=[insight.pk])
    assert (insight.msl, insight.country, insight.source) == (msl, "AT", "advisory_board")
    assert list(insight.publications.all()) == [library[0]]
    assert list(insight.trials.all()) == [library[1]]
    assert list(insight.strategic_questions.all()) == [question]
    assert insight.tags == ["elderly", "dosing"]


def test_an_unknown_pmid_is_named_beside_the_publications_field(
    msl: User, library: tuple[Publication, Trial]
) -> None:
    response = client_for(msl).post(
        CREATE,
        {
            "statement": "Something heard.",
            "category": "unmet_medical_need",
            "source": "interaction",
            "publications": "31562800, 12345",
            "trials": "NCT0000",
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["publications"] == ["PMID 12345 is not in the library; load it there first"]
    assert "is not an NCT ID" in form.errors["trials"][0]
    assert not Insight.objects.exists()
    html = response.content.decode()
    assert 'id="id_publications_error"' in html


def test_a_question_of_another_therapeutic_area_is_refused_beside_its_field(msl: User) -> None:
    today = timezone.localdate()
    question = factories.strategic_question(
        therapeutic_area=directory.therapeutic_area("cardiology", "Cardiology"),
        period_start=today,
        period_end=today,
    )
    response = client_for(msl).post(
        CREATE,
        {
            "statement": "Something heard.",
            "category": "unmet_medical_need",
            "source": "interaction",
            "therapeutic_area": directory.therapeutic_area().code,
            "strategic_questions": [question.pk],
        },
    )
    assert (
        "is a question of Cardiology" in response.context["form"].errors["strategic_questions"][0]
    )


def test_capture_offers_only_active_categories_and_current_questions(msl: User) -> None:
    inactive = factories.category("competitor_activity")
    inactive.active = False
    inactive.save()
    past = factories.strategic_question(
        text="An old question", period_start=dt.date(2020, 1, 1), period_end=dt.date(2020, 12, 31)
    )
    form = client_for(msl).get(CREATE).context["form"]
    assert inactive not in form.fields["category"].queryset
    assert past not in form.fields["strategic_questions"].queryset


def test_roles_that_do_not_capture_are_refused(insights_lead: User) -> None:
    assert client_for(insights_lead).get(CREATE).status_code == 403


# --- an insight's page ---------------------------------------------------------------


def test_the_page_links_the_evidence_to_the_library(
    msl: User, library: tuple[Publication, Trial]
) -> None:
    insight = factories.insight(msl)
    insight.publications.add(library[0])
    insight.trials.add(library[1])
    html = (
        client_for(msl)
        .get(reverse("engagement:insight-detail", args=[insight.pk]))
        .content.decode()
    )
    assert reverse("literature:publication-detail", args=[31562800]) in html
    assert reverse("trials:trial-detail", args=["NCT04368728"]) in html


def test_review_buttons_only_for_reviewers(msl: User, insights_lead: User) -> None:
    url = reverse("engagement:insight-detail", args=[factories.insight(msl).pk])
    assert "Mark reviewed" in client_for(insights_lead).get(url).content.decode()
    assert "Mark reviewed" not in client_for(msl).get(url).content.decode()


def test_reviewing_on_the_web_moves_the_status_and_keeps_the_comment(
    msl: User, insights_lead: User
) -> None:
    insight = factories.insight(msl)
    client = client_for(insights_lead)
    url = reverse("engagement:insight-review", args=[insight.pk])
    response = client.post(url, {"status": "reviewed", "comment": "Good catch."})
    assert response.status_code == 302
    refused = client.post(url, {"status": "actioned", "comment": ""})
    assert refused.status_code == 400
    assert "needs a comment" in refused.content.decode()
    insight.refresh_from_db()
    assert insight.status == InsightStatus.REVIEWED
    assert list(insight.comments.values_list("text", flat=True)) == ["Good catch."]


def test_comments_appear_in_the_thread(msl: User, field_manager: User) -> None:
    insight = factories.insight(msl)
    client_for(field_manager).post(
        reverse("engagement:insight-comment", args=[insight.pk]), {"text": "Heard it in Bonn."}
    )
    html = (
        client_for(msl)
        .get(reverse("engagement:insight-detail", args=[insight.pk]))
        .content.decode()
    )
    assert "Heard it in Bonn." in html


def test_the_author_edits_tags_and_the_manager_may_not(msl: User, field_manager: User) -> None:
    insight = factories.insight(msl)
    url = reverse("engagement:insight-tags", args=[insight.pk])
    assert client_for(msl).post(url, {"tags": "Elderly, renal"}).status_code == 302
    assert client_for(field_manager).post(url, {"tags": "x"}).status_code == 403
    insight.refresh_from_db()
    assert insight.tags == ["elderly", "renal"]


def test_the_author_edits_the_statement(msl: User) -> None:
    insight = factories.insight(msl)
    response = client_for(msl).post(
        reverse("engagement:insight-edit", args=[insight.pk]),
        {
            "statement": "Clinicians want data in patients over 80.",
            "category": "unmet_medical_need",
            "source": "interaction",
        },
    )
    assert response.status_code == 302
    insight.refresh_from_db()
    assert insight.statement == "Clinicians want data in patients over 80."


def test_each_question_is_marked_with_its_therapeutic_area(msl: User) -> None:
    today = timezone.localdate()
    factories.strategic_question(
        therapeutic_area=directory.therapeutic_area("cardiology", "Cardiology"),
        period_start=today,
        period_end=today,
    )
    html = client_for(msl).get(CREATE).content.decode()
    assert 'data-area="cardiology"' in html
    assert "engagement/insight_form.js" in html


def test_the_menu_counts_new_insights_for_reviewers_only(
    msl: User, insights_lead: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from liaison.engagement.insight_selectors import awaiting_review_count

    for index in range(3):
        factories.insight(msl, statement=f"Insight {index}")
    factories.insight(msl, statement="Reviewed", status=InsightStatus.REVIEWED)
    assert awaiting_review_count(insights_lead) == 3
    assert awaiting_review_count(msl) == 0
    monkeypatch.setattr("liaison.engagement.insight_selectors.COUNTER_CAP", 2)
    assert awaiting_review_count(insights_lead) == 2
    html = client_for(insights_lead).get(reverse("core:home")).content.decode()
    assert 'id="nav-count-insights"' in html and "new, awaiting review: </span>2" in html
