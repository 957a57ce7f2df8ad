"""Writing prepared PubMed records into the evidence store, fast (the load service's engine).

Records arrive as rows already built (:mod:`liaison.literature.loading.rows`, possibly
in a second process: :mod:`liaison.literature.loading.batches`); no model instances are
made. The stored ``(pmid, id, version, content_hash)`` of a batch is read in one
query, journals, MeSH terms and publication types are kept in memory for the
run, and rows are written with ``executemany`` (``COPY`` on PostgreSQL:
:mod:`liaison.lib.bulk`). Each batch is one transaction; a batch the database refuses is
retried record by record, so one bad record fails alone. See ``services`` for
the rules a load follows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import DataError, IntegrityError, connection, transaction
from django.utils import timezone

from liaison.directory.models import HCP
from liaison.lib.bulk import BulkInsert, column, table
from liaison.literature import search
from liaison.literature.loading import BATCH_SIZE
from liaison.literature.loading.batches import Batch, batches_of
from liaison.literature.loading.rows import (
    ABSTRACT_TEXT,
    AUTHOR_FIELDS,
    AUTHOR_ROLE,
    INVESTIGATOR_ROLE,
    ORCID,
    TITLE,
    VALUE_FIELDS,
    JournalKey,
    MeshKey,
    Prepared,
    PreparedCitation,
    PreparedDeletion,
    author_columns,
)
from liaison.literature.models import (
    Authorship,
    Journal,
    MeshTerm,
    Publication,
    PublicationMesh,
    PublicationTrial,
    PublicationType,
)
from liaison.literature.pubmed import Citation, Deletion

MAX_ERRORS = 1000


@dataclass
class LoadReport:
    """What a load did: counts of records and the problems, each naming its place."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    failed_files: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deleted": self.deleted,
            "failed": self.failed,
        }

    @property
    def records(self) -> int:
        return sum(self.counts().values())

    def add(self, other: LoadReport) -> None:
        for key, value in other.counts().items():
            setattr(self, key, getattr(self, key) + value)
        self.error(*other.errors)
        self.failed_files.extend(other.failed_files)

    def error(self, *messages: str) -> None:
        room = MAX_ERRORS - len(self.errors)
        self.errors.extend(messages[: max(room, 0)])

    def summary(self) -> str:
        text = (
            f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.deleted} deleted, {self.failed} failed"
        )
        if self.failed_files:
            count = len(self.failed_files)
            text += f"; {count} file{'s' if count != 1 else ''} could not be read to the end"
        return text


# --- the writer -----------------------------------------------------------------------


