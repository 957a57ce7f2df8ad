"""The surveillance part of the demo world: what the demo MSLs and their teams follow.

Personal and team watches over publications and trials, tagged with the demo
therapeutic areas and products (ours and competitors'). When the library or the
trial registry already holds records, each watch runs once so the inboxes show
alerts; otherwise the first scheduled run (``liaison surveillance run-due``)
fills them. One step, ``watches`` (order 600, after the evidence), declared in
``liaison.surveillance.apps``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from liaison.core import audit, demo
from liaison.core.demo import DemoContext
from liaison.core.models import Team, User
from liaison.directory.demo import AREAS
from liaison.directory.models import Product, TherapeuticArea
from liaison.literature.models import Publication
from liaison.surveillance import services
from liaison.surveillance.models import Watch
from liaison.trials.models import Trial

#: (name, owner username or None, team name or None, area code, product name, values)
WATCHES: tuple[tuple[str, str | None, str | None, str, str | None, dict[str, Any]], ...] = (
    (
        "EGFR lung cancer literature",
        "msl",
        None,
        "oncology",
        "Onvexa",
        {"kind": "publication", "query": "(velotinib OR osimertinib) AND lung cancer"},
    ),
    (
        "Lung cancer trials recruiting",
        "msl",
        None,
        "oncology",
        None,
        {
            "kind": "trial",
            "condition": "lung cancer",
            "statuses": ["NOT_YET_RECRUITING", "RECRUITING"],
        },
    ),
    (
        "Competitor: lenvarafenib (Tremiqa) trials",
        None,
        "DACH field medical",
        "oncology",
        "Tremiqa",
        {"kind": "trial", "intervention": "lenvarafenib", "is_competitor": True},
    ),
    (
        "Heart failure literature",
        "msl2",
        None,
        "cardiology",
        "Cardivance",
        {"kind": "publication", "query": "heart failure", "schedule": "weekly"},
    ),
    (
        "Competitor: ustarelimab (Immuvia) publications",
        None,
        "US field medical",
        "immunology",
        "Immuvia",
        {"kind": "publication", "query": "ustarelimab", "is_competitor": True},
    ),
)


def build(context: DemoContext) -> None:
    """The ``watches`` step: the watches of the demo users and teams."""
    build_watches(context.take(demo.USERS), context.take(AREAS))


def clear(context: DemoContext) -> None:
    """Remove the demo users' watches and every team watch (audited)."""
    demo.delete_audited(
        Watch.objects.filter(Q(owner__username__in=demo.DEMO_USERNAMES) | Q(team__isnull=False))
    )


def build_watches(users: list[User], areas: dict[str, TherapeuticArea]) -> list[Watch]:
    """Create the demo watches (audited, actor "system") and run them once when
    there is evidence to match."""
    by_username = {user.username: user for user in users}
    teams = {team.name: team for team in Team.objects.all()}
    products = {product.name: product for product in Product.objects.all()}
    watches = []
    for name, owner, team, area, product, values in WATCHES:
        watch = Watch(
            name=name,
            owner=by_username.get(owner) if owner else None,
            team=teams.get(team) if team else None,
            therapeutic_area=areas.get(area),
            product=products.get(product) if product else None,
            created_by=by_username.get(owner) if owner else None,
            **values,
        )
        if watch.owner is None and watch.team is None:
            continue  # a demo without that user or team
        audit.create_record(actor=None, instance=watch)
        watches.append(watch)
    if Publication.objects.exists() or Trial.objects.exists():
        for watch in watches:
            services.run_watch(watch.pk)
    return watches
