"""A resolution run against decisions people make while it computes: the run reads
them again inside its transaction and never undoes one."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from liaison.core.errors import LiaisonError
from liaison.core.models import Job, JobStatus, User
from liaison.directory.models import HCP
from liaison.directory.tests import factories as directory
from liaison.experts import scoring_tasks
from liaison.experts.models import ExpertScore, MentionDecision, Verdict
from liaison.experts.resolution import Mention, Resolution
from liaison.experts.services import resolution as resolution_services
from liaison.experts.services.resolution import resolve_library
from liaison.experts.tasks import resolve_task, start_resolution_run
from liaison.experts.tests import scoring_world
from liaison.experts.tests.resolution_world import LUND, author, authorships, paper
from liaison.experts.tests.test_resolution_services import stand_in_resolve
from liaison.literature.models import Authorship

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def database_tasks(settings: Any) -> None:
    """Tasks queued in the database, whatever backend the suite runs with (RQ in CI's
    Redis pass), so a test can read what was queued."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend", "QUEUES": ["default"]}
    }


def test_a_link_decided_while_the_run_computes_is_not_undone_by_a_discovery(
    admin_user: User, insights_lead: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    paper(author("Ekström", "Karin", place=LUND), author("Holm", "Per", place=LUND))
    paper(author("Ekström", "Karin", place=LUND), author("Holm", "Per", place=LUND), year=2021)
    married = directory.hcp("Lind", given_name="Karin", country="SE")
    first = authorships("Ekström")[0]

    def resolve_while_a_person_decides(
        mentions: Sequence[Mention], *, progress: Any = None
    ) -> Resolution:
        # Meanwhile, someone links one of Ekström's papers to her HCP (her married name).
        MentionDecision.objects.create(
            authorship=first, hcp=married, verdict=Verdict.BELONGS, decided_by=insights_lead
        )
        Authorship.objects.filter(pk=first.pk).update(hcp=married)
        return stand_in_resolve(mentions, progress=progress)

    monkeypatch.setattr(resolution_services, "resolve", resolve_while_a_person_decides)
    run = resolve_library(actor=admin_user)
    assert Authorship.objects.get(pk=first.pk).hcp_id == married.pk
    # The person she is was not discovered a second time; the next run sees the decision.
    assert not HCP.objects.filter(family_name="Ekström").exists()
    assert HCP.objects.filter(family_name="Holm").count() == 1
    assert run.discovered == 1
    assert run.stats["discoveries_deferred"] == 1


# --- after a run: the scores follow the new links ---------------------------------

STALE_TASK = "liaison.experts.scoring_tasks.recompute_stale_scores_task"


def one_melanoma_author() -> None:
    """Two melanoma papers of one unknown author at Lund: the run discovers her, and
    the area's scores can only count her once she is linked."""
    scoring_world.area()
    for year in (2023, 2024):
        publication = scoring_world.publication(year=year)
        Authorship.objects.create(
            publication=publication,
            position=1,
            family="Ekström",
            given="Karin",
            affiliations=[LUND],
        )


def stale_recomputes_queued() -> int:
    return DBTaskResult.objects.filter(task_path=STALE_TASK).count()


def test_a_run_job_queues_the_recompute_of_stale_scores_on_commit(
    admin_user: User,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    monkeypatch.setattr(resolution_services, "resolve", stand_in_resolve)
    one_melanoma_author()
    with django_capture_on_commit_callbacks(execute=False):
        job = start_resolution_run(actor=admin_user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        resolve_task.call(job.pk)
        assert stale_recomputes_queued() == 0  # not before the run's links are committed
    for callback in callbacks:
        callback()
    assert stale_recomputes_queued() == 1
    assert Job.objects.get(pk=job.pk).status == JobStatus.SUCCEEDED


def test_a_failed_run_job_queues_no_recompute(
    admin_user: User,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    def refuse(mentions: Sequence[Mention], *, progress: Any = None) -> Resolution:
        raise LiaisonError("the resolver's model file cannot be read")

    monkeypatch.setattr(resolution_services, "resolve", refuse)
    with django_capture_on_commit_callbacks(execute=False):
        job = start_resolution_run(actor=admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        resolve_task.call(job.pk)
    assert Job.objects.get(pk=job.pk).status == JobStatus.FAILED
    assert stale_recomputes_queued() == 0


def test_the_resolve_command_then_scores_the_stale_areas(
    admin_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(resolution_services, "resolve", stand_in_resolve)
    one_melanoma_author()
    out = io.StringIO()
    call_command("experts", "resolve", "--as", admin_user.username, "--format", "json", stdout=out)
    report = json.loads(out.getvalue())
    (hcp,) = HCP.objects.filter(family_name="Ekström")
    score = ExpertScore.objects.get(hcp=hcp)
    assert score.area.code == "melanoma" and score.score > 0
    assert report["scored"] == [{"area": "Melanoma", "experts": 1}]
    assert scoring_tasks.stale_areas() == []
    text = io.StringIO()
    call_command("experts", "resolve", "--as", admin_user.username, stdout=text)
    assert "Melanoma: 1 expert scored" in text.getvalue()


def test_the_resolve_command_leaves_scores_to_the_worker_with_no_score(
    admin_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(resolution_services, "resolve", stand_in_resolve)
    one_melanoma_author()
    out = io.StringIO()
    call_command("experts", "resolve", "--as", admin_user.username, "--no-score", stdout=out)
    assert HCP.objects.filter(family_name="Ekström").exists()
    assert not ExpertScore.objects.exists()
    assert "the worker recomputes" in out.getvalue()
    assert [area.code for area in scoring_tasks.stale_areas()] == ["melanoma"]
