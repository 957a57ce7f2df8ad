"""Reads of insights shared by the list, the API, the export and the menu: always from
the policy's queryset of the reader (``view``, or ``export`` for a file).

The list reads a page in a constant number of queries whatever its length: the
category, HCP, theme, MSL, therapeutic area and product come in the page's query
(``select_related``); nothing of a row is read per row.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from liaison.core import policy
from liaison.core.errors import LiaisonError
from liaison.core.policy import AnyUser, Verb
from liaison.engagement.models import Insight, InsightComment, InsightStatus
from liaison.literature.models import Publication
from liaison.trials.models import Trial

#: What a row of the list and of the API shows with it, read in the same query.
LIST_RELATED = ("category", "hcp", "theme", "msl", "therapeutic_area", "product")


@dataclass(frozen=True, slots=True)
class InsightFilters:
    """The list's filters (empty: not filtered). Codes for the taxonomy and the
    therapeutic area, ids for records, ISO dates for the range (inclusive)."""

    status: str = ""
    category: str = ""
    strategic_question: int | None = None
    therapeutic_area: str = ""
    product: int | None = None
    country: str = ""
    source: str = ""
    theme: int | None = None
    msl: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    tag: str = ""
    q: str = ""


def _tag_q(tag: str) -> Q:
    tag = " ".join(tag.split()).lower()
    if connection.features.supports_json_field_contains:
        return Q(tags__contains=[tag])
    # SQLite: the stored JSON text holds the tag as json.dumps writes it.
    return Q(tags__icontains=json.dumps(tag))


def _day_start(day: dt.date) -> dt.datetime:
    """The first instant of ``day`` in the site's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def filtered(queryset: QuerySet[Insight], filters: InsightFilters) -> QuerySet[Insight]:
    """``queryset`` narrowed by ``filters``."""
    f = filters
    if f.status:
        queryset = queryset.filter(status=f.status)
    if f.category:
        queryset = queryset.filter(category__code=f.category)
    if f.strategic_question is not None:
        # A sub-query on the link table's index: no join, so no DISTINCT of whole rows.
        queryset = queryset.filter(
            pk__in=Insight.strategic_questions.through.objects.filter(
                strategicquestion_id=f.strategic_question
            ).values("insight_id")
        )
    if f.therapeutic_area:
        queryset = queryset.filter(therapeutic_area__code=f.therapeutic_area)
    if f.product is not None:
        queryset = queryset.filter(product_id=f.product)
    if f.country:
        queryset = queryset.filter(country=f.country.upper())
    if f.source:
        queryset = queryset.filter(source=f.source)
    if f.theme is not None:
        queryset = queryset.filter(theme_id=f.theme)
    if f.msl is not None:
        queryset = queryset.filter(msl_id=f.msl)
    if f.date_from is not None:
        # Days as instants of the site's time zone: the created_at indexes bound the scan.
        queryset = queryset.filter(created_at__gte=_day_start(f.date_from))
    if f.date_to is not None:
        queryset = queryset.filter(created_at__lt=_day_start(f.date_to + dt.timedelta(days=1)))
    if f.tag.strip():
        queryset = queryset.filter(_tag_q(f.tag))
    for word in f.q.lower().split()[:10]:
        queryset = queryset.filter(search_text__contains=word)
    return queryset


def insight_queryset(
    user: AnyUser, filters: InsightFilters | None = None, *, verb: Verb = "view"
) -> QuerySet[Insight]:
    """The insights ``user`` may ``verb``, filtered, newest first, with what a row shows."""
    queryset = policy.scope(user, verb, Insight)
    if filters is not None:
        queryset = filtered(queryset, filters)
    return queryset.select_related(*LIST_RELATED).order_by("-created_at", "-pk")


