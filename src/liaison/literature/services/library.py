"""A user's own references: export of a selection of them (the basket, or rows of
"My references") and their deletion.

A :class:`ReferenceSelection` names what to write: entries in order (a
publication of the library by PMID, one of the user's library items by id), or
the user's whole library. A library item linked to a stored publication is
written from that publication (as the library's exports write it); one not
linked, from the reference fields stored when it was imported. A publication
named twice (by PMID and through an item) is written once. Reads start from the
policy's querysets; library items are the actor's own, administrators included.

:func:`count_references` says how many that is, so that the web writes a small
selection at once and runs a large one as a download job
(``tasks.export_references``), which calls :func:`write_references` with a file.

:func:`delete_library_items` deletes some of the actor's own items, audited.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.db import transaction
from django.db.models import Prefetch, QuerySet

from liaison.core import policy
from liaison.core.audit import PendingEvent, record_events, record_type_of
from liaison.core.errors import LiaisonError, NotFound
from liaison.core.models import AuditAction, User
from liaison.core.policy import AnyUser
from liaison.lib.progress import ProgressSink
from liaison.literature.models import LibraryItem, Publication
from liaison.literature.reference_formats import Author, Reference, ReferenceType
from liaison.literature.services.references import (
    EXPORT_LIMIT,
    SELECTION_LIMIT,
    ExportFile,
    export_format,
    library_items,
    to_reference,
    with_export_relations,
    write_references,
)

#: The kinds of entry a selection names: a publication by PMID, a library item by id.
ENTRY_KINDS = ("pmid", "item")


@dataclass(frozen=True)
class ReferenceSelection:
    """What to export: ``entries`` (``("pmid", 123)``, ``("item", 45)``) in order,
    or, with ``whole_library``, every library item of the actor's."""

    entries: tuple[tuple[str, int], ...] = ()
    whole_library: bool = False

    def __post_init__(self) -> None:
        for kind, _ in self.entries:
            if kind not in ENTRY_KINDS:
                raise ValueError(f"unknown kind of entry {kind!r}")

    def as_json(self) -> dict[str, Any]:
        """The selection as a download job's parameters."""
        return {
            "entries": [[kind, key] for kind, key in self.entries],
            "whole_library": self.whole_library,
        }

    @classmethod
    def from_json(cls, values: dict[str, Any]) -> ReferenceSelection:
        entries = tuple((str(kind), int(key)) for kind, key in values.get("entries") or [])
        return cls(entries=entries, whole_library=bool(values.get("whole_library")))


def reference_of_item(item: LibraryItem) -> Reference:
    """The reference of a library item: its publication's when it is linked to one
    the reader may see (loaded or prefetched), else the fields stored at import."""
    if item.publication is not None:
        return to_reference(item.publication)
    data = item.reference if isinstance(item.reference, dict) else {}

    def text(name: str) -> str | None:
        value = data.get(name)
        return str(value) if value not in (None, "") else None

    def number(name: str) -> int | None:
        value = data.get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    try:
        kind = ReferenceType(data.get("type") or ReferenceType.ARTICLE)
    except ValueError:
        kind = ReferenceType.GENERIC
    authors = tuple(
        Author(family=str(author.get("family") or ""), given=author.get("given") or None)
        for author in data.get("authors") or []
        if isinstance(author, dict) and author.get("family")
    )
    return Reference(
        type=kind,
        title=text("title"),
        authors=authors,
        journal=text("journal"),
        abbreviation=text("abbreviation"),
        year=number("year"),
        month=number("month"),
        volume=text("volume"),
        issue=text("issue"),
        pages=text("pages"),
        doi=text("doi"),
        pmid=text("pmid"),
        pmcid=text("pmcid"),
        issn=text("issn"),
        abstract=text("abstract"),
        keywords=tuple(str(keyword) for keyword in data.get("keywords") or [] if keyword),
        url=text("url"),
        language=text("language"),
        publisher=text("publisher"),
        notes=text("notes"),
        key=text("key"),
    )


def _items_with_publications(actor: AnyUser) -> QuerySet[LibraryItem]:
    """The actor's library items, each with its publication as an export writes it
    (none when the actor may not see it: the item's stored fields are written)."""
    visible = with_export_relations(policy.scope(actor, "view", Publication))
    return (
        library_items(actor)
        .select_related(None)
        .prefetch_related(Prefetch("publication", queryset=visible))
    )


def _selected(actor: AnyUser, selection: ReferenceSelection) -> tuple[list[int], list[int]]:
    """The PMIDs and item ids of ``selection``'s entries; more than the limit is a 400."""
    if len(selection.entries) > SELECTION_LIMIT:
        raise LiaisonError(
            f"select at most {SELECTION_LIMIT:,} references (got {len(selection.entries):,})",
            field="item",
        )
    pmids = [key for kind, key in selection.entries if kind == "pmid"]
    items = [key for kind, key in selection.entries if kind == "item"]
    return pmids, items


