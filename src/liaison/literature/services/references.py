"""Reference files and the library: export of a selection, import of a user's own library.

:func:`export_selection` writes the publications a user selected (by the
library's filters or by PMID) as RIS, BibTeX, CSV or XLSX; reads start from
the policy's queryset. :func:`count_selection` says how many that is, so the
web and the API write a small selection at once and run a large one as a
download job (``tasks.export_publications``), which calls
:func:`write_selection` with a file.

:func:`import_references` reads a user's RIS, BibTeX or MEDLINE (.nbib) file,
matches each reference to a stored publication by PMID, then by DOI (case-insensitive), and keeps it in that user's library
(:class:`LibraryItem`), matched or not. A second import of the same file adds
nothing. The report says which records could not be read and warns of those
read otherwise than written (a BibTeX field given twice, an undefined macro). The format code is pure and lives in :mod:`liaison.literature.reference_formats`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.db.models.functions import Lower

from liaison.core import policy
from liaison.core.audit import PendingEvent, record_events, record_type_of
from liaison.core.errors import LiaisonError
from liaison.core.models import AuditAction, User
from liaison.core.policy import AnyUser
from liaison.lib.bulk import after_batch_commit
from liaison.lib.progress import ProgressSink
from liaison.lib.text import fold
from liaison.literature.models import (
    Authorship,
    AuthorshipRole,
    LibraryItem,
    Publication,
    PublicationKind,
)
from liaison.literature.reference_formats import (
    Author,
    Reference,
    ReferenceFormatError,
    ReferenceType,
    ReferenceWarning,
    read_bibtex,
    read_nbib,
    read_ris,
    write_bibtex,
    write_csv,
    write_ris,
    write_xlsx,
)
from liaison.literature.selectors import PublicationFilters, publication_queryset

#: The most publications one export writes (a therapeutic area's decade fits).
EXPORT_LIMIT = 50_000
#: The most PMIDs a selection by PMID names.
SELECTION_LIMIT = 5_000
#: The most matched (and unmatched) references an import's report keeps for its page.
REPORTED_ROWS = 500


@dataclass(frozen=True)
class ExportFormat:
    name: str
    label: str
    extension: str
    content_type: str


EXPORT_FORMATS: dict[str, ExportFormat] = {
    "ris": ExportFormat(
        "ris", "RIS (EndNote, Zotero, Mendeley)", "ris", "application/x-research-info-systems"
    ),
    "bibtex": ExportFormat("bibtex", "BibTeX", "bib", "application/x-bibtex; charset=utf-8"),
    "csv": ExportFormat("csv", "CSV", "csv", "text/csv; charset=utf-8"),
    "xlsx": ExportFormat(
        "xlsx",
        "Excel (XLSX)",
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    content_type: str
    filename: str


def export_format(format: str) -> ExportFormat:
    """The format ``format`` (a key of :data:`EXPORT_FORMATS`), or a 400 naming the field."""
    spec = EXPORT_FORMATS.get(format)
    if spec is None:
        raise LiaisonError(
            f"unknown export format {format!r}: use one of {', '.join(EXPORT_FORMATS)}",
            field="format",
        )
    return spec


# --- export -----------------------------------------------------------------------------------


def to_reference(publication: Publication) -> Reference:
    """The reference of a stored publication (authorships and journal as loaded or prefetched).

    Its authors only: a reference manager's author list is the paper's byline, and
    the investigators of a study group are not on it."""
    journal = publication.journal
    authors = tuple(
        Author(family=a.collective, given=None)
        if a.collective
        else Author(family=a.family or a.initials, given=a.given or a.initials or None)
        for a in publication.authors
        if a.collective or a.family or a.initials
    )
    abstract = " ".join(
        f"{section['label']}: {section['text']}" if section.get("label") else section["text"]
        for section in publication.abstract or []
        if isinstance(section, dict) and section.get("text")
    )
    return Reference(
        type=ReferenceType.BOOK
        if publication.kind == PublicationKind.BOOK
        else ReferenceType.ARTICLE,
        title=publication.title or None,
        authors=authors,
        journal=(journal.title or None) if journal else None,
        abbreviation=(journal.iso_abbreviation or None) if journal else None,
        year=publication.published_year,
        month=publication.published_month,
        volume=publication.volume or None,
        issue=publication.issue or None,
        pages=publication.pages or None,
        doi=publication.doi or None,
        pmid=str(publication.pmid),
        pmcid=publication.pmc or None,
        issn=(journal.issn or None) if journal else None,
        abstract=abstract or publication.abstract_text or None,
        keywords=tuple(str(keyword) for keyword in publication.keywords or [] if keyword),
        url=publication.pubmed_url,
        language=", ".join(str(code) for code in publication.languages or []) or None,
    )


def write_publications(
    publications: Iterable[Publication],
    format: str,
    stream: IO[bytes],
    *,
    progress: ProgressSink | None = None,
) -> int:
    """Write ``publications`` in ``format`` to a binary stream; returns how many.
    ``progress`` advances by each publication written."""
    return write_references(
        (to_reference(publication) for publication in publications),
        format,
        stream,
        progress=progress,
        counted="publications",
    )


def write_references(
    references: Iterable[Reference],
    format: str,
    stream: IO[bytes],
    *,
    progress: ProgressSink | None = None,
    counted: str = "references",
) -> int:
    """Write ``references`` in ``format`` to a binary stream; returns how many.
    ``progress`` advances by each reference written (its count named ``counted``)."""
    spec = export_format(format)
    count = 0

    def counting() -> Iterator[Reference]:
        nonlocal count
        for reference in references:
            yield reference
            count += 1
            if progress is not None:
                progress.advance(1, **{counted: 1})

    if spec.name == "xlsx":
        write_xlsx(counting(), stream)
        return count
    writers: dict[str, Callable[[Iterable[Reference], IO[str]], None]] = {
        "ris": write_ris,
        "bibtex": write_bibtex,
        "csv": write_csv,
    }
    # A BOM lets EndNote and Excel on Windows see UTF-8; BibTeX tools choke on one.
    encoding = "utf-8" if spec.name == "bibtex" else "utf-8-sig"
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    try:
        writers[spec.name](counting(), text)
        text.flush()
    finally:
        text.detach()  # leave the caller's stream open
    return count


def export_publications(publications: Iterable[Publication], format: str) -> ExportFile:
    """Write ``publications`` in ``format`` (a key of :data:`EXPORT_FORMATS`), in memory."""
    spec = export_format(format)
    binary = io.BytesIO()
    write_publications(publications, format, binary)
    return ExportFile(binary.getvalue(), spec.content_type, f"publications.{spec.extension}")


def with_export_relations(queryset: QuerySet[Publication]) -> QuerySet[Publication]:
    return queryset.select_related("journal").prefetch_related(
        Prefetch(
            "authorships",
            queryset=Authorship.objects.filter(role=AuthorshipRole.AUTHOR).order_by("position"),
        )
    )


def _selected(
    actor: AnyUser, filters: PublicationFilters | None, pmids: Iterable[int] | None
) -> tuple[QuerySet[Publication], list[int] | None]:
    """The publications ``actor`` may see among ``pmids`` (with their order), else
    those matching ``filters``; more than the limits is a 400."""
    if pmids is not None:
        wanted = list(dict.fromkeys(pmids))
        if len(wanted) > SELECTION_LIMIT:
            raise LiaisonError(
                f"select at most {SELECTION_LIMIT} publications (got {len(wanted)})", field="pmid"
            )
        return policy.scope(actor, "view", Publication).filter(pmid__in=wanted), wanted
    return publication_queryset(actor, filters or PublicationFilters(sort="date")), None


def count_selection(
    *,
    actor: AnyUser,
    filters: PublicationFilters | None = None,
    pmids: Iterable[int] | None = None,
) -> int:
    """How many publications :func:`export_selection` would write (at most
    :data:`EXPORT_LIMIT`: more is a 400 asking to narrow the search)."""
    queryset, _ = _selected(actor, filters, pmids)
    count = queryset.count()
    if count > EXPORT_LIMIT:
        raise LiaisonError(
            f"{count} publications match: narrow the search to at most {EXPORT_LIMIT} to export"
        )
    return count


def write_selection(
    *,
    actor: AnyUser,
    format: str,
    stream: IO[bytes],
    filters: PublicationFilters | None = None,
    pmids: Iterable[int] | None = None,
    progress: ProgressSink | None = None,
) -> int:
    """Write the publications ``actor`` may see, selected by ``pmids`` or else by
    ``filters``, to ``stream``; returns how many. A selection by PMID keeps the
    order given; unknown or unseen PMIDs are left out."""
    export_format(format)
    queryset, wanted = _selected(actor, filters, pmids)
    count = count_selection(actor=actor, filters=filters, pmids=wanted)
    if progress is not None:
        progress.set_total(count)
    if wanted is not None:
        found = {publication.pmid: publication for publication in with_export_relations(queryset)}
        publications: Iterable[Publication] = (found[p] for p in wanted if p in found)
    else:
        publications = with_export_relations(queryset).iterator(chunk_size=2000)
    return write_publications(publications, format, stream, progress=progress)


def export_selection(
    *,
    actor: AnyUser,
    format: str,
    filters: PublicationFilters | None = None,
    pmids: Iterable[int] | None = None,
) -> ExportFile:
    """The publications ``actor`` may see, selected by ``pmids`` or else by ``filters``, written out
    in memory (see :func:`write_selection`)."""
    spec = export_format(format)
    binary = io.BytesIO()
    write_selection(actor=actor, format=format, stream=binary, filters=filters, pmids=pmids)
    return ExportFile(binary.getvalue(), spec.content_type, f"publications.{spec.extension}")


# --- the user's own library -------------------------------------------------------------------


def library_items(user: AnyUser) -> QuerySet[LibraryItem]:
    """``user``'s own imported references, newest first, with the publications they matched."""
    return (
        policy.scope(user, "view", LibraryItem)
        .filter(owner_id=getattr(user, "pk", None))
        .select_related("publication")
        .order_by("-added_at", "-id")
    )