def insight_detail(user: AnyUser, pk: int) -> Insight:
    """One insight with everything its page and the API show (unseen: not found)."""
    queryset = (
        Insight.objects.select_related(*LIST_RELATED, "interaction")
        .prefetch_related(
            "strategic_questions",
            "publications",
            "trials",
            Prefetch("comments", queryset=InsightComment.objects.select_related("author")),
        )
        .all()
    )
    return policy.get_for(user, "view", queryset, pk=pk)


def insight_countries() -> list[str]:
    """The countries insights come from (codes, for the list's country filter): read
    at most every five minutes, so the filter offers a handful of countries, not the
    world's 250 (whose options alone took a third of the page's time)."""

    def read() -> list[str]:
        codes = Insight.objects.exclude(country="").values_list("country", flat=True)
        return sorted(set(codes.distinct()))

    found = cache.get_or_set("engagement:insight-countries", read, 300)
    return list(found or [])


#: The menu's counter counts up to this many new insights (then the list says how many).
COUNTER_CAP = 100


def awaiting_review_count(user: AnyUser) -> int:
    """New insights awaiting review, for whoever reviews them (0 for everyone else, with
    no query): the menu's counter, on every page, so one query that stops at
    :data:`COUNTER_CAP` (a count of every new insight of 200,000 took 40 ms)."""
    queryset = policy.scope(user, "review", Insight)
    if queryset.query.is_empty():
        return 0
    return queryset.filter(status=InsightStatus.NEW).order_by()[:COUNTER_CAP].count()


def known_tags(user: AnyUser, limit: int = 200) -> list[str]:
    """Tags of the newest insights ``user`` sees (for the tag filter's suggestions)."""
    seen: dict[str, None] = {}
    for tags in (
        policy.scope(user, "view", Insight)
        .order_by("-created_at")
        .values_list("tags", flat=True)[:2000]
    ):
        for tag in tags or []:
            seen.setdefault(str(tag), None)
            if len(seen) >= limit:
                return sorted(seen)
    return sorted(seen)


# --- evidence: PMIDs and NCT IDs as the library's records ------------------------------

NCT_ID = re.compile(r"^NCT\d{8}$")


def publications_for(user: AnyUser, pmids: Iterable[int | str], field: str) -> list[Publication]:
    """The library's publications of ``pmids``, in the order given (each once); the
    first PMID that is no number or not in the library is named with ``field``."""
    wanted: list[int] = []
    for raw in pmids:
        text = str(raw).strip()
        if text.lower().startswith("pmid"):
            text = text[4:].lstrip(": ")
        if not text.isdigit() or not 0 < int(text) < 2**63:
            raise LiaisonError(
                f"{field}: “{text}” is not a PMID (a number such as 31562800)", field=field
            )
        if int(text) not in wanted:
            wanted.append(int(text))
    found = {p.pmid: p for p in policy.scope(user, "view", Publication).filter(pmid__in=wanted)}
    for pmid in wanted:
        if pmid not in found:
            raise LiaisonError(
                f"{field}: PMID {pmid} is not in the library; load it there first", field=field
            )
    return [found[pmid] for pmid in wanted]


def trials_for(user: AnyUser, nct_ids: Iterable[str], field: str) -> list[Trial]:
    """The registry's trials of ``nct_ids`` (NCT and 8 digits, any case), in the order
    given; the first malformed or unknown one is named with ``field``."""
    wanted: list[str] = []
    for raw in nct_ids:
        text = str(raw).strip().upper()
        if not NCT_ID.match(text):
            raise LiaisonError(
                f"{field}: “{text[:40]}” is not an NCT ID (NCT and 8 digits, such as NCT04368728)",
                field=field,
            )
        if text not in wanted:
            wanted.append(text)
    found = {t.nct_id: t for t in policy.scope(user, "view", Trial).filter(nct_id__in=wanted)}
    for nct_id in wanted:
        if nct_id not in found:
            raise LiaisonError(
                f"{field}: trial {nct_id} is not in the library; load it there first", field=field
            )
    return [found[nct_id] for nct_id in wanted]
