"""From a parsed study to the rows the trials app stores (pure: no Django).

:func:`study_rows` turns a :class:`Study` into plain tuples in column order:
the trial's values (JSON columns already encoded, dates as ISO text), its sites
and officials, and a fingerprint of all of them, which tells a re-load of the
same study from a changed one. Dates stay as registered (``"2023-05"``) beside
a sortable date, the first day they name. Search keys are folded (accent-free,
lower case). The writer (``trials.services``) adds ids and timestamps.

:func:`read_here` and :func:`read_in_child` give a file's studies as batches
of rows, parsed in this process or in a second one while this one writes; the
module imports no Django, so the second is a plain interpreter
(``python -m liaison.trials.loading.rows``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import marshal
import os
import re
import sys
from collections.abc import Callable, Generator, Iterable, Iterator
from typing import IO, Any, NamedTuple, cast

from liaison.lib.childprocess import ReaderCrashed as ReaderCrashed  # re-exported
from liaison.lib.childprocess import results_of_child, send_all
from liaison.lib.text import fold, to_json
from liaison.trials.ctgov import CtgovParseError, Outcome, Study, parse_ctgov

# The Trial columns of ``StudyRows.values``, in order.
VALUE_FIELDS = (
    "brief_title",
    "official_title",
    "acronym",
    "overall_status",
    "status_verified_date",
    "why_stopped",
    "phases",
    "phase_key",
    "study_type",
    "enrollment_count",
    "enrollment_type",
    "conditions",
    "condition_mesh",
    "keywords",
    "interventions",
    "arms",
    "lead_sponsor_name",
    "lead_sponsor_class",
    "collaborators",
    "primary_outcomes",
    "secondary_outcomes",
    "start_date",
    "start_on",
    "primary_completion_date",
    "primary_completion_on",
    "completion_date",
    "completion_on",
    "first_posted",
    "last_update_posted",
    "has_results",
    "reference_pmids",
    "search_text",
    "intervention_text",
    "condition_text",
)
OVERALL_STATUS = VALUE_FIELDS.index("overall_status")
LAST_UPDATE_POSTED = VALUE_FIELDS.index("last_update_posted")

# The TrialSite columns of each ``StudyRows.sites`` tuple, in order.
SITE_FIELDS = (
    "position",
    "facility",
    "city",
    "state",
    "zip",
    "country",
    "lat",
    "lon",
    "status",
    "contacts",
)
# The TrialOfficial columns of each ``StudyRows.officials`` tuple, in order.
OFFICIAL_FIELDS = ("position", "name", "affiliation", "role")
# What tells a site or an official of a trial apart when its rows are replaced.
SITE_KEY = tuple(SITE_FIELDS.index(name) for name in ("facility", "city", "country"))
OFFICIAL_KEY = tuple(OFFICIAL_FIELDS.index(name) for name in ("name", "affiliation"))

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
_BOUNDED = tuple((VALUE_FIELDS.index(name), name, limit) for name, limit in _LIMITS.items())
_SITE_LIMITS = {"zip": 40, "country": 100, "status": 40}
_ZIP_MAX = _SITE_LIMITS["zip"]
_COUNTRY_MAX = _SITE_LIMITS["country"]
_SITE_STATUS_MAX = _SITE_LIMITS["status"]
_OFFICIAL_LIMITS = {"role": 40}
_ROLE_MAX = _OFFICIAL_LIMITS["role"]
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


def _first_day(text: str | None) -> str | None:
    """:func:`partial_date` as ISO text (what the writer sends for a date column)."""
    date = partial_date(text)
    return None if date is None else date.isoformat()


def condition_key(conditions: list[str]) -> str:
    """The folded conditions and their MeSH terms, `` | ``-separated, for condition filters."""
    names = [key for key in map(fold, filter(None, conditions)) if key]
    return f" {' | '.join(names)} " if names else ""


def _too_long(what: str, name: str, value: str, limit: int) -> StudyRejected:
    return StudyRejected(f"{what}{name}: {value[:40]!r} is longer than {limit} characters")


class StudyRows(NamedTuple):
    """What one study stores, ready for the writer (which adds ids and timestamps).

    Tuples all the way down: cheap to build and to fingerprint.
    """

    nct_id: str
    values: tuple[Any, ...]  # VALUE_FIELDS
    sites: list[tuple[Any, ...]]  # SITE_FIELDS
    officials: list[tuple[Any, ...]]  # OFFICIAL_FIELDS
    content_hash: str


def _outcomes(outcomes: tuple[Outcome, ...]) -> str:
    return to_json(
        [
            {
                "measure": item.measure,
                "description": item.description,
                "time_frame": item.time_frame,
            }
            for item in outcomes
        ]
    )


def _sites(study: Study) -> list[tuple[Any, ...]]:
    sites = []
    for position, location in enumerate(study.locations):
        zip_code = location.zip or ""
        country = location.country or ""
        status = location.status or ""
        if (
            len(zip_code) > _ZIP_MAX
            or len(country) > _COUNTRY_MAX
            or len(status) > _SITE_STATUS_MAX
        ):
            for name, value in (("zip", zip_code), ("country", country), ("status", status)):
                if len(value) > _SITE_LIMITS[name]:
                    raise _too_long(f"locations[{position}].", name, value, _SITE_LIMITS[name])
        contacts = location.contacts
        sites.append(
            (
                position,
                location.facility or "",
                location.city or "",
                location.state or "",
                zip_code,
                country,
                location.lat,
                location.lon,
                status,
                to_json(
                    [
                        {"name": c.name, "role": c.role, "phone": c.phone, "email": c.email}
                        for c in contacts
                    ]
                )
                if contacts
                else "[]",
            )
        )
    return sites


def _officials(study: Study) -> list[tuple[Any, ...]]:
    officials = []
    for position, official in enumerate(study.officials):
        role = official.role or ""
        if len(role) > _ROLE_MAX:
            raise _too_long(f"officials[{position}].", "role", role, _ROLE_MAX)
        officials.append((position, official.name or "", official.affiliation or "", role))
    return officials


def study_rows(study: Study) -> StudyRows:
    """The rows of ``study`` (pure: no database); :class:`StudyRejected` if they cannot be stored."""
    sponsor = study.lead_sponsor
    enrollment = study.enrollment
    intervention_keys: list[str] = []
    intervention_names: list[str] = []
    for item in study.interventions:
        for name in (item.name, *item.other_names):
            if name:
                key = fold(name)
                if key:
                    intervention_names.append(name)
                    intervention_keys.append(key)
    mesh_terms = [term.term or "" for term in study.condition_mesh]
    brief_title = study.brief_title or ""
    official_title = study.official_title or ""
    acronym = study.acronym or ""
    sponsor_name = (sponsor.name if sponsor else None) or ""
    count = enrollment.count if enrollment else None
    values: tuple[Any, ...] = (
        brief_title,
        official_title,
        acronym,
        study.overall_status or "",
        study.status_verified_date or "",
        study.why_stopped or "",
        to_json(study.phases),
        f"|{'|'.join(study.phases)}|" if study.phases else "",
        study.study_type or "",
        count,
        (enrollment.type if enrollment else None) or "",
        to_json(study.conditions),
        to_json([{"id": term.id, "term": term.term} for term in study.condition_mesh]),
        to_json(study.keywords),
        to_json(
            [
                {
                    "type": item.type,
                    "name": item.name,
                    "description": item.description,
                    "other_names": item.other_names,
                }
                for item in study.interventions
            ]
        ),
        to_json(
            [
                {
                    "label": arm.label,
                    "type": arm.type,
                    "description": arm.description,
                    "intervention_names": arm.intervention_names,
                }
                for arm in study.arms
            ]
        ),
        sponsor_name,
        (sponsor.sponsor_class if sponsor else None) or "",
        to_json([{"name": item.name, "class": item.sponsor_class} for item in study.collaborators]),
        _outcomes(study.primary_outcomes),
        _outcomes(study.secondary_outcomes),
        study.start_date or "",
        _first_day(study.start_date),
        study.primary_completion_date or "",
        _first_day(study.primary_completion_date),
        study.completion_date or "",
        _first_day(study.completion_date),
        _first_day(study.first_posted),
        _first_day(study.last_update_posted),
        study.has_results,
        to_json(study.reference_pmids),
        fold(
            " | ".join(
                [
                    study.nct_id,
                    brief_title,
                    official_title,
                    acronym,
                    sponsor_name,
                    *study.conditions,
                    *mesh_terms,
                    *study.keywords,
                    *intervention_names,
                    *(item.name or "" for item in study.collaborators),
                ]
            )
        ),
        # " name | other name ": a product matches a whole folded name or word run.
        f" {' | '.join(intervention_keys)} " if intervention_keys else "",
        condition_key([*study.conditions, *mesh_terms]),
    )
    for index, name, limit in _BOUNDED:
        if len(values[index]) > limit:
            raise _too_long("", name, values[index], limit)
    if count is not None and count not in _INTEGER_RANGE:
        raise StudyRejected(
            f"enrollment_count: {count} is outside {_INTEGER_RANGE.start} to "
            f"{_INTEGER_RANGE.stop - 1}"
        )
    sites = _sites(study) if study.locations else []
    officials = _officials(study) if study.officials else []
    # marshal format 2 has no back-references or interning marks, so equal rows
    # give equal bytes in any process (and it is C).
    digest = hashlib.blake2b(
        marshal.dumps((values, sites, officials), 2), digest_size=16
    ).hexdigest()
    return StudyRows(study.nct_id, values, sites, officials, digest)


# --- batches, read in this process or in a second one ----------------------------------


class Batch(NamedTuple):
    """Up to ``batch_size`` studies read: the rows of the good ones by NCT ID (the last
    copy of a study wins), the messages of the bad ones, how many studies were read
    (good and bad) and the bytes of the file read when the batch ended.

    ``broken`` is the message of a file that cannot be read on: this batch, which
    it interrupted, is not written (its bad studies are failed all the same).
    """

    rows: dict[str, StudyRows]
    errors: list[str]
    size: int
    position: int = 0
    broken: str | None = None


class _Gathering:
    """The batch being read; the parser's error callback also fills it."""

    def __init__(self) -> None:
        self.rows: dict[str, StudyRows] = {}
        self.errors: list[str] = []
        self.size = 0

    def refused(self, error: CtgovParseError) -> None:
        self.size += 1
        self.errors.append(error.message)

    def take(self, position: int, broken: str | None = None) -> Batch:
        batch = Batch(self.rows, self.errors, self.size, position, broken)
        self.rows, self.errors, self.size = {}, [], 0
        return batch


