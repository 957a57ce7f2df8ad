"""Storing PubMed records: idempotent upserts keyed on PMID, in batches.

:func:`load_pubmed_file` parses a file and writes it batch by batch, each
batch in its own transaction, so a run killed half-way keeps the batches
already written and a re-run completes it. For each record:

* a PMID not stored yet is **new**;
* a stored PMID with an older version, or with the same version and other
  content, is **updated** (its authorships, MeSH headings, trial numbers and
  publication types are replaced). NLM re-sends revised records in daily update
  files without raising the version, so content counts, not the version alone;
* a record with an older version, or the same content, is **unchanged**:
  re-running a file changes nothing;
* a ``DeleteCitation`` PMID is **deleted** (with its children);
* a record the parser cannot use (no PMID) or the database refuses is
  **failed**, with its PMID and the reason, and the rest of its batch is kept.

A file that is not well-formed fails with its line number; the batch being
read when the error came is not written (the batches before it are).

Speed: the target is thousands of records a second into SQLite with authors
and MeSH headings. A large file is parsed, and its rows built, in a second
process while this one writes (:mod:`liaison.literature.loading.batches`); the writer
uses ``executemany`` on those rows (no model instances), fetches the stored
``(pmid, id, version, content_hash)`` of a batch in one query, and keeps
journals, MeSH terms and publication types in memory for the run.

No audit events: publications are evidence copied from PubMed, not records
that users create or change (they are not regulated records), and a load can
write millions of rows. What a load did is its report (and, for a web upload,
its Job).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Iterator

from liaison.core import policy
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.models import User
from liaison.lib.progress import ProgressSink
from liaison.literature.loading import BATCH_SIZE
from liaison.literature.loading.batches import Batch, read_here, read_in_child
from liaison.literature.loading.writer import LoadReport, store_batches, store_records
from liaison.literature.models import Publication
from liaison.literature.pubmed import Citation, Deletion, PubmedParseError, parse_pubmed

__all__ = [
    "BATCH_SIZE",
    "LoadReport",
    "load_pubmed_batches",
    "load_pubmed_file",
    "load_records",
    "store_records",
]


# Files at least this large are parsed in a second process while this one writes.
PARALLEL_MIN_BYTES = 4 * 1024 * 1024


def load_records(
    *,
    actor: User,
    records: Iterable[Citation | Deletion],
    batch_size: int = BATCH_SIZE,
) -> LoadReport:
    """Store already parsed records for ``actor`` (who must be allowed to load)."""
    if not policy.can(actor, "load", Publication):
        raise PermissionDenied("only administrators may load publications")
    return store_records(records, batch_size=batch_size)


def load_pubmed_file(
    *,
    actor: User,
    path: str | os.PathLike[str],
    name: str | None = None,
    progress: ProgressSink | None = None,
    batch_size: int = BATCH_SIZE,
    parallel: bool | None = None,
) -> LoadReport:
    """Load one PubMed XML file (plain or gzip) for ``actor``.

    A file that cannot be read to its end is named in ``failed_files`` and its
    error in ``errors`` (with the line); what was written before stays.
    ``parallel`` parses in a second process while this one writes (default:
    for files of :data:`PARALLEL_MIN_BYTES` or more on a machine with two cores).
    """
    if not policy.can(actor, "load", Publication):
        raise PermissionDenied("only administrators may load publications")
    label = name or os.fspath(path)
    size = os.stat(path).st_size
    if parallel is None:
        parallel = size >= PARALLEL_MIN_BYTES and (os.cpu_count() or 1) > 1
    report = LoadReport()
    reported = report.counts()
    if progress is not None:
        progress.set_total(size)

    def on_batch(current: LoadReport, batch: Batch) -> None:
        if progress is not None:
            counts = current.counts()
            progress.advance(batch.bytes_read, **{k: counts[k] - reported[k] for k in counts})
            reported.update(counts)

    read = read_in_child if parallel else read_here
    batches = read(path, label, batch_size)
    try:
        store_batches(batches, report=report, on_batch=on_batch)
    finally:
        batches.close()  # stops a reading process when the writer failed
    return report


def load_pubmed_batches(
    *,
    actor: User,
    batches: Iterable[bytes],
    name: str,
    progress: ProgressSink | None = None,
    batch_size: int = BATCH_SIZE,
) -> LoadReport:
    """Load PubMed XML documents arriving one after another (E-utilities efetch answers).

    ``progress`` advances by records. When the source fails (a live service
    that keeps answering 5xx, a malformed answer), the report names it in
    ``failed_files`` and what was stored before stays: running the same fetch
    again completes it, since stored records are unchanged.
    """
    if not policy.can(actor, "load", Publication):
        raise PermissionDenied("only administrators may load publications")
    report = LoadReport()
    reported = report.counts()

    def on_record_error(error: PubmedParseError) -> None:
        report.failed += 1
        report.error(error.message)

    def records() -> Iterator[Citation | Deletion]:
        for number, batch in enumerate(batches, start=1):
            yield from parse_pubmed(
                io.BytesIO(batch), name=f"{name}, answer {number}", on_error=on_record_error
            )

    def on_batch(current: LoadReport) -> None:
        if progress is not None:
            counts = current.counts()
            delta = {key: counts[key] - reported[key] for key in counts}
            progress.advance(sum(delta.values()), **delta)
            reported.update(counts)

    try:
        store_records(records(), batch_size=batch_size, report=report, on_batch=on_batch)
    except LiaisonError as error:
        report.failed_files.append(name)
        report.error(f"{error.message}; the records of the batch being read were not stored")
    return report
