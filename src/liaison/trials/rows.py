"""From a parsed study to the rows the trials app stores (pure: no database).

:func:`study_rows` gives a trial's field values, its sites and officials and the
SHA-256 of all of them, which tells a re-load of the same study from a changed
one. Dates stay as registered (``"2023-05"``) beside a sortable date, the first
day they name. Search keys are folded (accent-free, lower case).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from liaison.core.text import fold
from liaison.trials.ctgov import Study

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

# Bounded columns: a longer value is refused with the study's NCT ID, not cut.
_LIMITS = {
    "acronym": 200,
    "overall_status": 40,
    "status_verified_date": 10,
    "study_type": 40,
    "enrollment_type": 20,
    "lead_sponsor_class": 20,
    "start_date": 10,
    "primary_completion_date": 10,
    "completion_date": 10,
}
_SITE_LIMITS = {"zip": 40, "country": 100, "status": 40}
_OFFICIAL_LIMITS = {"role": 40}
# An IntegerField holds 32 bits on PostgreSQL (a larger value is a DataError);
# SQLite's driver cannot even send more than 64 (an OverflowError, not a refusal).
_INTEGER_RANGE = range(-(2**31), 2**31)


class StudyRejected(Exception):
    """A parsed study the database cannot hold as given (a value too long or too large)."""


def partial_date(text: str | None) -> dt.date | None:
    """The first day a registry date names: ``"2023-05"`` -> 2023-05-01; else None."""
    if not text:
        return None
    match = _PARTIAL_DATE.match(text)
    if match is None:
        return None
    year, month, day = match.groups()
    try:
        return dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None


def condition_key(conditions: list[str]) -> str:
    """The folded conditions and their MeSH terms, `` | ``-separated, for condition filters."""
    names = [fold(name) for name in conditions if name and fold(name)]
    return f" {' | '.join(names)} " if names else ""


def _bounded(values: dict[str, Any], limits: dict[str, int], what: str) -> None:
    for name, limit in limits.items():
        value = values[name]
        if len(value) > limit:
            raise StudyRejected(f"{what}{name}: {value[:40]!r} is longer than {limit} characters")


@dataclass(frozen=True, slots=True)
class StudyRows:
    """What one study stores: the trial's fields, its sites and officials, and their hash."""

    nct_id: str
    values: dict[str, Any]
    sites: list[dict[str, Any]]
    officials: list[dict[str, Any]]
    content_hash: str


def study_rows(study: Study) -> StudyRows:
    """The rows of ``study`` (pure: no database); :class:`StudyRejected` if they cannot be stored."""
    sponsor = study.lead_sponsor
    enrollment = study.enrollment
    intervention_names = [
        name
        for item in study.interventions
        for name in (item.name, *item.other_names)
        if name and fold(name)
    ]
    values: dict[str, Any] = {
        "brief_title": study.brief_title or "",
        "official_title": study.official_title or "",
        "acronym": study.acronym or "",
        "overall_status": study.overall_status or "",
        "status_verified_date": study.status_verified_date or "",
        "why_stopped": study.why_stopped or "",
        "phases": list(study.phases),
        "phase_key": f"|{'|'.join(study.phases)}|" if study.phases else "",
        "study_type": study.study_type or "",
        "enrollment_count": enrollment.count if enrollment else None,
        "enrollment_type": (enrollment.type if enrollment else None) or "",
        "conditions": list(study.conditions),
        "condition_mesh": [{"id": term.id, "term": term.term} for term in study.condition_mesh],
        "keywords": list(study.keywords),
        "interventions": [
            {
                "type": item.type,
                "name": item.name,
                "description": item.description,
                "other_names": list(item.other_names),
            }
            for item in study.interventions
        ],
        "arms": [
            {
                "label": arm.label,
                "type": arm.type,
                "description": arm.description,
                "intervention_names": list(arm.intervention_names),
            }
            for arm in study.arms
        ],
        "lead_sponsor_name": (sponsor.name if sponsor else None) or "",
        "lead_sponsor_class": (sponsor.sponsor_class if sponsor else None) or "",
        "collaborators": [
            {"name": item.name, "class": item.sponsor_class} for item in study.collaborators
        ],
        "primary_outcomes": [
            {
                "measure": item.measure,
                "description": item.description,
                "time_frame": item.time_frame,
            }
            for item in study.primary_outcomes
        ],
        "secondary_outcomes": [
            {
                "measure": item.measure,
                "description": item.description,
                "time_frame": item.time_frame,
            }
            for item in study.secondary_outcomes
        ],
        "start_date": study.start_date or "",
        "primary_completion_date": study.primary_completion_date or "",
        "completion_date": study.completion_date or "",
        "has_results": study.has_results,
        "reference_pmids": list(study.reference_pmids),
    }
    _bounded(values, _LIMITS, "")
    count = values["enrollment_count"]
    if count is not None and count not in _INTEGER_RANGE:
        raise StudyRejected(
            f"enrollment_count: {count} is outside {_INTEGER_RANGE.start} to "
            f"{_INTEGER_RANGE.stop - 1}"
        )
    values["start_on"] = partial_date(study.start_date)
    values["primary_completion_on"] = partial_date(study.primary_completion_date)
    values["completion_on"] = partial_date(study.completion_date)
    values["first_posted"] = partial_date(study.first_posted)
    values["last_update_posted"] = partial_date(study.last_update_posted)
    searchable = [
        study.nct_id,
        values["brief_title"],
        values["official_title"],
        values["acronym"],
        values["lead_sponsor_name"],
        *study.conditions,
        *(term.term or "" for term in study.condition_mesh),
        *study.keywords,
        *intervention_names,
        *(item.name or "" for item in study.collaborators),
    ]
    values["search_text"] = fold(" | ".join(searchable))
    values["condition_text"] = condition_key(
        [*study.conditions, *(term.term or "" for term in study.condition_mesh)]
    )
    # " name | other name ": a product matches a whole folded name or word run.
    values["intervention_text"] = (
        f" {' | '.join(fold(name) for name in intervention_names)} " if intervention_names else ""
    )
    sites = []
    for position, location in enumerate(study.locations):
        site = {
            "position": position,
            "facility": location.facility or "",
            "city": location.city or "",
            "state": location.state or "",
            "zip": location.zip or "",
            "country": location.country or "",
            "lat": location.lat,
            "lon": location.lon,
            "status": location.status or "",
            "contacts": [
                {"name": c.name, "role": c.role, "phone": c.phone, "email": c.email}
                for c in location.contacts
            ],
        }
        _bounded(site, _SITE_LIMITS, f"locations[{position}].")
        sites.append(site)
    officials = []
    for position, official in enumerate(study.officials):
        row = {
            "position": position,
            "name": official.name or "",
            "affiliation": official.affiliation or "",
            "role": official.role or "",
        }
        _bounded(row, _OFFICIAL_LIMITS, f"officials[{position}].")
        officials.append(row)
    digest = hashlib.sha256(
        json.dumps([values, sites, officials], sort_keys=True, default=str).encode()
    ).hexdigest()
    return StudyRows(study.nct_id, values, sites, officials, digest)
