"""ClinicalTrials.gov API v2 study objects for tests, written as the API writes them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def study_json(
    nct_id: str,
    *,
    title: str = "A Study",
    status: str = "RECRUITING",
    phases: tuple[str, ...] = ("PHASE2",),
    sponsor: str = "Acme Pharma",
    sponsor_class: str = "INDUSTRY",
    interventions: tuple[str, ...] = ("Oncovirumab",),
    conditions: tuple[str, ...] = ("Lung Cancer",),
    sites: tuple[tuple[str, str, str], ...] = (("Charité", "Berlin", "Germany"),),
    officials: tuple[tuple[str, str], ...] = (("Anna Schmidt", "Charité"),),
    last_update: str = "2024-05-20",
    start: str = "2023-05",
    pmids: tuple[str, ...] = (),
) -> dict[str, Any]:
    """One study object with the modules the loader stores."""
    return {
        "protocolSection": {
            "identificationModule": {"nctId": nct_id, "briefTitle": title, "acronym": "EDGE"},
            "statusModule": {
                "overallStatus": status,
                "startDateStruct": {"date": start},
                "lastUpdatePostDateStruct": {"date": last_update},
                "studyFirstPostDateStruct": {"date": "2023-04-02"},
            },
            "sponsorCollaboratorsModule": {
                "leadSponsor": {"name": sponsor, "class": sponsor_class}
            },
            "conditionsModule": {"conditions": list(conditions)},
            "designModule": {
                "studyType": "INTERVENTIONAL",
                "phases": list(phases),
                "enrollmentInfo": {"count": 120, "type": "ESTIMATED"},
            },
            "armsInterventionsModule": {
                "interventions": [{"type": "DRUG", "name": name} for name in interventions]
            },
            "contactsLocationsModule": {
                "overallOfficials": [
                    {"name": name, "affiliation": affiliation, "role": "PRINCIPAL_INVESTIGATOR"}
                    for name, affiliation in officials
                ],
                "locations": [
                    {"facility": facility, "city": city, "country": country, "status": "RECRUITING"}
                    for facility, city, country in sites
                ],
            },
            "referencesModule": {"references": [{"pmid": pmid} for pmid in pmids]},
        },
        "hasResults": False,
    }


def write_jsonl(path: Path, studies: list[Any]) -> Path:
    """One JSON value per line (a value may be a broken study, for error tests)."""
    path.write_text("\n".join(json.dumps(study) for study in studies) + "\n", encoding="utf-8")
    return path
