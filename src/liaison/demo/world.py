"""The demo world: a plausible medical-affairs organisation built from a seed.

:func:`build_demo` is the entry point (``liaison demo`` and the first run of
``liaison serve`` call it). It runs the demo steps every installed app
declares (``demo_steps`` in its ``apps.py``) by their ``order``, inside one
transaction, with one :class:`~liaison.core.demo.DemoContext`: the seeded
generator, the size, the progress callback and what earlier steps left for
later ones. The steps of today, in order:

=====  =====================  ================================================
order  step (app)             builds
=====  =====================  ================================================
100    users (core)           territories, one user per role, two teams
200    directory (directory)  areas, specialties, organizations, HCPs, products
250    community (directory)  the HCPs as authors and investigators
300    trial plans (trials)   the trials, planned
400    publications           the publications, stored
       (literature)
500    trials (trials)        the trials, stored, naming their publications
600    watches (surveillance) personal and team watches, run once
650    experts (experts)      areas' evidence and weights; identity resolution
                              links authors and officials; scores, tiers
700    engagement             a year of interactions, insights in themes,
       (engagement)           meetings, follow-ups, plans, strategic questions
720    medinfo (medinfo)      standard responses signed into use; inquiries in
                              every state, some overdue, answered with letters
760    safety (safety)        flags from the MSLs' notes, cases confirmed,
                              coded, one submitted and acknowledged
=====  =====================  ================================================

A new app adds its builder by declaring a step; nothing here changes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.module_loading import import_string

from liaison.core import audit, registry
from liaison.core.demo import DEMO_USERNAMES, LOGINS, DemoContext, Login
from liaison.core.errors import Conflict
from liaison.core.models import User
from liaison.demo.logins import write_logins
from liaison.directory.models import HCP, Organization
from liaison.lib.progress import Report

DEFAULT_SEED = 42
DEFAULT_HCPS = 2000


@dataclass(frozen=True, slots=True)
class DemoWorld:
    hcps: int
    organizations: int
    products: int
    publications: int
    trials: int
    logins: list[Login]
    logins_file: Path


def _quiet(step: str, done: int, total: int) -> None:
    return None


def demo_steps() -> list[registry.DemoStep]:
    """Every installed app's demo steps by ``order`` (ties keep ``INSTALLED_APPS`` order)."""
    steps = [step for app in registry.liaison_apps() for step in app.demo_steps]
    return sorted(steps, key=lambda step: step.order)


def has_directory() -> bool:
    return HCP.objects.exists() or Organization.objects.exists()


def build_demo(
    *,
    seed: int = DEFAULT_SEED,
    hcps: int = DEFAULT_HCPS,
    data_dir: Path,
    progress: Report | None = None,
    force: bool = False,
) -> DemoWorld:
    """Build the demo world; the same ``seed`` gives the same world.

    Refuses (:class:`Conflict`) when the database already holds a directory or
    demo users, unless ``force``, which first runs every step's ``clear``, in
    reverse order (deletions audited). Every record written is audited with the
    actor "system" and source "demo".
    """
    context = DemoContext(
        rng=random.Random(seed),
        seed=seed,
        hcps=hcps,
        data_dir=data_dir,
        progress=progress or _quiet,
    )
    steps = demo_steps()
    with audit.source("demo"), audit.unlinked_actors(), transaction.atomic():
        if has_directory() or User.objects.filter(username__in=DEMO_USERNAMES).exists():
            if not force:
                raise Conflict(
                    "the database already holds a directory or demo users; "
                    "use --force to replace them with the demo world"
                )
            clear_demo(steps, context)
        for step in steps:
            import_string(step.build)(context)
        logins = context.get(LOGINS, [])
        logins_file = write_logins(data_dir, logins)
    return DemoWorld(
        hcps=context.counts.get("hcps", 0),
        organizations=context.counts.get("organizations", 0),
        products=context.counts.get("products", 0),
        publications=context.counts.get("publications", 0),
        trials=context.counts.get("trials", 0),
        logins=logins,
        logins_file=logins_file,
    )


def clear_demo(steps: list[registry.DemoStep], context: DemoContext) -> None:
    """Undo ``steps`` (ordered as built) in reverse order: what a step built may
    refer to what earlier steps built (``--force``)."""
    for step in reversed(steps):
        if step.clear:
            import_string(step.clear)(context)
