"""From a decoded study to a :class:`Study`: every value type-checked, with its JSON path on error."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from .records import (
    Arm,
    Contact,
    Enrollment,
    Intervention,
    Location,
    MeshTerm,
    Official,
    Outcome,
    Sponsor,
    Study,
)

_T = TypeVar("_T")


class Problem(Exception):
    """A bad value at a JSON path; the reader adds the file and position."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(reason)
        self.path = path
        self.reason = reason
        self.nct_id: str | None = None


def describe(value: object) -> str:
    """A value for an error message: its JSON type and a short excerpt."""
    text = json.dumps(value, ensure_ascii=False)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{type(value).__name__} {text}"


def _object(parent: dict[str, Any], key: str, path: str) -> dict[str, Any]:
    value = parent.get(key)
    if value is None:
        return {}
    if type(value) is not dict:
        raise Problem(f"{path}.{key}", f"expected an object, got {describe(value)}")
    return value


def _array(parent: dict[str, Any], key: str, path: str) -> list[Any]:
    value = parent.get(key)
    if value is None:
        return []
    if type(value) is not list:
        raise Problem(f"{path}.{key}", f"expected an array, got {describe(value)}")
    return value


def _each(
    parent: dict[str, Any], key: str, path: str, build: Callable[[dict[str, Any], str], _T]
) -> tuple[_T, ...]:
    """``build(item, "")`` for each object of an array.

    Items are read with an empty path and a problem gets its place
    (``...locations[3]``) only when raised, so good input pays nothing for paths.
    """
    items = _array(parent, key, path)
    if not items:
        return ()
    found = []
    index = 0
    try:
        for index in range(len(items)):
            item = items[index]
            if type(item) is not dict:
                raise Problem("", f"expected an object, got {describe(item)}")
            found.append(build(item, ""))
    except Problem as problem:
        problem.path = f"{path}.{key}[{index}]{problem.path}"
        raise
    return tuple(found)


def _texts(parent: dict[str, Any], keys: tuple[str, ...], path: str) -> list[str | None]:
    """Several string fields at once (None where absent or blank)."""
    found: list[str | None] = []
    for key in keys:
        value = parent.get(key)
        if value is None:
            found.append(None)
        elif type(value) is str:
            found.append(value.strip() or None)
        else:
            raise Problem(f"{path}.{key}", f"expected a string, got {describe(value)}")
    return found


def _string(parent: dict[str, Any], key: str, path: str) -> str | None:
    value = parent.get(key)
    if value is None:
        return None
    if type(value) is not str:
        raise Problem(f"{path}.{key}", f"expected a string, got {describe(value)}")
    return value.strip() or None


def _strings(parent: dict[str, Any], key: str, path: str) -> tuple[str, ...]:
    found = []
    for index, item in enumerate(_array(parent, key, path)):
        if type(item) is not str:
            raise Problem(f"{path}.{key}[{index}]", f"expected a string, got {describe(item)}")
        item = item.strip()
        if item:
            found.append(item)
    return tuple(found)


def _integer(parent: dict[str, Any], key: str, path: str) -> int | None:
    value = parent.get(key)
    if value is None:
        return None
    if type(value) is not int:
        raise Problem(f"{path}.{key}", f"expected an integer, got {describe(value)}")
    return value


def _float(parent: dict[str, Any], key: str, path: str) -> float | None:
    value = parent.get(key)
    if value is None:
        return None
    if type(value) is not float and type(value) is not int:
        raise Problem(f"{path}.{key}", f"expected a number, got {describe(value)}")
    return float(value)


def _boolean(parent: dict[str, Any], key: str, path: str) -> bool | None:
    value = parent.get(key)
    if value is None:
        return None
    if type(value) is not bool:
        raise Problem(f"{path}.{key}", f"expected true or false, got {describe(value)}")
    return value


def _date(module: dict[str, Any], key: str, path: str) -> str | None:
    return _string(_object(module, key, path), "date", f"{path}.{key}")


def _sponsor(item: dict[str, Any], path: str) -> Sponsor:
    return Sponsor(*_texts(item, ("name", "class"), path))


def _outcome(item: dict[str, Any], path: str) -> Outcome:
    return Outcome(*_texts(item, ("measure", "description", "timeFrame"), path))


def _contact(item: dict[str, Any], path: str) -> Contact:
    return Contact(*_texts(item, ("name", "role", "phone", "email"), path))


def _official(item: dict[str, Any], path: str) -> Official:
    return Official(*_texts(item, ("name", "affiliation", "role"), path))


def _intervention(item: dict[str, Any], path: str) -> Intervention:
    kind, name, description = _texts(item, ("type", "name", "description"), path)
    return Intervention(kind, name, description, _strings(item, "otherNames", path))


def _arm(item: dict[str, Any], path: str) -> Arm:
    label, kind, description = _texts(item, ("label", "type", "description"), path)
    return Arm(label, kind, description, _strings(item, "interventionNames", path))


def _mesh_term(item: dict[str, Any], path: str) -> MeshTerm | None:
    mesh_id, term = _texts(item, ("id", "term"), path)
    return None if mesh_id is None else MeshTerm(mesh_id, term)


_LOCATION_KEYS = ("facility", "city", "state", "zip", "country", "status")


def _location(item: dict[str, Any], path: str) -> Location:
    facility, city, state, zip_code, country, status = _texts(item, _LOCATION_KEYS, path)
    point = item.get("geoPoint")
    lat = lon = None
    if point is not None:
        point = _object(item, "geoPoint", path)
        lat = _float(point, "lat", f"{path}.geoPoint")
        lon = _float(point, "lon", f"{path}.geoPoint")
    contacts = _each(item, "contacts", path, _contact) if "contacts" in item else ()
    return Location(facility, city, state, zip_code, country, lat, lon, status, contacts)


