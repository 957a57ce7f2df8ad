"""The medical information part of the demo world: inquiries in every status, some
overdue; standard responses approved with a signature that verifies, one expired and
one in review; answers sent only from sendable versions; off-label inquiries
attested; the adverse event asked about flagged by safety; the same seed gives the
same inquiries.

The world is built once for the module (at the demo tests' smallest size) inside a
transaction rolled back at the end."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from liaison.core import audit, signatures
from liaison.core.demo import DemoContext
from liaison.core.models import AuditEvent, ElectronicSignature, Role, SignatureMeaning, User
from liaison.demo.world import demo_steps
from liaison.medinfo import demo, labelling, selectors, turnaround
from liaison.medinfo.models import (
    Answer,
    Handoff,
    Inquiry,
    InquiryChannel,
    InquiryStatus,
    ResponseVersion,
    StandardResponse,
    VersionStatus,
)
from liaison.medinfo.services.answers import sendable_refusal
from liaison.medinfo.services.responses import approval_of, signature_holds
from liaison.safety.models import Flag

#: The demo tests' smallest world (``liaison.demo.tests.test_demo.SMALL``).
SIZE = 300
STEP = "medinfo"


@dataclass
class Built:
    """The module's world: its context and the generator's state before this step."""

    context: DemoContext
    state: Any


def build_world(seed: int, data_dir: Path) -> Built:
    """``build_demo``'s steps with a context the tests keep."""
    context = DemoContext(
        rng=random.Random(seed),
        seed=seed,
        hcps=SIZE,
        data_dir=data_dir,
        progress=lambda step, done, total: None,
    )
    state = None
    with audit.source("demo"):
        for step in demo_steps():
            if step.name == STEP:
                state = context.rng.getstate()
            import_string(step.build)(context)
    assert state is not None, "the medinfo step is not declared"
    return Built(context, state)


@pytest.fixture(scope="module")
def world(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Built]:
    from django.conf import settings

    hashers = settings.PASSWORD_HASHERS
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), transaction.atomic():
        try:
            yield build_world(42, tmp_path_factory.mktemp("demo"))
        finally:
            transaction.set_rollback(True)
            settings.PASSWORD_HASHERS = hashers


@pytest.fixture
def db_world(world: Built, db: None) -> Built:
    return world


def fingerprint() -> dict[str, list[tuple[Any, ...]]]:
    """What the step made, without references, ids or times."""
    return {
        "inquiries": sorted(
            Inquiry.objects.values_list(
                "question",
                "status",
                "priority",
                "channel",
                "product__name",
                "requester_name",
                "requester_country",
                "off_label",
                "received_by__username",
                "interaction__hcps__family_name",
                "parent__question",
                "signature_copy",
            )
        ),
        "answers": sorted(
            Answer.objects.values_list(
                "inquiry__question", "version__standard__code", "version__number", "delivery_method"
            ),
            key=repr,
        ),
        "versions": sorted(
            ResponseVersion.objects.values_list(
                "standard__code", "number", "status", "author__username"
            ),
            key=repr,
        ),
    }


def test_every_status_is_present(db_world: Built) -> None:
    statuses = set(Inquiry.objects.values_list("status", flat=True))
    assert statuses == set(InquiryStatus.values)
    assert db_world.context.counts["medical inquiries"] == Inquiry.objects.count() >= 20
    assert db_world.context.counts["standard responses"] == StandardResponse.objects.count()


def test_some_open_inquiries_are_overdue_and_others_are_not(db_world: Built) -> None:
    medinfo = User.objects.get(username="medinfo")
    overdue = selectors.queue(medinfo, breached=True)
    assert overdue and all(row.inquiry.is_open and row.breached for row in overdue)
    assert selectors.open_breach_count(medinfo) == len(overdue)
    assert selectors.queue(medinfo, breached=False), "every open inquiry is overdue"
    today = timezone.localdate()
    report = selectors.turnaround_report(medinfo, today - dt.timedelta(days=90), today)
    assert report.total.on_time > 0 and report.total.late > 0


def test_inquiries_are_spread_over_the_last_sixty_days(db_world: Built) -> None:
    now = timezone.now()
    received = list(Inquiry.objects.values_list("received_at", flat=True))
    assert all(now - moment < dt.timedelta(days=62) for moment in received)
    assert max(received) - min(received) > dt.timedelta(days=40)
    assert len(set(Inquiry.objects.values_list("priority", flat=True))) >= 3


