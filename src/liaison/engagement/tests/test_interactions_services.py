"""The interaction services: logging with inline insights and follow-ups, every
rule said by field, off-label and its attestation, the edit window and
amendments, audit events, drafts."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.utils import timezone

from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.models import AuditEvent, User
from liaison.directory.tests import factories as directory
from liaison.engagement.models import (
    FollowUp,
    Insight,
    Interaction,
    InteractionDraft,
    MeetingStatus,
)
from liaison.engagement.offlabel import off_label_findings
from liaison.engagement.services import capture, drafts
from liaison.engagement.services.data import InsightData, InteractionData
from liaison.engagement.services.interactions import (
    create_interaction,
    delete_interaction,
    meeting_service,
    update_interaction,
)
from liaison.engagement.tests import factories

pytestmark = pytest.mark.django_db


def _events(record: Any) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            record_type=f"{record._meta.app_label}.{record._meta.model_name}",
            record_id=str(record.pk),
        ).order_by("pk")
    )


def _data(**values: Any) -> InteractionData:
    values.setdefault("occurred_at", timezone.now() - dt.timedelta(hours=1))
    values.setdefault("time_zone", "Europe/Berlin")
    values.setdefault("channel", "in_person")
    values.setdefault("kind", "one_to_one")
    if "hcps" not in values:
        values["hcps"] = [factories.an_hcp()]
    return values  # type: ignore[return-value]


def _counts() -> tuple[int, int, int, int]:
    return (
        Interaction.objects.count(),
        Insight.objects.count(),
        FollowUp.objects.count(),
        AuditEvent.objects.count(),
    )


def test_logs_with_inline_insight_and_follow_up_audited(msl: User) -> None:
    hcp = factories.an_hcp("Weber")
    due = timezone.localdate() + dt.timedelta(days=10)
    record = create_interaction(
        actor=msl,
        data=_data(
            hcps=[hcp],
            notes="Asked about elderly data",
            insights=[{"statement": "Elderly data missing", "category": factories.category()}],
            follow_ups=[{"description": "Send the poster", "due": due}],
        ),
    )
    assert record.msl == msl and list(record.hcps.all()) == [hcp]
    insight = record.insights.get()
    assert insight.msl == msl and insight.hcp == hcp and insight.country == "DE"
    follow_up = record.follow_ups.get()
    assert follow_up.owner == msl and follow_up.due == due and follow_up.hcp == hcp
    for created in (record, insight, follow_up):
        assert [event.action for event in _events(created)] == ["create"]


def test_no_attendee_and_future_date_are_named_together_nothing_saved(msl: User) -> None:
    before = _counts()
    with pytest.raises(LiaisonError) as caught:
        create_interaction(
            actor=msl,
            data=_data(hcps=[], occurred_at=timezone.now() + dt.timedelta(days=2)),
        )
    assert {"hcps", "occurred_at"} <= set(caught.value.details)
    assert "future" in caught.value.details["occurred_at"]
    assert _counts() == before


def test_time_zone_and_meeting_link_are_checked(msl: User) -> None:
    with pytest.raises(LiaisonError) as caught:
        create_interaction(
            actor=msl,
            data=_data(time_zone="Mars/Olympus", meeting_link="http://zoom.us/j/1"),
        )
    assert {"time_zone", "meeting_link"} <= set(caught.value.details)
    record = create_interaction(
        actor=msl, data=_data(channel="virtual", meeting_link="https://example.org/room/42")
    )
    assert record.meeting_link == "https://example.org/room/42"


@pytest.mark.parametrize(
    ("url", "service"),
    [
        ("https://us02web.zoom.us/j/85512345678?pwd=abc", "Zoom"),
        ("https://teams.microsoft.com/l/meetup-join/19%3ameeting", "Microsoft Teams"),
        ("https://acme.webex.com/meet/alice", "Webex"),
        ("https://notzoom.us.example.org/j/1", None),
        ("https://example.org/zoom.us", None),
        ("", None),
    ],
)
def test_meeting_service_recognises_links(url: str, service: str | None) -> None:
    assert meeting_service(url) == service


def test_inline_errors_are_named_by_place_nothing_saved(msl: User) -> None:
    occurred = timezone.now() - dt.timedelta(days=3)
    before = _counts()
    with pytest.raises(LiaisonError) as caught:
        create_interaction(
            actor=msl,
            data=_data(
                occurred_at=occurred,
                insights=[
                    {"statement": "Fine", "category": factories.category()},
                    {"statement": "  ", "category": factories.category()},
                ],
                follow_ups=[
                    {"description": "Call back", "due": occurred.date() - dt.timedelta(days=1)}
                ],
            ),
        )
    details = caught.value.details
    assert "insights.1.statement" in details
    assert "insights.0.statement" not in details
    assert "before its interaction" in details["follow_ups.0.due"]
    assert _counts() == before


def test_follow_up_due_the_interactions_local_day_is_accepted(msl: User) -> None:
    # 23:30 UTC on 1 Dec is 2 Dec in Tokyo: a follow-up due 2 Dec is not "before" it.
    occurred = dt.datetime(2026, 12, 1, 23, 30, tzinfo=dt.UTC)
    record = create_interaction(
        actor=msl,
        data=_data(
            occurred_at=occurred,
            time_zone="Asia/Tokyo",
            follow_ups=[{"description": "Send", "due": dt.date(2026, 12, 2)}],
        ),
    )
    assert record.follow_ups.get().due == dt.date(2026, 12, 2)
    with pytest.raises(LiaisonError) as caught:
        capture.create_follow_up(
            actor=msl, data={"description": "x", "due": dt.date(2026, 12, 1), "interaction": record}
        )
    assert caught.value.field == "due"


def _labelled_world() -> tuple[Any, Any, Any]:
    oncology = directory.therapeutic_area()
    haematology = directory.therapeutic_area("haematology", "Haematology")
    product = directory.product("Oncovirumab", therapeutic_area=oncology)
    directory.indication(product, "DE")
    return product, oncology, haematology


def test_off_label_findings_in_words() -> None:
    product, oncology, haematology = _labelled_world()
    german = factories.an_hcp("Weber", country="DE")
    french = factories.an_hcp("Martin", country="FR")
    assert off_label_findings([german], [product], [oncology]) == []
    texts = [finding.text for finding in off_label_findings([german, french], [product], [])]
    assert texts == ["Oncovirumab has no labelled indication in France"]
    texts = [finding.text for finding in off_label_findings([german], [product], [haematology])]
    assert texts == ["Oncovirumab is not labelled for Haematology in Germany"]


def test_off_label_needs_the_attestation(msl: User) -> None:
    product, oncology, _ = _labelled_world()
    french = factories.an_hcp("Martin", country="FR")
    before = _counts()
    with pytest.raises(LiaisonError) as caught:
        create_interaction(actor=msl, data=_data(hcps=[french], products=[product]))
    assert caught.value.field == "unsolicited"
    assert "Oncovirumab has no labelled indication in France" in caught.value.message
    with pytest.raises(LiaisonError) as caught:
        create_interaction(
            actor=msl, data=_data(hcps=[french], products=[product], unsolicited=True)
        )
    assert "unsolicited_requested_by" in caught.value.details
    assert _counts() == before
    record = create_interaction(
        actor=msl,
        data=_data(
            hcps=[french],
            products=[product],
            unsolicited=True,
            unsolicited_requested_by="Dr Martin",
            unsolicited_how="asked after the talk",
            off_label=False,
        ),
    )
    assert record.off_label is True
    on_label = create_interaction(
        actor=msl,
        data=_data(hcps=[factories.an_hcp()], products=[product], therapeutic_areas=[oncology]),
    )
    assert on_label.off_label is False


def test_logging_a_meeting_marks_it_and_deletes_the_draft(msl: User, other_msl: User) -> None:
    meeting = factories.meeting(msl, starts_at=timezone.now() - dt.timedelta(hours=2))
    draft = drafts.save_draft(actor=msl, data={"notes": "half"}, meeting=meeting)
    record = create_interaction(actor=msl, data=_data(meeting=meeting), draft=draft)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.LOGGED and record.meeting == meeting
    assert not InteractionDraft.objects.filter(pk=draft.pk).exists()
    with pytest.raises(LiaisonError) as caught:
        create_interaction(actor=msl, data=_data(meeting=meeting))
    assert caught.value.field == "meeting"
    with pytest.raises(PermissionDenied):
        create_interaction(actor=other_msl, data=_data(meeting=meeting))


def test_edit_window_then_amend_with_reason(msl: User, settings: Any) -> None:
    settings.LIAISON_INTERACTION_EDIT_DAYS = 7
    record = factories.interaction(msl)
    changes = update_interaction(actor=msl, interaction=record, data={"notes": "Fixed"})
    assert changes["notes"][1] == "Fixed" and record.amendment_count == 0
    old = factories.interaction(msl, created_at=timezone.now() - dt.timedelta(days=8))
    with pytest.raises(LiaisonError) as caught:
        update_interaction(actor=msl, interaction=old, data={"notes": "Late"})
    assert caught.value.field == "reason"
    old.refresh_from_db()
    assert old.notes != "Late" and old.amendment_count == 0
    update_interaction(
        actor=msl, interaction=old, data={"notes": "Late"}, reason="Typo in the dose"
    )
    old.refresh_from_db()
    assert old.notes == "Late" and old.amendment_count == 1
    event = _events(old)[-1]
    assert event.action == "update" and event.reason == "Typo in the dose"
    assert update_interaction(actor=msl, interaction=old, data={"notes": "Late"}, reason="x") == {}
    old.refresh_from_db()
    assert old.amendment_count == 1


def test_someone_elses_interaction_is_refused(msl: User, other_msl: User) -> None:
    record = factories.interaction(msl)
    with pytest.raises(PermissionDenied):
        update_interaction(actor=other_msl, interaction=record, data={"notes": "x"})


def test_update_rechecks_rules_and_off_label(msl: User) -> None:
    product, _, _ = _labelled_world()
    record = factories.interaction(msl, hcps=[factories.an_hcp("Martin", country="FR")])
    with pytest.raises(LiaisonError) as caught:
        update_interaction(actor=msl, interaction=record, data={"products": [product], "hcps": []})
    assert {"hcps"} <= set(caught.value.details)
    with pytest.raises(LiaisonError) as caught:
        update_interaction(actor=msl, interaction=record, data={"products": [product]})
    assert caught.value.field == "unsolicited"
    assert list(record.products.all()) == []


def test_delete_is_an_administrators_with_a_reason(msl: User, admin_user: User) -> None:
    record = create_interaction(
        actor=msl,
        data=_data(insights=[{"statement": "Heard", "category": factories.category()}]),
    )
    insight = record.insights.get()
    with pytest.raises(PermissionDenied):
        delete_interaction(actor=msl, interaction=record, reason="mine")
    with pytest.raises(LiaisonError) as caught:
        delete_interaction(actor=admin_user, interaction=record, reason=" ")
    assert caught.value.field == "reason"
    record_pk = record.pk
    delete_interaction(actor=admin_user, interaction=record, reason="Logged twice")
    assert not Interaction.objects.filter(pk=record_pk).exists()
    deletes = AuditEvent.objects.filter(action="delete", reason="Logged twice")
    assert {event.record_id for event in deletes} >= {str(record_pk), str(insight.pk)}


def test_standalone_insight_defaults_and_update(msl: User, other_msl: User) -> None:
    hcp = factories.an_hcp("Dubois", country="FR")
    insight = capture.create_insight(
        actor=msl,
        data={"statement": "Access is slow", "category": factories.category(), "hcp": hcp},
    )
    assert insight.country == "FR" and insight.msl == msl
    capture.update_insight(actor=msl, insight=insight, data={"statement": "Access is slower"})
    insight.refresh_from_db()
    assert insight.statement == "Access is slower"
    assert [event.action for event in _events(insight)] == ["create", "update"]
    with pytest.raises(PermissionDenied):
        capture.update_insight(actor=other_msl, insight=insight, data={"statement": "x"})


def test_a_strategic_question_of_another_area_or_retired_is_refused(msl: User) -> None:
    oncology = directory.therapeutic_area()
    cardiology = directory.therapeutic_area("cardiology", "Cardiology")
    theirs = factories.strategic_question(therapeutic_area=cardiology, code="C1")
    retired = factories.strategic_question(therapeutic_area=oncology, code="O9", active=False)
    ours = factories.strategic_question(therapeutic_area=oncology, code="O1")
    base: InsightData = {"statement": "Access is slow", "category": factories.category()}
    for question, words in ((theirs, "Cardiology"), (retired, "no longer")):
        with pytest.raises(LiaisonError) as refused:
            capture.create_insight(
                actor=msl,
                data={**base, "therapeutic_area": oncology, "strategic_questions": [question]},
            )
        assert words in refused.value.details["strategic_questions"]
    insight = capture.create_insight(
        actor=msl, data={**base, "therapeutic_area": oncology, "strategic_questions": [ours]}
    )
    with pytest.raises(LiaisonError) as refused:
        capture.update_insight(actor=msl, insight=insight, data={"strategic_questions": [theirs]})
    assert refused.value.field == "strategic_questions"
    assert list(insight.strategic_questions.all()) == [ours]
    with pytest.raises(LiaisonError) as refused:
        create_interaction(
            actor=msl,
            data={
                "occurred_at": timezone.now(),
                "time_zone": "Europe/Berlin",
                "hcps": [factories.an_hcp()],
                "channel": "phone",
                "kind": "one_to_one",
                "insights": [
                    {**base, "therapeutic_area": oncology, "strategic_questions": [theirs]}
                ],
            },
        )
    assert "insights.0.strategic_questions" in refused.value.details


def test_follow_up_on_someone_elses_interaction_is_refused(msl: User, other_msl: User) -> None:
    record = factories.interaction(msl)
    with pytest.raises(PermissionDenied):
        capture.create_follow_up(
            actor=other_msl,
            data={"description": "x", "due": timezone.localdate(), "interaction": record},
        )


def test_drafts_keep_typing_and_are_not_audited(msl: User, other_msl: User) -> None:
    before = AuditEvent.objects.count()
    typed = {"occurred_at": "tomorrow-ish", "hcps": ["12", "x"], "notes": "half a thought"}
    draft = drafts.save_draft(actor=msl, data=typed)
    assert InteractionDraft.objects.get(pk=draft.pk).data == typed
    drafts.save_draft(actor=msl, data={"notes": "more"}, draft=draft)
    assert InteractionDraft.objects.get(pk=draft.pk).data == {"notes": "more"}
    with pytest.raises(PermissionDenied):
        drafts.save_draft(actor=other_msl, data={}, draft=draft)
    with pytest.raises(PermissionDenied):
        drafts.delete_draft(actor=other_msl, draft=draft)
    drafts.delete_draft(actor=msl, draft=draft)
    assert not InteractionDraft.objects.exists()
    assert AuditEvent.objects.count() == before


def test_time_is_kept_in_its_zone(msl: User) -> None:
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    occurred = dt.datetime(2026, 3, 30, 9, 0, tzinfo=berlin)
    record = create_interaction(actor=msl, data=_data(occurred_at=occurred))
    record.refresh_from_db()
    assert record.occurred_at.astimezone(berlin).hour == 9


def test_a_time_without_offset_is_read_in_the_interactions_zone(msl: User) -> None:
    naive = dt.datetime(2026, 6, 1, 9, 0)
    record = create_interaction(
        actor=msl, data=_data(occurred_at=naive, time_zone="America/New_York")
    )
    record.refresh_from_db()
    assert record.occurred_at == dt.datetime(2026, 6, 1, 13, 0, tzinfo=dt.UTC)
    update_interaction(
        actor=msl, interaction=record, data={"occurred_at": dt.datetime(2026, 6, 1, 10, 0)}
    )
    record.refresh_from_db()
    assert record.occurred_at == dt.datetime(2026, 6, 1, 14, 0, tzinfo=dt.UTC)


def test_unknown_field_and_missing_category_are_named(msl: User) -> None:
    with pytest.raises(LiaisonError) as caught:
        create_interaction(actor=msl, data={**_data(), "colour": "red"})  # type: ignore[typeddict-unknown-key]
    assert caught.value.field == "colour"
    with pytest.raises(LiaisonError) as caught:
        create_interaction(actor=msl, data=_data(insights=[{"statement": "No category"}]))
    assert caught.value.details["insights.0.category"] == "choose a category"