def _chunks(items: Sequence[Any], size: int = 500) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Lookups:
    """Journals, MeSH terms and publication types of a run, by their natural key.

    Rows are created when first met (ignoring conflicts, so two loads at once
    agree). A rolled-back batch may have created rows that are gone: the
    writer then calls :meth:`forget`.
    """

    def __init__(self) -> None:
        self.journals: dict[JournalKey, int] = {}
        self.mesh: dict[MeshKey, int] = {}
        self.types: dict[str, int] = {}

    def forget(self) -> None:
        self.journals.clear()
        self.mesh.clear()
        self.types.clear()

    def resolve(self, records: Sequence[PreparedCitation]) -> None:
        """Know the id of every journal, MeSH term and publication type of ``records``."""
        journals: dict[JournalKey, tuple[str, str]] = {}
        terms: dict[MeshKey, str] = {}
        types: dict[str, str] = {}
        for record in records:
            journal = record.journal
            if journal is not None and journal[0] not in self.journals:
                journals.setdefault(journal[0], (journal[1], journal[2]))
            for key, name, _major, _qualifiers in record.mesh:
                if key not in self.mesh:
                    terms.setdefault(key, name)
            for name, ui in record.types:
                if name not in self.types:
                    types.setdefault(name, ui)
        if journals:
            self._journal_ids(journals)
        if terms:
            self._mesh_ids(terms)
        if types:
            self._type_ids(types)

    def _journal_ids(self, wanted: dict[JournalKey, tuple[str, str]]) -> None:
        self._read_journals(list(wanted))
        missing = [key for key in wanted if key not in self.journals]
        if missing:
            Journal.objects.bulk_create(
                [
                    Journal(
                        title=wanted[key][0],
                        iso_abbreviation=wanted[key][1],
                        issn=key[1] if key[0] == "issn" else "",
                    )
                    for key in missing
                ],
                ignore_conflicts=True,
            )
            self._read_journals(missing)

    def _read_journals(self, keys: list[JournalKey]) -> None:
        issns = [value for kind, value in keys if kind == "issn"]
        titles = [value for kind, value in keys if kind == "title"]
        for chunk in _chunks(issns):
            for pk, issn in Journal.objects.filter(issn__in=chunk).values_list("pk", "issn"):
                self.journals[("issn", issn)] = pk
        for chunk in _chunks(titles):
            rows = Journal.objects.filter(issn="", title__in=chunk).values_list("pk", "title")
            for pk, title in rows:
                self.journals[("title", title)] = pk

    def _mesh_ids(self, wanted: dict[MeshKey, str]) -> None:
        self._read_mesh(list(wanted))
        missing = [key for key in wanted if key not in self.mesh]
        if missing:
            MeshTerm.objects.bulk_create(
                [
                    MeshTerm(ui=value if kind == "ui" else None, name=wanted[(kind, value)])
                    for kind, value in missing
                ],
                ignore_conflicts=True,
            )
            self._read_mesh(missing)

    def _read_mesh(self, keys: list[MeshKey]) -> None:
        uis = [value for kind, value in keys if kind == "ui"]
        names = [value for kind, value in keys if kind == "name"]
        for chunk in _chunks(uis):
            for pk, ui in MeshTerm.objects.filter(ui__in=chunk).values_list("pk", "ui"):
                self.mesh[("ui", str(ui))] = pk
        for chunk in _chunks(names):
            rows = MeshTerm.objects.filter(ui__isnull=True, name__in=chunk).values_list(
                "pk", "name"
            )
            for pk, name in rows:
                self.mesh[("name", name)] = pk

    def _type_ids(self, wanted: dict[str, str]) -> None:
        PublicationType.objects.bulk_create(
            [PublicationType(name=name, ui=ui) for name, ui in wanted.items()],
            ignore_conflicts=True,
        )
        for chunk in _chunks(list(wanted)):
            for pk, name in PublicationType.objects.filter(name__in=chunk).values_list(
                "pk", "name"
            ):
                self.types[name] = pk


def _by_pmid(pmids: list[int], *names: str) -> Iterator[tuple[Any, ...]]:
    """``(pmid, *names)`` of the stored publications among ``pmids``.

    Raw SQL: the ORM's ``pmid__in`` prepares every value of the list again,
    about 6% of the writer's time.
    """
    columns = ", ".join(column(Publication, name) for name in ("pmid", *names))
    with connection.cursor() as cursor:
        for chunk in _chunks(pmids):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT {columns} FROM {table(Publication)} "  # noqa: S608 - quoted names only
                f"WHERE {column(Publication, 'pmid')} IN ({marks})",
                list(chunk),
            )
            yield from cursor.fetchall()


# Columns the writer adds in front of the prepared values.
_HEAD_FIELDS = ("updated_at", "content_hash", "journal")


