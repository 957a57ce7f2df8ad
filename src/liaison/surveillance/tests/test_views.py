"""The inbox with HTMX triage, the navigation's unread count, and the watch pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from liaison.core.audit import history_for
from liaison.core.models import AuditEvent, Job, Team, User
from liaison.literature.models import Publication
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


def test_run_now_starts_a_job_whose_page_links_back_to_the_watch(
    client: Client, msl: User, tmp_path: Path
) -> None:
    watch = publication_watch(msl, name="Uveal melanoma")
    response = signed_in(client, msl).post(reverse("surveillance:watch-run", args=[watch.pk]))
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "core:job-detail", args=[job.pk]
    )
    assert job.kind == "watch-run" and job.params["watch"] == watch.pk
    page = client.get(reverse("core:job-detail", args=[job.pk])).content.decode()
    watch_url = reverse("surveillance:watch-detail", args=[watch.pk])
    assert f'<dt>Started from</dt><dd><a href="{watch_url}">Watch “Uveal melanoma”</a>' in page


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


# --- the compact inbox, bulk triage, shortcuts ------------------------------------------------


def bulk(client: Client, alerts: list[Alert], action: str, **extra: Any) -> Any:
    data = {"alerts": [alert.pk for alert in alerts], "action": action}
    return client.post(reverse("surveillance:alert-bulk"), data, **extra)


def inbox_of(user: User, tmp_path: Path, *titles: str, query: str = "melanoma") -> list[Alert]:
    """``user``'s own watch run over new publications: one alert per title (that
    ``query`` matches)."""
    first = 300 + Publication.objects.count()
    add_publications(tmp_path, *((first + n, title) for n, title in enumerate(titles)))
    watch = publication_watch(user, name=f"{user.username}'s watch", query=query)
    services.run_watch(watch.pk)
    return list(Alert.objects.filter(recipient=user, watch=watch).order_by("pk"))


@pytest.mark.parametrize(
    "role", ["msl", "other_msl", "field_manager", "medinfo", "pv", "compliance", "admin_user"]
)
def test_every_role_bulk_triages_its_own_alerts_audited_one_by_one(
    client: Client, request: pytest.FixtureRequest, tmp_path: Path, role: str
) -> None:
    user = request.getfixturevalue(role)
    mine = inbox_of(user, tmp_path, "Melanoma one", "Melanoma two", "Melanoma three")
    response = bulk(signed_in(client, user), mine[:2], "relevant")
    assert response.status_code == 302
    states = [alert.triage_state for alert in Alert.objects.filter(recipient=user).order_by("pk")]
    assert states == ["relevant", "relevant", ""]
    for alert in mine[:2]:
        event = history_for(alert).get()
        assert event.actor == user and event.changes["triage_state"] == ["", "relevant"]
    assert not history_for(mine[2]).exists()
    page = client.get(response["Location"]).content.decode()
    assert "2 alerts marked relevant." in page


def test_a_user_without_a_role_cannot_bulk_triage_even_their_own_alerts(
    client: Client, outsider: User, tmp_path: Path
) -> None:
    add_publications(tmp_path, (101, "Melanoma one"))
    watch = publication_watch(outsider)
    theirs = [
        Alert.objects.create(
            watch=watch,
            recipient=outsider,
            kind="new_publication",
            publication=Publication.objects.get(),
            title="Melanoma one",
        )
    ]
    response = bulk(signed_in(client, outsider), theirs, "not_relevant")
    assert response.status_code == 403
    theirs[0].refresh_from_db()
    assert theirs[0].triage_state == "" and not history_for(theirs[0]).exists()


def test_a_selection_with_someone_elses_alert_is_refused_whole(
    client: Client, msl: User, other_msl: User, alerts: list[Alert], tmp_path: Path
) -> None:
    theirs = inbox_of(other_msl, tmp_path, "Uveal study of Bob", query="uveal")
    response = bulk(signed_in(client, msl), [*alerts, *theirs], "relevant")
    assert response.status_code == 404
    assert "1 of the 3 selected alerts is not in your inbox" in response.content.decode()
    assert "nothing was changed" in response.content.decode()
    assert not Alert.objects.exclude(triage_state="").exists()
    assert not AuditEvent.objects.filter(record_type="surveillance.alert").exists()


def test_a_refused_htmx_selection_says_so_in_the_status_region_and_changes_nothing(
    client: Client, msl: User, other_msl: User, alerts: list[Alert], tmp_path: Path
) -> None:
    theirs = inbox_of(other_msl, tmp_path, "Uveal study of Bob", query="uveal")
    response = bulk(
        signed_in(client, msl), [alerts[0], *theirs], "read", headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert (
        '<div id="inbox-status" class="inbox-status" role="status" hx-swap-oob="innerHTML">' in body
    )
    assert "message-error" in body and "1 of the 2 selected alerts is not in your inbox" in body
    assert selectors.unread_count(msl) == 2


def test_htmx_bulk_triage_swaps_the_rows_and_counts_and_says_what_changed(
    client: Client, msl: User, alerts: list[Alert]
) -> None:
    services.triage_alert(actor=msl, alert=alerts[0], state="relevant", note="ask Dr Weiss")
    response = bulk(signed_in(client, msl), alerts, "relevant", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    for alert in alerts:
        assert (
            f'<li id="alert-{alert.pk}" class="alert alert-triaged" data-alert="{alert.pk}" hx-swap-oob="true">'
            in body
        )
    assert (
        body.count(
            'value="relevant" class="button-secondary" aria-keyshortcuts="r" aria-pressed="true"'
        )
        == 2
    )
    assert "1 alert marked relevant; 1 was relevant already." in body
    assert 'id="alert-unread" class="badge" hx-swap-oob="true">0 unread' in body
    # Zero unread: the menu's count is hidden but stays, for the next out-of-band update.
    assert 'id="nav-count-alerts" class="badge" hidden hx-swap-oob="true"' in body
    # The alert already relevant is left alone: its note stays, no second event.
    alerts[0].refresh_from_db()
    assert alerts[0].triage_note == "ask Dr Weiss" and history_for(alerts[0]).count() == 1
    assert history_for(alerts[1]).count() == 1


def test_bulk_mark_read_counts_what_changed(client: Client, msl: User, alerts: list[Alert]) -> None:
    services.mark_alert(actor=msl, alert=alerts[0], read=True)
    response = bulk(signed_in(client, msl), alerts, "read", headers={"HX-Request": "true"})
    assert "1 alert marked read; 1 was read already." in response.content.decode()
    assert selectors.unread_count(msl) == 0
    response = bulk(client, alerts, "read", headers={"HX-Request": "true"})
    assert "Nothing changed: the 2 selected alerts were read already." in response.content.decode()


def test_bulk_without_a_selection_asks_for_one(
    client: Client, msl: User, alerts: list[Alert]
) -> None:
    listing = reverse("surveillance:alert-list") + "?unread=on"
    response = signed_in(client, msl).post(
        reverse("surveillance:alert-bulk"), {"action": "relevant", "next": listing}
    )
    assert response.status_code == 302 and response["Location"] == listing
    page = client.get(listing).content.decode()
    assert "Select at least one alert first: tick the boxes beside their titles." in page
    assert not Alert.objects.exclude(triage_state="").exists()


def test_plain_bulk_triage_goes_back_to_the_filtered_list(
    client: Client, msl: User, alerts: list[Alert]
) -> None:
    listing = reverse("surveillance:alert-list") + f"?watch={alerts[0].watch_id}&unread=on"
    data = {"alerts": [alerts[1].pk], "action": "not_relevant", "next": listing}
    response = signed_in(client, msl).post(reverse("surveillance:alert-bulk"), data)
    assert response.status_code == 302 and response["Location"] == listing
    alerts[1].refresh_from_db()
    assert alerts[1].triage_state == "not_relevant" and alerts[1].read_at is not None


def test_htmx_triage_of_one_alert_is_announced(
    client: Client, msl: User, alerts: list[Alert]
) -> None:
    response = signed_in(client, msl).post(
        reverse("surveillance:alert-triage", args=[alerts[0].pk]),
        {"state": "not_relevant"},
        headers={"HX-Request": "true"},
    )
    assert f"Marked not relevant: {alerts[0].title}" in response.content.decode()


def test_inbox_rows_are_compact_with_checkboxes_details_and_documented_shortcuts(
    client: Client, msl: User, alerts: list[Alert]
) -> None:
    page = signed_in(client, msl).get(reverse("surveillance:alert-list")).content.decode()
    for alert in alerts:
        assert f'name="alerts" value="{alert.pk}" form="alert-bulk"' in page
        assert f'id="note-{alert.pk}" name="note"' in page and f'form="triage-{alert.pk}"' in page
    assert page.count('<details class="alert-details">') == 2
    assert '<form id="alert-bulk" method="post" action="/surveillance/alerts/bulk/"' in page
    for key, does in (
        ("j", "Next alert"),
        ("k", "Previous alert"),
        ("r", "relevant"),
        ("x", "not relevant"),
    ):
        assert f"<dt><kbd>{key}</kbd></dt><dd>" in page and does in page
    assert "do nothing while you type in a field" in page
    assert 'aria-keyshortcuts="r"' in page and 'aria-keyshortcuts="x"' in page
    assert "surveillance/inbox.js" in page


# --- a first run's cap, explained ---------------------------------------------------------------


@pytest.fixture
def capped_watch(msl: User, tmp_path: Path) -> Watch:
    """A first run over 23 matching publications: 20 alerted, 3 left."""
    add_publications(tmp_path, *((400 + n, f"Melanoma study {n}") for n in range(23)))
    watch = publication_watch(msl)
    services.run_watch(watch.pk)
    return watch


def test_the_watch_page_explains_a_first_runs_cap(
    client: Client, msl: User, capped_watch: Watch
) -> None:
    url = reverse("surveillance:watch-detail", args=[capped_watch.pk])
    page = signed_in(client, msl).get(url).content.decode()
    assert "matched 23 and alerted only the 20 newest" in page
    assert "A watch's first run alerts at most 20 matches" in page
    assert "The other 3 were not alerted, and later runs alert only what is new" in page
    matches = reverse("surveillance:watch-matches", args=[capped_watch.pk])
    assert f'<a href="{matches}">See all the matches</a>' in page


def test_no_cap_note_when_the_first_run_alerted_everything(
    client: Client, msl: User, alerts: list[Alert]
) -> None:
    url = reverse("surveillance:watch-detail", args=[alerts[0].watch_id])
    page = signed_in(client, msl).get(url).content.decode()
    assert "first-run-note" not in page


def test_the_matches_page_lists_what_the_cap_left_out(
    client: Client, msl: User, capped_watch: Watch
) -> None:
    url = reverse("surveillance:watch-matches", args=[capped_watch.pk])
    page = signed_in(client, msl).get(url).content.decode()
    assert "23 matches" in page
    assert page.count("In your inbox</span>") == 20 and page.count("Not alerted</span>") == 3
    not_alerted = set(
        Publication.objects.filter(title__startswith="Melanoma study").values_list(
            "pmid", flat=True
        )
    ) - set(Alert.objects.filter(recipient=msl).values_list("publication__pmid", flat=True))
    assert len(not_alerted) == 3
    for pmid in not_alerted:
        assert f"PMID {pmid}" in page
