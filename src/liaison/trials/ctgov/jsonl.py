"""The public JSON layout of a study (one object per line; see docs/ctgov-jsonl.md)."""

from __future__ import annotations

from typing import Any

from .records import Sponsor, Study


def _sponsor_json(sponsor: Sponsor) -> dict[str, Any]:
    return {"name": sponsor.name, "class": sponsor.sponsor_class}


def to_json(study: Study) -> dict[str, Any]:
    """The study as the documented JSON object (``docs/ctgov-jsonl.md``).

    Absent values are ``null`` or ``[]``, never ``""``.
    """
    enrollment = study.enrollment
    return {
        "nct_id": study.nct_id,
        "brief_title": study.brief_title,
        "official_title": study.official_title,
        "acronym": study.acronym,
        "overall_status": study.overall_status,
        "phases": list(study.phases),
        "study_type": study.study_type,
        "enrollment": None
        if enrollment is None
        else {"count": enrollment.count, "type": enrollment.type},
        "conditions": list(study.conditions),
        "condition_mesh": [{"id": term.id, "term": term.term} for term in study.condition_mesh],
        "keywords": list(study.keywords),
        "interventions": [{"type": item.type, "name": item.name} for item in study.interventions],
        "lead_sponsor": None if study.lead_sponsor is None else _sponsor_json(study.lead_sponsor),
        "collaborators": [_sponsor_json(item) for item in study.collaborators],
        "officials": [
            {"name": item.name, "affiliation": item.affiliation, "role": item.role}
            for item in study.officials
        ],
        "locations": [
            {
                "facility": item.facility,
                "city": item.city,
                "state": item.state,
                "zip": item.zip,
                "country": item.country,
                "lat": item.lat,
                "lon": item.lon,
                "status": item.status,
            }
            for item in study.locations
        ],
        "start_date": study.start_date,
        "primary_completion_date": study.primary_completion_date,
        "completion_date": study.completion_date,
        "first_posted": study.first_posted,
        "last_update_posted": study.last_update_posted,
        "has_results": study.has_results,
        "reference_pmids": list(study.reference_pmids),
    }
