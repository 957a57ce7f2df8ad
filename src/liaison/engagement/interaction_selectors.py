"""Reads of interactions and drafts shared by the pages, the HCP profile's panel,
the home page and the API: always from the policy's queryset of the reader.

``view`` tells that an interaction happened (date, MSL, channel, kind, HCPs);
its content (notes, outcome, materials, products, insights) is for ``read``:
a filter on content (the product discussed) only looks among the interactions
the reader may read. Lists read a page in a constant number of queries.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from liaison.core import policy
from liaison.core.models import User
from liaison.core.policy import is_admin
from liaison.directory.models import HCP, Product, TherapeuticArea
from liaison.directory.selectors import search_q
from liaison.engagement.models import (
    FollowUp,
    Insight,
    Interaction,
    InteractionDraft,
)
from liaison.engagement.offlabel import off_label_findings
from liaison.engagement.policy import is_compliance
from liaison.literature.models import Publication
from liaison.trials.models import Trial
from liaison.trials.selectors import text_query

#: How many interactions the HCP profile's panel lists (newest first).
PANEL_SIZE = 10
#: How many suggestions a picker offers.
PICKS = 10
_NCT = re.compile(r"^\s*NCT\d{1,8}\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class InteractionFilters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    channel: str = ""
    hcp: int | None = None
    msl: int | None = None
    product: int | None = None


def interaction_queryset(
    user: User, filters: InteractionFilters | None = None
) -> QuerySet[Interaction]:
    """Interactions ``user`` sees, newest first, filtered; the MSL and the HCPs of
    each row come in two queries whatever the page's length."""
    filters = filters or InteractionFilters()
    queryset = policy.scope(user, "view", Interaction)
    # Links are looked up through their tables' indexes as sub-queries (no join, so
    # no DISTINCT over the whole row); days as a range of instants of the site's
    # time zone, so the occurred_at indexes bound the scan (a __date look-up is a
    # function of every row).
    if filters.product is not None:
        # What was discussed is content: look only where the reader reads it. A
        # reader of everything starts from the product's links; a reader of their
        # own or their team's interactions from those (the msl index), probing each
        # for the product: at a million interactions each way is the fast one.
        queryset = policy.scope(user, "read", queryset)
        linked = Interaction.products.through.objects.filter(product_id=filters.product)
        if is_admin(user) or is_compliance(user):
            queryset = queryset.filter(pk__in=linked.values("interaction_id"))
        else:
            queryset = queryset.filter(Exists(linked.filter(interaction_id=OuterRef("pk"))))
    if filters.date_from:
        queryset = queryset.filter(occurred_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        queryset = queryset.filter(
            occurred_at__lt=_day_start(filters.date_to + dt.timedelta(days=1))
        )
    if filters.channel:
        queryset = queryset.filter(channel=filters.channel)
    if filters.hcp is not None:
        queryset = queryset.filter(
            pk__in=Interaction.hcps.through.objects.filter(hcp_id=filters.hcp).values(
                "interaction_id"
            )
        )
    if filters.msl is not None:
        queryset = queryset.filter(msl_id=filters.msl)
    return (
        queryset.select_related("msl")
        .prefetch_related(Prefetch("hcps", queryset=HCP.objects.order_by("family_name", "pk")))
        .order_by("-occurred_at", "-pk")
    )


def readable_ids(user: User, interactions: list[Interaction]) -> set[int]:
    """Which of ``interactions`` ``user`` reads the content of (one query)."""
    ids = [record.pk for record in interactions]
    if not ids:
        return set()
    return set(
        policy.scope(user, "read", Interaction).filter(pk__in=ids).values_list("pk", flat=True)
    )


def interaction_detail(user: User, pk: int) -> tuple[Interaction, bool]:
    """One interaction ``user`` sees (unseen: 404) and whether they read its content;
    the content's relations are loaded only for a reader."""
    queryset = Interaction.objects.select_related("msl", "meeting").prefetch_related("hcps")
    record = policy.get_for(user, "view", queryset, pk=pk)
    reads = policy.can(user, "read", record)
    if reads:
        record = queryset.prefetch_related(
            "therapeutic_areas",
            "products",
            "publications",
            "trials",
            Prefetch("insights", queryset=Insight.objects.select_related("category")),
            Prefetch("follow_ups", queryset=FollowUp.objects.select_related("hcp")),
        ).get(pk=record.pk)
    return record, reads


def _day_start(day: dt.date) -> dt.datetime:
    """The first instant of ``day`` in the site's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def msl_choices(user: User) -> list[tuple[int, str]]:
    """The MSLs of the interactions ``user`` sees (for the list's filter): the users
    who logged one, each found through the (msl, occurred_at) index, not a DISTINCT
    over every interaction."""
    seen = policy.scope(user, "view", Interaction)
    rows = User.objects.filter(Exists(seen.filter(msl=OuterRef("pk")))).values_list(
        "pk", "first_name", "last_name", "username"
    )
    named = {pk: (f"{first} {last}".strip() or username) for pk, first, last, username in rows}
    return sorted(named.items(), key=lambda item: item[1].lower())


# --- drafts -----------------------------------------------------------------------


def drafts_of(user: User) -> QuerySet[InteractionDraft]:
    """``user``'s drafts of the interaction form, latest first (for the home page)."""
    return (
        policy.scope(user, "view", InteractionDraft)
        .select_related("hcp", "meeting")
        .order_by("-updated_at", "-pk")
    )


def draft_of(user: User, pk: int) -> InteractionDraft:
    return policy.get_for(user, "change", InteractionDraft, pk=pk)


# --- the form's defaults --------------------------------------------------------------


@dataclass(frozen=True)
class EntryDefaults:
    channel: str
    kind: str
    therapeutic_area_ids: list[int]
    time_zone: str


def entry_defaults(user: User, *, recent: int = 10) -> EntryDefaults:
    """What the fast entry form starts from: the MSL's last channel and kind, the
    therapeutic areas of their latest interactions, their last time zone. Two queries."""
    latest = list(
        Interaction.objects.filter(msl=user)
        .order_by("-occurred_at", "-pk")
        .values_list("pk", "channel", "kind", "time_zone")[:recent]
    )
    if not latest:
        return EntryDefaults("in_person", "one_to_one", [], settings.TIME_ZONE)
    ids = [row[0] for row in latest]
    through = Interaction.therapeutic_areas.through
    counted = Counter(
        through.objects.filter(interaction_id__in=ids).values_list("therapeuticarea_id", flat=True)
    )
    return EntryDefaults(
        channel=latest[0][1],
        kind=latest[0][2],
        therapeutic_area_ids=sorted(counted),
        time_zone=latest[0][3] or settings.TIME_ZONE,
    )


# --- "engaged by our team" on the HCP profile ---------------------------------------


def engaged_by_team(
    user: User, hcp: HCP, *, limit: int = PANEL_SIZE
) -> tuple[list[Interaction], int]:
    """Who met ``hcp``, newest first (date, MSL, channel, kind: what ``view`` tells),
    and how many interactions there are in all. Two queries."""
    queryset = policy.scope(user, "view", Interaction).filter(hcps=hcp)
    rows = list(queryset.select_related("msl").order_by("-occurred_at", "-pk")[:limit])
    total = len(rows) if len(rows) < limit else queryset.count()
    return rows, total


# --- the pickers' suggestions --------------------------------------------------------


def pick_hcps(user: User, text: str) -> list[dict[str, Any]]:
    if not text.strip():
        return []
    rows = (
        policy.scope(user, "view", HCP)
        .filter(search_q(text[:200]))
        .order_by("family_name", "given_name", "pk")[:PICKS]
    )
    return [{"id": hcp.pk, "label": hcp.display_name, "detail": hcp.country} for hcp in rows]


def pick_products(user: User, text: str) -> list[dict[str, Any]]:
    text = text.strip()[:200]
    if not text:
        return []
    rows = Product.objects.filter(
        Q(name__icontains=text) | Q(generic_name__icontains=text)
    ).order_by("name")[:PICKS]
    return [{"id": row.pk, "label": row.name, "detail": row.generic_name} for row in rows]


def pick_publications(user: User, text: str) -> list[dict[str, Any]]:
    text = text.strip()[:200]
    if not text:
        return []
    queryset = policy.scope(user, "view", Publication)
    if text.isdigit():
        queryset = queryset.filter(pmid=int(text[:18]))
    else:
        for word in text.split()[:8]:
            queryset = queryset.filter(title__icontains=word)
    rows = queryset.order_by("-pk").only("pk", "pmid", "title")[:PICKS]
    return [{"id": row.pk, "label": row.title[:160], "detail": f"PMID {row.pmid}"} for row in rows]


def pick_trials(user: User, text: str) -> list[dict[str, Any]]:
    text = text.strip()[:200]
    if not text:
        return []
    queryset = policy.scope(user, "view", Trial)
    if _NCT.match(text):
        queryset = queryset.filter(nct_id__istartswith=text.strip())
    elif text.upper().startswith("NCT") and text[3:].isdigit():
        queryset = queryset.filter(nct_id__istartswith=text)
    else:
        queryset = queryset.filter(text_query(text))
    rows = queryset.order_by("nct_id").only("pk", "nct_id", "brief_title")[:PICKS]
    return [{"id": row.pk, "label": row.brief_title[:160], "detail": row.nct_id} for row in rows]


def off_label_texts(user: User, typed: dict[str, Any]) -> list[str]:
    """The off-label findings of what a form holds (ids as typed), in words."""

    def ids(name: str) -> list[int]:
        values = typed.get(name) or []
        values = values if isinstance(values, list) else [values]
        return [int(value) for value in values if str(value).isdigit() and len(str(value)) < 12]

    product_ids = ids("products")
    if not product_ids:
        return []
    hcps = list(policy.scope(user, "view", HCP).filter(pk__in=ids("hcps")))
    products = list(Product.objects.filter(pk__in=product_ids))
    areas = list(TherapeuticArea.objects.filter(pk__in=ids("therapeutic_areas")))
    return [finding.text for finding in off_label_findings(hcps, products, areas)]


def therapeutic_areas() -> QuerySet[TherapeuticArea]:
    return TherapeuticArea.objects.order_by("name")