# --- import -----------------------------------------------------------------------------------


_READERS = {"ris": read_ris, "nbib": read_nbib}
_EXTENSIONS = {
    ".ris": "ris",
    ".bib": "bibtex",
    ".bibtex": "bibtex",
    ".nbib": "nbib",
    ".medline": "nbib",
}


@dataclass(frozen=True)
class MatchedReference:
    reference: Reference
    pmid: int
    title: str
    matched_by: str  # "PMID" or "DOI"


@dataclass
class ImportReport:
    """What an import did: references matched to publications, unmatched ones,
    records that could not be read (errors) and records read otherwise than
    written (warnings: a repeated field merged, an undefined macro, a missing
    ``crossref`` parent)."""

    name: str
    format: str
    matched: list[MatchedReference] = field(default_factory=list)
    unmatched: list[Reference] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[ReferenceWarning] = field(default_factory=list)
    added: int = 0
    already: int = 0

    @property
    def read(self) -> int:
        return len(self.matched) + len(self.unmatched)

    @property
    def records(self) -> int:
        """The records of the file: those read and those that could not be."""
        return self.read + len(self.errors)

    def unreadable(self) -> str | None:
        """``2 of 50 records could not be read; 48 imported``, or None when all were read."""
        if not self.errors:
            return None
        return unreadable_sentence(len(self.errors), self.records)

    def counts(self) -> dict[str, int]:
        return {
            "read": self.read,
            "matched": len(self.matched),
            "not_in_the_library": len(self.unmatched),
            "unreadable": len(self.errors),
            "warnings": len(self.warnings),
            "added": self.added,
            "already_there": self.already,
        }

    def summary(self) -> str:
        """One sentence: what was read and matched, what was added."""
        text = (
            f"{self.read} reference{'s' if self.read != 1 else ''} read: "
            f"{len(self.matched)} matched to PubMed records of the library, "
            f"{len(self.unmatched)} not in the library"
        )
        if self.errors:
            text += f", {len(self.errors)} could not be read"
        text += f". {self.added} added to your library"
        if self.already:
            text += f", {self.already} already there"
        if self.warnings:
            count = len(self.warnings)
            text += f". {count} warning{'s' if count != 1 else ''} about what was read"
        return text + "."

    def as_json(self, *, limit: int) -> dict[str, Any]:
        """The report as JSON for the job page: counts and the first ``limit`` rows of each table."""
        return {
            "name": self.name,
            "format": self.format,
            "counts": self.counts(),
            "matched": [
                {
                    "title": match.reference.title or "",
                    "matched_by": match.matched_by,
                    "pmid": match.pmid,
                }
                for match in self.matched[:limit]
            ],
            "unmatched": [
                {
                    "title": reference.title or "",
                    "year": reference.year,
                    "doi": reference.doi or "",
                    "pmid": reference.pmid or "",
                }
                for reference in self.unmatched[:limit]
            ],
            "warnings": [
                {
                    "file": warning.name,
                    "entry": warning.place,
                    "field": warning.field or "",
                    "message": warning.reason,
                }
                for warning in self.warnings[:limit]
            ],
            "limit": limit,
        }


