"""Storing ClinicalTrials.gov studies: idempotent bulk upserts keyed on NCT ID.

:func:`load_files` reads files with the pure parser (``trials.ctgov``) and
:func:`load_studies` stores parsed studies, both in batches, each batch in its
own transaction, so a run killed half way keeps the batches it finished and a
re-run completes it. Studies arrive as rows already built (``trials.loading.rows``;
a large file is parsed in a second process while this one writes); no model
instances are made. Per batch, one query finds the stored trials; a study
whose stored ``content_hash`` is its own is unchanged and not written; new
trials are bulk-inserted, changed ones updated with their sites and officials
replaced (keeping the organization and HCP each was resolved to). A different
overall status than the stored one adds a
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

import datetime as dt
import functools
import operator
import os
from collections.abc import Generator, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import DataError, IntegrityError, connection, transaction
from django.utils import timezone

from liaison.core import policy
from liaison.core.errors import PermissionDenied
from liaison.core.models import User
from liaison.lib.bulk import BulkInsert, column
from liaison.lib.progress import ProgressSink
from liaison.trials.ctgov import Study
from liaison.trials.loading import DEFAULT_BATCH_SIZE
from liaison.trials.loading.rows import (
    LAST_UPDATE_POSTED,
    OFFICIAL_FIELDS,
    OFFICIAL_KEY,
    OVERALL_STATUS,
    SITE_FIELDS,
    SITE_KEY,
    VALUE_FIELDS,
    Batch,
    StudyRows,
    batches_of,
    read_here,
    read_in_child,
)
from liaison.trials.models import Trial, TrialOfficial, TrialSite, TrialStatusChange

# Files at least this large are parsed in a second process while this one writes.
PARALLEL_MIN_BYTES = 4 * 1024 * 1024
MAX_REPORTED_ERRORS = 1000

#: What a changed study rewrites, in the order of the UPDATE's assignments.
UPDATED_FIELDS = ["content_hash", "updated_at", *VALUE_FIELDS]
#: What a new study writes, in the order of the INSERT's columns.
TRIAL_COLUMNS = ["nct_id", "content_hash", "created_at", "updated_at", *VALUE_FIELDS]


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

    def error_all(self, messages: Iterable[str]) -> None:
        for message in messages:
            self.error(message)

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


class _Statements:
    """The writer's SQL for the connection's database, built once per vendor."""

    def __init__(self) -> None:
        self.trial = BulkInsert(Trial, TRIAL_COLUMNS)
        self.site = BulkInsert(TrialSite, ["trial", "organization", *SITE_FIELDS])
        self.official = BulkInsert(TrialOfficial, ["trial", "hcp", *OFFICIAL_FIELDS])
        table = connection.ops.quote_name(Trial._meta.db_table)
        assignments = ", ".join(f"{column(Trial, name)} = %s" for name in UPDATED_FIELDS)
        # As above: quoted names only.
        self.update = f"UPDATE {table} SET {assignments} WHERE {column(Trial, 'id')} = %s"  # noqa: S608


@functools.cache
def _statements(vendor: str) -> _Statements:  # per vendor: names are quoted its way
    return _Statements()


# (facility, city, country) of a site row, (name, affiliation) of an official row.
_site_key = operator.itemgetter(*SITE_KEY)
_official_key = operator.itemgetter(*OFFICIAL_KEY)


def _write_batch(rows: dict[str, StudyRows], *, bulk: bool = True) -> dict[str, int]:
    """Store one batch in one transaction; returns its counts. ``bulk``: see :class:`~liaison.lib.bulk.BulkInsert`."""
    now = timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now)
    sql = _statements(connection.vendor)
    counts = {"new": 0, "updated": 0, "unchanged": 0, "status_changes": 0}
    with transaction.atomic(), connection.cursor() as cursor:
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
        trial_ids: dict[str, int] = {}
        if new:
            sql.trial.run(
                cursor,
                [(row.nct_id, row.content_hash, stamp, stamp, *row.values) for row in new],
                bulk=bulk,
            )
            trial_ids.update(
                Trial.objects.filter(nct_id__in=[row.nct_id for row in new]).values_list(
                    "nct_id", "pk"
                )
            )
        organizations: dict[tuple[int, tuple[str, ...]], int] = {}
        hcps: dict[tuple[int, tuple[str, ...]], int] = {}
        status_changes = []
        if changed:
            changed_ids = [stored[row.nct_id][0] for row in changed]
            cursor.executemany(
                sql.update,
                [(row.content_hash, stamp, *row.values, stored[row.nct_id][0]) for row in changed],
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
                new_status = row.values[OVERALL_STATUS]
                if old_status and new_status and old_status != new_status:
                    posted = row.values[LAST_UPDATE_POSTED]
                    status_changes.append(
                        TrialStatusChange(
                            trial_id=trial_id,
                            old_status=old_status,
                            new_status=new_status,
                            seen_at=now,
                            last_update_posted=dt.date.fromisoformat(posted) if posted else None,
                        )
                    )
        sites: list[tuple[Any, ...]] = []
        officials: list[tuple[Any, ...]] = []
        for row in (*new, *changed):
            trial_id = trial_ids[row.nct_id]
            sites.extend(
                (trial_id, organizations.get((trial_id, _site_key(site))), *site)
                for site in row.sites
            )
            officials.extend(
                (trial_id, hcps.get((trial_id, _official_key(official))), *official)
                for official in row.officials
            )
        sql.site.run(cursor, sites, bulk=bulk)
        sql.official.run(cursor, officials, bulk=bulk)
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
            one = _write_batch({nct_id: row}, bulk=False)
        except (DataError, IntegrityError) as error:
            failed += 1
            reason = " ".join(str(error).split()) or type(error).__name__
            report.error(f"{prefix}{nct_id}: not stored: {reason}")
            continue
        for key, value in one.items():
            counts[key] += value
    return counts, failed


def _write(batch: Batch, report: LoadReport, prefix: str) -> dict[str, int]:
    """Store the valid studies of ``batch`` and count its bad ones as failed.

    Returns the batch's counts for progress: new, updated, unchanged, failed.
    """
    report.error_all(batch.errors)
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
    return {
        "new": counts["new"],
        "updated": counts["updated"],
        "unchanged": counts["unchanged"],
        "failed": failed,
    }


def _check_actor(actor: User | None) -> None:
    # None: the operator at the command line, who holds the database anyway.
    if actor is not None and not policy.can(actor, "load", Trial):
        raise PermissionDenied("only administrators may load trials")


def load_studies(
    *,
    actor: User | None,
    studies: Iterable[Study],
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: ProgressSink | None = None,
    report: LoadReport | None = None,
) -> LoadReport:
    """Store parsed studies (e.g. from the live client); see the module's docstring.

    ``progress`` advances by studies, with each batch's new, updated, unchanged
    and failed counts.
    """
    _check_actor(actor)
    report = report or LoadReport()
    for batch in batches_of(studies, batch_size):
        counts = _write(batch, report, "")
        if progress is not None:
            progress.advance(batch.size, **counts)
    return report


def load_files(
    *,
    actor: User | None,
    paths: Sequence[str | os.PathLike[str]],
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: ProgressSink | None = None,
    names: Sequence[str] | None = None,
    parallel: bool | None = None,
) -> LoadReport:
    """Load ClinicalTrials.gov API v2 files (study, page or JSONL; plain or gzip).

    ``names`` label the files in errors (an upload's original name).
    ``progress`` counts bytes read (its total is the files' size), with each
    batch's new, updated, unchanged and failed counts.
    ``parallel`` parses a file in a second process while this one writes
    (default: for files of :data:`PARALLEL_MIN_BYTES` or more on a machine with
    two cores); the result is the same.
    """
    _check_actor(actor)
    report = LoadReport()
    if progress is not None:
        progress.set_total(sum(_size(path) for path in paths))
    cores = os.cpu_count() or 1
    for index, path in enumerate(paths):
        name = names[index] if names is not None else os.fspath(path)
        report.files += 1
        try:
            with open(path, "rb") as raw:
                size = os.fstat(raw.fileno()).st_size
                in_child = (
                    parallel if parallel is not None else size >= PARALLEL_MIN_BYTES and cores > 1
                )
                batches = (
                    read_in_child(path, name, batch_size)
                    if in_child
                    else read_here(raw, name, batch_size)
                )
                _load_file(batches, size, name, report, progress)
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
    batches: Generator[Batch, None, None],
    size: int,
    name: str,
    report: LoadReport,
    progress: ProgressSink | None,
) -> None:
    reported = 0
    try:
        for batch in batches:
            if batch.broken is not None:
                # The file cannot be read on: the batch it interrupted is not written (as
                # PubMed's malformed XML); its bad studies are failed all the same.
                report.failed += len(batch.errors)
                report.error_all(batch.errors)
                report.failed_files.append(name)
                message = f"{batch.broken}; the rest of the file was not read"
                if batch.rows:
                    message += (
                        f" and the batch it interrupted ({_studies(len(batch.rows))}) "
                        "was not stored"
                    )
                report.error(message)
                break
            counts = _write(batch, report, f"{name}, ")
            if progress is not None:
                progress.advance(batch.position - reported, **counts)
            reported = batch.position
    finally:
        batches.close()  # stops a reading process when the writer failed
    if progress is not None and size > reported:
        # The rest of the file: what a broken file leaves unread, or trailing blank lines.
        progress.advance(size - reported)
