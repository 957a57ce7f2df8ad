"""BibTeX and BibLaTeX files: Zotero (Better BibTeX), JabRef, BibDesk, Mendeley.

Reading splits the file with bibtexparser (``@string`` macros resolved,
``@comment`` and ``@preamble`` passed over), honours a JabRef
``% Encoding: ...`` header, decodes LaTeX accents and symbols to Unicode and
fills the fields an entry lacks from its ``crossref`` parent (the parent's
``title`` becomes the child's ``booktitle``, as BibLaTeX does).

Writing gives UTF-8 BibTeX (biblatex, Zotero, JabRef and Mendeley read it),
braces the values, escapes LaTeX's special characters and makes stable,
unique citation keys: ``mueller2024oncology``, then ``mueller2024oncologya``.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from typing import IO, Any

from bibtexparser.entrypoint import parse_string
from bibtexparser.model import Entry, ParsingFailedBlock
from pylatexenc.latex2text import LatexNodes2Text  # type: ignore[import-untyped]

from liaison.lib.text import fold
from liaison.literature.reference_formats.model import (
    FIELD_LIMITS,
    Author,
    ErrorHandler,
    Reference,
    ReferenceFormatError,
    ReferenceType,
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
_TYPES_OUT = {
    ReferenceType.ARTICLE: "article",
    ReferenceType.BOOK: "book",
    ReferenceType.CHAPTER: "incollection",
    ReferenceType.CONFERENCE: "inproceedings",
    ReferenceType.THESIS: "phdthesis",
    ReferenceType.REPORT: "techreport",
    ReferenceType.CASE: "misc",
    ReferenceType.PATENT: "patent",
    ReferenceType.GENERIC: "misc",
}
_CONTAINED = {ReferenceType.CHAPTER, ReferenceType.CONFERENCE}

_CONTAINERS = ("journal", "journaltitle", "booktitle")

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
#: The most characters of the raw ``author`` and ``keywords`` fields.
_RAW_LIST_LIMIT = 1_000_000
_LATEX = LatexNodes2Text(math_mode="text", strict_latex_spaces=True)


def read_bibtex(
    stream: IO[bytes], name: str, *, on_error: ErrorHandler | None = None
) -> Iterator[Reference]:
    """The references of a BibTeX file, in file order (``@string``/``@comment``/``@preamble`` skipped).

    A block the parser cannot read, a duplicate key, an entry with neither
    title nor DOI nor PMID or with a text past :data:`~.model.FIELD_LIMITS` is
    reported (raised, or passed to ``on_error`` and skipped), naming the entry
    key and its line.
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
    library = parse_string(text)
    entries: dict[str, dict[str, str]] = {
        entry.key.lower(): _fields(entry) for entry in library.entries
    }
    for block in library.blocks:
        if isinstance(block, ParsingFailedBlock):
            report(ReferenceFormatError(name, _place(block), _failure(block)), on_error)
        elif isinstance(block, Entry):
            try:
                yield check_lengths(_reference(block, entries, name), name, _place(block))
            except ReferenceFormatError as error:
                report(error, on_error)


def _place(block: Any) -> str:
    """``entry 'key' (line 12)``: where a block starts (bibtexparser counts lines from 0)."""
    line = block.start_line + 1 if block.start_line is not None else None
    key = getattr(block, "key", None) or getattr(
        getattr(block, "ignore_error_block", None), "key", None
    )
    if key:
        return f"entry {key!r} (line {line})" if line else f"entry {key!r}"
    return f"line {line}" if line else "somewhere"


def _failure(block: ParsingFailedBlock) -> str:
    reason = str(block.error).split("\n")[0]
    return reason[:200] or "this block is not a BibTeX entry"


def _fields(entry: Entry) -> dict[str, str]:
    return {
        field.key.lower(): str(field.value)
        for field in entry.fields
        if field.value is not None and str(field.value).strip()
    }


def _check_raw(fields: dict[str, str], name: str, place: str) -> None:
    """Refuse an over-long raw value before it is decoded (LaTeX decoding of a
    30 MB title would take minutes)."""
    for key, value in fields.items():
        if key in _FILLS:
            limit = FIELD_LIMITS[_FILLS[key]][1] * _RAW_FACTOR
        elif key in ("author", "keywords"):
            limit = _RAW_LIST_LIMIT
        else:
            continue
        if len(value) > limit:
            raise ReferenceFormatError(
                name,
                place,
                f"the field {key!r} is {len(value):,} characters long; at most {limit:,} are read",
            )


