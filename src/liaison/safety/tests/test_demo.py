"""The safety part of the demo world: the MSLs' notes raise flags through the real
screen (a negated mention raises none), most are confirmed into cases that
pharmacovigilance works (coded, assessed, one submitted and acknowledged), one is
dismissed with a reason, the newest stay open; the same seed gives the same world."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from liaison.core.models import User
from liaison.demo.world import build_demo
from liaison.engagement.models import Interaction
from liaison.safety import selectors
from liaison.safety.models import (
    Case,
    CaseStatus,
    Flag,
    FlagStatus,
    Submission,
    SubmissionStatus,
)
from liaison.safety.screening import screen
from liaison.safety.services.flags import screen_products

SMALL = 300


@pytest.fixture
def world(db: None, tmp_path: Path, settings: Any) -> Any:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build_demo(seed=42, hcps=SMALL, data_dir=tmp_path)


def fingerprint() -> list[tuple[Any, ...]]:
    return sorted(Flag.objects.values_list("kind", "product_name", "terms", "status", "heard_on"))


def test_demo_flags_come_from_the_notes_and_are_handled(world: Any) -> None:
    # The interactions' flags: medical information's demo inquiries raise their own.
    flags = list(Flag.objects.filter(source_label="engagement.Interaction"))
    assert len(flags) >= 5
    notes = {pk: text for pk, text in Interaction.objects.values_list("pk", "notes")}
    products = screen_products()
    for flag in flags:
        # The flag's sentence is in its interaction's notes, and the screen finds it again.
        assert flag.sentence in notes[flag.source_id]
        assert any(
            found.sentence == flag.sentence for found in screen(notes[flag.source_id], products)
        )
    statuses = {flag.status for flag in flags}
    assert statuses == {FlagStatus.OPEN, FlagStatus.CONFIRMED, FlagStatus.DISMISSED}
    dismissed = [flag for flag in flags if flag.status == FlagStatus.DISMISSED]
    assert all(flag.dismiss_reason for flag in dismissed)
    # The negated sentence ("No rash or other skin reaction...") raised no flag.
    assert not any(flag.sentence.startswith("No rash") for flag in flags)


def test_demo_cases_are_worked_by_pharmacovigilance(world: Any) -> None:
    cases = list(Case.objects.all())
    assert len(cases) >= 3
    confirmed = Flag.objects.filter(status=FlagStatus.CONFIRMED)
    assert {flag.case_id for flag in confirmed} == {case.pk for case in cases}
    for case in cases:
        flag = Flag.objects.filter(case=case).first()
        assert flag is not None and case.day_zero == flag.heard_on
    assert Case.objects.filter(status=CaseStatus.INTAKE).count() == 1
    coded = [case for case in cases if case.reactions.exclude(meddra_code="").exists()]
    assert coded, "pharmacovigilance coded the reactions of the forwarded cases"
    accepted = Submission.objects.get(status=SubmissionStatus.ACCEPTED)
    assert accepted.case.submission_status == SubmissionStatus.ACCEPTED
    # Exported, marked sent, then acknowledged: the case submitted when it was sent.
    assert accepted.sent_by is not None and accepted.case.submitted_at == accepted.sent_at
    rows = selectors.queue(User.objects.get(username="pv"))
    assert len(rows) == len(cases)
    assert all(row.forwarding.due is not None for row in rows)


def test_same_seed_gives_the_same_safety_world(world: Any, tmp_path: Path) -> None:
    first = fingerprint()
    build_demo(seed=42, hcps=SMALL, data_dir=tmp_path, force=True)
    assert fingerprint() == first
