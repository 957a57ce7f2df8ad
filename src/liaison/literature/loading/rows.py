"""From a parsed PubMed record to the rows the literature app stores (pure: no Django).

:func:`prepare` turns a :class:`Citation` into plain tuples in column order:
the publication's values (JSON columns already encoded, dates as ISO text),
its authorships, MeSH headings, trial numbers and publication types, the
natural keys of the journal and terms the writer resolves to ids, and a
fingerprint of all of it. It imports no Django so that a pipelined load can run
it in the parsing process (see :mod:`liaison.literature.loading.batches`).

The fingerprint decides what a re-load does (``content_hash``): the same
record gives the same rows, so it is unchanged; any field the parser reads
that changes also changes a row, so the record is updated.

Investigators (``InvestigatorList``) become authorships too, with the role
``investigator`` and positions of their own (1, 2, ... in the list's order).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import marshal
from typing import Any, NamedTuple

from liaison.lib.text import fold, to_json
from liaison.literature.pubmed import Author, Citation

# Column widths of the literature tables (tests check them against the models).
PUBLICATION_LENGTHS = {
    "volume": 100,
    "issue": 100,
    "pages": 100,
    "published_text": 100,
    "doi": 300,
    "pmc": 30,
    "pii": 200,
}
AUTHORSHIP_LENGTHS = {
    "family": 300,
    "given": 300,
    "initials": 30,
    "suffix": 30,
    "orcid": 19,
    "search_name": 700,
}
JOURNAL_LENGTHS = {"title": 500, "iso_abbreviation": 300, "issn": 20}
MESH_NAME_LENGTH = 300
TYPE_NAME_LENGTH = 200
TYPE_UI_LENGTH = 20
NCT_LENGTH = 20

# The Publication columns of ``PreparedCitation.values``, in order.
VALUE_FIELDS = (
    "pmid",
    "version",
    "kind",
    "title",
    "vernacular_title",
    "abstract",
    "abstract_text",
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
)
TITLE = VALUE_FIELDS.index("title")
ABSTRACT_TEXT = VALUE_FIELDS.index("abstract_text")

# The Authorship columns of each ``PreparedCitation.authors`` (and ``.investigators``)
# tuple, in order (affiliations still a tuple and the search name not yet folded:
# :func:`author_columns`, which puts the role in front).
AUTHOR_FIELDS = (
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
)
ORCID = AUTHOR_FIELDS.index("orcid")

#: The values of ``Authorship.role`` (``literature.models.AuthorshipRole``; no Django here).
AUTHOR_ROLE = "author"
INVESTIGATOR_ROLE = "investigator"


def first_day(year: int | None, month: int | None, day: int | None) -> dt.date | None:
    """The date for sorting a partial date: the first day of its month or year."""
    if year is None or not 1 <= year <= 9999:
        return None
    month = month if month is not None and 1 <= month <= 12 else None
    try:
        return dt.date(year, month or 1, (day or 1) if month else 1)
    except ValueError:
        return dt.date(year, month or 1, 1)


def _iso(year: int | None, month: int | None, day: int | None) -> str | None:
    date = first_day(year, month, day)
    return None if date is None else date.isoformat()


def abstract_text(citation: Citation) -> str:
    """The abstract as one text: sections joined by blank lines, each after its label."""
    parts = []
    for section in citation.abstract:
        if section.text:
            parts.append(f"{section.label}: {section.text}" if section.label else section.text)
    return "\n\n".join(parts)


JournalKey = tuple[str, str]
MeshKey = tuple[str, str]


def journal_key(citation: Citation) -> JournalKey | None:
    """How a journal is told apart: its ISSN, else its title."""
    journal = citation.journal
    if journal is None:
        return None
    if journal.issn:
        return ("issn", journal.issn[: JOURNAL_LENGTHS["issn"]])
    if journal.title:
        return ("title", journal.title[: JOURNAL_LENGTHS["title"]])
    return None


def mesh_key(ui: str | None, name: str) -> MeshKey:
    """How a MeSH term is told apart: its descriptor UI, else its name."""
    return ("ui", ui) if ui else ("name", name[:MESH_NAME_LENGTH])


class PreparedCitation(NamedTuple):
    """The rows of one record, ready for the writer (which adds ids and timestamps).

    Tuples all the way down: cheap to build, to fingerprint and to send between processes.
    """

    pmid: int
    version: int
    digest: str
    values: tuple[Any, ...]
    journal: tuple[JournalKey, str, str] | None  # (key, title, ISO abbreviation)
    authors: list[tuple[Any, ...]]
    mesh: list[tuple[MeshKey, str, bool, str]]  # (key, name, major, qualifiers JSON)
    trial_ids: list[str]
    types: list[tuple[str, str]]  # (name, UI)
    investigators: list[tuple[Any, ...]]  # shaped as ``authors``


class PreparedDeletion(NamedTuple):
    """A ``DeleteCitation`` PMID."""

    pmid: int


Prepared = PreparedCitation | PreparedDeletion


def _clip(value: str | None, limit: int) -> str:
    return value[:limit] if value else ""


def _authors(people: tuple[Author, ...]) -> list[tuple[Any, ...]]:
    lengths = AUTHORSHIP_LENGTHS
    family_max, given_max = lengths["family"], lengths["given"]
    initials_max, suffix_max = lengths["initials"], lengths["suffix"]
    orcid_max = lengths["orcid"]
    rows = []
    for position, author in enumerate(people, start=1):
        family, given, initials, collective = (
            author.family,
            author.given,
            author.initials,
            author.collective,
        )
        name = " ".join(part for part in (family, given, initials, collective) if part)
        rows.append(
            (
                position,
                family[:family_max] if family else "",
                given[:given_max] if given else "",
                initials[:initials_max] if initials else "",
                author.suffix[:suffix_max] if author.suffix else "",
                collective or "",
                author.affiliations,
                author.orcid[:orcid_max] if author.orcid else "",
                author.equal_contribution,
                author.valid,
                name,
            )
        )
    return rows


_NAME_MAX = AUTHORSHIP_LENGTHS["search_name"]


def author_columns(
    publication: int, hcp: int | None, role: str, author: tuple[Any, ...]
) -> tuple[Any, ...]:
    """The Authorship row of a prepared author or investigator: ``publication``,
    ``hcp``, ``role``, then :data:`AUTHOR_FIELDS`. The writer's half of the work
    (the JSON of the affiliations, the folded search name), so that the reading
    process of a parallel load, the slower of the two, does less."""
    return (
        publication,
        hcp,
        role,
        *author[:6],
        to_json(author[6]),
        author[7],
        author[8],
        author[9],
        fold(author[10])[:_NAME_MAX],
    )


def _mesh(citation: Citation) -> list[tuple[MeshKey, str, bool, str]]:
    rows = []
    seen: set[MeshKey] = set()
    for heading in citation.mesh:
        key = mesh_key(heading.ui, heading.name)
        if key in seen:  # one row per term and publication
            continue
        seen.add(key)
        qualifiers = [
            {"ui": item.ui, "name": item.name, "major": item.major} for item in heading.qualifiers
        ]
        rows.append((key, heading.name[:MESH_NAME_LENGTH], heading.major, to_json(qualifiers)))
    return rows


def prepare(citation: Citation) -> PreparedCitation:
    """The rows of ``citation`` and their fingerprint."""
    journal = citation.journal
    published = citation.published
    electronic = citation.electronic_date
    ids = citation.article_ids
    lengths = PUBLICATION_LENGTHS
    corrections = citation.comments_corrections
    values = (
        citation.pmid,
        citation.version,
        citation.kind,
        citation.title or "",
        citation.vernacular_title or "",
        to_json(
            [
                {"label": item.label, "category": item.category, "text": item.text}
                for item in citation.abstract
            ]
        ),
        abstract_text(citation),
        _clip(journal.volume, lengths["volume"]) if journal else "",
        _clip(journal.issue, lengths["issue"]) if journal else "",
        _clip(journal.pages, lengths["pages"]) if journal else "",
        published.year if published else None,
        published.month if published else None,
        published.day if published else None,
        _iso(published.year, published.month, published.day) if published else None,
        _clip(published.text, lengths["published_text"]) if published else "",
        _iso(electronic.year, electronic.month, electronic.day) if electronic else None,
        to_json(citation.languages),
        to_json([{"ui": item.ui, "name": item.name} for item in citation.publication_types]),
        to_json(citation.keywords),
        to_json(
            [
                {"ui": item.ui, "name": item.name, "registry_number": item.registry_number}
                for item in citation.chemicals
            ]
        ),
        to_json(
            [
                {
                    "id": item.id,
                    "acronym": item.acronym,
                    "agency": item.agency,
                    "country": item.country,
                }
                for item in citation.grants
            ]
        ),
        _clip(ids.doi, lengths["doi"]),
        _clip(ids.pmc, lengths["pmc"]),
        _clip(ids.pii, lengths["pii"]),
        to_json([{"type": item.type, "pmid": item.pmid} for item in corrections]),
        any(item.type == "RetractionIn" for item in corrections),
    )
    key = journal_key(citation)
    journal_row = (
        None
        if key is None or journal is None
        else (
            key,
            _clip(journal.title, JOURNAL_LENGTHS["title"]),
            _clip(journal.iso_abbreviation, JOURNAL_LENGTHS["iso_abbreviation"]),
        )
    )
    authors = _authors(citation.authors)
    investigators = _authors(citation.investigators)
    mesh = _mesh(citation)
    trial_ids = list(dict.fromkeys(nct[:NCT_LENGTH] for nct in citation.trial_ids))
    types = list(
        {
            item.name[:TYPE_NAME_LENGTH]: (
                item.name[:TYPE_NAME_LENGTH],
                (item.ui or "")[:TYPE_UI_LENGTH],
            )
            for item in citation.publication_types
        }.values()
    )
    rows: tuple[Any, ...] = (values, journal_row, authors, mesh, trial_ids, types)
    if investigators:
        # Only when there are any: a record without investigators keeps the fingerprint
        # it had before they were read, so a store loaded then is not rewritten whole.
        rows += (investigators,)
    # marshal format 2 has no back-references, so equal rows give equal bytes (and it is C).
    digest = hashlib.blake2b(marshal.dumps(rows, 2), digest_size=16).hexdigest()
    return PreparedCitation(
        citation.pmid,
        citation.version,
        digest,
        values,
        journal_row,
        authors,
        mesh,
        trial_ids,
        types,
        investigators,
    )