def test_the_story_runs_forward_for_every_inquiry(db_world: Built) -> None:
    now = timezone.now()
    for inquiry in Inquiry.objects.prefetch_related("handoffs", "answers"):
        moments = [inquiry.received_at, *(handoff.at for handoff in inquiry.handoffs.all())]
        assert moments == sorted(moments), inquiry.reference
        for later in (inquiry.forwarded_at, inquiry.answered_at, inquiry.closed_at):
            assert later is None or inquiry.received_at <= later <= now, inquiry.reference
        for answer in inquiry.answers.all():
            assert answer.delivered_at is not None and answer.delivered_by is not None
            assert inquiry.received_at <= answer.prepared_at <= answer.delivered_at <= now
        assert inquiry.handoffs.all(), inquiry.reference


def test_approved_unexpired_responses_exist_and_their_signatures_verify(db_world: Built) -> None:
    today = timezone.localdate()
    sendable = [
        version
        for version in ResponseVersion.objects.filter(standard__isnull=False)
        if version.sendable_on(today)
    ]
    assert len({version.standard_id for version in sendable}) >= 4
    for version in sendable:
        signature = approval_of(version)
        assert signature is not None and signature_holds(version)
        # Four eyes: the author did not approve.
        assert signature.signer_id != version.author_id
        assert signature.printed_name and signature.meaning == SignatureMeaning.APPROVED
    assert ResponseVersion.objects.filter(status=VersionStatus.RETIRED).exists()


def test_versions_were_written_submitted_and_approved_in_order(db_world: Built) -> None:
    for version in ResponseVersion.objects.exclude(status=VersionStatus.DRAFT):
        assert version.submitted_at is not None
        assert version.created_at <= version.submitted_at <= timezone.now(), version
        signature = approval_of(version)
        if version.status == VersionStatus.IN_REVIEW:
            assert signature is None and version.approved_at is None
            continue
        assert signature is not None and version.approved_at == signature.signed_at
        assert version.submitted_at <= version.approved_at, version


def test_one_version_expired_and_cannot_be_sent_one_waits_in_review(db_world: Built) -> None:
    today = timezone.localdate()
    expired = ResponseVersion.objects.get(status=VersionStatus.APPROVED, expires_on__lt=today)
    # Approved a year ago over its exact content: the signature holds, the date does not.
    assert signature_holds(expired)
    inquiry = Inquiry.objects.filter(status=InquiryStatus.IN_PROGRESS).first()
    assert inquiry is not None
    assert "expired" in (sendable_refusal(expired, inquiry, today) or "")
    in_review = ResponseVersion.objects.get(status=VersionStatus.IN_REVIEW)
    assert in_review.standard_id == expired.standard_id
    assert in_review.number == expired.number + 1


def test_each_answer_was_sent_from_a_signed_version_approved_before(db_world: Built) -> None:
    answers = list(Answer.objects.select_related("version", "inquiry"))
    assert len(answers) >= 8
    assert any(answer.version.inquiry_id == answer.inquiry_id for answer in answers)  # custom
    for answer in answers:
        version = answer.version
        assert signature_holds(version), version
        assert version.approved_at is not None and version.approved_at <= answer.prepared_at
        assert version.expires_on is not None and version.expires_on >= answer.prepared_at.date()
        assert answer.inquiry.status in (InquiryStatus.ANSWERED, InquiryStatus.CLOSED)


def test_off_label_inquiries_carry_the_attestation(db_world: Built) -> None:
    off_label = list(Inquiry.objects.filter(off_label=True))
    assert len(off_label) >= 3
    for inquiry in off_label:
        assert inquiry.off_label_reason
        assert inquiry.unsolicited_requested_by == inquiry.requester_name
        assert inquiry.unsolicited_requested_at is not None
        assert inquiry.unsolicited_requested_at <= inquiry.received_at
        assert inquiry.unsolicited_how and inquiry.unsolicited_words == inquiry.question
    on_label = Inquiry.objects.filter(off_label=False, product__isnull=False)
    for inquiry in on_label:
        decision = labelling.decide(
            inquiry.product,
            inquiry.requester_country,
            therapeutic_area=inquiry.therapeutic_area,
            indication=inquiry.indication,
        )
        assert not decision.off_label and not inquiry.unsolicited_words