class _Writer:
    """Writes batches of prepared records; one instance per run (it holds the lookups)."""

    def __init__(self) -> None:
        self.lookups = _Lookups()
        self._insert_publication = BulkInsert(
            Publication, ("loaded_at", *_HEAD_FIELDS, *VALUE_FIELDS)
        )
        assignments = ", ".join(
            f"{column(Publication, name)} = %s" for name in (*_HEAD_FIELDS, *VALUE_FIELDS)
        )
        self._update_publication = (
            f"UPDATE {table(Publication)} SET {assignments} WHERE {column(Publication, 'id')} = %s"  # noqa: S608 - constant, quoted names only
        )
        self._insert_authorship = BulkInsert(
            Authorship, ("publication", "hcp", "role", *AUTHOR_FIELDS)
        )
        self._insert_mesh = BulkInsert(
            PublicationMesh, ("publication", "term", "major", "qualifiers")
        )
        self._insert_trial = BulkInsert(PublicationTrial, ("publication", "nct_id"))
        through = Publication.types.through
        self._insert_type = BulkInsert(through, ("publication", "publicationtype"))

    def write(self, records: Sequence[Prepared], report: LoadReport) -> None:
        """Write one batch in one transaction; when the database refuses it, record by record.

        Only refusals of the data (integrity, value) are retried; a database that is
        locked or gone raises, and the run stops with the batches before kept.
        """
        if not records:
            return
        try:
            with transaction.atomic():
                self._write(records, report)
        except (IntegrityError, DataError):
            self.lookups.forget()
            for record in records:
                try:
                    with transaction.atomic():
                        self._write([record], report)
                except (IntegrityError, DataError) as error:
                    self.lookups.forget()
                    report.failed += 1
                    reason = " ".join(str(error).split()) or type(error).__name__
                    report.error(f"PMID {record.pmid}: not stored: {reason}")

    def _write(self, records: Sequence[Prepared], report: LoadReport) -> None:
        # The last word on a PMID within the batch wins; an older version never does.
        latest: dict[int, Prepared] = {}
        superseded = 0
        for record in records:
            previous = latest.get(record.pmid)
            if (
                isinstance(previous, PreparedCitation)
                and isinstance(record, PreparedCitation)
                and record.version < previous.version
            ):
                superseded += 1
                continue
            if previous is not None:
                superseded += 1
            latest[record.pmid] = record
        stored = self._stored(list(latest))
        new: list[PreparedCitation] = []
        changed: list[tuple[PreparedCitation, int]] = []
        deletions: list[int] = []
        unchanged = superseded
        for pmid, record in latest.items():
            existing = stored.get(pmid)
            if isinstance(record, PreparedDeletion):
                if existing is None:
                    unchanged += 1
                else:
                    deletions.append(pmid)
                continue
            if existing is None:
                new.append(record)
                continue
            pk, version, old_digest = existing
            if record.version < version or (
                record.version == version and record.digest == old_digest
            ):
                unchanged += 1
            else:
                changed.append((record, pk))
        if new or changed:
            # A record written alone is the retry of a refused batch: plain INSERTs name its fault.
            self._store(new, changed, bulk=len(records) > 1)
        if deletions:
            self._delete(deletions)
        report.new += len(new)
        report.updated += len(changed)
        report.unchanged += unchanged
        report.deleted += len(deletions)

    def _stored(self, pmids: list[int]) -> dict[int, tuple[int, int, str]]:
        return {
            pmid: (pk, version, digest)
            for pmid, pk, version, digest in _by_pmid(pmids, "id", "version", "content_hash")
        }

    def _store(
        self,
        new: list[PreparedCitation],
        changed: list[tuple[PreparedCitation, int]],
        *,
        bulk: bool,
    ) -> None:
        records = new + [record for record, _ in changed]
        lookups = self.lookups
        lookups.resolve(records)
        journals = lookups.journals
        now = connection.ops.adapt_datetimefield_value(timezone.now())

        def head(record: PreparedCitation) -> tuple[Any, ...]:
            journal = record.journal
            return (now, record.digest, None if journal is None else journals[journal[0]])

        ids: dict[int, int] = {}
        with connection.cursor() as cursor, search.indexed_by_caller(cursor) as index:
            if new:
                self._insert_publication.run(
                    cursor, [(now, *head(record), *record.values) for record in new], bulk=bulk
                )
                ids.update(self._stored_ids([record.pmid for record in new]))
            if changed:
                index.remove([pk for _, pk in changed])
                cursor.executemany(
                    self._update_publication,
                    [(*head(record), *record.values, pk) for record, pk in changed],
                )
                for record, pk in changed:
                    ids[record.pmid] = pk
                self._delete_children([pk for _, pk in changed])
            index.add(
                [
                    (ids[record.pmid], record.values[TITLE], record.values[ABSTRACT_TEXT])
                    for record in records
                ]
            )
            self._insert_children(cursor, records, ids, bulk=bulk)

    def _stored_ids(self, pmids: list[int]) -> dict[int, int]:
        return {pmid: pk for pmid, pk in _by_pmid(pmids, "id")}

    def _delete_children(self, publication_ids: list[int]) -> None:
        for chunk in _chunks(publication_ids):
            Authorship.objects.filter(publication_id__in=chunk)._raw_delete(connection.alias)
            PublicationMesh.objects.filter(publication_id__in=chunk)._raw_delete(connection.alias)
            PublicationTrial.objects.filter(publication_id__in=chunk)._raw_delete(connection.alias)
            Publication.types.through.objects.filter(publication_id__in=chunk)._raw_delete(
                connection.alias
            )

    @staticmethod
    def _hcp_ids(records: Sequence[PreparedCitation]) -> dict[str, int]:
        orcids = {
            person[ORCID]
            for record in records
            for people in (record.authors, record.investigators)
            for person in people
            if person[ORCID]
        }
        found: dict[str, int] = {}
        for chunk in _chunks(sorted(orcids)):
            for orcid, pk in HCP.objects.filter(orcid__in=chunk).values_list("orcid", "pk"):
                if orcid:
                    found[orcid] = pk
        return found

    def _insert_children(
        self, cursor: Any, records: Sequence[PreparedCitation], ids: dict[int, int], *, bulk: bool
    ) -> None:
        lookups = self.lookups
        terms, types = lookups.mesh, lookups.types
        hcps = self._hcp_ids(records)
        authorships: list[tuple[Any, ...]] = []
        headings: list[tuple[Any, ...]] = []
        trials: list[tuple[Any, ...]] = []
        type_rows: list[tuple[Any, ...]] = []
        for record in records:
            pk = ids[record.pmid]
            authorships.extend(
                author_columns(pk, hcps.get(author[ORCID]), AUTHOR_ROLE, author)
                for author in record.authors
            )
            authorships.extend(
                author_columns(pk, hcps.get(person[ORCID]), INVESTIGATOR_ROLE, person)
                for person in record.investigators
            )
            headings.extend(
                (pk, terms[key], major, qualifiers) for key, _name, major, qualifiers in record.mesh
            )
            trials.extend((pk, nct_id) for nct_id in record.trial_ids)
            type_rows.extend((pk, types[name]) for name, _ui in record.types)
        self._insert_authorship.run(cursor, authorships, bulk=bulk)
        self._insert_mesh.run(cursor, headings, bulk=bulk)
        self._insert_trial.run(cursor, trials, bulk=bulk)
        self._insert_type.run(cursor, type_rows, bulk=bulk)

    def _delete(self, pmids: list[int]) -> None:
        for chunk in _chunks(pmids):
            ids = list(Publication.objects.filter(pmid__in=chunk).values_list("pk", flat=True))
            self._delete_children(ids)
            Publication.objects.filter(pk__in=ids)._raw_delete(connection.alias)


