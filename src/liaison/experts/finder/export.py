"""The finder's lists as files: CSV (UTF-8 with a BOM, for spreadsheets) or XLSX,
one row per site or investigator with its experience in columns."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import IO, Any

from liaison.core.errors import LiaisonError
from liaison.core.policy import AnyUser
from liaison.directory.exporting import EXPORT_FORMATS, ExportFormat, safe_cell, write_xlsx
from liaison.experts.finder.experience import PHASE_BINS, Experience
from liaison.experts.finder.investigators import find_investigators, with_investigator_trials
from liaison.experts.finder.query import FinderQuery
from liaison.experts.finder.rows import InvestigatorRow, SiteRow
from liaison.experts.finder.sites import find_sites, with_site_trials
from liaison.lib.text import fold

LISTS = ("sites", "investigators")


#: The columns of :func:`_experience_cells`, the same in both lists.
EXPERIENCE_HEADER = (
    "Trials",
    "Phase 4",
    "Phase 3",
    "Phase 2",
    "Phase 1",
    "Recruiting or active",
    "Completed",
    "Terminated",
    "Withdrawn",
    "Stopped for accrual",
    "Suspended at some point",
    "First started",
    "Last started",
    "Enrolled",
    "Planned in ongoing trials",
)
SITE_HEADER = (
    "Rank",
    "Site",
    "Facility as registered",
    "City",
    "State or region",
    "Country",
    *EXPERIENCE_HEADER,
    "Points",
    "Why ranked",
    "Named investigators",
    "Trials (NCT IDs)",
)
INVESTIGATOR_HEADER = (
    "Rank",
    "Investigator",
    "HCP ID",
    "Engaged by our team",
    "Country",
    "Affiliation",
    "Roles",
    "Found as",
    *EXPERIENCE_HEADER,
    "Expert score",
    "Expert score area",
    "Points",
    "Why ranked",
    "Trials (NCT IDs)",
)


def _experience_cells(experience: Experience) -> list[Any]:
    return [
        experience.trials,
        *(experience.by_phase.get(key, 0) for key in PHASE_BINS[:-1]),
        experience.ongoing,
        experience.completed,
        experience.terminated,
        experience.withdrawn,
        experience.stopped_for_accrual,
        experience.suspended,
        experience.first_start.isoformat() if experience.first_start else "",
        experience.last_start.isoformat() if experience.last_start else "",
        experience.enrolled,
        experience.planned,
    ]


def site_table(rows: Iterable[SiteRow]) -> Iterator[list[Any]]:
    yield list(SITE_HEADER)
    for row in rows:
        yield [
            row.rank,
            safe_cell(row.name),
            safe_cell(row.facility),
            safe_cell(row.city),
            safe_cell(row.state),
            safe_cell(row.country_name),  # a registry's text when it names no country
            *_experience_cells(row.experience),
            row.points,
            safe_cell(row.reasons),
            safe_cell("; ".join(row.investigators)),
            " ".join(row.nct_ids),
        ]


def investigator_table(rows: Iterable[InvestigatorRow]) -> Iterator[list[Any]]:
    yield list(INVESTIGATOR_HEADER)
    for row in rows:
        yield [
            row.rank,
            safe_cell(row.name),
            row.hcp_id or "",
            "yes" if row.engaged else "",
            safe_cell(row.country_name),  # a registry's text when it names no country
            safe_cell(row.affiliation),
            safe_cell(", ".join(row.roles)),  # an official's role as registered
            ", ".join(row.sources),
            *_experience_cells(row.experience),
            round(row.expert.score, 1) if row.expert else "",
            row.expert.area if row.expert else "",
            row.points,
            safe_cell(row.reasons),
            " ".join(row.nct_ids),
        ]


def export_format(name: str) -> ExportFormat:
    spec = EXPORT_FORMATS.get(name)
    if spec is None:
        raise LiaisonError(f"format: “{name[:20]}” is not csv or xlsx", field="format")
    return spec


def list_of(name: str) -> str:
    if name not in LISTS:
        raise LiaisonError(f"list: “{name[:20]}” is not sites or investigators", field="list")
    return name


def export_table(
    user: AnyUser, query: FinderQuery, *, list_name: str, limit: int
) -> tuple[Iterator[list[Any]], int, int]:
    """The header and the top ``limit`` rows of a list; with the rows written and found."""
    if list_name == "sites":
        sites = find_sites(user, query)
        top_sites = with_site_trials(user, query, sites[:limit])
        return site_table(top_sites), len(top_sites), len(sites)
    people = find_investigators(user, query)
    top_people = with_investigator_trials(people[:limit])
    return investigator_table(top_people), len(top_people), len(people)


def write_export(
    user: AnyUser,
    query: FinderQuery,
    stream: IO[bytes],
    *,
    list_name: str,
    format: str,
    limit: int,
) -> int:
    """Write a list as CSV (UTF-8 with a BOM, for spreadsheets) or XLSX; returns rows."""
    spec = export_format(format)
    table, written, _found = export_table(user, query, list_name=list_of(list_name), limit=limit)
    if spec.name == "xlsx":
        write_xlsx(table, stream, title="Sites" if list_name == "sites" else "Investigators")
        return written
    import csv
    import io

    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    csv.writer(text).writerows(table)
    text.flush()
    text.detach()
    return written


def file_name(query: FinderQuery, list_name: str, format: str) -> str:
    """ "melanoma-de-phase3-sites.csv"."""
    words = re.sub(r"[^a-z0-9]+", "-", fold(query.conditions[0])).strip("-")[:40] or "condition"
    parts = [words, query.country.lower(), query.phase.lower().replace("_", "")]
    return "-".join(part for part in [*parts, list_name] if part) + f".{format}"