def test_field_inquiries_come_from_the_msls_interactions(db_world: Built) -> None:
    field = list(Inquiry.objects.filter(interaction__isnull=False).select_related("interaction"))
    assert len(field) >= 5
    for inquiry in field:
        interaction = inquiry.interaction
        assert interaction is not None
        assert inquiry.channel == InquiryChannel.FIELD
        assert inquiry.received_by_id == interaction.msl_id
        assert inquiry.received_at == interaction.occurred_at
        assert inquiry.requester_hcp_id in {hcp.pk for hcp in interaction.hcps.all()}
    kept = Inquiry.objects.filter(status=InquiryStatus.RECEIVED)
    assert kept and all(inquiry.received_by.role == Role.MSL for inquiry in kept)


def test_an_msl_kept_an_inquiry_then_handed_it_to_medical_information(db_world: Built) -> None:
    medinfo = User.objects.get(username="medinfo")
    handed = [
        inquiry
        for inquiry in Inquiry.objects.filter(status=InquiryStatus.FORWARDED, channel="field")
        if inquiry.handoffs.count() == 2
    ]
    assert handed
    kept, forwarded = selectors.chain_of_custody(medinfo, handed[0])
    assert kept.from_user == kept.to_user == handed[0].received_by
    assert forwarded.to_user == medinfo and forwarded.at == handed[0].forwarded_at
    assert handed[0].received_by.role == Role.MSL


def test_requesters_are_demo_hcps_and_named_people(db_world: Built) -> None:
    assert Inquiry.objects.filter(requester_hcp__isnull=False).count() >= 15
    people = Inquiry.objects.filter(requester_hcp__isnull=True)
    assert people.filter(
        requester_name="Katrin Vogel", requester_organization__icontains="pharmacy"
    )


def test_each_inquiry_is_dated_where_it_was_taken(db_world: Built) -> None:
    inquiries = list(Inquiry.objects.select_related("interaction", "parent"))
    for inquiry in inquiries:
        if inquiry.parent is not None:
            assert inquiry.time_zone == inquiry.parent.time_zone
        elif inquiry.interaction is not None:
            assert inquiry.time_zone == inquiry.interaction.time_zone
    nurse = {i.time_zone for i in inquiries if i.requester_name.startswith("Megan Castillo")}
    assert nurse == {"America/Los_Angeles"}
    assert {i.time_zone for i in inquiries if i.requester_hcp and i.requester_country == "DE"} <= {
        "Europe/Berlin"
    }


def test_follow_ups_link_to_their_question(db_world: Built) -> None:
    follow_ups = list(Inquiry.objects.filter(parent__isnull=False).select_related("parent"))
    assert len(follow_ups) >= 2
    for inquiry in follow_ups:
        parent = inquiry.parent
        assert parent is not None and parent.answered_at is not None
        assert inquiry.requester_name == parent.requester_name
        assert inquiry.received_at > parent.answered_at


def test_the_adverse_event_asked_about_raised_a_safety_flag(db_world: Built) -> None:
    inquiry = Inquiry.objects.get(question__icontains="jaundice")
    flags = Flag.objects.filter(source_label="medinfo.Inquiry", source_id=inquiry.pk)
    assert [flag.product_name for flag in flags] == ["Onvexa"]
    assert flags[0].heard_on == turnaround.day_of(inquiry.received_at, turnaround.zone_of(inquiry))
    # No other question mentions an event with our products.
    assert Flag.objects.filter(source_label="medinfo.Inquiry").count() == 1


def test_same_seed_gives_the_same_inquiries(db_world: Built) -> None:
    before = fingerprint()
    later = [step for step in demo_steps() if step.order >= 720]
    for step in reversed(later):
        assert step.clear
        import_string(step.clear)(db_world.context)
    assert not Inquiry.objects.exists()
    db_world.context.rng.setstate(db_world.state)
    demo.build(db_world.context)
    assert fingerprint() == before


def test_clear_removes_the_step_audited(db_world: Built) -> None:
    inquiries = Inquiry.objects.count()
    version_ids = [str(pk) for pk in ResponseVersion.objects.values_list("pk", flat=True)]
    later = [step for step in demo_steps() if step.order >= 720]
    for step in reversed(later):
        assert step.clear
        import_string(step.clear)(db_world.context)
    for model in (Inquiry, Handoff, Answer, ResponseVersion, StandardResponse):
        assert not model.objects.exists(), model
    assert not ElectronicSignature.objects.filter(
        record_label=signatures.record_label_of(ResponseVersion), record_id__in=version_ids
    ).exists()
    deleted = AuditEvent.objects.filter(record_type="medinfo.inquiry", action="delete")
    assert deleted.count() == inquiries