def unreadable_sentence(unreadable: int, records: int) -> str:
    """``2 of 50 records could not be read; 48 imported``."""
    return (
        f"{unreadable:,} of {records:,} record{'s' if records != 1 else ''} could not be read; "
        f"{records - unreadable:,} imported"
    )


def detect_format(name: str, head: bytes) -> str:
    """``ris``, ``bibtex`` or ``nbib`` from the file name, else from its first line."""
    extension = os.path.splitext(name.lower())[1]
    if extension in _EXTENSIONS:
        return _EXTENSIONS[extension]
    first = next(
        (
            line.strip()
            for line in head.decode("utf-8", "replace").lstrip("\ufeff").splitlines()
            if line.strip()
        ),
        "",
    )
    if first.startswith(("@", "%")):
        return "bibtex"
    if first.startswith("PMID-"):
        return "nbib"
    # Ovid, Rayyan and Web of Science write .txt; the RIS reader names what is wrong.
    if extension == ".txt" or re.match(r"^(?:[A-Z][A-Z0-9] |\d+\.$)", first):
        return "ris"
    raise LiaisonError(
        f"{name}: not a reference file this library reads (RIS, BibTeX or PubMed .nbib)",
        field="file",
    )


def fingerprint(reference: Reference) -> str:
    """What makes two imported references the same: PMID, else DOI, else title, year
    and journal (and, for a record without title, its authors and publisher)."""
    if reference.pmid:
        return f"pmid:{reference.pmid}"
    if reference.doi:
        return f"doi:{reference.doi.lower()}"[:400]
    key = f"{fold(reference.title or '')}|{reference.year or ''}|{fold(reference.journal or '')}"
    if not reference.title:
        names = ";".join(author.display() for author in reference.authors)
        key += f"|{fold(names)}|{fold(reference.publisher or '')}"
    return "title:" + hashlib.sha256(key.encode()).hexdigest()


