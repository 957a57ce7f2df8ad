"""The escalation task as the worker runs it again and again: each run escalates the
flags past their business day that no run escalated yet, so a task queued twice
(a worker taking the lead queues it at once) escalates and audits each flag once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from liaison.core.models import AuditEvent, User
from liaison.safety.models import Flag
from liaison.safety.tasks import escalate_flags_task
from liaison.safety.tests import factories

pytestmark = pytest.mark.django_db


def escalation_events(flag: Flag) -> int:
    return AuditEvent.objects.filter(record_type="safety.flag", record_id=str(flag.pk)).count()


def test_a_second_run_escalates_nothing_again(msl: User) -> None:
    old = factories.flag(msl)
    Flag.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=7))
    before = escalation_events(old)

    assert escalate_flags_task.call() == 1
    escalated_at = Flag.objects.get(pk=old.pk).escalated_at
    assert escalate_flags_task.call() == 0

    old.refresh_from_db()
    assert escalated_at is not None and old.escalated_at == escalated_at
    assert escalation_events(old) == before + 1


def test_a_run_escalates_a_flag_once_it_is_past_its_business_day(msl: User) -> None:
    flag = factories.flag(msl)
    assert escalate_flags_task.call() == 0  # raised today: within its business day

    Flag.objects.filter(pk=flag.pk).update(created_at=timezone.now() - dt.timedelta(days=7))

    assert escalate_flags_task.call() == 1
    flag.refresh_from_db()
    assert flag.escalated_at is not None