def _reference(entry: Entry, entries: dict[str, dict[str, str]], name: str) -> Reference:
    fields = dict(entries.get(entry.key.lower(), _fields(entry)))
    parent_key = fields.get("crossref", "").strip().lower()
    if parent_key:
        parent = entries.get(parent_key)
        if parent is None:
            raise ReferenceFormatError(
                name,
                _place(entry),
                f"crossref {fields['crossref']!r} names no entry of this file",
            )
        if "title" in parent:
            fields.setdefault("booktitle", parent["title"])
        for field, value in parent.items():
            if field not in ("title", "crossref", "ids"):
                fields.setdefault(field, value)
    _check_raw(fields, name, _place(entry))

    def text(*keys: str) -> str | None:
        for key in keys:
            if key in fields and (value := clean(decode_latex(fields[key]))):
                return value
        return None

    type_ = _TYPES_IN.get(entry.entry_type.lower(), ReferenceType.GENERIC)
    doi = normalise_doi(fields.get("doi"))
    url = text("url")
    if doi is None and url:
        doi = doi_from_url(url)
    pmid = normalise_pmid(fields.get("pmid"))
    if pmid is None and fields.get("eprinttype", "").lower() == "pubmed":
        pmid = normalise_pmid(fields.get("eprint"))
    title = text("title")
    if not (title or doi or pmid or any(key in fields for key in _CONTAINERS)):
        raise ReferenceFormatError(name, _place(entry), "no title, journal, DOI or PMID")
    date = fields.get("date", "")
    journal_keys = (
        ("booktitle", "journal", "journaltitle")
        if type_ in _CONTAINED
        else (
            "journal",
            "journaltitle",
            "booktitle",
        )
    )
    return Reference(
        type=type_,
        title=title,
        authors=split_authors(fields.get("author", "")),
        journal=text(*journal_keys),
        abbreviation=text("shortjournal", "journal-iso", "journalabbreviation", "journalabbrev"),
        year=parse_year(fields.get("year")) or parse_year(date),
        month=parse_month(fields.get("month")) or _date_month(date),
        volume=text("volume"),
        issue=text("number", "issue"),
        pages=_pages(text("pages")),
        doi=doi,
        pmid=pmid,
        pmcid=pmcid_from_text(fields.get("pmcid", "")),
        issn=normalise_issn(fields.get("issn")),
        abstract=text("abstract"),
        keywords=tuple(
            keyword
            for part in re.split(r"[;,]", text("keywords") or "")
            if (keyword := clean(part))
        ),
        url=url,
        language=text("language", "langid"),
        publisher=text("publisher", "institution", "school"),
        notes=text("note", "annote", "annotation"),
        key=entry.key,
    )


def _date_month(date: str) -> int | None:
    match = re.match(r"\s*\d{4}-(\d{1,2})", date)
    return parse_month(match.group(1)) if match else None


def _pages(pages: str | None) -> str | None:
    first, last = split_pages(pages)
    if first and last:
        return f"{first}-{last}"
    return first


_BRACES = re.compile(r"(?<!\\)[{}]")


def decode_latex(value: str) -> str:
    """Unicode text of a BibTeX value: ``{\\"u}ber \\& {DNA}`` is ``über & DNA``."""
    if "\\" not in value and "$" not in value:
        plain = _BRACES.sub("", value).replace("---", "\u2014").replace("--", "\u2013")
        return plain.replace("~", "\u00a0")
    try:
        decoded: str = _LATEX.latex_to_text(value)
    except Exception:  # a malformed macro: keep the text rather than lose the entry
        return _BRACES.sub("", value)
    return decoded


def split_authors(value: str) -> tuple[Author, ...]:
    """Authors of a raw BibTeX name list (``A and B``), each ``Family, Given`` or ``Given Family``.

    A name wholly in braces (``{World Health Organization}``) is a group;
    ``and`` inside braces does not separate names. LaTeX is decoded per name.
    """
    authors: list[Author] = []
    for raw in _split_names(value):
        if raw.lower() == "others":
            continue
        if raw.startswith("{") and raw.endswith("}") and _balanced(raw[1:-1]):
            if group := clean(decode_latex(raw[1:-1])):
                authors.append(Author(family=group))
            continue
        name = clean(decode_latex(raw)) or ""
        if not name:
            continue
        if "," in name:
            family, _, given = name.partition(",")
            authors.append(Author(family=family.strip(), given=clean(given.strip(" ,"))))
            continue
        words = name.split(" ")
        if len(words) == 1:
            authors.append(Author(family=name))
            continue
        # "Ludwig van Beethoven": lower-case particles belong to the family name.
        split = len(words) - 1
        while split > 1 and words[split - 1][:1].islower():
            split -= 1
        authors.append(Author(family=" ".join(words[split:]), given=" ".join(words[:split])))
    return tuple(authors)


