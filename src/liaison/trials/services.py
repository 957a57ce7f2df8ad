"""Storing ClinicalTrials.gov studies: idempotent bulk upserts keyed on NCT ID.

:func:`load_files` reads files with the pure parser (``trials.ctgov``) and
:func:`load_studies` stores parsed studies, both in batches, each batch in its
own transaction, so a run killed half way keeps the batches it finished and a
re-run completes it. Per batch, one query finds the stored trials; a study
whose stored ``content_hash`` is its own is unchanged and not written; new
trials are bulk-inserted, changed ones bulk-updated with their sites and
officials replaced (keeping the organization and HCP each was resolved to).
A different overall status than the stored one adds a
:class:`~liaison.trials.models.TrialStatusChange`.

The rule for a bad study is the PubMed loader's (``literature.services``): a
study the parser refuses (no NCT ID, a value of the wrong type), one whose
values cannot be stored (too long, out of range) and one the database refuses
is **failed**, reported with its file, position or NCT ID and the reason, and
the rest of its batch is stored. A batch the database refuses is written again
study by study, so the refused study fails alone. A file that cannot be read on
(invalid JSON, corrupt gzip) is named with the place it stopped; the batch it
interrupted is not written, the batches before it stay and the next files
still load.

Trials are evidence, not regulated records: no per-row audit events.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, Protocol, cast

from django.db import (
    DEFAULT_DB_ALIAS,
    DataError,
    IntegrityError,
    connection,
    connections,
    models,
    transaction,
)
from django.utils import timezone

from liaison.core.errors import PermissionDenied
from liaison.core.models import User
from liaison.trials.ctgov import CtgovParseError, Study, parse_ctgov
from liaison.trials.models import Trial, TrialOfficial, TrialSite, TrialStatusChange
from liaison.trials.policy import may_load
from liaison.trials.rows import StudyRejected, StudyRows, study_rows

DEFAULT_BATCH_SIZE = 500
MAX_REPORTED_ERRORS = 1000

UPDATED_FIELDS = [
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
    "content_hash",
    "updated_at",
]


#: The trial fields :func:`study_rows` fills, in the order of the INSERT's columns.
VALUE_FIELDS = [name for name in UPDATED_FIELDS if name not in ("content_hash", "updated_at")]
TRIAL_COLUMNS = ["nct_id", "content_hash", "created_at", "updated_at", *VALUE_FIELDS]
SITE_FIELDS = [
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
]
OFFICIAL_FIELDS = ["position", "name", "affiliation", "role"]


class LoadProgress(Protocol):
    """What a load reports to: core.jobs.Progress, or the CLI's progress bar.

    Files report bytes read (the total is the files' size); :func:`load_studies`
    reports studies. ``counts`` are the batch's new, updated, unchanged, failed.
    """

    def set_total(self, total: int) -> None: ...

    def advance(self, step: int = 1, **counts: int) -> None: ...


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


@dataclass
class LoadReport:
    """Counts of a load and its per-study errors (file, position, NCT ID, reason)."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    status_changes: int = 0
    files: int = 0
    errors: list[str] = field(default_factory=list)
    failed_files: list[str] = field(default_factory=list)  # not read to the end

    @property
    def ok(self) -> bool:
        return self.failed == 0 and not self.failed_files

    def counts(self) -> dict[str, int]:
        return {
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "failed": self.failed,
            "status_changes": self.status_changes,
        }

    def error(self, message: str) -> None:
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(message)

    def summary(self) -> str:
        text = (
            f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.failed} failed"
        )
        if self.status_changes:
            text += (
                f"; {self.status_changes} status change{'s' if self.status_changes != 1 else ''}"
            )
        if self.failed_files:
            count = len(self.failed_files)
            text += f"; {count} file{'s' if count != 1 else ''} could not be read to the end"
        return text


# --- storing ----------------------------------------------------------------------