#: References written per transaction: a batch takes a fraction of a second.
IMPORT_BATCH = 2000


def import_references(
    *,
    actor: User,
    path: str | os.PathLike[str],
    name: str | None = None,
    progress: ProgressSink | None = None,
) -> ImportReport:
    """Read the reference file at ``path`` into ``actor``'s library and report what happened.

    Bad entries are reported (``report.errors``), not fatal; entries read
    otherwise than written are kept and reported (``report.warnings``: file,
    entry, field, reason); a file that is not a reference file raises
    :class:`LiaisonError`. The new references are written in batches of
    :data:`IMPORT_BATCH`, each in its own transaction with its audit events.
    ``progress`` counts references: its total once the file is read, all done
    once they are written.
    """
    policy.require(actor, "add", LibraryItem)
    name = name or os.path.basename(os.fspath(path))
    with open(path, "rb") as stream:
        format = detect_format(name, stream.read(4096))
        stream.seek(0)
        errors: list[str] = []
        warnings: list[ReferenceWarning] = []
        try:
            if format == "bibtex":
                read = read_bibtex(
                    stream,
                    name,
                    on_error=lambda error: errors.append(str(error)),
                    on_warning=warnings.append,
                )
            else:
                read = _READERS[format](
                    stream, name, on_error=lambda error: errors.append(str(error))
                )
            references = list(read)
        except ReferenceFormatError as error:
            raise LiaisonError(str(error), field="file") from None
    cap = int(settings.LIAISON_REFERENCE_IMPORT_MAX_RECORDS)
    if len(references) > cap:
        raise LiaisonError(
            f"{name}: {len(references):,} references, more than the {cap:,} one file may hold "
            "(LIAISON_REFERENCE_IMPORT_MAX_RECORDS): split the file",
            field="file",
        )
    report = ImportReport(name=name, format=format, errors=errors, warnings=warnings)
    if progress is not None:
        progress.set_total(len(references))
    by_pmid, by_doi = _publications_for(actor, references)

    # Matching writes nothing; the new items are then written in batches, each
    # with its audit events in one short transaction (docs/jobs.md). A run that
    # stops half way keeps its batches, and running the file again adds the rest.
    owned = LibraryItem.objects.filter(owner=actor)
    seen = set(owned.values_list("fingerprint", flat=True))
    held = set(owned.exclude(publication=None).values_list("publication_id", flat=True))
    new_items: list[LibraryItem] = []
    for reference in references:
        publication, matched_by = None, ""
        if reference.pmid and int(reference.pmid) in by_pmid:
            publication, matched_by = by_pmid[int(reference.pmid)], "PMID"
        elif reference.doi and reference.doi.lower() in by_doi:
            publication, matched_by = by_doi[reference.doi.lower()], "DOI"
        if publication is not None:
            report.matched.append(
                MatchedReference(reference, publication.pmid, publication.title, matched_by)
            )
        else:
            report.unmatched.append(reference)
        key = fingerprint(reference)
        if key in seen or (publication is not None and publication.pk in held):
            report.already += 1
            continue
        seen.add(key)
        if publication is not None:
            held.add(publication.pk)
        new_items.append(
            LibraryItem(
                owner=actor,
                publication=publication,
                reference=reference_json(reference),
                fingerprint=key,
                source_file=name[:255],
            )
        )
    if progress is not None:
        progress.advance(len(references) - len(new_items))
    for start in range(0, len(new_items), IMPORT_BATCH):
        batch = new_items[start : start + IMPORT_BATCH]
        with transaction.atomic():
            created = LibraryItem.objects.bulk_create(batch)
            record_events(actor=actor, events=_events(created), reason=f"imported from {name}")
        report.added += len(created)
        after_batch_commit()
        if progress is not None:
            progress.advance(len(batch))
    return report


