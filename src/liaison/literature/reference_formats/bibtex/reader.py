"""BibTeX and BibLaTeX files read: every entry of Zotero, JabRef, BibDesk, Mendeley,
Web of Science and hand-kept libraries, as Zotero and JabRef read them.

bibtexparser splits the file into blocks (no middleware: the values are read by
:mod:`.values`); a block it cannot split is reported with its line and the
reason in words. A citation key is not an identity: entries without a key
(Mendeley writes ``@article{,``) and entries sharing a key are all read, and are
named by their key or their position, with their line. What is read differently
from how it was written is reported as a :class:`~.model.ReferenceWarning`
naming the entry and the field: a repeated field (joined or first value read,
:func:`.values.merge`), a macro the file does not define (read as empty), a
``crossref`` parent not in the file (the entry is read without it), a shared key.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO

from bibtexparser.entrypoint import parse_string
from bibtexparser.model import (
    Block,
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ParsingFailedBlock,
    String,
)

from liaison.literature.reference_formats.bibtex.latex import decode_latex, split_authors
from liaison.literature.reference_formats.bibtex.values import (
    EXPANSION_BUDGET,
    BudgetExhausted,
    Macros,
    ValueTooLong,
    evaluate,
    merge,
)
from liaison.literature.reference_formats.model import (
    FIELD_LIMITS,
    ErrorHandler,
    Reference,
    ReferenceFormatError,
    ReferenceType,
    ReferenceWarning,
    WarningHandler,
    check_lengths,
    clean,
    decode_text,
    doi_from_url,
    normalise_doi,
    normalise_issn,
    normalise_pmid,
    parse_month,
    parse_year,
    pmcid_from_text,
    report,
    split_pages,
)

_BRACES = re.compile(r"(?<!\\)[{}]")
_ESCAPED = re.compile(r"\\([_%&#$~])")
_ENCODING_HEADER = re.compile(rb"^%+\s*Encoding:\s*([A-Za-z0-9_.:-]+)", re.MULTILINE)

_TYPES_IN = {
    "article": ReferenceType.ARTICLE,
    "book": ReferenceType.BOOK,
    "mvbook": ReferenceType.BOOK,
    "booklet": ReferenceType.BOOK,
    "collection": ReferenceType.BOOK,
    "proceedings": ReferenceType.BOOK,
    "inbook": ReferenceType.CHAPTER,
    "incollection": ReferenceType.CHAPTER,
    "inproceedings": ReferenceType.CONFERENCE,
    "conference": ReferenceType.CONFERENCE,
    "phdthesis": ReferenceType.THESIS,
    "mastersthesis": ReferenceType.THESIS,
    "thesis": ReferenceType.THESIS,
    "techreport": ReferenceType.REPORT,
    "report": ReferenceType.REPORT,
    "patent": ReferenceType.PATENT,
    "jurisdiction": ReferenceType.CASE,
}
_CONTAINED = {ReferenceType.CHAPTER, ReferenceType.CONFERENCE}

_CONTAINERS = ("journal", "journaltitle", "booktitle")
_PEOPLE = ("author", "editor")

# The reference field each BibTeX field fills, for the limits on raw values.
_FILLS = {
    "title": "title",
    "journal": "journal",
    "journaltitle": "journal",
    "booktitle": "journal",
    "shortjournal": "abbreviation",
    "journal-iso": "abbreviation",
    "journalabbreviation": "abbreviation",
    "journalabbrev": "abbreviation",
    "volume": "volume",
    "number": "issue",
    "issue": "issue",
    "pages": "pages",
    "doi": "doi",
    "abstract": "abstract",
    "url": "url",
    "language": "language",
    "langid": "language",
    "publisher": "publisher",
    "institution": "publisher",
    "school": "publisher",
    "note": "notes",
    "annote": "notes",
    "annotation": "notes",
}
#: Raw LaTeX runs longer than the text it decodes to (``{\\"u}`` is ``ü``): a raw value
#: may be this many times its field's limit. Checked before decoding, which is slow.
_RAW_FACTOR = 2
#: The most characters of the raw ``author`` and ``keywords`` fields, and of any other.
_RAW_LIST_LIMIT = 1_000_000
_EPRINT_PUBMED = frozenset({"pubmed", "pmid"})

# warn(place, field, reason)
_Warn = Callable[[str, str | None, str], None]


def read_bibtex(
    stream: IO[bytes],
    name: str,
    *,
    on_error: ErrorHandler | None = None,
    on_warning: WarningHandler | None = None,
) -> Iterator[Reference]:
    """The references of a BibTeX file, one per entry, in file order
    (``@string``/``@comment``/``@preamble`` are not references).

    A block that is no entry, an entry with nothing to cite it by (no title,
    author, journal, DOI or PMID) or with a text past
    :data:`~.model.FIELD_LIMITS` is reported (raised, or passed to ``on_error``
    and skipped), naming the entry and its line. Warnings (see the module) go to
    ``on_warning``; without it they are not kept.
    """
    data = stream.read()
    header = _ENCODING_HEADER.search(data[:4096])
    encoding = None
    if header is not None:
        declared = header.group(1).decode("ascii")
        try:
            encoding = codecs.lookup(declared).name
        except LookupError:
            raise ReferenceFormatError(
                name, "header", f"unknown encoding {declared!r} in '% Encoding:'"
            ) from None
    text = decode_text(data, name, encoding)
    library = parse_string(text, parse_stack=[])

    def warn(place: str, field_name: str | None, reason: str) -> None:
        if on_warning is not None:
            on_warning(ReferenceWarning(name, place, field_name, reason))

    macros = _macros(library.blocks, warn)
    blocks: list[Entry | ParsingFailedBlock] = []
    for block in library.blocks:
        inner = _unwrap(block)
        if isinstance(inner, Entry | ParsingFailedBlock):
            blocks.append(inner)
    first_with_key: dict[str, tuple[int, Entry]] = {}
    for position, block in enumerate(blocks, start=1):
        if isinstance(block, Entry) and block.key.strip():
            first_with_key.setdefault(block.key.strip().lower(), (position, block))
    parents: dict[str, _Fields] = {}

    for position, block in enumerate(blocks, start=1):
        place = _place(block, position)
        if isinstance(block, ParsingFailedBlock):
            report(ReferenceFormatError(name, place, _failure(block)), on_error)
            continue
        try:
            fields = _read_fields(block, macros, name, place)
            for field_name, reason in fields.warnings:
                warn(place, field_name, reason)
            key = block.key.strip().lower()
            first = first_with_key.get(key)
            if first is not None and first[1] is not block:
                warn(
                    place,
                    None,
                    f"the citation key {block.key.strip()!r} is also the key of "
                    f"{_place(first[1], first[0])}: both entries are read",
                )
            values = dict(fields.values)
            parent_key = _BRACES.sub("", values.get("crossref", "")).strip()
            if parent_key:
                parent = _parent(parent_key, first_with_key, parents, macros, name)
                if parent is None:
                    warn(
                        place,
                        "crossref",
                        f"its parent entry {parent_key!r} is not in this file: "
                        "the entry is read without the parent's fields",
                    )
                elif parent is not block:
                    _inherit(values, parents[parent_key.lower()].values)
            reference = _reference(block, values, name, place)
            yield check_lengths(reference, name, place)
        except ReferenceFormatError as error:
            report(error, on_error)


def _unwrap(block: Block) -> Block:
    """The entry or ``@string`` inside a block bibtexparser flags for a repeated
    key or field: repeated keys and fields are read, not refused."""
    while isinstance(block, DuplicateBlockKeyBlock | DuplicateFieldKeyBlock):
        inner = block.ignore_error_block
        if inner is None:
            break
        block = inner
    return block


def _macros(blocks: list[Block], warn: _Warn) -> Macros:
    """The ``@string`` macros, each read with those defined before it; a later
    definition of a name replaces an earlier one."""
    macros = Macros()
    for block in blocks:
        inner = _unwrap(block)
        if not isinstance(inner, String):
            continue
        place = f"@string {inner.key.strip()!r} (line {_line(inner)})"
        try:
            value = evaluate(str(inner.value), macros, limit=_RAW_LIST_LIMIT)
        except ValueTooLong as error:
            warn(place, None, f"its text is {error.length:,} characters long: read as empty")
            macros.defined[inner.key.strip().lower()] = ""
            continue
        except BudgetExhausted:
            warn(place, None, f"{_BUDGET}: read as empty")
            macros.defined[inner.key.strip().lower()] = ""
            continue
        for undefined in value.undefined:
            warn(place, None, _undefined(undefined))
        macros.defined[inner.key.strip().lower()] = value.text
    return macros


_BUDGET = f"the macros of this file expand to more than {EXPANSION_BUDGET:,} characters"


@dataclass
class _Fields:
    """An entry's fields by lower-case name (values expanded, repeated fields merged)
    and the warnings of reading them, by field."""

    values: dict[str, str] = field(default_factory=dict)
    warnings: list[tuple[str | None, str]] = field(default_factory=list)


def _read_fields(entry: Entry, macros: Macros, name: str, place: str) -> _Fields:
    """The fields of ``entry``: each value expanded, a repeated field merged
    (:func:`.values.merge`); a value past its limit raises, naming the field."""
    read = _Fields()
    given: dict[str, list[str]] = {}
    for item in entry.fields:
        key = item.key.strip().lower()
        limit = _limit(key)
        try:
            value = evaluate(str(item.value), macros, limit=limit)
        except ValueTooLong as error:
            if key in _FILLS or key in _LISTS:
                raise ReferenceFormatError(
                    name,
                    place,
                    f"the field {key!r} is {error.length:,} characters long; "
                    f"at most {limit:,} are read",
                ) from None
            read.warnings.append((key, f"{error.length:,} characters long: not read"))
            continue
        except BudgetExhausted:
            raise ReferenceFormatError(name, place, f"{_BUDGET}: not read") from None
        for undefined in value.undefined:
            read.warnings.append((key, _undefined(undefined)))
        if not value.valid:
            read.warnings.append(
                (
                    key,
                    "the value is not in braces or quotes (nor a number or macro): read as written",
                )
            )
        if value.text.strip():
            given.setdefault(key, []).append(value.text)
    for key, texts in given.items():
        if len(texts) == 1:
            read.values[key] = texts[0]
            continue
        read.values[key], reason = merge(key, texts)
        read.warnings.append((key, reason))
    return read


_LISTS = frozenset({"author", "editor", "keywords"})


def _limit(key: str) -> int:
    if key in _FILLS:
        return FIELD_LIMITS[_FILLS[key]][1] * _RAW_FACTOR
    return _RAW_LIST_LIMIT


def _undefined(macro: str) -> str:
    return f"the macro {macro!r} is defined nowhere in this file: read as empty"


def _parent(
    key: str,
    first_with_key: dict[str, tuple[int, Entry]],
    parents: dict[str, _Fields],
    macros: Macros,
    name: str,
) -> Entry | None:
    """The entry ``key`` names (the first with that key), its fields kept in ``parents``."""
    found = first_with_key.get(key.lower())
    if found is None:
        return None
    position, entry = found
    if key.lower() not in parents:
        try:
            parents[key.lower()] = _read_fields(entry, macros, name, _place(entry, position))
        except ReferenceFormatError:
            parents[key.lower()] = _Fields()  # reported when the parent itself is read
    return entry


def _inherit(values: dict[str, str], parent: dict[str, str]) -> None:
    """Fill the fields an entry lacks from its ``crossref`` parent, as BibLaTeX
    does: the parent's ``title`` becomes the child's ``booktitle``."""
    if "title" in parent:
        values.setdefault("booktitle", parent["title"])
    for key, value in parent.items():
        if key not in ("title", "crossref", "ids"):
            values.setdefault(key, value)


def _line(block: Block) -> int | None:
    return block.start_line + 1 if block.start_line is not None else None


def _place(block: Entry | ParsingFailedBlock, position: int) -> str:
    """``entry 'key' (line 12)``, or ``entry 3 (no key, line 12)``; ``line 12``
    for a block that is no entry. (bibtexparser counts lines from 0.)"""
    line = _line(block)
    if not isinstance(block, Entry):
        return f"line {line}" if line else "somewhere"
    key = block.key.strip()
    if key:
        return f"entry {key!r} (line {line})" if line else f"entry {key!r}"
    return f"entry {position} (no key, line {line})" if line else f"entry {position} (no key)"


# bibtexparser's reasons for a block it cannot split, in words.
_FAILURES = (
    (
        "Unexpected block start",
        "the entry is not closed (a '}' or '\"' is missing) before the next '@'",
    ),
    ("Unexpectedly reached end of file", "the file ends inside this entry (a '}' is missing)"),
    ("Expected comma after entry key", "no comma after the citation key"),
    ("Expected a `=` after entry key", "a field has no '=' (write 'name = {value}')"),
    ("Expected equals sign", "an @string has no '=' (write '@string{name = {value}}')"),
    ("Expected either a `,`", "a field's value is followed by more text: a ',' or '#' is missing"),
)


def _failure(block: ParsingFailedBlock) -> str:
    reason = str(getattr(block.error, "abort_reason", "") or block.error)
    for start, words in _FAILURES:
        if reason.startswith(start):
            return words
    return "this block is not a BibTeX entry"


def _reference(entry: Entry, fields: dict[str, str], name: str, place: str) -> Reference:
    def text(*keys: str) -> str | None:
        for key in keys:
            if key in fields and (value := clean(decode_latex(fields[key]))):
                return value
        return None

    def plain(key: str) -> str:
        """An identifier, number or date as written, without braces (Web of
        Science writes ``DOI = {{10.1/x}}``, ``Month = {{APR}}``)."""
        return _BRACES.sub("", fields.get(key, "")).strip()

    type_ = _TYPES_IN.get(entry.entry_type.lower(), ReferenceType.GENERIC)
    doi = normalise_doi(plain("doi"))
    # biblatex reads a URL verbatim: no LaTeX decoding (``~user`` is not a space),
    # only escaped characters unescaped. Mendeley writes several, space-separated.
    urls = _ESCAPED.sub(r"\1", plain("url")).split()
    if doi is None:
        doi = next((found for url in urls if (found := doi_from_url(url))), None)
    pmid = normalise_pmid(plain("pmid"))
    if pmid is None and plain("eprinttype").lower() in _EPRINT_PUBMED:
        pmid = normalise_pmid(plain("eprint"))
    title = text("title")
    authors = split_authors(fields.get("author", ""))
    if not (
        title or doi or pmid or authors or any(key in fields for key in (*_CONTAINERS, *_PEOPLE))
    ):
        raise ReferenceFormatError(name, place, "no title, author, journal, DOI or PMID")
    date = plain("date")
    journal_keys = (
        ("booktitle", "journal", "journaltitle")
        if type_ in _CONTAINED
        else ("journal", "journaltitle", "booktitle")
    )
    return Reference(
        type=type_,
        title=title,
        authors=authors,
        journal=text(*journal_keys),
        abbreviation=text("shortjournal", "journal-iso", "journalabbreviation", "journalabbrev"),
        year=parse_year(plain("year")) or parse_year(date),
        month=parse_month(plain("month")) or _date_month(date),
        volume=text("volume"),
        issue=text("number", "issue"),
        pages=_pages(text("pages")),
        doi=doi,
        pmid=pmid,
        pmcid=pmcid_from_text(plain("pmcid")),
        issn=normalise_issn(plain("issn")),
        abstract=text("abstract"),
        keywords=tuple(
            keyword
            for part in re.split(r"[;,]", text("keywords") or "")
            if (keyword := clean(part))
        ),
        url=urls[0] if urls else None,
        language=text("language", "langid"),
        publisher=text("publisher", "institution", "school"),
        notes=text("note", "annote", "annotation"),
        key=entry.key.strip() or None,
    )


def _date_month(date: str) -> int | None:
    match = re.match(r"\s*\d{4}-(\d{1,2})", date)
    return parse_month(match.group(1)) if match else None


def _pages(pages: str | None) -> str | None:
    first, last = split_pages(pages)
    if first and last:
        return f"{first}-{last}"
    return first