def count_references(*, actor: AnyUser, selection: ReferenceSelection) -> int:
    """How many references :func:`write_references` would write, at most (at most
    :data:`EXPORT_LIMIT`: more is a 400)."""
    if selection.whole_library:
        count = library_items(actor).count()
    else:
        pmids, items = _selected(actor, selection)
        count = (
            policy.scope(actor, "view", Publication).filter(pmid__in=set(pmids)).count()
            + library_items(actor).filter(pk__in=set(items)).count()
        )
    if count > EXPORT_LIMIT:
        raise LiaisonError(
            f"{count:,} references are selected: export at most {EXPORT_LIMIT:,} at once"
        )
    return count


def _references(actor: AnyUser, selection: ReferenceSelection) -> Iterator[Reference]:
    written: set[int] = set()  # publications, by id: each once
    if selection.whole_library:
        for item in _items_with_publications(actor).iterator(chunk_size=2000):
            if item.publication is not None:
                if item.publication.pk in written:
                    continue
                written.add(item.publication.pk)
            yield reference_of_item(item)
        return
    pmids, item_ids = _selected(actor, selection)
    publications = {
        publication.pmid: publication
        for publication in with_export_relations(
            policy.scope(actor, "view", Publication).filter(pmid__in=set(pmids))
        )
    }
    items = {item.pk: item for item in _items_with_publications(actor).filter(pk__in=item_ids)}
    for kind, key in selection.entries:
        if kind == "pmid":
            publication = publications.get(key)
            if publication is None or publication.pk in written:
                continue
            written.add(publication.pk)
            yield to_reference(publication)
        elif (chosen := items.get(key)) is not None:
            if chosen.publication is not None:
                if chosen.publication.pk in written:
                    continue
                written.add(chosen.publication.pk)
            yield reference_of_item(chosen)


def write_selected_references(
    *,
    actor: AnyUser,
    selection: ReferenceSelection,
    format: str,
    stream: IO[bytes],
    progress: ProgressSink | None = None,
) -> int:
    """Write the references of ``selection`` that ``actor`` may see to ``stream`` in
    ``format``, in the selection's order (the whole library newest first); returns
    how many. Unknown, unseen or deleted entries are left out."""
    export_format(format)
    count = count_references(actor=actor, selection=selection)
    if progress is not None:
        progress.set_total(count)
    return write_references(_references(actor, selection), format, stream, progress=progress)


def export_references(
    *, actor: AnyUser, selection: ReferenceSelection, format: str, file_stem: str
) -> ExportFile:
    """The references of ``selection`` written in memory, as ``<file_stem>.<extension>``."""
    spec = export_format(format)
    binary = io.BytesIO()
    write_selected_references(actor=actor, selection=selection, format=format, stream=binary)
    return ExportFile(binary.getvalue(), spec.content_type, f"{file_stem}.{spec.extension}")


# --- deletion -----------------------------------------------------------------------------------


def delete_library_items(*, actor: User, item_ids: Sequence[int], reason: str = "") -> int:
    """Delete the library items ``item_ids`` of ``actor``'s own library, with an audit
    event each; returns how many. Every one must be the actor's and one the policy
    lets them delete (administrators delete their own too, not other users'): if
    any is not, nothing is deleted."""
    wanted = set(item_ids)
    if not wanted:
        raise LiaisonError("select at least one reference to delete", field="item")
    if len(wanted) > SELECTION_LIMIT:
        raise LiaisonError(
            f"delete at most {SELECTION_LIMIT:,} references at once (got {len(wanted):,})",
            field="item",
        )
    with transaction.atomic():
        items = list(
            policy.scope(actor, "delete", LibraryItem)
            .filter(owner=actor, pk__in=wanted)
            .order_by("pk")
        )
        missing = len(wanted) - len(items)
        if missing:
            raise NotFound(
                f"{missing:,} of the {len(wanted):,} selected references "
                f"{'is' if missing == 1 else 'are'} not in your references (deleted already?): "
                "nothing was deleted"
            )
        record_events(
            actor=actor, events=_deleted(items), reason=reason or "deleted from My references"
        )
        LibraryItem.objects.filter(pk__in=[item.pk for item in items]).delete()
    return len(items)


def _deleted(items: Iterable[LibraryItem]) -> Iterator[PendingEvent]:
    """Delete events mirroring the import's create events: owner, publication and
    source file (the label holds the title; the fingerprint is never recorded)."""
    record_type = record_type_of(LibraryItem)
    for item in items:
        values = {
            "owner": item.owner_id,
            "publication": item.publication_id,
            "source_file": item.source_file,
        }
        yield PendingEvent(
            action=AuditAction.DELETE,
            record_type=record_type,
            record_id=item.pk,
            record_label=str(item),
            changes={
                name: [value, None] for name, value in values.items() if value not in (None, "")
            },
        )
