"""The inbox with HTMX triage, the navigation's unread count, and the watch pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from liaison.core.models import Job, Team, User
from liaison.surveillance import selectors, services
from liaison.surveillance.models import Alert, Watch
from liaison.surveillance.tests.factories import add_publications, publication_watch

pytestmark = pytest.mark.django_db


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def alerts(msl: User, tmp_path: Path) -> list[Alert]:
    add_publications(tmp_path, (101, "Melanoma one"), (102, "Melanoma two"))
    services.run_watch(publication_watch(msl).pk)
    return list(Alert.objects.filter(recipient=msl).order_by("pk"))


def test_navigation_shows_the_unread_count(client: Client, msl: User, alerts: list[Alert]) -> None:
    page = signed_in(client, msl).get(reverse("core:home")).content.decode()
    assert 'id="nav-count-alerts"' in page
    assert '<span class="visually-hidden">unread: </span>2</span>' in page


def test_inbox_lists_only_my_alerts(
    client: Client, msl: User, other_msl: User, alerts: list[Alert]
) -> None:
    page = signed_in(client, msl).get(reverse("surveillance:alert-list")).content.decode()
    assert "Melanoma one" in page and "Melanoma two" in page and "2 unread" in page
    other = Client()
    page = signed_in(other, other_msl).get(reverse("surveillance:alert-list")).content.decode()
    assert "Melanoma one" not in page and "0 unread" in page


def test_inbox_filters_unread_and_state(client: Client, msl: User, alerts: list[Alert]) -> None:
    services.triage_alert(actor=msl, alert=alerts[0], state="relevant")
    signed_in(client, msl)
    page = client.get(reverse("surveillance:alert-list"), {"unread": "on"}).content.decode()
    assert alerts[1].title in page and alerts[0].title not in page
    page = client.get(reverse("surveillance:alert-list"), {"state": "relevant"}).content.decode()
    assert alerts[0].title in page and alerts[1].title not in page


def test_htmx_triage_swaps_the_row_and_the_counts_out_of_band(
    client: Client, msl: User, alerts: list[Alert]
) -> None:
    alert = alerts[0]
    response = signed_in(client, msl).post(
        reverse("surveillance:alert-triage", args=[alert.pk]),
        {"state": "competitor_intelligence", "note": "Rival readout"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<li id="alert-{alert.pk}"')
    assert "Competitor intelligence" in body and "Rival readout" in body
    assert 'id="alert-unread" class="badge" hx-swap-oob="true">1 unread' in body
    assert 'id="nav-count-alerts" class="badge" hx-swap-oob="true"' in body
    assert "<html" not in body
    alert.refresh_from_db()
    assert alert.triage_state == "competitor_intelligence" and alert.read_at is not None


def test_plain_triage_redirects_to_the_inbox(
    client: Client, msl: User, alerts: list[Alert]
) -> None:
    response = signed_in(client, msl).post(
        reverse("surveillance:alert-triage", args=[alerts[0].pk]), {"state": "not_relevant"}
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "surveillance:alert-list"
    )


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/phish",
        "//evil.example/x",
        "/\\evil.example",
        "https:/evil",
        "http://testserver.evil.example/",
        "javascript:alert(1)",
    ],
)
@pytest.mark.parametrize("route", ["surveillance:alert-read", "surveillance:alert-triage"])
def test_next_to_another_site_goes_to_the_inbox(
    client: Client, msl: User, alerts: list[Alert], route: str, target: str
) -> None:
    response = signed_in(client, msl).post(
        reverse(route, args=[alerts[0].pk]), {"state": "relevant", "read": "on", "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("surveillance:alert-list")


def test_next_on_this_site_is_followed(client: Client, msl: User, alerts: list[Alert]) -> None:
    target = reverse("surveillance:watch-list") + "?page=2"
    response = signed_in(client, msl).post(
        reverse("surveillance:alert-read", args=[alerts[0].pk]), {"read": "on", "next": target}
    )
    assert response.status_code == 302 and response["Location"] == target


def test_someone_elses_alert_is_not_found(
    client: Client, other_msl: User, alerts: list[Alert]
) -> None:
    response = signed_in(client, other_msl).post(
        reverse("surveillance:alert-triage", args=[alerts[0].pk]), {"state": "relevant"}
    )
    assert response.status_code == 404
    alerts[0].refresh_from_db()
    assert alerts[0].triage_state == ""


def test_mark_read_and_unread(client: Client, msl: User, alerts: list[Alert]) -> None:
    url = reverse("surveillance:alert-read", args=[alerts[0].pk])
    signed_in(client, msl).post(url, {"read": "on"}, headers={"HX-Request": "true"})
    alerts[0].refresh_from_db()
    assert alerts[0].read_at is not None
    client.post(url, {}, headers={"HX-Request": "true"})
    alerts[0].refresh_from_db()
    assert alerts[0].read_at is None


def test_digest_opt_out(client: Client, msl: User) -> None:
    signed_in(client, msl).post(reverse("surveillance:digest-preference"), {})
    assert not selectors.digest_enabled(msl)
    client.post(reverse("surveillance:digest-preference"), {"enabled": "on"})
    assert selectors.digest_enabled(msl)


def test_create_watch_from_the_form(client: Client, msl: User) -> None:
    response = signed_in(client, msl).post(
        reverse("surveillance:watch-create"),
        {
            "name": "Competitor PD-1",
            "kind": "trial",
            "mode": "library",
            "intervention": "pembrolizumab",
            "statuses": ["RECRUITING", "ACTIVE_NOT_RECRUITING"],
            "phases": ["PHASE3"],
            "is_competitor": "on",
            "schedule": "weekly",
            "active": "on",
        },
    )
    watch = Watch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "surveillance:watch-detail", args=[watch.pk]
    )
    assert watch.owner == msl and watch.statuses == ["RECRUITING", "ACTIVE_NOT_RECRUITING"]
    assert watch.is_competitor and watch.schedule == "weekly"


def test_an_invalid_watch_names_the_field(client: Client, msl: User) -> None:
    response = signed_in(client, msl).post(
        reverse("surveillance:watch-create"),
        {"name": "Nothing", "kind": "trial", "mode": "library", "schedule": "daily"},
    )
    assert response.status_code == 200
    assert (
        "a trial watch needs a condition, an intervention or a sponsor" in response.content.decode()
    )
    assert not Watch.objects.exists()


def test_watch_page_shows_hits_and_runs(client: Client, msl: User, alerts: list[Alert]) -> None:
    watch = alerts[0].watch
    page = (
        signed_in(client, msl)
        .get(reverse("surveillance:watch-detail", args=[watch.pk]))
        .content.decode()
    )
    assert "Hits in your inbox (2)" in page and "Melanoma one" in page and "Run now" in page


def test_run_now_starts_a_job(client: Client, msl: User, tmp_path: Path) -> None:
    watch = publication_watch(msl)
    response = signed_in(client, msl).post(reverse("surveillance:watch-run", args=[watch.pk]))
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "core:job-detail", args=[job.pk]
    )
    assert job.kind == "watch-run" and job.params == {"watch": watch.pk}


def test_edit_and_delete_a_watch(client: Client, msl: User) -> None:
    watch = publication_watch(msl)
    signed_in(client, msl)
    client.post(
        reverse("surveillance:watch-edit", args=[watch.pk]),
        {
            "name": "Uveal",
            "kind": "publication",
            "mode": "library",
            "query": "uveal melanoma",
            "schedule": "daily",
            "active": "on",
        },
    )
    watch.refresh_from_db()
    assert (watch.name, watch.query) == ("Uveal", "uveal melanoma")
    client.post(reverse("surveillance:watch-delete", args=[watch.pk]))
    assert not Watch.objects.exists()


def test_a_team_member_edits_a_team_watch_but_not_its_owner(
    client: Client, msl: User, field_manager: User
) -> None:
    team = Team.objects.get()
    watch = publication_watch(None, team=team)
    url = reverse("surveillance:watch-edit", args=[watch.pk])
    page = signed_in(client, msl).get(url).content.decode()
    assert "Only the watch&#x27;s owner, its team&#x27;s manager" in page
    # The owner posted as "only me" is not taken: the field is the watch's own.
    client.post(
        url,
        {
            "name": "Uveal",
            "kind": "publication",
            "team": "",
            "mode": "library",
            "query": "uveal melanoma",
            "schedule": "daily",
            "active": "on",
        },
    )
    watch.refresh_from_db()
    assert (watch.name, watch.owner, watch.team) == ("Uveal", None, team)


def test_the_unread_count_is_one_query(
    msl: User, alerts: list[Alert], django_assert_num_queries: Any
) -> None:
    from liaison.surveillance.selectors import unread_count

    with django_assert_num_queries(1):
        assert unread_count(msl) == 2