def _events(items: list[LibraryItem]) -> Iterator[PendingEvent]:
    record_type = record_type_of(LibraryItem)
    for item in items:
        if item.pk is None:  # databases that do not return bulk-created ids
            continue
        yield PendingEvent(
            action=AuditAction.CREATE,
            record_type=record_type,
            record_id=item.pk,
            record_label=str(item),
            changes=_created(item),
        )


def _created(item: LibraryItem) -> dict[str, list[Any]]:
    """A create event's changes, as ``audit.create_record`` writes them: ``[None,
    value]`` per set field, related records by id (the history shows their
    names). The label holds the title; the fingerprint is never recorded."""
    values = {
        "owner": item.owner_id,
        "publication": item.publication_id,
        "source_file": item.source_file,
    }
    return {name: [None, value] for name, value in values.items() if value not in (None, "")}


def _publications_for(
    actor: User, references: list[Reference]
) -> tuple[dict[int, Publication], dict[str, Publication]]:
    """The publications ``actor`` may see, by PMID and by lower-case DOI, that the references name."""
    visible = policy.scope(actor, "view", Publication).only("pk", "pmid", "title", "doi")
    pmids = {int(r.pmid) for r in references if r.pmid}
    dois = {r.doi.lower() for r in references if r.doi}
    by_pmid: dict[int, Publication] = {}
    by_doi: dict[str, Publication] = {}
    pmid_list = sorted(pmids)
    for start in range(0, len(pmid_list), 500):
        for publication in visible.filter(pmid__in=pmid_list[start : start + 500]):
            by_pmid[publication.pmid] = publication
    doi_list = sorted(dois)
    for start in range(0, len(doi_list), 500):
        chunk = doi_list[start : start + 500]
        for publication in visible.annotate(doi_lower=Lower("doi")).filter(doi_lower__in=chunk):
            by_doi.setdefault(publication.doi.lower(), publication)
    return by_pmid, by_doi


def reference_json(reference: Reference) -> dict[str, Any]:
    """A reference as plain JSON for :attr:`LibraryItem.reference` (absent values left out)."""
    data: dict[str, Any] = {}
    for item in dataclasses.fields(reference):
        value = getattr(reference, item.name)
        if item.name == "authors":
            value = [{"family": a.family, "given": a.given} for a in value]
        elif item.name == "keywords":
            value = list(value)
        elif item.name == "type":
            value = value.value
        if value not in (None, [], ""):
            data[item.name] = value
    return data