def _split_names(value: str) -> list[str]:
    """``value`` cut at each `` and `` outside braces."""
    names: list[str] = []
    depth, start = 0, 0
    for match in re.finditer(r"[{}]|\s+and\s+", value, flags=re.IGNORECASE):
        found = match.group(0)
        if found == "{":
            depth += 1
        elif found == "}":
            depth = max(depth - 1, 0)
        elif depth == 0:
            names.append(value[start : match.start()].strip())
            start = match.end()
    names.append(value[start:].strip())
    return [name for name in names if name]


def _balanced(value: str) -> bool:
    depth = 0
    for char in value:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


# Characters LaTeX reads as commands; a value keeps them as text.
_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "$": r"\$",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIAL = re.compile(r"[\\{}%&#$_~^]")


def escape_latex(value: str) -> str:
    """``value`` safe inside a braced BibTeX field, UTF-8 letters kept as they are."""
    return _SPECIAL.sub(lambda match: _ESCAPES[match.group(0)], " ".join(value.split()))


def _verbatim(value: str) -> str:
    """A URL or DOI: read verbatim by biblatex, so only braces (which would unbalance it) change."""
    return value.replace("{", "%7B").replace("}", "%7D").replace(" ", "%20")


_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "by",
        "de",
        "der",
        "des",
        "die",
        "du",
        "el",
        "en",
        "et",
        "for",
        "from",
        "in",
        "into",
        "is",
        "la",
        "le",
        "les",
        "of",
        "on",
        "or",
        "the",
        "to",
        "und",
        "with",
    ]
)
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def citation_key(reference: Reference) -> str:
    """``mueller2024oncology``: first author's family name, year, first significant title word."""
    family = reference.authors[0].family if reference.authors else ""
    name = fold(family.translate(_GERMAN)).replace(" ", "") or "anon"
    words = [word for word in fold(reference.title or "").split() if word not in _STOP_WORDS]
    word = next((w for w in words if w.isalpha()), words[0] if words else "")
    return f"{name[:30]}{reference.year or ''}{word[:20]}"


def unique_keys(references: Iterable[Reference]) -> Iterator[tuple[str, Reference]]:
    """Each reference with its key; a repeated key gets ``a``, ``b``, ... ``z``, ``aa``..."""
    taken: set[str] = set()
    for reference in references:
        base = citation_key(reference)
        key, counter = base, 0
        while key in taken:
            counter += 1
            key = base + _suffix(counter)
        taken.add(key)
        yield key, reference


def _suffix(counter: int) -> str:
    letters = ""
    while counter > 0:
        counter, rest = divmod(counter - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def write_bibtex(references: Iterable[Reference], stream: IO[str]) -> None:
    """Write ``references`` as UTF-8 BibTeX entries with stable, unique citation keys."""
    for key, reference in unique_keys(references):
        container = "booktitle" if reference.type in _CONTAINED else "journal"
        fields: list[tuple[str, str | None]] = [
            ("author", " and ".join(_bibtex_name(author) for author in reference.authors)),
            ("title", escape_latex(reference.title or "")),
            (container, escape_latex(reference.journal or "")),
            ("shortjournal", escape_latex(reference.abbreviation or "")),
            ("year", str(reference.year) if reference.year else None),
            ("volume", escape_latex(reference.volume or "")),
            ("number", escape_latex(reference.issue or "")),
            ("pages", _bibtex_pages(reference.pages)),
            ("publisher", escape_latex(reference.publisher or "")),
            ("issn", reference.issn),
            ("doi", _verbatim(reference.doi) if reference.doi else None),
            ("pmid", reference.pmid),
            ("pmcid", reference.pmcid),
            ("url", _verbatim(reference.url) if reference.url else None),
            ("language", escape_latex(reference.language or "")),
            ("keywords", escape_latex(", ".join(reference.keywords))),
            ("abstract", escape_latex(reference.abstract or "")),
            ("note", escape_latex(reference.notes or "")),
        ]
        stream.write(f"@{_TYPES_OUT[reference.type]}{{{key},\n")
        month = _MONTH_MACROS[reference.month - 1] if reference.month else None
        for field, value in fields:
            if value:
                stream.write(f"  {field} = {{{value}}},\n")
            if field == "year" and month:
                stream.write(f"  month = {month},\n")
        stream.write("}\n\n")


_MONTH_MACROS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _bibtex_name(author: Author) -> str:
    """``Family, Given``; a group name in braces, so that BibTeX keeps it whole."""
    if author.given is None:
        return f"{{{escape_latex(author.family)}}}"
    return escape_latex(author.display())


def _bibtex_pages(pages: str | None) -> str | None:
    first, last = split_pages(pages)
    if first and last:
        return f"{escape_latex(first)}--{escape_latex(last)}"
    return escape_latex(first) if first else None