def store_batches(
    batches: Iterable[Batch],
    *,
    report: LoadReport | None = None,
    on_batch: Callable[[LoadReport, Batch], None] | None = None,
) -> LoadReport:
    """Write batches of prepared records (no permission check: the services make it).

    A batch's read errors count as failed records; a ``broken`` batch (a file
    that stopped being well-formed) ends the run with the file named in
    ``failed_files``, its last records unwritten.
    """
    report = report if report is not None else LoadReport()
    writer = _Writer()
    for batch in batches:
        report.failed += len(batch.errors)
        report.error(*batch.errors)
        writer.write(batch.records, report)
        if batch.broken is not None:
            report.failed_files.append(batch.broken.file)
            report.error(
                f"{batch.broken.message}; the records of the batch being read were not stored"
            )
        if on_batch is not None:
            on_batch(report, batch)
    return report


def store_records(
    records: Iterable[Citation | Deletion],
    *,
    batch_size: int = BATCH_SIZE,
    report: LoadReport | None = None,
    on_batch: Callable[[LoadReport], None] | None = None,
) -> LoadReport:
    """Write parsed records (no permission check: the callers make it).

    Records are taken ``batch_size`` at a time; a batch is written only once
    it is complete, so an exception raised by ``records`` (a malformed file)
    leaves the batch it interrupted unwritten.
    """

    def each_batch(current: LoadReport, _batch: Batch) -> None:
        if on_batch is not None:
            on_batch(current)

    return store_batches(batches_of(records, batch_size), report=report, on_batch=each_batch)
