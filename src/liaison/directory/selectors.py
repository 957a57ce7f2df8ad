"""Shared reads of the directory, always starting from the policy's queryset."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.db.models import Max, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL

from liaison.core import policy
from liaison.core.models import Territory
from liaison.core.policy import AnyUser
from liaison.directory.identifiers import is_valid_orcid
from liaison.directory.models import HCP, Affiliation, Organization, in_territories_q
from liaison.lib.text import fold

_DIGITS = re.compile(r"^\d{10}$")
_ORCID = re.compile(r"^(?:https?://orcid\.org/)?\d{4}-?\d{4}-?\d{4}-?\d{3}[\dXx]$")

HCP_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("family_name", "given_name", "id"),
    "-name": ("-family_name", "-given_name", "-id"),
    "country": ("country", "family_name", "given_name", "id"),
    "-country": ("-country", "-family_name", "-given_name", "-id"),
    "updated": ("updated_at", "id"),
    "-updated": ("-updated_at", "-id"),
}


@dataclass(frozen=True)
class HCPFilters:
    """What the list, the export and the API filter on. Empty means no filter."""

    q: str = ""
    therapeutic_area: str = ""  # code
    territory: str = ""  # code
    country: str = ""
    specialty: str = ""  # name or id
    origin: str = ""
    sort: str = "name"
    extra: dict[str, str] = field(default_factory=dict)


def name_query(text: str) -> Q:
    """Every word of ``text`` must start a word of the HCP's folded name.

    On SQLite the FTS5 index of migration 0003 answers it (a prefix query per
    word); elsewhere LIKE conditions, which PostgreSQL serves from its trigram
    index. Both give the same rows: words are folded to ``[0-9a-z]`` runs.
    """
    tokens = fold(text).split()
    if not tokens:
        return Q()
    if connection.vendor == "sqlite":
        match = " AND ".join(f'"{token}"*' for token in tokens)
        return Q(
            id__in=RawSQL(
                "SELECT rowid FROM directory_hcp_name_fts WHERE directory_hcp_name_fts MATCH %s",
                (match,),
            )
        )
    query = Q()
    for token in tokens:
        query &= Q(search_name__startswith=token) | Q(search_name__contains=f" {token}")
    return query


def search_q(text: str) -> Q:
    """A name, an NPI or an ORCID iD."""
    stripped = text.strip()
    if _DIGITS.match(stripped):
        return Q(npi=stripped)
    if _ORCID.match(stripped) and is_valid_orcid(stripped):
        digits = re.sub(r"[^0-9X]", "", stripped.upper().rsplit("/", 1)[-1])
        return Q(orcid="-".join(digits[i : i + 4] for i in range(0, 16, 4)))
    return name_query(stripped)


def hcp_queryset(user: AnyUser, filters: HCPFilters, *, verb: str = "view") -> QuerySet[HCP]:
    """HCPs ``user`` may ``verb`` (see, export), filtered and sorted; relations
    for the list prefetched."""
    queryset = policy.scope(user, verb, HCP)
    if filters.q.strip():
        queryset = queryset.filter(search_q(filters.q))
    if filters.therapeutic_area:
        queryset = queryset.filter(therapeutic_areas__code=filters.therapeutic_area)
    if filters.territory:
        territories = Territory.objects.filter(code=filters.territory)
        queryset = queryset.filter(in_territories_q(territories))
    if filters.country:
        queryset = queryset.filter(country=filters.country.upper())
    if filters.specialty:
        if filters.specialty.isdigit():
            queryset = queryset.filter(specialties__id=int(filters.specialty))
        else:
            queryset = queryset.filter(specialties__name__iexact=filters.specialty)
    if filters.origin:
        queryset = queryset.filter(origin=filters.origin)
    if filters.territory or filters.therapeutic_area or filters.specialty:
        # Joins through many-to-many relations can repeat a row.
        queryset = queryset.distinct()
    return queryset.order_by(*HCP_SORTS.get(filters.sort, HCP_SORTS["name"]))


def with_list_relations(queryset: QuerySet[HCP]) -> QuerySet[HCP]:
    """The relations every row of a list shows, in a constant number of queries."""
    return queryset.prefetch_related(
        "specialties",
        "therapeutic_areas",
        Prefetch(
            "affiliations",
            queryset=Affiliation.objects.select_related("organization").order_by(
                "-is_primary", "id"
            ),
        ),
    )


#: At most this many seconds before a deleted HCP's country leaves the HCP
#: list's country filter; new and changed HCPs show at once (see hcp_countries).
HCP_COUNTRIES_TIMEOUT = 60


def hcp_countries(user: AnyUser) -> list[str]:
    """The countries of the HCPs ``user`` may see, A to Z: the HCP list's country filter.

    ``SELECT DISTINCT country`` reads every row (25 ms at 100,000 HCPs on
    PostgreSQL), so the list is cached. The key carries the newest
    ``updated_at`` of the directory, one index probe: every way an HCP is
    created or changed sets it (forms, API, import and demo bulk inserts, the
    import's bulk updates), so a new country shows on the next request without
    any writer having to clear the cache. A deletion moves nothing: the
    deleted HCP's country stays offered until the entry expires
    (:data:`HCP_COUNTRIES_TIMEOUT`), and choosing it lists nobody. The key also
    names the query, which carries the actor's scope, so actors who may see
    different HCPs never share an entry.
    """
    queryset = policy.scope(user, "view", HCP).order_by("country")
    countries = queryset.values_list("country", flat=True).distinct()
    if countries.query.is_empty():  # sees no HCP at all: no SQL to name
        return []
    newest = HCP.objects.aggregate(newest=Max("updated_at"))["newest"]
    query = hashlib.sha256(str(countries.query).encode()).hexdigest()[:16]
    key = f"directory:hcp-countries:{query}:{newest.isoformat() if newest else '-'}"
    cached: list[str] | None = cache.get(key)
    if cached is None:
        cached = list(countries)
        cache.set(key, cached, HCP_COUNTRIES_TIMEOUT)
    return cached


def hcp_profile(user: AnyUser, pk: int) -> HCP:
    queryset = policy.scope(user, "view", HCP).prefetch_related(
        "specialties",
        "therapeutic_areas",
        "territories",
        Prefetch("affiliations", queryset=Affiliation.objects.select_related("organization")),
    )
    return policy.get_for(user, "view", queryset, pk=pk)


def organization_queryset(user: AnyUser, q: str = "", country: str = "") -> QuerySet[Organization]:
    queryset = policy.scope(user, "view", Organization).select_related("parent")
    if q.strip():
        for token in fold(q).split():
            queryset = queryset.filter(
                Q(search_name__startswith=token) | Q(search_name__contains=f" {token}")
            )
    if country:
        queryset = queryset.filter(country=country.upper())
    return queryset.order_by("name", "id")


def organization_hcps(user: AnyUser, organization: Organization) -> QuerySet[HCP]:
    return (
        policy.scope(user, "view", HCP)
        .filter(affiliations__organization=organization)
        .distinct()
        .order_by("family_name", "given_name", "id")
    )