class _Inserter:
    """A multi-row INSERT of one model's columns, prepared once.

    The ORM's ``bulk_create`` compiles every value of every row again; for the
    hundreds of thousands of sites of a therapeutic area that is most of a
    load's time. Values that need the database's form (JSON, dates) go
    through their field's ``get_db_prep_save``; the rest are passed as they are.
    """

    def __init__(self, model: type[models.Model], names: Sequence[str]) -> None:
        fields = []
        for name in names:
            field = model._meta.get_field(name)
            assert isinstance(field, models.Field)
            fields.append(field)
        quote = connection.ops.quote_name
        columns = ", ".join(quote(str(field.column)) for field in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        # Only quoted names from the model's metadata are formatted in; values are parameters.
        self.sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
        self.prepared = {
            index: field.get_db_prep_save
            for index, field in enumerate(fields)
            if isinstance(field, models.JSONField | models.DateField)
        }

    def insert(self, rows: Iterable[Sequence[Any]]) -> None:
        params = []
        database = connections[DEFAULT_DB_ALIAS]  # not the proxy: one lookup, not one per value
        for row in rows:
            values = list(row)
            for index, prepare in self.prepared.items():
                values[index] = prepare(values[index], database)
            params.append(values)
        if params:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, params)


def _site_key(site: dict[str, Any]) -> tuple[str, str, str]:
    return (site["facility"], site["city"], site["country"])


def _official_key(official: dict[str, Any]) -> tuple[str, str]:
    return (official["name"], official["affiliation"])


def _write_batch(rows: dict[str, StudyRows]) -> dict[str, int]:
    """Store one batch in one transaction; returns its counts."""
    now = timezone.now()
    counts = {"new": 0, "updated": 0, "unchanged": 0, "status_changes": 0}
    with transaction.atomic():
        stored = {
            nct_id: (pk, digest, status)
            for nct_id, pk, digest, status in Trial.objects.filter(
                nct_id__in=list(rows)
            ).values_list("nct_id", "pk", "content_hash", "overall_status")
        }
        new = [row for nct_id, row in rows.items() if nct_id not in stored]
        changed = [
            row
            for nct_id, row in rows.items()
            if nct_id in stored and stored[nct_id][1] != row.content_hash
        ]
        counts["unchanged"] = len(rows) - len(new) - len(changed)
        if new:
            _Inserter(Trial, TRIAL_COLUMNS).insert(
                [
                    row.nct_id,
                    row.content_hash,
                    now,
                    now,
                    *(row.values[name] for name in VALUE_FIELDS),
                ]
                for row in new
            )
        trial_ids = dict(
            Trial.objects.filter(nct_id__in=[row.nct_id for row in new]).values_list("nct_id", "pk")
        )
        changed_ids = [stored[row.nct_id][0] for row in changed]
        organizations: dict[tuple[int, tuple[str, str, str]], int] = {}
        hcps: dict[tuple[int, tuple[str, str]], int] = {}
        status_changes = []
        if changed:
            Trial.objects.bulk_update(
                [
                    Trial(
                        pk=stored[row.nct_id][0],
                        nct_id=row.nct_id,
                        content_hash=row.content_hash,
                        updated_at=now,
                        **row.values,
                    )
                    for row in changed
                ],
                UPDATED_FIELDS,
                batch_size=100,
            )
            # Sites and officials are replaced; what identity resolution found stays.
            for trial_id, facility, city, country, organization_id in TrialSite.objects.filter(
                trial_id__in=changed_ids, organization__isnull=False
            ).values_list("trial_id", "facility", "city", "country", "organization_id"):
                organizations[(trial_id, (facility, city, country))] = organization_id
            for trial_id, name, affiliation, hcp_id in TrialOfficial.objects.filter(
                trial_id__in=changed_ids, hcp__isnull=False
            ).values_list("trial_id", "name", "affiliation", "hcp_id"):
                hcps[(trial_id, (name, affiliation))] = hcp_id
            TrialSite.objects.filter(trial_id__in=changed_ids).delete()
            TrialOfficial.objects.filter(trial_id__in=changed_ids).delete()
            for row in changed:
                trial_id, _digest, old_status = stored[row.nct_id]
                trial_ids[row.nct_id] = trial_id
                new_status = row.values["overall_status"]
                if old_status and new_status and old_status != new_status:
                    status_changes.append(
                        TrialStatusChange(
                            trial_id=trial_id,
                            old_status=old_status,
                            new_status=new_status,
                            seen_at=now,
                            last_update_posted=row.values["last_update_posted"],
                        )
                    )
        sites = []
        officials = []
        for row in (*new, *changed):
            trial_id = trial_ids[row.nct_id]
            for site in row.sites:
                organization = organizations.get((trial_id, _site_key(site)))
                sites.append([trial_id, organization, *(site[name] for name in SITE_FIELDS)])
            for official in row.officials:
                hcp = hcps.get((trial_id, _official_key(official)))
                officials.append([trial_id, hcp, *(official[name] for name in OFFICIAL_FIELDS)])
        _Inserter(TrialSite, ["trial", "organization", *SITE_FIELDS]).insert(sites)
        _Inserter(TrialOfficial, ["trial", "hcp", *OFFICIAL_FIELDS]).insert(officials)
        TrialStatusChange.objects.bulk_create(status_changes)
    counts["new"] = len(new)
    counts["updated"] = len(changed)
    counts["status_changes"] = len(status_changes)
    return counts


