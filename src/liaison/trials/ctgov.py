"""ClinicalTrials.gov API v2 JSON in, plain records out (pure code: no ORM, no settings, no network).

``parse_ctgov(source)`` reads any of the three shapes the API v2 produces and
yields one :class:`Study` per study:

* a single study object (``GET /api/v2/studies/NCT01234567``);
* a ``/api/v2/studies`` page: ``{"studies": [...], "nextPageToken": ..., "totalCount": ...}``;
* a file with one JSON object per line (JSONL), each a study or a page.

Plain or gzip input (told apart by the magic bytes ``1f 8b``). Studies may be
field-filtered (only some modules present): what is absent is None or empty.
A study without an NCT ID, or with a value of the wrong type, raises
:class:`CtgovParseError` naming the file, the position (line, or index in
the page), the NCT ID when known and the JSON path. The retired v1 format
(``FullStudiesResponse``) is refused with a message that says so.

Example::

    with open("studies.jsonl", "rb") as stream:
        for study in parse_ctgov(stream):
            print(json.dumps(to_json(study)))

``page_from_json`` and ``study_from_json`` read JSON already decoded (for
the live client). The JSON layout of :func:`to_json` is documented in
``docs/ctgov-jsonl.md``.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any, NoReturn, Protocol, TypeVar

from liaison.core.errors import LiaisonError

__all__ = [
    "Arm",
    "Contact",
    "CtgovParseError",
    "Enrollment",
    "Intervention",
    "Location",
    "MeshTerm",
    "Official",
    "Outcome",
    "Page",
    "Sponsor",
    "Study",
    "page_from_json",
    "parse_ctgov",
    "study_from_json",
    "to_json",
]


class CtgovParseError(LiaisonError):
    """A ClinicalTrials.gov file or study that cannot be read.

    ``file`` and ``position`` ("line 3", "studies[2]") give the place,
    ``nct_id`` the study when known, ``path`` the JSON path of the bad value.
    """

    def __init__(
        self,
        reason: str,
        *,
        file: str,
        position: str | None = None,
        nct_id: str | None = None,
        path: str | None = None,
    ) -> None:
        place = ", ".join(part for part in (file, position, nct_id) if part)
        message = f"{place}: {path}: {reason}" if path else f"{place}: {reason}"
        super().__init__(message, field=path)
        self.reason = reason
        self.file = file
        self.position = position
        self.nct_id = nct_id
        self.path = path


# --- records --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Enrollment:
    count: int | None
    type: str | None  # ACTUAL or ESTIMATED


@dataclass(frozen=True, slots=True)
class MeshTerm:
    id: str
    term: str | None


@dataclass(frozen=True, slots=True)
class Intervention:
    type: str | None  # DRUG, BIOLOGICAL, DEVICE, ...
    name: str | None
    description: str | None
    other_names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Arm:
    label: str | None
    type: str | None  # EXPERIMENTAL, PLACEBO_COMPARATOR, ...
    description: str | None
    intervention_names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Sponsor:
    name: str | None
    sponsor_class: str | None  # INDUSTRY, NIH, FED, OTHER_GOV, NETWORK, OTHER, ...


@dataclass(frozen=True, slots=True)
class Official:
    name: str | None
    affiliation: str | None
    role: str | None  # PRINCIPAL_INVESTIGATOR, STUDY_CHAIR, STUDY_DIRECTOR


@dataclass(frozen=True, slots=True)
class Contact:
    name: str | None
    role: str | None
    phone: str | None
    email: str | None


@dataclass(frozen=True, slots=True)
class Location:
    facility: str | None
    city: str | None
    state: str | None
    zip: str | None
    country: str | None
    lat: float | None
    lon: float | None
    status: str | None  # the site's recruitment status
    contacts: tuple[Contact, ...]


@dataclass(frozen=True, slots=True)
class Outcome:
    measure: str | None
    description: str | None
    time_frame: str | None


@dataclass(frozen=True, slots=True)
class Study:
    """One study. Dates are strings as given ("2023-05-14" or the partial "2023-05")."""

    nct_id: str
    brief_title: str | None
    official_title: str | None
    acronym: str | None
    overall_status: str | None
    status_verified_date: str | None
    why_stopped: str | None
    phases: tuple[str, ...]
    study_type: str | None
    enrollment: Enrollment | None
    conditions: tuple[str, ...]
    condition_mesh: tuple[MeshTerm, ...]
    keywords: tuple[str, ...]
    interventions: tuple[Intervention, ...]
    arms: tuple[Arm, ...]
    lead_sponsor: Sponsor | None
    collaborators: tuple[Sponsor, ...]
    officials: tuple[Official, ...]
    locations: tuple[Location, ...]
    primary_outcomes: tuple[Outcome, ...]
    secondary_outcomes: tuple[Outcome, ...]
    start_date: str | None
    primary_completion_date: str | None
    completion_date: str | None
    first_posted: str | None
    last_update_posted: str | None
    has_results: bool | None  # None when the answer was field-filtered without it
    reference_pmids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Page:
    """A ``/api/v2/studies`` answer: its studies and the token of the next page, if any."""

    studies: tuple[Study, ...]
    next_page_token: str | None
    total_count: int | None


# --- typed access with JSON paths -----------------------------------------------------------


_T = TypeVar("_T")


class _Problem(Exception):
    def __init__(self, path: str, reason: str) -> None:
        super().__init__(reason)
        self.path = path
        self.reason = reason
        self.nct_id: str | None = None


def _describe(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{type(value).__name__} {text}"


def _object(parent: dict[str, Any], key: str, path: str) -> dict[str, Any]:
    value = parent.get(key)
    if value is None:
        return {}
    if type(value) is not dict:
        raise _Problem(f"{path}.{key}", f"expected an object, got {_describe(value)}")
    return value


def _array(parent: dict[str, Any], key: str, path: str) -> list[Any]:
    value = parent.get(key)
    if value is None:
        return []
    if type(value) is not list:
        raise _Problem(f"{path}.{key}", f"expected an array, got {_describe(value)}")
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
                raise _Problem("", f"expected an object, got {_describe(item)}")
            found.append(build(item, ""))
    except _Problem as problem:
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
            raise _Problem(f"{path}.{key}", f"expected a string, got {_describe(value)}")
    return found


def _string(parent: dict[str, Any], key: str, path: str) -> str | None:
    value = parent.get(key)
    if value is None:
        return None
    if type(value) is not str:
        raise _Problem(f"{path}.{key}", f"expected a string, got {_describe(value)}")
    return value.strip() or None


def _strings(parent: dict[str, Any], key: str, path: str) -> tuple[str, ...]:
    found = []
    for index, item in enumerate(_array(parent, key, path)):
        if type(item) is not str:
            raise _Problem(f"{path}.{key}[{index}]", f"expected a string, got {_describe(item)}")
        item = item.strip()
        if item:
            found.append(item)
    return tuple(found)


def _integer(parent: dict[str, Any], key: str, path: str) -> int | None:
    value = parent.get(key)
    if value is None:
        return None
    if type(value) is not int:
        raise _Problem(f"{path}.{key}", f"expected an integer, got {_describe(value)}")
    return value


def _float(parent: dict[str, Any], key: str, path: str) -> float | None:
    value = parent.get(key)
    if value is None:
        return None
    if type(value) is not float and type(value) is not int:
        raise _Problem(f"{path}.{key}", f"expected a number, got {_describe(value)}")
    return float(value)


def _boolean(parent: dict[str, Any], key: str, path: str) -> bool | None:
    value = parent.get(key)
    if value is None:
        return None
    if type(value) is not bool:
        raise _Problem(f"{path}.{key}", f"expected true or false, got {_describe(value)}")
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
            raise _Problem(where, f"expected a PMID, got {_describe(value)}")
        if pmid not in found:
            found.append(pmid)
    return tuple(found)


def _nct_id(identification: dict[str, Any]) -> str:
    path = "protocolSection.identificationModule.nctId"
    value = identification.get("nctId")
    if value is None:
        raise _Problem(path, "missing: every study needs its NCT ID")
    if type(value) is not str:
        raise _Problem(path, f"expected a string, got {_describe(value)}")
    nct_id = value.strip().upper()
    if not (len(nct_id) == 11 and nct_id.startswith("NCT") and nct_id[3:].isdigit()):
        raise _Problem(path, f"{value!r} is not an NCT number (NCT and 8 digits)")
    return nct_id


def _study(data: dict[str, Any]) -> Study:
    """The study; a :class:`_Problem` carries the NCT ID when it was read before the fault."""
    nct_id = None
    try:
        if "protocolSection" not in data:
            raise _Problem("protocolSection", "missing: not a ClinicalTrials.gov API v2 study")
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
    except _Problem as problem:
        problem.path = problem.path.lstrip(".")
        problem.nct_id = nct_id
        raise
    return study


# --- documents: a study, a page, a v1 answer ------------------------------------------------

_V1_KEYS = ("FullStudiesResponse", "StudyFieldsResponse", "FullStudy")

_OnError = Callable[[CtgovParseError], None]


def study_from_json(data: Any, *, name: str = "<json>", position: str | None = None) -> Study:
    """One study object already decoded from JSON; :class:`CtgovParseError` if unusable."""
    if type(data) is not dict:
        raise CtgovParseError(
            f"expected a study object, got {_describe(data)}", file=name, position=position
        )
    try:
        return _study(data)
    except _Problem as problem:
        raise CtgovParseError(
            problem.reason, file=name, position=position, nct_id=problem.nct_id, path=problem.path
        ) from None


def page_from_json(data: Any, *, name: str = "<json>", on_error: _OnError | None = None) -> Page:
    """A ``/api/v2/studies`` page already decoded from JSON, with its next-page token."""
    if type(data) is not dict or "studies" not in data:
        _refuse_document(data, name, None)
    studies = tuple(_document(data, name, None, on_error))
    token = data.get("nextPageToken")
    total = data.get("totalCount")
    if token is not None and type(token) is not str:
        raise CtgovParseError(
            f"expected a string, got {_describe(token)}", file=name, path="nextPageToken"
        )
    if total is not None and type(total) is not int:
        raise CtgovParseError(
            f"expected an integer, got {_describe(total)}", file=name, path="totalCount"
        )
    return Page(studies, token or None, total)


def _refuse_document(data: Any, name: str, line: int | None) -> NoReturn:
    position = f"line {line}" if line is not None else None
    if type(data) is dict:
        for key in _V1_KEYS:
            if key in data:
                raise CtgovParseError(
                    f"this is the retired ClinicalTrials.gov API v1 format ({key}); "
                    "fetch the studies again from API v2 (/api/v2/studies)",
                    file=name,
                    position=position,
                )
        keys = ", ".join(sorted(data)[:6]) or "none"
        raise CtgovParseError(
            f"not ClinicalTrials.gov API v2 JSON (top-level keys: {keys}; expected "
            "protocolSection or studies)",
            file=name,
            position=position,
        )
    raise CtgovParseError(
        f"not ClinicalTrials.gov API v2 JSON (expected an object, got {_describe(data)})",
        file=name,
        position=position,
    )


def _document(data: Any, name: str, line: int | None, on_error: _OnError | None) -> Iterator[Study]:
    """The studies of one decoded JSON document (a study, a page, or a list of studies)."""
    where = f"line {line}" if line is not None else None
    if type(data) is dict and "protocolSection" in data:
        items: list[Any] = [data]
        labels: list[str | None] = [where]
    elif type(data) is dict and "studies" in data:
        items = data["studies"]
        if type(items) is not list:
            raise CtgovParseError(
                f"expected an array, got {_describe(items)}",
                file=name,
                position=where,
                path="studies",
            )
        prefix = f"{where}, " if where else ""
        labels = [f"{prefix}studies[{index}]" for index in range(len(items))]
    elif type(data) is list:
        items = data
        prefix = f"{where}, " if where else ""
        labels = [f"{prefix}[{index}]" for index in range(len(items))]
    else:
        _refuse_document(data, name, line)
    for item, label in zip(items, labels, strict=True):
        try:
            yield study_from_json(item, name=name, position=label)
        except CtgovParseError as error:
            if on_error is None:
                raise
            on_error(error)


# --- files ----------------------------------------------------------------------------------


class _Reader(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...
    def readline(self, size: int = -1, /) -> bytes: ...


class _Prefixed:
    """A binary stream with its first bytes, already read, put back in front."""

    def __init__(self, prefix: bytes, stream: IO[bytes]) -> None:
        self._prefix = prefix
        self._stream = stream

    def read(self, size: int = -1, /) -> bytes:
        prefix, self._prefix = self._prefix, b""
        if size < 0:
            return prefix + self._stream.read()
        if len(prefix) >= size:
            self._prefix = prefix[size:]
            return prefix[:size]
        return prefix + self._stream.read(size - len(prefix))

    def readline(self, size: int = -1, /) -> bytes:
        prefix, self._prefix = self._prefix, b""
        newline = prefix.find(b"\n")
        if newline != -1:
            self._prefix = prefix[newline + 1 :]
            return prefix[: newline + 1]
        return prefix + self._stream.readline()

    def seek(self, offset: int, /) -> int:
        """Read forward only (gzip asks for this method but does not use it)."""
        raise io.UnsupportedOperation("a ClinicalTrials.gov stream is read forward only")


def _decode(text: bytes, name: str, line: int) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise CtgovParseError(
            f"invalid JSON: {error.msg} (column {error.colno})",
            file=name,
            position=f"line {line + error.lineno - 1}",
        ) from None
    except UnicodeDecodeError as error:
        raise CtgovParseError(
            f"not UTF-8 text: {error.reason}", file=name, position=f"line {line}"
        ) from None


def parse_ctgov(
    source: IO[bytes] | str | os.PathLike[str],
    *,
    name: str | None = None,
    on_error: _OnError | None = None,
) -> Iterator[Study]:
    """Yield the studies in a ClinicalTrials.gov API v2 JSON or JSONL file (path or binary stream).

    ``name`` labels the file in errors. A study with a missing NCT ID or a
    value of the wrong type raises :class:`CtgovParseError`, or, when
    ``on_error`` is given, is passed to it and skipped. Invalid JSON always
    raises, with its line.
    """
    if isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        with open(path, "rb") as file:
            yield from parse_ctgov(file, name=name or path, on_error=on_error)
        return
    label = name or str(getattr(source, "name", "<stream>"))
    magic = source.read(2)
    stream: _Reader = _Prefixed(magic, source)
    if magic == b"\x1f\x8b":
        stream = gzip.GzipFile(fileobj=_Prefixed(magic, source), mode="rb")
    try:
        yield from _read(stream, label, on_error)
    except (OSError, EOFError, zlib.error) as error:
        raise CtgovParseError(f"corrupt gzip data: {error}", file=label) from None


def _read(stream: _Reader, name: str, on_error: _OnError | None) -> Iterator[Study]:
    number = 0
    first = b""
    while not first.strip():
        first = stream.readline()
        number += 1
        if not first:
            return  # an empty file holds no studies
    first = first.removeprefix(b"\xef\xbb\xbf")
    try:
        data = json.loads(first)
    except (json.JSONDecodeError, UnicodeDecodeError):
        # Not one object per line: a pretty-printed document, read whole.
        yield from _document(_decode(first + stream.read(), name, number), name, None, on_error)
        return
    following = b""
    following_number = number
    while not following.strip():
        following = stream.readline()
        following_number += 1
        if not following:
            yield from _document(data, name, None, on_error)  # one document on one line
            return
    if type(data) is not dict and type(data) is not list:
        _refuse_document(data, name, number)
    yield from _document(data, name, number, on_error)
    line = following
    number = following_number
    while line:
        if line.strip():
            yield from _document(_decode(line.strip(), name, number), name, number, on_error)
        line = stream.readline()
        number += 1


# --- JSON -----------------------------------------------------------------------------------


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
