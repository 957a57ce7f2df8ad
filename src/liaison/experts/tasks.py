"""Background tasks of the experts app: ids in, one service call.

``start_resolution_run`` queues a run of identity resolution over the library
(administrators); the job page shows its stages and, when it ends, its counts. A
run that succeeded queues the recompute of the scores it made stale
(:func:`queue_stale_scores`), so ranks and tiers follow the new links.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django_tasks import task

from liaison.core import audit, jobs, policy
from liaison.core.models import Job, User
from liaison.experts import scoring_tasks
from liaison.experts.models import AreaDefinition, Proposal
from liaison.experts.services.resolution import resolve_library

RESOLVE_KIND = "experts-resolve"


def start_resolution_run(*, actor: User) -> Job:
    """Queue a resolution run as ``actor``'s job (administrators); the job page links
    back to the resolution queue."""
    policy.require(actor, "resolve", Proposal)
    with transaction.atomic():
        job = jobs.create_job(
            owner=actor,
            kind=RESOLVE_KIND,
            title="Resolve authors and investigators to HCPs",
            params={
                "origin": {"label": "Resolution queue", "url": reverse("experts:proposal-list")}
            },
        )
        jobs.enqueue_after_commit(job, resolve_task.enqueue)
    return job


@task()
def resolve_task(job_id: int) -> int:
    """Run identity resolution as job ``job_id``'s owner; returns the run's id."""
    job = Job.objects.select_related("owner").get(pk=job_id)
    run_id = 0
    with jobs.running(job_id) as progress, audit.source("task"):
        run = resolve_library(actor=job.owner, progress=progress)
        run_id = run.pk
        message = summary(run.mentions, run.linked, run.discovered, run.proposals)
        if AreaDefinition.objects.exists():
            message += " Expert scores are being recomputed in the background."
        progress.flush(message=message)
        queue_stale_scores()
    return run_id


def queue_stale_scores() -> None:
    """Queue the recompute of every area whose scores a change made stale (a finished
    resolution run among them), once the change is committed: the worker then reads
    the new links."""
    transaction.on_commit(scoring_tasks.recompute_stale_scores_task.enqueue)


def summary(mentions: int, linked: int, discovered: int, proposals: int) -> str:
    """One sentence of a run's counts, for the job page and the command line."""
    return (
        f"{mentions:,} mention{'s' if mentions != 1 else ''} read; {linked:,} linked to HCPs; "
        f"{discovered:,} new HCP{'s' if discovered != 1 else ''} discovered; "
        f"{proposals:,} proposal{'s' if proposals != 1 else ''} open in the queue."
    )