def _write_rows(
    rows: dict[str, StudyRows], report: LoadReport, prefix: str
) -> tuple[dict[str, int], int]:
    """Store a batch; when the database refuses it, study by study. Returns counts and failures.

    Only refusals of the data (integrity, value) are retried; a database that is
    locked or gone raises, and the run stops with the batches before it kept.
    """
    try:
        return _write_batch(rows), 0
    except (DataError, IntegrityError):
        pass
    counts = {"new": 0, "updated": 0, "unchanged": 0, "status_changes": 0}
    failed = 0
    for nct_id, row in rows.items():
        try:
            one = _write_batch({nct_id: row})
        except (DataError, IntegrityError) as error:
            failed += 1
            reason = " ".join(str(error).split()) or type(error).__name__
            report.error(f"{prefix}{nct_id}: not stored: {reason}")
            continue
        for key, value in one.items():
            counts[key] += value
    return counts, failed


class _Batch:
    """Studies read since the last write, and the errors among them."""

    def __init__(self) -> None:
        self.rows: dict[str, StudyRows] = {}
        self.errors: list[str] = []
        self.size = 0


_OnBatch = Callable[[int, dict[str, int]], None]


def _flush(batch: _Batch, report: LoadReport, prefix: str, on_batch: _OnBatch) -> None:
    """Store the valid studies of ``batch`` and count its bad ones as failed."""
    if batch.size == 0:
        return
    for message in batch.errors:
        report.error(message)
    counts = {"new": 0, "updated": 0, "unchanged": 0, "status_changes": 0}
    refused = 0
    if batch.rows:
        counts, refused = _write_rows(batch.rows, report, prefix)
    failed = len(batch.errors) + refused
    report.failed += failed
    report.new += counts["new"]
    report.updated += counts["updated"]
    report.unchanged += counts["unchanged"]
    report.status_changes += counts["status_changes"]
    on_batch(
        batch.size,
        {
            "new": counts["new"],
            "updated": counts["updated"],
            "unchanged": counts["unchanged"],
            "failed": failed,
        },
    )


