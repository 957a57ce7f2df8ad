"""Inquiry services: intake (requester, due day, the screening hook), hand-off,
assignment, priority, cancelling, closing, follow-ups (on- and off-label in
``test_services_off_label``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from freezegun import freeze_time

from liaison.core import registry
from liaison.core.errors import Conflict, LiaisonError, PermissionDenied
from liaison.core.models import AuditEvent, Role, User
from liaison.directory.tests import factories as directory
from liaison.engagement.tests import factories as engagement
from liaison.medinfo.models import Handoff, Inquiry, InquiryChannel, InquiryStatus, Priority
from liaison.medinfo.services import (
    assign_inquiry,
    cancel_inquiry,
    close_inquiry,
    create_follow_up_inquiry,
    forward_inquiry,
    set_priority,
    take_inquiry,
)
from liaison.medinfo.services.inquiries import inquiry_url
from liaison.medinfo.tests import factories
from liaison.medinfo.tests.intake import NSCLC, attestation, phone_inquiry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("screened")]


# Intake in the field


def test_field_intake_takes_requester_and_time_from_the_interaction(msl: User) -> None:
    product = factories.own_product()
    factories.labelled(product, "DE", NSCLC)
    weber = factories.hcp("Weber", emails=["weber@charite.example"])
    charite = directory.organization("Charité")
    directory.affiliation(weber, charite, is_primary=True)
    visit = engagement.interaction(msl, [weber])

    inquiry = take_inquiry(
        actor=msl,
        data={
            "interaction": visit,
            "question": "Any data in EGFR-mutated metastatic non-small cell lung cancer?",
            "product": product,
            "indication": NSCLC,
        },
    )

    assert inquiry.requester_hcp == weber
    assert inquiry.requester_name == weber.full_name
    assert inquiry.requester_organization == "Charité"
    assert inquiry.requester_email == "weber@charite.example"
    assert inquiry.requester_country == "DE"
    assert inquiry.channel == InquiryChannel.FIELD
    assert inquiry.received_at == visit.occurred_at
    assert inquiry.off_label is False


def test_field_intake_is_handed_to_medical_information_in_one_step(msl: User) -> None:
    inquiry = take_inquiry(actor=msl, data=phone_inquiry(channel=InquiryChannel.FIELD))

    assert inquiry.status == InquiryStatus.FORWARDED
    assert inquiry.forwarded_at is not None
    handoff = Handoff.objects.get(inquiry=inquiry)
    assert (handoff.from_user, handoff.to_user, handoff.to_team) == (
        msl,
        None,
        "medical information",
    )


def test_field_intake_without_forwarding_stays_with_the_msl(msl: User) -> None:
    inquiry = take_inquiry(actor=msl, data=phone_inquiry(), forward=False)

    assert inquiry.status == InquiryStatus.RECEIVED
    assert inquiry.forwarded_at is None
    handoff = Handoff.objects.get(inquiry=inquiry)
    assert handoff.to_user == msl
    assert handoff.to_team == ""


def test_medical_information_intake_starts_with_medical_information(medinfo: User) -> None:
    inquiry = take_inquiry(actor=medinfo, data=phone_inquiry(), forward=False)

    assert inquiry.status == InquiryStatus.FORWARDED
    assert inquiry.received_by == medinfo


def test_medical_information_intake_names_its_channel(medinfo: User) -> None:
    data = phone_inquiry()
    del data["channel"]

    with pytest.raises(LiaisonError) as refused:
        take_inquiry(actor=medinfo, data=data)

    assert "channel" in refused.value.details
    assert not Inquiry.objects.exists()


def test_inquiry_reference_carries_year_and_number(medinfo: User) -> None:
    inquiry = take_inquiry(actor=medinfo, data=phone_inquiry())

    assert inquiry.reference == f"MI-{inquiry.created_at.year}-{inquiry.pk:05d}"
    assert Inquiry.objects.get(pk=inquiry.pk).reference == inquiry.reference


def test_intake_is_audited_with_its_first_handoff(medinfo: User) -> None:
    inquiry = take_inquiry(actor=medinfo, data=phone_inquiry())

    events = AuditEvent.objects.filter(record_id__in=[str(inquiry.pk)])
    created = events.get(record_type="medinfo.inquiry", action="create")
    assert created.changes["reference"] == [None, inquiry.reference]
    handoff = Handoff.objects.get(inquiry=inquiry)
    assert AuditEvent.objects.filter(
        record_type="medinfo.handoff", record_id=str(handoff.pk), action="create"
    ).exists()


# The requester


def test_hcp_requester_country_comes_from_the_directory(medinfo: User) -> None:
    french = factories.hcp("Martin", country="FR")

    inquiry = take_inquiry(
        actor=medinfo,
        data=phone_inquiry(requester_hcp=french, requester_country="DE", requester_name="X"),
    )

    assert inquiry.requester_country == "FR"
    assert inquiry.requester_name == french.full_name


def test_another_requester_needs_a_name_and_a_country(medinfo: User) -> None:
    data = phone_inquiry(requester_name="  ")
    del data["requester_country"]

    with pytest.raises(LiaisonError) as refused:
        take_inquiry(actor=medinfo, data=data)

    assert set(refused.value.details) >= {"requester_name", "requester_country"}
    assert "Requester's country" in refused.value.message
    assert not Inquiry.objects.exists()


def test_interaction_with_several_hcps_needs_to_say_who_asked(msl: User) -> None:
    visit = engagement.interaction(msl, [factories.hcp("Weber"), factories.hcp("Schulz")])

    with pytest.raises(LiaisonError) as refused:
        take_inquiry(actor=msl, data={"interaction": visit, "question": "Dosing in the elderly?"})

    assert "2 HCPs" in refused.value.details["requester_hcp"]


def test_requester_must_have_attended_the_interaction(msl: User) -> None:
    visit = engagement.interaction(msl, [factories.hcp("Weber")])
    absent = factories.hcp("Schulz")

    with pytest.raises(LiaisonError) as refused:
        take_inquiry(
            actor=msl,
            data={"interaction": visit, "requester_hcp": absent, "question": "Dosing?"},
        )

    assert "did not attend" in refused.value.details["requester_hcp"]


def test_msl_cannot_take_an_inquiry_from_another_msls_interaction(
    msl: User, other_msl: User
) -> None:
    visit = engagement.interaction(other_msl, [factories.hcp("Weber")])

    with pytest.raises(PermissionDenied):
        take_inquiry(actor=msl, data={"interaction": visit, "question": "Dosing?"})

    assert not Inquiry.objects.exists()


def test_outsider_cannot_take_an_inquiry(outsider: User) -> None:
    with pytest.raises(PermissionDenied):
        take_inquiry(actor=outsider, data=phone_inquiry())


def test_inquiry_received_in_the_future_is_refused(medinfo: User) -> None:
    later = timezone.now() + dt.timedelta(days=2)

    with pytest.raises(LiaisonError) as refused:
        take_inquiry(actor=medinfo, data=phone_inquiry(received_at=later))

    assert "future" in refused.value.details["received_at"]


def test_blank_question_is_refused_in_words(medinfo: User) -> None:
    with pytest.raises(LiaisonError) as refused:
        take_inquiry(actor=medinfo, data=phone_inquiry(question=" "))

    assert refused.value.details["question"] == "give the question as it was asked"


# The due day


def test_due_day_skips_the_french_national_day(medinfo: User) -> None:
    # Monday 13 July 2026; 14 July is a public holiday in France.
    received = dt.datetime(2026, 7, 13, 10, tzinfo=dt.UTC)

    inquiry = take_inquiry(
        actor=medinfo, data=phone_inquiry(received_at=received, priority=Priority.HIGH)
    )

    # Three business days: Wednesday 15, Thursday 16, Friday 17 July.
    assert inquiry.due_on == dt.date(2026, 7, 17)


def test_due_day_skips_christmas_and_new_year_in_germany(medinfo: User) -> None:
    with freeze_time("2026-12-24 10:00:00"):
        inquiry = take_inquiry(
            actor=medinfo, data=phone_inquiry(requester_country="DE", priority=Priority.NORMAL)
        )

    # Thursday 24 December; 25 and 26 are holidays, then the weekend, 1 January a
    # holiday: 28, 29, 30, 31 December and Monday 4 January are the five days.
    assert inquiry.due_on == dt.date(2027, 1, 4)


def test_due_day_follows_the_configured_targets(medinfo: User, settings: Any) -> None:
    settings.LIAISON_INQUIRY_TARGET_DAYS = {"normal": 2}
    # Friday 3 July 2026: two business days are Monday 6 and Tuesday 7 July.
    received = dt.datetime(2026, 7, 3, 9, tzinfo=dt.UTC)

    inquiry = take_inquiry(actor=medinfo, data=phone_inquiry(received_at=received))

    assert inquiry.due_on == dt.date(2026, 7, 7)


# Screening for adverse events


def test_question_is_handed_to_the_screens(
    medinfo: User, screened: list[registry.SavedText]
) -> None:
    received = timezone.now() - dt.timedelta(days=1)
    question = "Her patient had a rash after the second dose of Onvexa; what should she do?"

    inquiry = take_inquiry(
        actor=medinfo, data=phone_inquiry(question=question, received_at=received)
    )

    [text] = screened
    assert (text.kind, text.source, text.source_id) == ("inquiry", "medinfo.Inquiry", inquiry.pk)
    assert text.title == f"Inquiry {inquiry.reference}"
    assert text.texts == {"Question": question}
    assert text.heard_on == timezone.localdate(received)
    assert text.country == "FR"
    assert text.author == medinfo
    assert text.url == inquiry_url(inquiry)


def test_an_adverse_event_in_a_question_raises_a_safety_flag(
    medinfo: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.undo()  # the real screens, safety's among them
    from liaison.safety.models import Flag

    product = factories.own_product()
    factories.labelled(product, "FR", NSCLC)
    question = "Since starting Onvexa her patient developed a severe rash. Should she stop it?"

    inquiry = take_inquiry(
        actor=medinfo, data=phone_inquiry(question=question, product=product, indication=NSCLC)
    )

    flag = Flag.objects.get(source_label="medinfo.Inquiry", source_id=inquiry.pk)
    assert flag.author == medinfo
    assert flag.product == product


def test_a_naive_time_is_read_in_the_servers_zone(medinfo: User) -> None:
    naive = dt.datetime(2026, 7, 13, 10)

    inquiry = take_inquiry(actor=medinfo, data=phone_inquiry(received_at=naive))

    assert inquiry.received_at == timezone.make_aware(naive)


def test_a_failing_screen_leaves_nothing_written(
    medinfo: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(text: registry.SavedText) -> None:
        raise LiaisonError("screen failed")

    monkeypatch.setattr(registry, "screen_saved_text", broken)

    with pytest.raises(LiaisonError):
        take_inquiry(actor=medinfo, data=phone_inquiry())

    assert not Inquiry.objects.exists()
    assert not Handoff.objects.exists()


# Hand-off and assignment


def test_forwarding_keeps_the_chain(msl: User, medinfo: User) -> None:
    inquiry = take_inquiry(actor=msl, data=phone_inquiry(), forward=False)

    forward_inquiry(actor=msl, inquiry=inquiry, to_user=medinfo, note="urgent for her clinic")

    stored = Inquiry.objects.get(pk=inquiry.pk)
    assert stored.status == InquiryStatus.FORWARDED
    assert stored.assigned_to == medinfo
    chain = list(Handoff.objects.filter(inquiry=inquiry).order_by("at", "pk"))
    assert [(step.from_user, step.to_user) for step in chain] == [(msl, msl), (msl, medinfo)]
    assert chain[1].note == "urgent for her clinic"


def test_an_inquiry_is_forwarded_once(msl: User) -> None:
    inquiry = take_inquiry(actor=msl, data=phone_inquiry())

    with pytest.raises(Conflict):
        forward_inquiry(actor=msl, inquiry=inquiry)


def test_another_msl_cannot_forward(msl: User, other_msl: User) -> None:
    inquiry = take_inquiry(actor=msl, data=phone_inquiry(), forward=False)

    with pytest.raises(PermissionDenied):
        forward_inquiry(actor=other_msl, inquiry=inquiry)


def test_forwarding_goes_to_medical_information_only(msl: User, pv: User) -> None:
    inquiry = take_inquiry(actor=msl, data=phone_inquiry(), forward=False)

    with pytest.raises(LiaisonError) as refused:
        forward_inquiry(actor=msl, inquiry=inquiry, to_user=pv)

    assert refused.value.field == "to_user"
    assert Inquiry.objects.get(pk=inquiry.pk).status == InquiryStatus.RECEIVED


def test_assigning_puts_the_inquiry_in_progress(msl: User, medinfo: User) -> None:
    colleague = factories.user("max", Role.MEDICAL_INFORMATION)
    inquiry = take_inquiry(actor=msl, data=phone_inquiry(), forward=False)

    assign_inquiry(actor=medinfo, inquiry=inquiry, to_user=colleague)

    stored = Inquiry.objects.get(pk=inquiry.pk)
    assert stored.status == InquiryStatus.IN_PROGRESS
    assert stored.assigned_to == colleague
    # Taken over from the field: the forwarding time is set.
    assert stored.forwarded_at is not None
    assert Handoff.objects.filter(inquiry=inquiry, to_user=colleague).exists()


def test_msl_cannot_assign(msl: User, medinfo: User) -> None:
    inquiry = take_inquiry(actor=msl, data=phone_inquiry())

    with pytest.raises(PermissionDenied):
        assign_inquiry(actor=msl, inquiry=inquiry, to_user=medinfo)


# Priority, cancelling, closing


def test_new_priority_recomputes_the_due_day_with_its_reason(medinfo: User) -> None:
    # Monday 13 July 2026 in France: urgent is due the next business day, Wednesday 15.
    received = dt.datetime(2026, 7, 13, 10, tzinfo=dt.UTC)
    inquiry = take_inquiry(actor=medinfo, data=phone_inquiry(received_at=received))

    set_priority(actor=medinfo, inquiry=inquiry, priority=Priority.URGENT, reason="patient waits")

    stored = Inquiry.objects.get(pk=inquiry.pk)
    assert (stored.priority, stored.due_on) == (Priority.URGENT, dt.date(2026, 7, 15))
    event = AuditEvent.objects.filter(record_type="medinfo.inquiry", action="update").get()
    assert event.reason == "patient waits"


def test_priority_changes_only_with_a_reason(medinfo: User) -> None:
    inquiry = take_inquiry(actor=medinfo, data=phone_inquiry())

    with pytest.raises(LiaisonError) as refused:
        set_priority(actor=medinfo, inquiry=inquiry, priority="asap", reason="")

    assert set(refused.value.details) == {"priority", "reason"}


def test_receiver_cancels_an_inquiry_still_with_them(msl: User) -> None:
    inquiry = take_inquiry(actor=msl, data=phone_inquiry(), forward=False)

    cancel_inquiry(actor=msl, inquiry=inquiry, reason="entered twice")

    stored = Inquiry.objects.get(pk=inquiry.pk)
    assert stored.status == InquiryStatus.CANCELLED
    assert stored.closed_at is not None


def test_receiver_cannot_cancel_once_forwarded(msl: User) -> None:
    inquiry = take_inquiry(actor=msl, data=phone_inquiry())

    with pytest.raises(PermissionDenied):
        cancel_inquiry(actor=msl, inquiry=inquiry, reason="entered twice")


def test_cancelling_needs_a_reason(medinfo: User) -> None:
    inquiry = take_inquiry(actor=medinfo, data=phone_inquiry())

    with pytest.raises(LiaisonError) as refused:
        cancel_inquiry(actor=medinfo, inquiry=inquiry, reason=" ")

    assert refused.value.field == "reason"


def test_closing_an_unanswered_inquiry_needs_a_reason(medinfo: User) -> None:
    inquiry = take_inquiry(actor=medinfo, data=phone_inquiry())

    with pytest.raises(LiaisonError):
        close_inquiry(actor=medinfo, inquiry=inquiry)
    close_inquiry(actor=medinfo, inquiry=inquiry, reason="the requester withdrew the question")

    assert Inquiry.objects.get(pk=inquiry.pk).status == InquiryStatus.CLOSED


def test_an_answered_inquiry_closes_without_a_reason(medinfo: User) -> None:
    inquiry = factories.inquiry(medinfo, status=InquiryStatus.ANSWERED)

    close_inquiry(actor=medinfo, inquiry=inquiry)

    assert Inquiry.objects.get(pk=inquiry.pk).status == InquiryStatus.CLOSED


def test_a_closed_inquiry_is_not_cancelled(medinfo: User) -> None:
    inquiry = factories.inquiry(medinfo, status=InquiryStatus.CLOSED)

    with pytest.raises(Conflict):
        cancel_inquiry(actor=medinfo, inquiry=inquiry, reason="late")


# Follow-ups


def test_follow_up_is_a_linked_inquiry_of_the_same_requester(medinfo: User) -> None:
    product = factories.own_product()
    factories.labelled(product, "FR", NSCLC)
    parent = take_inquiry(
        actor=medinfo, data=phone_inquiry(product=product, indication=NSCLC, topic="dosing")
    )

    follow_up = create_follow_up_inquiry(
        actor=medinfo, parent=parent, question="And with strong CYP3A4 inhibitors?"
    )

    assert follow_up.parent == parent
    assert follow_up.pk != parent.pk and follow_up.reference != parent.reference
    assert (follow_up.requester_name, follow_up.product, follow_up.topic) == (
        "Jean Dupont",
        product,
        "dosing",
    )
    assert follow_up.indication == NSCLC
    assert list(parent.follow_ups.all()) == [follow_up]


def test_off_label_follow_up_is_attested_for_itself(medinfo: User) -> None:
    product = factories.own_product()
    parent = take_inquiry(
        actor=medinfo, data=phone_inquiry(product=product, indication=NSCLC, **attestation())
    )

    with pytest.raises(LiaisonError) as refused:
        create_follow_up_inquiry(actor=medinfo, parent=parent, question="And in children?")

    assert "unsolicited_words" in refused.value.details


def test_follow_up_needs_sight_of_its_parent(msl: User, other_msl: User) -> None:
    parent = take_inquiry(actor=msl, data=phone_inquiry())

    with pytest.raises(PermissionDenied):
        create_follow_up_inquiry(actor=other_msl, parent=parent, question="And?")