def _pmids(module: dict[str, Any], path: str) -> tuple[int, ...]:
    found: list[int] = []
    for index, item in enumerate(_array(module, "references", path)):
        value = item.get("pmid") if type(item) is dict else item
        if value is None:
            continue
        if type(value) is int:
            pmid = value
        elif type(value) is str and value.strip().isascii() and value.strip().isdigit():
            pmid = int(value)
        else:
            where = f"{path}.references[{index}]" + (".pmid" if type(item) is dict else "")
            raise Problem(where, f"expected a PMID, got {describe(value)}")
        if pmid not in found:
            found.append(pmid)
    return tuple(found)


def _nct_id(identification: dict[str, Any]) -> str:
    path = "protocolSection.identificationModule.nctId"
    value = identification.get("nctId")
    if value is None:
        raise Problem(path, "missing: every study needs its NCT ID")
    if type(value) is not str:
        raise Problem(path, f"expected a string, got {describe(value)}")
    nct_id = value.strip().upper()
    if not (len(nct_id) == 11 and nct_id.startswith("NCT") and nct_id[3:].isdigit()):
        raise Problem(path, f"{value!r} is not an NCT number (NCT and 8 digits)")
    return nct_id


def read_study(data: dict[str, Any]) -> Study:
    """The study; a :class:`Problem` carries the NCT ID when it was read before the fault."""
    nct_id = None
    try:
        if "protocolSection" not in data:
            raise Problem("protocolSection", "missing: not a ClinicalTrials.gov API v2 study")
        protocol = _object(data, "protocolSection", "")
        p = "protocolSection"
        identification = _object(protocol, "identificationModule", p)
        nct_id = _nct_id(identification)
        identification_path = f"{p}.identificationModule"
        status = _object(protocol, "statusModule", p)
        status_path = f"{p}.statusModule"
        design = _object(protocol, "designModule", p)
        design_path = f"{p}.designModule"
        enrollment_info = design.get("enrollmentInfo")
        enrollment = None
        if enrollment_info is not None:
            info = _object(design, "enrollmentInfo", design_path)
            enrollment = Enrollment(
                _integer(info, "count", f"{design_path}.enrollmentInfo"),
                _string(info, "type", f"{design_path}.enrollmentInfo"),
            )
        conditions = _object(protocol, "conditionsModule", p)
        conditions_path = f"{p}.conditionsModule"
        arms = _object(protocol, "armsInterventionsModule", p)
        arms_path = f"{p}.armsInterventionsModule"
        sponsors = _object(protocol, "sponsorCollaboratorsModule", p)
        sponsors_path = f"{p}.sponsorCollaboratorsModule"
        lead = sponsors.get("leadSponsor")
        contacts = _object(protocol, "contactsLocationsModule", p)
        contacts_path = f"{p}.contactsLocationsModule"
        outcomes = _object(protocol, "outcomesModule", p)
        outcomes_path = f"{p}.outcomesModule"
        browse = _object(
            _object(data, "derivedSection", ""), "conditionBrowseModule", "derivedSection"
        )
        browse_path = "derivedSection.conditionBrowseModule"
        study = Study(
            nct_id=nct_id,
            brief_title=_string(identification, "briefTitle", identification_path),
            official_title=_string(identification, "officialTitle", identification_path),
            acronym=_string(identification, "acronym", identification_path),
            overall_status=_string(status, "overallStatus", status_path),
            status_verified_date=_string(status, "statusVerifiedDate", status_path),
            why_stopped=_string(status, "whyStopped", status_path),
            phases=_strings(design, "phases", design_path),
            study_type=_string(design, "studyType", design_path),
            enrollment=enrollment,
            conditions=_strings(conditions, "conditions", conditions_path),
            condition_mesh=tuple(
                term
                for term in _each(browse, "meshes", browse_path, _mesh_term)
                if term is not None
            ),
            keywords=_strings(conditions, "keywords", conditions_path),
            interventions=_each(arms, "interventions", arms_path, _intervention),
            arms=_each(arms, "armGroups", arms_path, _arm),
            lead_sponsor=None
            if lead is None
            else _sponsor(
                _object(sponsors, "leadSponsor", sponsors_path), f"{sponsors_path}.leadSponsor"
            ),
            collaborators=_each(sponsors, "collaborators", sponsors_path, _sponsor),
            officials=_each(contacts, "overallOfficials", contacts_path, _official),
            locations=_each(contacts, "locations", contacts_path, _location),
            primary_outcomes=_each(outcomes, "primaryOutcomes", outcomes_path, _outcome),
            secondary_outcomes=_each(outcomes, "secondaryOutcomes", outcomes_path, _outcome),
            start_date=_date(status, "startDateStruct", status_path),
            primary_completion_date=_date(status, "primaryCompletionDateStruct", status_path),
            completion_date=_date(status, "completionDateStruct", status_path),
            first_posted=_date(status, "studyFirstPostDateStruct", status_path),
            last_update_posted=_date(status, "lastUpdatePostDateStruct", status_path),
            has_results=_boolean(data, "hasResults", "") if "hasResults" in data else None,
            reference_pmids=_pmids(
                _object(protocol, "referencesModule", p), f"{p}.referencesModule"
            ),
        )
    except Problem as problem:
        problem.path = problem.path.lstrip(".")
        problem.nct_id = nct_id
        raise
    return study
