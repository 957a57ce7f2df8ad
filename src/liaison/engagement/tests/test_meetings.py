"""Meetings: the service's rules (each naming its field), sequence, cancel, delete,
audit and policy; the pages (list, plan with the last time zone, detail with
"Log this meeting", edit); the API."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any, cast

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from liaison.core.audit import history_for
from liaison.core.errors import LiaisonError, NotFound, PermissionDenied
from liaison.core.models import User
from liaison.core.tests.apiclient import ApiClient
from liaison.engagement.models import Meeting, MeetingStatus
from liaison.engagement.services import meetings
from liaison.engagement.services.data import MeetingData
from liaison.engagement.tests import factories
from liaison.literature.models import Publication

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def data(**values: Any) -> MeetingData:
    start = dt.datetime(2026, 12, 10, 9, 0)
    base: dict[str, Any] = {
        "title": "Visit",
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=1),
        "time_zone": "Europe/Berlin",
        "other_attendees": ["Dr. Example"],
    }
    base.update(values)
    return cast(MeetingData, base)


def refused(actor: User, **values: Any) -> LiaisonError:
    with pytest.raises(LiaisonError) as caught:
        meetings.create_meeting(actor=actor, data=data(**values))
    assert Meeting.objects.count() == 0
    return caught.value


# --- services ---------------------------------------------------------------------


def test_a_naive_time_is_read_in_the_meetings_zone_and_audited(msl: User) -> None:
    hcp = factories.an_hcp()
    meeting = meetings.create_meeting(actor=msl, data=data(hcps=[hcp]))
    meeting.refresh_from_db()
    assert meeting.starts_at == dt.datetime(2026, 12, 10, 8, 0, tzinfo=dt.UTC)
    assert meeting.organizer == msl and list(meeting.hcps.all()) == [hcp]
    event = history_for(meeting).get()
    assert event.action == "create" and event.actor == msl


def test_the_meeting_must_end_after_it_starts(msl: User) -> None:
    start = dt.datetime(2026, 12, 10, 9, 0)
    error = refused(msl, ends_at=start)
    assert set(error.details) == {"ends_at"}
    assert "end after it starts" in error.details["ends_at"]


def test_the_time_zone_is_an_iana_name(msl: User) -> None:
    error = refused(msl, time_zone="Mars/Olympus")
    assert set(error.details) == {"time_zone"}
    assert "Mars/Olympus" in error.details["time_zone"]


def test_at_least_one_attendee(msl: User) -> None:
    error = refused(msl, other_attendees=["  "], hcps=[])
    assert set(error.details) == {"hcps"}
    assert "attendee" in error.details["hcps"]


def test_the_meeting_link_is_https(msl: User) -> None:
    error = refused(msl, meeting_link="http://zoom.us/j/1")
    assert set(error.details) == {"meeting_link"}
    meeting = meetings.create_meeting(actor=msl, data=data(meeting_link="https://zoom.us/j/1"))
    assert meeting.meeting_link == "https://zoom.us/j/1"


def test_every_field_at_fault_is_named_at_once(msl: User) -> None:
    error = refused(msl, title=" ", other_attendees=[], meeting_link="zoom", time_zone="Nowhere")
    assert set(error.details) == {"title", "hcps", "meeting_link", "time_zone"}


def test_roles_outside_the_field_plan_no_meetings(medinfo: User) -> None:
    with pytest.raises(PermissionDenied):
        meetings.create_meeting(actor=medinfo, data=data())


def test_a_change_raises_the_sequence_and_nothing_changed_does_not(msl: User) -> None:
    meeting = meetings.create_meeting(actor=msl, data=data())
    changes = meetings.update_meeting(actor=msl, meeting=meeting, data=data(title="Visit 2"))
    assert changes == {"title": ["Visit", "Visit 2"]}
    assert meeting.sequence == 1
    assert meetings.update_meeting(actor=msl, meeting=meeting, data=data(title="Visit 2")) == {}
    assert Meeting.objects.get().sequence == 1
    assert history_for(meeting).count() == 2


def test_a_refused_change_writes_nothing(msl: User) -> None:
    meeting = meetings.create_meeting(actor=msl, data=data())
    with pytest.raises(LiaisonError) as caught:
        meetings.update_meeting(
            actor=msl, meeting=meeting, data=MeetingData(ends_at=meeting.starts_at)
        )
    assert set(caught.value.details) == {"ends_at"}
    stored = Meeting.objects.get()
    assert stored.ends_at > stored.starts_at and stored.sequence == 0


def test_a_new_time_zone_keeps_the_wall_clock_time_given(msl: User) -> None:
    meeting = meetings.create_meeting(actor=msl, data=data())
    meetings.update_meeting(
        actor=msl,
        meeting=meeting,
        data=MeetingData(
            starts_at=dt.datetime(2026, 12, 10, 9, 0),
            ends_at=dt.datetime(2026, 12, 10, 10, 0),
            time_zone="America/New_York",
        ),
    )
    assert Meeting.objects.get().starts_at == dt.datetime(2026, 12, 10, 14, 0, tzinfo=dt.UTC)


def test_the_manager_reads_but_does_not_change(msl: User, field_manager: User) -> None:
    meeting = meetings.create_meeting(actor=msl, data=data())
    with pytest.raises(PermissionDenied):
        meetings.update_meeting(actor=field_manager, meeting=meeting, data=data(title="X"))
    with pytest.raises(PermissionDenied):
        meetings.cancel_meeting(actor=field_manager, meeting=meeting)


def test_cancel_keeps_the_meeting_and_cannot_repeat(msl: User) -> None:
    meeting = meetings.create_meeting(actor=msl, data=data())
    meetings.cancel_meeting(actor=msl, meeting=meeting, reason="HCP ill")
    stored = Meeting.objects.get()
    assert stored.status == MeetingStatus.CANCELLED and stored.sequence == 1
    assert history_for(stored).order_by("-pk").first().reason == "HCP ill"  # type: ignore[union-attr]
    with pytest.raises(LiaisonError) as caught:
        meetings.cancel_meeting(actor=msl, meeting=stored)
    assert caught.value.field == "status"


def test_delete_is_audited(msl: User) -> None:
    meeting = meetings.create_meeting(actor=msl, data=data())
    pk = meeting.pk
    meetings.delete_meeting(actor=msl, meeting=meeting)
    assert not Meeting.objects.filter(pk=pk).exists()


# --- pages ------------------------------------------------------------------------


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def test_list_upcoming_and_past(client: Client, msl: User, other_msl: User) -> None:
    now = timezone.now()
    factories.meeting(msl, title="Tomorrow", starts_at=now + dt.timedelta(days=1))
    factories.meeting(msl, title="Last week", starts_at=now - dt.timedelta(days=7))
    factories.meeting(other_msl, title="Bob's", starts_at=now + dt.timedelta(days=1))
    signed_in(client, msl)
    upcoming = client.get(reverse("engagement:meeting-list")).content.decode()
    assert "Tomorrow" in upcoming and "Last week" not in upcoming and "Bob's" not in upcoming
    past = client.get(reverse("engagement:meeting-list") + "?when=past").content.decode()
    assert "Last week" in past and "Tomorrow" not in past


def test_a_manager_sees_the_teams_meetings(
    client: Client, msl: User, other_msl: User, field_manager: User
) -> None:
    soon = timezone.now() + dt.timedelta(days=1)
    factories.meeting(msl, title="Alice's visit", starts_at=soon)
    factories.meeting(other_msl, title="Bob's visit", starts_at=soon)
    signed_in(client, field_manager)
    mine = client.get(reverse("engagement:meeting-list")).content.decode()
    assert "Alice's visit" not in mine
    team = client.get(reverse("engagement:meeting-list") + "?scope=team").content.decode()
    assert "Alice&#x27;s visit" in team and "Bob" not in team
    # An MSL asking for the team's sees their own only.
    signed_in(client, other_msl)
    page = client.get(reverse("engagement:meeting-list") + "?scope=team").content.decode()
    assert "Alice" not in page


def test_plan_from_the_form_defaults_to_the_last_time_zone(client: Client, msl: User) -> None:
    factories.meeting(msl, time_zone="America/Chicago")
    signed_in(client, msl)
    form = client.get(reverse("engagement:meeting-create")).content.decode()
    assert '<option value="America/Chicago" selected>' in form
    publication = Publication.objects.create(pmid=31562798, title="A trial")
    hcp = factories.an_hcp()
    response = client.post(
        reverse("engagement:meeting-create"),
        {
            "title": "Lunch seminar",
            "date": "2026-10-26",
            "start_time": "09:00",
            "end_time": "10:30",
            "time_zone": "Europe/Berlin",
            "hcps": [hcp.pk],
            "other_attendees": "Nurse Kim\n",
            "pre_reads": [publication.pk],
        },
    )
    meeting = Meeting.objects.get(title="Lunch seminar")
    assert response.status_code == 302
    assert response["Location"] == reverse("engagement:meeting-detail", kwargs={"pk": meeting.pk})
    assert meeting.starts_at == dt.datetime(2026, 10, 26, 8, 0, tzinfo=dt.UTC)
    assert meeting.ends_at == dt.datetime(2026, 10, 26, 9, 30, tzinfo=dt.UTC)
    assert list(meeting.pre_reads.all()) == [publication]
    assert meeting.other_attendees == ["Nurse Kim"]


def test_the_form_names_the_fields_at_fault(client: Client, msl: User) -> None:
    signed_in(client, msl)
    response = client.post(
        reverse("engagement:meeting-create"),
        {
            "title": "Visit",
            "date": "2026-10-26",
            "start_time": "10:00",
            "end_time": "09:00",
            "time_zone": "Europe/Berlin",
            "meeting_link": "ftp://example.org",
            "pre_reads": ["999999"],
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"pre_reads"}
    # The service's rules are shown once the form's own fields are read.
    response = client.post(
        reverse("engagement:meeting-create"),
        {
            "title": "Visit",
            "date": "2026-10-26",
            "start_time": "10:00",
            "end_time": "09:00",
            "time_zone": "Europe/Berlin",
            "meeting_link": "ftp://example.org",
        },
    )
    form = response.context["form"]
    assert set(form.errors) == {"end_time", "meeting_link", "hcps"}
    html = response.content.decode()
    assert 'id="picker-hcps"' in html and 'aria-invalid="true"' in html
    assert Meeting.objects.count() == 0


def test_the_pickers_keep_what_was_chosen(client: Client, msl: User) -> None:
    hcp = factories.an_hcp("Brandt", given_name="Jonas")
    publication = Publication.objects.create(pmid=31562798, title="A trial")
    signed_in(client, msl)
    # From an HCP's page (?hcp=ID) the HCP is chosen already.
    page = client.get(reverse("engagement:meeting-create") + f"?hcp={hcp.pk}").content.decode()
    assert f'<input type="hidden" name="hcps" value="{hcp.pk}">' in page
    assert reverse("engagement:pick-hcps") in page
    # A refused form shows the chips again, with their labels.
    response = client.post(
        reverse("engagement:meeting-create"),
        {
            "title": "Visit",
            "date": "2026-10-26",
            "start_time": "10:00",
            "end_time": "09:00",
            "time_zone": "Europe/Berlin",
            "hcps": [hcp.pk],
            "pre_reads": [publication.pk],
        },
    )
    html = response.content.decode()
    assert f'<input type="hidden" name="pre_reads" value="{publication.pk}">' in html
    assert "A trial (PMID 31562798)" in html and "Brandt" in html


def test_detail_links_to_logging_it(client: Client, msl: User, field_manager: User) -> None:
    later = factories.meeting(
        msl, title="Next week", starts_at=timezone.now() + dt.timedelta(days=7)
    )
    signed_in(client, msl)
    before = client.get(reverse("engagement:meeting-detail", kwargs={"pk": later.pk}))
    assert "Log this meeting</a>" not in before.content.decode()  # not before it started
    meeting = factories.meeting(
        msl, title="Visit", starts_at=timezone.now() - dt.timedelta(minutes=30)
    )
    page = client.get(reverse("engagement:meeting-detail", kwargs={"pk": meeting.pk}))
    html = page.content.decode()
    try:
        log_url = reverse("engagement:interaction-create")
    except NoReverseMatch:
        assert "Log this meeting" not in html
    else:
        assert f"{log_url}?meeting={meeting.pk}" in html
    # The manager reads it and cannot log or change it.
    signed_in(client, field_manager)
    page = client.get(reverse("engagement:meeting-detail", kwargs={"pk": meeting.pk}))
    assert "Log this meeting" not in page.content.decode()
    assert "Edit" not in page.content.decode()


def test_edit_and_cancel_from_the_pages(client: Client, msl: User) -> None:
    meeting = meetings.create_meeting(actor=msl, data=data())
    signed_in(client, msl)
    url = reverse("engagement:meeting-edit", kwargs={"pk": meeting.pk})
    form = client.get(url).content.decode()
    assert 'value="09:00"' in form and 'value="2026-12-10"' in form
    response = client.post(
        url,
        {
            "title": "Visit (moved)",
            "date": "2026-12-11",
            "start_time": "09:00",
            "end_time": "10:00",
            "time_zone": "Europe/Berlin",
            "other_attendees": "Dr. Example",
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "Visit (moved)" and meeting.sequence == 1
    client.post(reverse("engagement:meeting-cancel", kwargs={"pk": meeting.pk}))
    assert Meeting.objects.get().status == MeetingStatus.CANCELLED


def test_someone_elses_meeting_is_not_found(client: Client, msl: User, other_msl: User) -> None:
    meeting = factories.meeting(msl)
    signed_in(client, other_msl)
    assert (
        client.get(reverse("engagement:meeting-detail", kwargs={"pk": meeting.pk})).status_code
        == 404
    )
    with pytest.raises(NotFound):
        from liaison.engagement import selectors

        selectors.meeting_detail(other_msl, meeting.pk)


# --- API ----------------------------------------------------------------------------


def test_api_plans_a_meeting_and_answers_both_times(msl: User) -> None:
    hcp = factories.an_hcp()
    Publication.objects.create(pmid=31562798, title="A trial")
    response = ApiClient(msl).post(
        "/meetings",
        {
            "title": "API visit",
            "starts_at": "2026-10-26T09:00:00",
            "ends_at": "2026-10-26T10:00:00+01:00",
            "time_zone": "Europe/Berlin",
            "hcp_ids": [hcp.pk],
            "pre_read_pmids": [31562798],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["starts_at"].startswith("2026-10-26T08:00:00")
    assert body["local_starts_at"] == "2026-10-26T09:00:00+01:00"
    assert body["hcps"] == [{"id": hcp.pk, "full_name": hcp.full_name}]
    assert body["pre_read_pmids"] == [31562798] and body["organizer"] == "alice"
    assert history_for(Meeting.objects.get()).get().source == "api"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_at": "2026-10-26T08:00:00"}, "ends_at"),
        ({"time_zone": "Europe/Atlantis"}, "time_zone"),
        ({"hcp_ids": [], "other_attendees": []}, "hcp_ids"),
        ({"meeting_link": "http://zoom.us/j/1"}, "meeting_link"),
        ({"hcp_ids": [999999]}, "hcp_ids"),
        ({"pre_read_pmids": [424242]}, "pre_read_pmids"),
    ],
)
def test_api_refusals_name_the_field(msl: User, change: dict[str, Any], field: str) -> None:
    body = {
        "title": "API visit",
        "starts_at": "2026-10-26T09:00:00",
        "ends_at": "2026-10-26T10:00:00",
        "time_zone": "Europe/Berlin",
        "other_attendees": ["Dr. Example"],
        **change,
    }
    response = ApiClient(msl).post("/meetings", body)
    assert response.status_code == 422, response.content
    assert field in response.json()["details"]
    assert Meeting.objects.count() == 0


def test_api_patch_changes_and_cancels(msl: User, field_manager: User) -> None:
    meeting = meetings.create_meeting(actor=msl, data=data())
    client = ApiClient(msl)
    response = client.patch(f"/meetings/{meeting.pk}", {"title": "Renamed"})
    assert response.status_code == 200 and response.json()["sequence"] == 1
    response = client.patch(f"/meetings/{meeting.pk}", {"status": "cancelled"})
    assert response.json()["status"] == "cancelled" and response.json()["sequence"] == 2
    response = client.patch(f"/meetings/{meeting.pk}", {"status": "logged"})
    assert response.status_code == 422 and "status" in response.json()["details"]
    assert (
        ApiClient(field_manager).patch(f"/meetings/{meeting.pk}", {"title": "X"}).status_code == 403
    )


def test_api_patch_refusal_is_a_422_naming_the_field_and_changes_nothing(msl: User) -> None:
    meeting = meetings.create_meeting(actor=msl, data=data())
    response = ApiClient(msl).patch(
        f"/meetings/{meeting.pk}",
        {"title": "Renamed", "ends_at": (meeting.starts_at - dt.timedelta(hours=1)).isoformat()},
    )
    assert response.status_code == 422, response.content
    assert "ends_at" in response.json()["details"]
    meeting.refresh_from_db()
    assert meeting.title != "Renamed" and meeting.sequence == 0
    response = ApiClient(msl).patch(f"/meetings/{meeting.pk}", {"pre_read_pmids": [424242]})
    assert response.status_code == 422 and "pre_read_pmids" in response.json()["details"]


def test_api_list_is_paginated_and_filtered(msl: User, other_msl: User) -> None:
    now = timezone.now()
    for day in range(3):
        factories.meeting(msl, title=f"Soon {day}", starts_at=now + dt.timedelta(days=day + 1))
    factories.meeting(msl, title="Past", starts_at=now - dt.timedelta(days=3))
    factories.meeting(other_msl, title="Bob's", starts_at=now + dt.timedelta(days=1))
    body = ApiClient(msl).get("/meetings", {"page_size": 2}).json()
    assert body["count"] == 3 and [m["title"] for m in body["results"]] == ["Soon 0", "Soon 1"]
    past = ApiClient(msl).get("/meetings", {"when": "past"}).json()
    assert [m["title"] for m in past["results"]] == ["Past"]
    wrong = ApiClient(msl).get("/meetings", {"when": "yesterday"})
    assert wrong.status_code == 422 and "when" in str(wrong.json()["details"])


@pytest.mark.parametrize(
    ("starts", "ends", "field"),
    [
        ("0001-01-01T00:00:00+05:00", "0001-01-01T01:00:00+05:00", "starts_at"),
        ("0001-01-01T00:00:00", "0001-01-01T01:00:00", "starts_at"),
        ("2026-10-26T09:00:00", "9999-12-31T23:59:00-05:00", "ends_at"),
    ],
)
def test_api_refuses_dates_no_calendar_holds(msl: User, starts: str, ends: str, field: str) -> None:
    body = {
        "title": "Visit",
        "starts_at": starts,
        "ends_at": ends,
        "time_zone": "America/New_York",
        "other_attendees": ["Dr. Example"],
    }
    response = ApiClient(msl).post("/meetings", body)
    assert response.status_code == 422, response.content
    details = response.json()["details"]
    assert field in details and "between 1970 and 2200" in details[field]


def test_a_wall_clock_time_in_the_spring_gap_is_kept(msl: User) -> None:
    # 02:30 does not exist in Berlin on 29 March 2026: read as 03:30 summer time (fold 0).
    meeting = meetings.create_meeting(
        actor=msl,
        data=data(
            starts_at=dt.datetime(2026, 3, 29, 2, 30), ends_at=dt.datetime(2026, 3, 29, 4, 0)
        ),
    )
    assert meeting.starts_at == dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC)
