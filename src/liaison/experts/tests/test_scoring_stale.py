"""Scores follow the evidence: the worker recomputes the areas whose evidence,
decisions, weights or definition changed since their scores, and only those."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from liaison.core.models import AuditEvent
from liaison.experts import scoring_tasks
from liaison.experts.models import ExpertScore, ResolutionRun
from liaison.experts.tests import scoring_world as world
from liaison.literature.models import Publication

pytestmark = pytest.mark.django_db


def test_an_area_without_scores_is_stale_and_the_task_scores_it_as_the_system() -> None:
    area = world.area()
    world.publication(world.hcp("Lead"), world.hcp("Second"))
    assert scoring_tasks.stale_areas() == [area]
    assert scoring_tasks.recompute_stale_scores_task.call() == 2
    assert ExpertScore.objects.filter(area=area).count() == 2
    event = AuditEvent.objects.filter(record_type="experts.expertscore").latest("sequence")
    assert event.actor_id is None
    assert scoring_tasks.stale_areas() == []
    assert scoring_tasks.recompute_stale_scores_task.call() == 0


def test_new_evidence_or_a_resolution_run_makes_scores_stale() -> None:
    area = world.area()
    world.publication(world.hcp("Lead"))
    scoring_tasks.recompute_stale_scores_task.call()
    assert scoring_tasks.stale_areas() == []  # nothing changed since
    later = timezone.now() + dt.timedelta(minutes=1)
    ResolutionRun.objects.create(finished_at=later)
    assert scoring_tasks.stale_areas() == [area]
    ExpertScore.objects.update(computed_at=later + dt.timedelta(minutes=1))
    assert scoring_tasks.stale_areas() == []
    Publication.objects.update(updated_at=later + dt.timedelta(minutes=2))
    assert scoring_tasks.stale_areas() == [area]


def test_an_undefined_area_is_never_recomputed() -> None:
    from liaison.directory.models import TherapeuticArea

    TherapeuticArea.objects.create(code="none", name="Undefined")
    assert scoring_tasks.stale_areas() == []


def test_a_starting_worker_queues_the_recompute_of_stale_scores(settings: object) -> None:
    from django_tasks_db.models import DBTaskResult

    from liaison.core.management.commands.worker import enqueue_startup_tasks

    settings.TASKS = {  # type: ignore[attr-defined]
        "default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend", "QUEUES": ["default"]}
    }
    enqueue_startup_tasks()
    queued = set(DBTaskResult.objects.values_list("task_path", flat=True))
    assert "liaison.experts.scoring_tasks.recompute_stale_scores_task" in queued
