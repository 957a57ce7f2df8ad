"""The basket: references a user picks one by one, from the library and from
"My references", to export together.

The basket lives in the user's session (server-side, as Django's sessions are),
like PubMed's clipboard: it is a working selection, not a record. It holds only
the ids of records the user may already see (a publication by PMID, a library
item of their own by id), every export reads them again through the policy,
and a download job keeps its own copy of the selection in its parameters; so
it is not audited, and it ends with the session (signing out, closing the
browser). A library item linked to a stored publication goes in as that
publication, so the library's "in the basket" and "My references"' agree.

:func:`resolve` turns the PMIDs and item ids a form names into entries,
refusing what the user may not see; :class:`Basket` reads and writes the
session; :func:`describe` says what a page of entries holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from liaison.core import policy
from liaison.core.errors import LiaisonError, NotFound
from liaison.core.policy import AnyUser
from liaison.literature.models import LibraryItem, Publication
from liaison.literature.services.references import SELECTION_LIMIT, library_items

#: Where the basket is kept in the session.
SESSION_KEY = "literature.basket"
#: The most references a basket holds (one export by selection writes as many).
LIMIT = SELECTION_LIMIT

Kind = Literal["pmid", "item"]
#: One reference of the basket: a publication by PMID, or a library item (not
#: linked to a stored publication) by id.
Entry = tuple[Kind, int]


def resolve(user: AnyUser, *, pmids: Sequence[int] = (), items: Sequence[int] = ()) -> list[Entry]:
    """The entries of the publications ``pmids`` and of ``user``'s own library items
    ``items``, in that order; an item linked to a stored publication is that
    publication. A PMID the library does not hold or an item that is not the
    user's is a 404 naming it."""
    visible = set(
        policy.scope(user, "view", Publication)
        .filter(pmid__in=set(pmids))
        .values_list("pmid", flat=True)
    )
    missing = [pmid for pmid in pmids if pmid not in visible]
    if missing:
        raise NotFound(f"PMID {missing[0]} is not in the library")
    linked = dict(
        library_items(user).filter(pk__in=set(items)).values_list("pk", "publication__pmid")
    )
    unknown = [item for item in items if item not in linked]
    if unknown:
        raise NotFound(f"reference {unknown[0]} is not in your references")
    entries: list[Entry] = [("pmid", pmid) for pmid in pmids]
    for item in items:
        pmid = linked[item]
        entries.append(("pmid", pmid) if pmid is not None else ("item", item))
    return list(dict.fromkeys(entries))


class Basket:
    """The basket kept in ``session`` (a Django session, or any mapping in tests)."""

    def __init__(self, session: MutableMapping[str, Any]) -> None:
        self._session = session
        self.entries: list[Entry] = []
        for value in session.get(SESSION_KEY) or []:
            # What the session holds is ours, but stay safe on an old or odd value.
            if isinstance(value, list | tuple) and len(value) == 2:
                kind, key = value
                if kind in ("pmid", "item") and isinstance(key, int):
                    self.entries.append((kind, key))

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def pmids(self) -> frozenset[int]:
        return frozenset(key for kind, key in self.entries if kind == "pmid")

    @property
    def items(self) -> frozenset[int]:
        return frozenset(key for kind, key in self.entries if kind == "item")

    def add(self, entries: Iterable[Entry]) -> int:
        """Add ``entries`` not in the basket yet, at its end; returns how many were new.
        More than :data:`LIMIT` in all adds nothing and says so."""
        held = set(self.entries)
        new = [entry for entry in dict.fromkeys(entries) if entry not in held]
        if len(self.entries) + len(new) > LIMIT:
            raise LiaisonError(
                f"the basket holds at most {LIMIT:,} references ({len(self.entries):,} now, "
                f"{len(new):,} more asked): export it or clear it first",
                field="basket",
            )
        self.entries.extend(new)
        self._save()
        return len(new)

    def remove(self, entries: Iterable[Entry]) -> int:
        """Take ``entries`` out of the basket; returns how many were in it."""
        gone = set(entries)
        kept = [entry for entry in self.entries if entry not in gone]
        removed = len(self.entries) - len(kept)
        self.entries = kept
        self._save()
        return removed

    def clear(self) -> int:
        """Empty the basket; returns how many references it held."""
        count = len(self.entries)
        self.entries = []
        self._save()
        return count

    def _save(self) -> None:
        self._session[SESSION_KEY] = [[kind, key] for kind, key in self.entries]


@dataclass(frozen=True)
class Row:
    """One entry of the basket as its page shows it; ``title`` is empty for a
    reference no longer there (deleted since it was added)."""

    kind: Kind
    key: int
    title: str
    detail: str
    pmid: int | None

    @property
    def gone(self) -> bool:
        return not self.title


def describe(user: AnyUser, entries: Sequence[Entry]) -> list[Row]:
    """What ``entries`` (a page of the basket) are, read through the policy."""
    pmids = [key for kind, key in entries if kind == "pmid"]
    item_ids = [key for kind, key in entries if kind == "item"]
    publications: Mapping[int, Publication] = {
        publication.pmid: publication
        for publication in policy.scope(user, "view", Publication)
        .filter(pmid__in=pmids)
        .select_related("journal")
    }
    items: Mapping[int, LibraryItem] = {
        item.pk: item for item in library_items(user).filter(pk__in=item_ids)
    }
    rows = []
    for kind, key in entries:
        if kind == "pmid":
            publication = publications.get(key)
            title = (publication.title or "(no title)") if publication else ""
            detail = f"{publication.citation} · PMID {key}" if publication else f"PMID {key}"
            rows.append(Row(kind, key, title, detail, key))
        else:
            item = items.get(key)
            reference = item.reference if item is not None else {}
            title = (str(reference.get("title") or "") or "(no title)") if item else ""
            detail = " · ".join(
                str(part) for part in (reference.get("journal"), reference.get("year")) if part
            )
            if item is not None:
                detail = " · ".join(filter(None, (detail, f"from {item.source_file}")))
            rows.append(Row(kind, key, title, detail or "one of your references", None))
    return rows