def _gather(
    studies: Iterable[Study],
    gathering: _Gathering,
    batch_size: int,
    source: str | None,
    position: Callable[[], int],
) -> Iterator[Batch]:
    prefix = f"{source}, " if source else ""
    for study in studies:
        gathering.size += 1
        try:
            gathering.rows[study.nct_id] = study_rows(study)
        except StudyRejected as error:
            gathering.errors.append(f"{prefix}{study.nct_id}: {error}")
        if gathering.size >= batch_size:
            yield gathering.take(position())
    if gathering.size:
        yield gathering.take(position())


def batches_of(studies: Iterable[Study], batch_size: int) -> Iterator[Batch]:
    """Batches of studies already parsed (the live client's)."""
    return _gather(studies, _Gathering(), batch_size, None, lambda: 0)


class _CountingReader:
    """A binary file that knows how many bytes were read from it."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.name = getattr(stream, "name", "<stream>")
        self.position = 0

    def read(self, size: int = -1, /) -> bytes:
        data = self.stream.read(size)
        self.position += len(data)
        return data

    def readline(self, size: int = -1, /) -> bytes:
        data = self.stream.readline(size)
        self.position += len(data)
        return data


def read_here(stream: IO[bytes], name: str, batch_size: int) -> Generator[Batch, None, None]:
    """The batches of a ClinicalTrials.gov file (study, page or JSONL; plain or gzip),
    parsed in this process; ``name`` labels the file in errors."""
    counting = _CountingReader(stream)
    gathering = _Gathering()
    studies = parse_ctgov(cast(IO[bytes], counting), name=name, on_error=gathering.refused)
    try:
        yield from _gather(studies, gathering, batch_size, name, lambda: counting.position)
    except CtgovParseError as error:
        yield gathering.take(counting.position, error.message)


def _encode(batch: Batch) -> tuple[Any, ...]:
    """A batch as plain values (what marshal sends between the processes)."""
    rows = {nct_id: tuple(row) for nct_id, row in batch.rows.items()}
    return (rows, batch.errors, batch.size, batch.position, batch.broken)


def _decode(value: tuple[Any, ...]) -> Batch:
    rows, errors, size, position, broken = value
    return Batch(
        {nct_id: StudyRows._make(row) for nct_id, row in rows.items()},
        errors,
        size,
        position,
        broken,
    )


def read_in_child(
    path: str | os.PathLike[str], name: str, batch_size: int
) -> Generator[Batch, None, None]:
    """The batches of :func:`read_here`, parsed and turned into rows in a child process
    (:mod:`liaison.lib.childprocess`), so a large file uses two cores. Closing the
    iterator early (the writer failed) stops the child."""
    return results_of_child(__name__, [os.fspath(path), name, str(batch_size)], name, _decode)


def _produce(path: str, name: str, batch_size: int) -> Iterator[tuple[Any, ...]]:
    """The child's work: every batch of the file, as plain values."""
    with open(path, "rb") as stream:
        for batch in read_here(stream, name, batch_size):
            yield _encode(batch)


if __name__ == "__main__":
    send_all(_produce(sys.argv[1], sys.argv[2], int(sys.argv[3])))
