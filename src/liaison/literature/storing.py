"""Writing parsed PubMed records into the evidence store, fast (the load service's engine).

Batches of records become rows without model instances: the stored
``(pmid, id, version, content_hash)`` of a batch is read in one query, journals,
MeSH terms and publication types are kept in memory for the run, and rows are
written with ``executemany`` (multi-row INSERTs on PostgreSQL). That is what
makes thousands of records a second with authors and MeSH headings possible. Each batch is one
transaction; a batch the database refuses is retried record by record, so one
bad record fails alone. See ``services`` for the rules a load follows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import DataError, IntegrityError, connection, transaction
from django.db.models import Field, Model
from django.utils import timezone

from liaison.core.text import fold
from liaison.directory.models import HCP
from liaison.literature import search
from liaison.literature.models import (
    Authorship,
    Journal,
    MeshTerm,
    Publication,
    PublicationMesh,
    PublicationTrial,
    PublicationType,
    first_day,
)
from liaison.literature.pubmed import Citation, Deletion, PartialDate

BATCH_SIZE = 1000
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


# --- rows from records (pure) --------------------------------------------------------


def content_hash(citation: Citation) -> str:
    """A fingerprint of everything the parser read (the dataclasses' repr is stable)."""
    return hashlib.blake2b(repr(citation).encode("utf-8"), digest_size=16).hexdigest()


def _date(value: PartialDate | None) -> Any:
    if value is None:
        return None
    return first_day(value.year, value.month, value.day)


def abstract_text(citation: Citation) -> str:
    parts = []
    for section in citation.abstract:
        if not section.text:
            continue
        parts.append(f"{section.label}: {section.text}" if section.label else section.text)
    return "\n\n".join(parts)


def _max_lengths(model: type[Model]) -> dict[str, int]:
    return {
        item.name: int(item.max_length) for item in model._meta.concrete_fields if item.max_length
    }


_PUBLICATION_LENGTHS = _max_lengths(Publication)
_AUTHORSHIP_LENGTHS = _max_lengths(Authorship)
_JOURNAL_LENGTHS = _max_lengths(Journal)


def _clip(value: str | None, limit: int) -> str:
    return (value or "")[:limit]


PUBLICATION_FIELDS = (
    "pmid",
    "version",
    "content_hash",
    "kind",
    "title",
    "vernacular_title",
    "abstract",
    "abstract_text",
    "journal",
    "volume",
    "issue",
    "pages",
    "published_year",
    "published_month",
    "published_day",
    "published_on",
    "published_text",
    "electronic_date",
    "languages",
    "publication_types",
    "keywords",
    "chemicals",
    "grants",
    "doi",
    "pmc",
    "pii",
    "comments_corrections",
    "is_retracted",
    "updated_at",
)
_JSON = {
    "abstract",
    "languages",
    "publication_types",
    "keywords",
    "chemicals",
    "grants",
    "comments_corrections",
}
_DATES = {"published_on", "electronic_date"}


def publication_values(citation: Citation, journal_id: int | None, digest: str) -> dict[str, Any]:
    """The Publication columns of a citation, as Python values."""
    journal = citation.journal
    published = citation.published
    ids = citation.article_ids
    lengths = _PUBLICATION_LENGTHS
    return {
        "pmid": citation.pmid,
        "version": citation.version,
        "content_hash": digest,
        "kind": citation.kind,
        "title": citation.title or "",
        "vernacular_title": citation.vernacular_title or "",
        "abstract": [
            {"label": item.label, "category": item.category, "text": item.text}
            for item in citation.abstract
        ],
        "abstract_text": abstract_text(citation),
        "journal": journal_id,
        "volume": _clip(journal.volume if journal else None, lengths["volume"]),
        "issue": _clip(journal.issue if journal else None, lengths["issue"]),
        "pages": _clip(journal.pages if journal else None, lengths["pages"]),
        "published_year": published.year if published else None,
        "published_month": published.month if published else None,
        "published_day": published.day if published else None,
        "published_on": _date(published),
        "published_text": _clip(published.text if published else None, lengths["published_text"]),
        "electronic_date": _date(citation.electronic_date),
        "languages": list(citation.languages),
        "publication_types": [
            {"ui": item.ui, "name": item.name} for item in citation.publication_types
        ],
        "keywords": list(citation.keywords),
        "chemicals": [
            {"ui": item.ui, "name": item.name, "registry_number": item.registry_number}
            for item in citation.chemicals
        ],
        "grants": [
            {"id": item.id, "acronym": item.acronym, "agency": item.agency, "country": item.country}
            for item in citation.grants
        ],
        "doi": _clip(ids.doi, lengths["doi"]),
        "pmc": _clip(ids.pmc, lengths["pmc"]),
        "pii": _clip(ids.pii, lengths["pii"]),
        "comments_corrections": [
            {"type": item.type, "pmid": item.pmid} for item in citation.comments_corrections
        ],
        "is_retracted": any(item.type == "RetractionIn" for item in citation.comments_corrections),
    }


# --- the writer -----------------------------------------------------------------------


def _column(model: type[Model], name: str) -> str:
    column = cast(Field[Any, Any], model._meta.get_field(name)).column
    return connection.ops.quote_name(str(column))


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


class _Insert:
    """An INSERT into ``model``'s table of the columns of ``names``, for many rows.

    SQLite: ``executemany`` (one prepared statement stepped per row, in process).
    PostgreSQL: multi-row ``VALUES`` of up to :attr:`ROWS` rows per statement, so
    a batch costs a few round trips to the server instead of one per row.
    """

    ROWS = 200

    def __init__(self, model: type[Model], names: Sequence[str]) -> None:
        columns = ", ".join(_column(model, name) for name in names)
        self.head = f"INSERT INTO {_table(model)} ({columns}) VALUES "  # noqa: S608 - quoted names only
        self.row = "(" + ", ".join(["%s"] * len(names)) + ")"
        self.single = self.head + self.row
        self.full = self.head + ", ".join([self.row] * self.ROWS)

    def run(self, cursor: Any, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        if connection.vendor != "postgresql":
            cursor.executemany(self.single, rows)
            return
        for start in range(0, len(rows), self.ROWS):
            chunk = rows[start : start + self.ROWS]
            sql = (
                self.full
                if len(chunk) == self.ROWS
                else self.head + ", ".join([self.row] * len(chunk))
            )
            cursor.execute(sql, [value for row in chunk for value in row])


def _chunks(items: Sequence[Any], size: int = 500) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


_EMPTY_JSON_LIST = json.dumps([])


def _sqlite_json(value: Any) -> Any:
    # What Django's adapt_json_value does on SQLite, without its per-call lookups
    # (the connection proxy costs more than the encoding of a short list).
    return json.dumps(value) if value else _EMPTY_JSON_LIST


def _json_adapter() -> Callable[[Any], Any]:
    """The JSON column adapter of the current database, resolved once per batch."""
    if connection.vendor == "sqlite":
        return _sqlite_json
    adapt = connection.ops.adapt_json_value
    return lambda value: adapt(value, None)


class _Lookups:
    """Journals, MeSH terms and publication types of a run, by their natural key.

    Rows are created when first met (ignoring conflicts, so two loads at once
    agree). A rolled-back batch may have created rows that are gone: the
    writer then calls :meth:`forget`.
    """

    def __init__(self) -> None:
        self.journals: dict[tuple[str, str], int] = {}
        self.mesh: dict[tuple[str, str], int] = {}
        self.types: dict[str, int] = {}

    def forget(self) -> None:
        self.journals.clear()
        self.mesh.clear()
        self.types.clear()

    @staticmethod
    def journal_key(citation: Citation) -> tuple[str, str] | None:
        journal = citation.journal
        if journal is None:
            return None
        if journal.issn:
            return ("issn", journal.issn[: _JOURNAL_LENGTHS["issn"]])
        if journal.title:
            return ("title", journal.title[: _JOURNAL_LENGTHS["title"]])
        return None

    def journal_ids(self, citations: Sequence[Citation]) -> None:
        wanted: dict[tuple[str, str], Citation] = {}
        for citation in citations:
            key = self.journal_key(citation)
            if key is not None and key not in self.journals:
                wanted.setdefault(key, citation)
        if not wanted:
            return
        self._read_journals(wanted)
        missing = [key for key in wanted if key not in self.journals]
        if missing:
            Journal.objects.bulk_create(
                [self._journal(key, wanted[key]) for key in missing], ignore_conflicts=True
            )
            self._read_journals(wanted)

    @staticmethod
    def _journal(key: tuple[str, str], citation: Citation) -> Journal:
        journal = citation.journal
        return Journal(
            title=_clip(journal.title if journal else None, _JOURNAL_LENGTHS["title"]),
            iso_abbreviation=_clip(
                journal.iso_abbreviation if journal else None, _JOURNAL_LENGTHS["iso_abbreviation"]
            ),
            issn=key[1] if key[0] == "issn" else "",
        )

    def _read_journals(self, wanted: dict[tuple[str, str], Any]) -> None:
        issns = [value for kind, value in wanted if kind == "issn"]
        titles = [value for kind, value in wanted if kind == "title"]
        for chunk in _chunks(issns):
            for pk, issn in Journal.objects.filter(issn__in=chunk).values_list("pk", "issn"):
                self.journals[("issn", issn)] = pk
        for chunk in _chunks(titles):
            rows = Journal.objects.filter(issn="", title__in=chunk).values_list("pk", "title")
            for pk, title in rows:
                self.journals[("title", title)] = pk

    @staticmethod
    def mesh_key(ui: str | None, name: str) -> tuple[str, str]:
        return ("ui", ui) if ui else ("name", name[:300])

    def mesh_ids(self, citations: Sequence[Citation]) -> None:
        wanted: dict[tuple[str, str], str] = {}
        for citation in citations:
            for heading in citation.mesh:
                key = self.mesh_key(heading.ui, heading.name)
                if key not in self.mesh:
                    wanted.setdefault(key, heading.name[:300])
        if not wanted:
            return
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

    def _read_mesh(self, keys: list[tuple[str, str]]) -> None:
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

    def type_ids(self, citations: Sequence[Citation]) -> None:
        wanted: dict[str, str] = {}
        for citation in citations:
            for item in citation.publication_types:
                name = item.name[:200]
                if name not in self.types:
                    wanted.setdefault(name, item.ui or "")
        if not wanted:
            return
        PublicationType.objects.bulk_create(
            [PublicationType(name=name, ui=ui[:20]) for name, ui in wanted.items()],
            ignore_conflicts=True,
        )
        for chunk in _chunks(list(wanted)):
            for pk, name in PublicationType.objects.filter(name__in=chunk).values_list(
                "pk", "name"
            ):
                self.types[name] = pk


class _Writer:
    """Writes batches of records; one instance per run (it holds the lookups)."""

    def __init__(self) -> None:
        self.lookups = _Lookups()
        self._insert_publication = _Insert(Publication, ("loaded_at", *PUBLICATION_FIELDS))
        assignments = ", ".join(f"{_column(Publication, name)} = %s" for name in PUBLICATION_FIELDS)
        self._update_publication = f"UPDATE {_table(Publication)} SET {assignments} WHERE {_column(Publication, 'id')} = %s"  # noqa: S608 - constant, quoted names only
        self._authorship_fields = (
            "publication",
            "position",
            "family",
            "given",
            "initials",
            "suffix",
            "collective",
            "affiliations",
            "orcid",
            "equal_contribution",
            "valid",
            "search_name",
            "hcp",
        )
        self._insert_authorship = _Insert(Authorship, self._authorship_fields)
        self._insert_mesh = _Insert(PublicationMesh, ("publication", "term", "major", "qualifiers"))
        self._insert_trial = _Insert(PublicationTrial, ("publication", "nct_id"))
        through = Publication.types.through
        self._insert_type = _Insert(through, ("publication", "publicationtype"))

    def write(self, records: Sequence[Citation | Deletion], report: LoadReport) -> None:
        """Write one batch in one transaction; when the database refuses it, record by record.

        Only refusals of the data (integrity, value) are retried; a database that is
        locked or gone raises, and the run stops with the batches before kept.
        """
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

    def _write(self, records: Sequence[Citation | Deletion], report: LoadReport) -> None:
        # The last word on a PMID within the batch wins; an older version never does.
        latest: dict[int, Citation | Deletion] = {}
        superseded = 0
        for record in records:
            previous = latest.get(record.pmid)
            if (
                previous is not None
                and isinstance(previous, Citation)
                and isinstance(record, Citation)
                and record.version < previous.version
            ):
                superseded += 1
                continue
            if previous is not None:
                superseded += 1
            latest[record.pmid] = record
        stored = self._stored(list(latest))
        new: list[tuple[Citation, str]] = []
        changed: list[tuple[Citation, str, int]] = []
        deletions: list[int] = []
        unchanged = superseded
        for pmid, record in latest.items():
            existing = stored.get(pmid)
            if isinstance(record, Deletion):
                if existing is None:
                    unchanged += 1
                else:
                    deletions.append(pmid)
                continue
            digest = content_hash(record)
            if existing is None:
                new.append((record, digest))
                continue
            pk, version, old_digest = existing
            if record.version < version or (record.version == version and digest == old_digest):
                unchanged += 1
            else:
                changed.append((record, digest, pk))
        citations = [item[0] for item in new] + [item[0] for item in changed]
        if citations:
            self._store(new, changed)
        if deletions:
            self._delete(deletions)
        report.new += len(new)
        report.updated += len(changed)
        report.unchanged += unchanged
        report.deleted += len(deletions)

    def _stored(self, pmids: list[int]) -> dict[int, tuple[int, int, str]]:
        found: dict[int, tuple[int, int, str]] = {}
        for chunk in _chunks(pmids):
            rows = Publication.objects.filter(pmid__in=chunk).values_list(
                "pmid", "pk", "version", "content_hash"
            )
            for pmid, pk, version, digest in rows:
                found[pmid] = (pk, version, digest)
        return found

    @staticmethod
    def _row(values: dict[str, Any], json_value: Callable[[Any], Any]) -> list[Any]:
        adapt_date = connection.ops.adapt_datefield_value
        row = []
        for name in PUBLICATION_FIELDS:
            value = values[name]
            if name in _JSON:
                value = json_value(value)
            elif name in _DATES:
                value = adapt_date(value)
            row.append(value)
        return row

    def _store(
        self, new: list[tuple[Citation, str]], changed: list[tuple[Citation, str, int]]
    ) -> None:
        citations = [item[0] for item in new] + [item[0] for item in changed]
        lookups = self.lookups
        lookups.journal_ids(citations)
        lookups.mesh_ids(citations)
        lookups.type_ids(citations)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        json_value = _json_adapter()

        def values(citation: Citation, digest: str) -> dict[str, Any]:
            key = lookups.journal_key(citation)
            journal_id = lookups.journals[key] if key is not None else None
            return {**publication_values(citation, journal_id, digest), "updated_at": now}

        ids: dict[int, int] = {}
        with connection.cursor() as cursor:
            if new:
                rows = []
                for citation, digest in new:
                    row = self._row(values(citation, digest), json_value)
                    rows.append([now, *row])
                self._insert_publication.run(cursor, rows)
                ids.update(self._stored_ids([citation.pmid for citation, _ in new]))
            if changed:
                updates = []
                for citation, digest, pk in changed:
                    updates.append([*self._row(values(citation, digest), json_value), pk])
                    ids[citation.pmid] = pk
                cursor.executemany(self._update_publication, updates)
                self._delete_children([pk for _, _, pk in changed])
            self._insert_children(cursor, citations, ids)
        search.index_publications(
            [
                (ids[citation.pmid], citation.title or "", abstract_text(citation))
                for citation in citations
            ]
        )

    def _stored_ids(self, pmids: list[int]) -> dict[int, int]:
        found: dict[int, int] = {}
        for chunk in _chunks(pmids):
            found.update(Publication.objects.filter(pmid__in=chunk).values_list("pmid", "pk"))
        return found

    def _delete_children(self, publication_ids: list[int]) -> None:
        for chunk in _chunks(publication_ids):
            Authorship.objects.filter(publication_id__in=chunk)._raw_delete(connection.alias)
            PublicationMesh.objects.filter(publication_id__in=chunk)._raw_delete(connection.alias)
            PublicationTrial.objects.filter(publication_id__in=chunk)._raw_delete(connection.alias)
            Publication.types.through.objects.filter(publication_id__in=chunk)._raw_delete(
                connection.alias
            )

    def _hcp_ids(self, citations: Sequence[Citation]) -> dict[str, int]:
        orcids = {
            author.orcid for citation in citations for author in citation.authors if author.orcid
        }
        found: dict[str, int] = {}
        ordered = sorted(orcids)
        for chunk in _chunks(ordered):
            for orcid, pk in HCP.objects.filter(orcid__in=chunk).values_list("orcid", "pk"):
                if orcid:
                    found[orcid] = pk
        return found

    def _insert_children(
        self, cursor: Any, citations: Sequence[Citation], ids: dict[int, int]
    ) -> None:
        lookups = self.lookups
        hcps = self._hcp_ids(citations)
        lengths = _AUTHORSHIP_LENGTHS
        authorships: list[list[Any]] = []
        headings: list[list[Any]] = []
        trials: list[list[Any]] = []
        types: list[list[Any]] = []
        json_value = _json_adapter()
        for citation in citations:
            pk = ids[citation.pmid]
            for position, author in enumerate(citation.authors, start=1):
                orcid = author.orcid or ""
                name = " ".join(
                    part
                    for part in (author.family, author.given, author.initials, author.collective)
                    if part
                )
                authorships.append(
                    [
                        pk,
                        position,
                        _clip(author.family, lengths["family"]),
                        _clip(author.given, lengths["given"]),
                        _clip(author.initials, lengths["initials"]),
                        _clip(author.suffix, lengths["suffix"]),
                        author.collective or "",
                        json_value(list(author.affiliations)),
                        orcid[: lengths["orcid"]],
                        author.equal_contribution,
                        author.valid,
                        fold(name)[: lengths["search_name"]],
                        hcps.get(orcid),
                    ]
                )
            seen_terms: set[int] = set()
            for heading in citation.mesh:
                term = lookups.mesh[lookups.mesh_key(heading.ui, heading.name)]
                if term in seen_terms:
                    continue
                seen_terms.add(term)
                qualifiers = [
                    {"ui": item.ui, "name": item.name, "major": item.major}
                    for item in heading.qualifiers
                ]
                headings.append([pk, term, heading.major, json_value(qualifiers)])
            for nct_id in dict.fromkeys(citation.trial_ids):
                trials.append([pk, nct_id[:20]])
            for type_id in dict.fromkeys(
                lookups.types[item.name[:200]] for item in citation.publication_types
            ):
                types.append([pk, type_id])
        if authorships:
            self._insert_authorship.run(cursor, authorships)
        if headings:
            self._insert_mesh.run(cursor, headings)
        if trials:
            self._insert_trial.run(cursor, trials)
        if types:
            self._insert_type.run(cursor, types)

    def _delete(self, pmids: list[int]) -> None:
        for chunk in _chunks(pmids):
            ids = list(Publication.objects.filter(pmid__in=chunk).values_list("pk", flat=True))
            self._delete_children(ids)
            Publication.objects.filter(pk__in=ids)._raw_delete(connection.alias)
            search.unindex_publications(ids)


def _batches(
    records: Iterable[Citation | Deletion], size: int
) -> Iterator[list[Citation | Deletion]]:
    batch: list[Citation | Deletion] = []
    for record in records:
        batch.append(record)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def store_records(
    records: Iterable[Citation | Deletion],
    *,
    batch_size: int = BATCH_SIZE,
    report: LoadReport | None = None,
    on_batch: Callable[[LoadReport], None] | None = None,
) -> LoadReport:
    """Write parsed records (no permission check: the callers below make it).

    Records are taken ``batch_size`` at a time; a batch is written only once
    it is complete, so an exception raised by ``records`` (a malformed file)
    leaves the batch it interrupted unwritten.
    """
    report = report if report is not None else LoadReport()
    writer = _Writer()
    for batch in _batches(records, batch_size):
        writer.write(batch, report)
        if on_batch is not None:
            on_batch(report)
    return report