def _store(
    studies: Iterator[Study],
    batch: list[_Batch],
    report: LoadReport,
    *,
    batch_size: int,
    source: str | None,
    on_batch: _OnBatch,
) -> None:
    """Store ``studies`` batch by batch; ``batch[0]`` is the open batch, which
    the parser's error callback also fills. ``source`` names the file in errors."""
    prefix = f"{source}, " if source else ""
    for study in studies:
        current = batch[0]
        current.size += 1
        try:
            current.rows[study.nct_id] = study_rows(study)
        except StudyRejected as error:
            current.errors.append(f"{prefix}{study.nct_id}: {error}")
        if current.size >= batch_size:
            _flush(current, report, prefix, on_batch)
            batch[0] = _Batch()
    _flush(batch[0], report, prefix, on_batch)
    batch[0] = _Batch()


def _check_actor(actor: User | None) -> None:
    # None: the operator at the command line, who holds the database anyway.
    if actor is not None and not may_load(actor):
        raise PermissionDenied("only administrators may load trials")


def load_studies(
    *,
    actor: User | None,
    studies: Iterable[Study],
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: LoadProgress | None = None,
    report: LoadReport | None = None,
) -> LoadReport:
    """Store parsed studies (e.g. from the live client); see the module's docstring."""
    _check_actor(actor)
    report = report or LoadReport()

    def on_batch(size: int, counts: dict[str, int]) -> None:
        if progress is not None:
            progress.advance(size, **counts)

    _store(
        iter(studies),
        [_Batch()],
        report,
        batch_size=batch_size,
        source=None,
        on_batch=on_batch,
    )
    return report


def load_files(
    *,
    actor: User | None,
    paths: Sequence[str | os.PathLike[str]],
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: LoadProgress | None = None,
    names: Sequence[str] | None = None,
) -> LoadReport:
    """Load ClinicalTrials.gov API v2 files (study, page or JSONL; plain or gzip).

    ``names`` label the files in errors (an upload's original name).
    """
    _check_actor(actor)
    report = LoadReport()
    if progress is not None:
        progress.set_total(sum(_size(path) for path in paths))
    for index, path in enumerate(paths):
        name = names[index] if names is not None else os.fspath(path)
        report.files += 1
        try:
            with open(path, "rb") as raw:
                size = os.fstat(raw.fileno()).st_size
                reader = _CountingReader(raw)
                _load_file(reader, size, name, report, batch_size, progress)
        except OSError as error:
            report.failed_files.append(name)
            report.error(f"{name}: cannot read: {error.strerror or error}")
    return report


def _studies(count: int) -> str:
    return f"{count} stud{'ies' if count != 1 else 'y'}"


def _size(path: str | os.PathLike[str]) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _load_file(
    stream: _CountingReader,
    size: int,
    name: str,
    report: LoadReport,
    batch_size: int,
    progress: LoadProgress | None,
) -> None:
    batch = [_Batch()]
    reported = 0

    def bad_study(error: CtgovParseError) -> None:
        batch[0].size += 1
        batch[0].errors.append(error.message)

    def on_batch(size: int, counts: dict[str, int]) -> None:
        nonlocal reported
        if progress is not None:
            progress.advance(stream.position - reported, **counts)
        reported = stream.position

    try:
        studies = parse_ctgov(cast(IO[bytes], stream), name=name, on_error=bad_study)
        _store(studies, batch, report, batch_size=batch_size, source=name, on_batch=on_batch)
    except CtgovParseError as error:
        # The file cannot be read on: the batch it interrupted is not written (as
        # PubMed's malformed XML); its bad studies are failed all the same.
        unfinished = batch[0]
        report.failed += len(unfinished.errors)
        for message in unfinished.errors:
            report.error(message)
        report.failed_files.append(name)
        lost = len(unfinished.rows)
        message = f"{error.message}; the rest of the file was not read"
        if lost:
            message += f" and the batch it interrupted ({_studies(lost)}) was not stored"
        report.error(message)
    if progress is not None and size > reported:
        # The rest of the file: what a broken file leaves unread, or trailing blank lines.
        progress.advance(size - reported)
