"""Background work of surveillance: running a watch now, and running every due watch.

``liaison worker`` cannot keep a calendar, so the schedule is driven from outside:
run ``liaison surveillance run-due`` (and ``liaison surveillance digest``) from
cron or a systemd timer, e.g. every 15 minutes; the worker also queues
:func:`run_due_watches_task` when it starts, so watches missed while it was down
catch up.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django_tasks import task

from liaison.core import jobs, policy
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.models import Job, User
from liaison.surveillance import selectors, services, summaries
from liaison.surveillance.models import Watch

RUN_KIND = "watch-run"


def live_sources() -> services.LiveSources:
    """Where live watches fetch from, as configured."""
    return services.LiveSources(
        eutils_url=settings.LIAISON_EUTILS_URL,
        ncbi_api_key=settings.LIAISON_NCBI_API_KEY,
        ncbi_email=settings.LIAISON_NCBI_EMAIL,
        ncbi_tool=settings.LIAISON_NCBI_TOOL,
        ctgov_url=settings.LIAISON_CTGOV_URL,
    )


def start_watch_run(*, actor: User, watch: Watch) -> Job:
    """Queue a run of ``watch`` now ("run now"); whoever may change it may run it."""
    if not policy.can(actor, "change", watch):
        raise PermissionDenied("you may not run this watch")
    with transaction.atomic():
        # "origin": the job page links back to the watch (core knows no watch).
        origin = {
            "label": f"Watch “{watch.name}”",
            "url": reverse("surveillance:watch-detail", args=[watch.pk]),
        }
        job = jobs.create_job(
            owner=actor,
            kind=RUN_KIND,
            title=f"Run watch {watch.name}",
            params={"watch": watch.pk, "origin": origin},
        )
        jobs.enqueue_after_commit(job, run_watch_task.enqueue)
    return job


@task()
def run_watch_task(job_id: int) -> int:
    """Run the watch of job ``job_id``; returns the number of alerts written."""
    job = Job.objects.get(pk=job_id)
    created = 0
    with jobs.running(job_id) as progress:
        watch = Watch.objects.filter(pk=job.params["watch"]).first()
        if watch is None:
            raise LiaisonError("the watch was deleted before it could run")
        first = watch.last_run_at is None
        run = services.run_watch(watch.pk, progress=progress, sources=live_sources(), job_id=job_id)
        created = run.alerts_created
        recipients = len(selectors.recipients(watch))
        progress.flush(message=summaries.run_message(run, first=first, recipients=recipients))
    return created


def run_due_watches() -> tuple[int, list[str]]:
    """Run every due watch; returns how many ran and the errors of those that failed."""
    ran = 0
    errors: list[str] = []
    for watch in selectors.due_watches():
        try:
            services.run_watch(watch.pk, sources=live_sources())
            ran += 1
        except LiaisonError as error:
            errors.append(f"watch {watch.pk} ({watch.name}): {error.message}")
    return ran, errors


@task()
def run_due_watches_task() -> int:
    """Run every due watch (queued by the worker at start and by ``run-due --queue``)."""
    ran, _errors = run_due_watches()
    return ran


@task()
def send_digests_task(base_url: str) -> int:
    return services.send_digests(base_url=base_url)
