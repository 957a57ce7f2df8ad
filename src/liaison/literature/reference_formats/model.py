"""The reference record shared by every format, its error, and the normalisers of identifiers."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from liaison.core.errors import LiaisonError


class ReferenceType(StrEnum):
    """What a reference is; each format maps its own types onto these."""

    ARTICLE = "article"
    BOOK = "book"
    CHAPTER = "chapter"
    CONFERENCE = "conference"
    THESIS = "thesis"
    REPORT = "report"
    CASE = "case"
    PATENT = "patent"
    GENERIC = "generic"


@dataclass(frozen=True, slots=True)
class Author:
    """A person (family and given names) or, with ``given`` None, a group or unsplittable name."""

    family: str
    given: str | None = None

    def display(self) -> str:
        """``Family, Given`` (the form RIS, BibTeX and the citation managers share)."""
        return f"{self.family}, {self.given}" if self.given else self.family


@dataclass(frozen=True, slots=True)
class Reference:
    """One bibliographic record. Absent values are None or empty tuples, never ``""``.

    ``journal`` is the container: the journal of an article, the book of a
    chapter, the proceedings of a paper. ``pages`` is ``start-end`` or a single
    page or article number. ``pmid`` and ``pmcid`` are strings of digits and
    ``PMC`` + digits; ``doi`` is bare (``10.1000/xyz``), without resolver prefix.
    ``key`` is the citation key or record ID the source gave, if any.
    """

    type: ReferenceType = ReferenceType.ARTICLE
    title: str | None = None
    authors: tuple[Author, ...] = ()
    journal: str | None = None
    abbreviation: str | None = None
    year: int | None = None
    month: int | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    issn: str | None = None
    abstract: str | None = None
    keywords: tuple[str, ...] = ()
    url: str | None = None
    language: str | None = None
    publisher: str | None = None
    notes: str | None = None
    key: str | None = None

    @property
    def first_page(self) -> str | None:
        return split_pages(self.pages)[0]

    @property
    def last_page(self) -> str | None:
        return split_pages(self.pages)[1]


class ReferenceFormatError(LiaisonError):
    """An entry of a reference file that cannot be read: file, place (line or entry key), reason."""

    def __init__(self, name: str, place: str, reason: str) -> None:
        super().__init__(f"{name}, {place}: {reason}" if place else f"{name}: {reason}")
        self.name = name
        self.place = place
        self.reason = reason


ErrorHandler = Callable[[ReferenceFormatError], None]


@dataclass(frozen=True, slots=True)
class ReferenceWarning:
    """Something of a record read otherwise than it was written (a repeated field
    merged, an undefined macro read as empty, a missing ``crossref`` parent): the
    file, the record's place (key or position, and line), the field if one, the reason."""

    name: str
    place: str
    field: str | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.place}, field {self.field!r}" if self.field else self.place
        return f"{self.name}, {where}: {self.reason}"


WarningHandler = Callable[[ReferenceWarning], None]


#: The most characters each text of an imported reference may hold, and the label
#: an error names it by. Generous for real records (the exports of EndNote, Zotero,
#: JabRef, Ovid and Scopus we test with hold titles of 300 characters, issues of 105,
#: keywords of 663 and notes of 42,718; PubMed's longest abstracts run to some 20,000),
#: small enough that a forged record cannot make a user's library pages megabytes long.
FIELD_LIMITS: dict[str, tuple[str, int]] = {
    "title": ("title", 4_000),
    "journal": ("journal", 2_000),
    "abbreviation": ("journal abbreviation", 1_000),
    "volume": ("volume", 1_000),
    "issue": ("issue", 1_000),
    "pages": ("pages", 1_000),
    "doi": ("DOI", 1_000),
    "issn": ("ISSN", 100),
    "abstract": ("abstract", 100_000),
    "url": ("URL", 8_000),
    "language": ("language", 1_000),
    "publisher": ("publisher", 2_000),
    "notes": ("notes", 100_000),
    "key": ("citation key", 1_000),
}
#: The most characters of one author's name or one keyword, and the most of each.
NAME_LIMIT = 1_000
MAX_AUTHORS = 10_000
KEYWORD_LIMIT = 5_000
MAX_KEYWORDS = 2_000


def check_lengths(reference: Reference, name: str, place: str) -> Reference:
    """``reference`` if every text fits :data:`FIELD_LIMITS` (and the author and
    keyword limits), else a :class:`ReferenceFormatError` naming the file, the
    record's ``place``, the field and the limit."""

    def too_long(label: str, length: int, limit: int) -> ReferenceFormatError:
        return ReferenceFormatError(
            name, place, f"the {label} is {length:,} characters long; at most {limit:,} are read"
        )

    for field, (label, limit) in FIELD_LIMITS.items():
        value = getattr(reference, field)
        if value is not None and len(value) > limit:
            raise too_long(label, len(value), limit)
    if len(reference.authors) > MAX_AUTHORS:
        raise ReferenceFormatError(
            name,
            place,
            f"the record names {len(reference.authors):,} authors; at most {MAX_AUTHORS:,}"
            " are read",
        )
    for number, author in enumerate(reference.authors, start=1):
        length = len(author.family) + len(author.given or "")
        if length > NAME_LIMIT:
            raise too_long(f"name of author {number}", length, NAME_LIMIT)
    if len(reference.keywords) > MAX_KEYWORDS:
        raise ReferenceFormatError(
            name,
            place,
            f"the record has {len(reference.keywords):,} keywords; at most {MAX_KEYWORDS:,}"
            " are read",
        )
    for number, keyword in enumerate(reference.keywords, start=1):
        if len(keyword) > KEYWORD_LIMIT:
            raise too_long(f"keyword {number}", len(keyword), KEYWORD_LIMIT)
    return reference


def report(error: ReferenceFormatError, on_error: ErrorHandler | None) -> None:
    """Raise ``error``, or hand it to ``on_error`` so that reading goes on."""
    if on_error is None:
        raise error
    on_error(error)


def clean(value: str | None) -> str | None:
    """The value with runs of white space made single; None for nothing."""
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


_DOI = re.compile(r"10\.\d{4,9}/\S+")


def normalise_doi(value: str | None) -> str | None:
    """The bare DOI in ``value`` (``https://doi.org/10.1/x``, ``doi:10.1/x``, ``10.1/x``)."""
    if not value:
        return None
    match = _DOI.search(value.strip())
    if match is None:
        return None
    return match.group(0).rstrip(".,;")


_DOI_URL = re.compile(r"^https?://(?:dx\.)?doi\.org/(10\.\S+)$", re.IGNORECASE)


def doi_from_url(url: str) -> str | None:
    """The DOI of a doi.org link, else None."""
    match = _DOI_URL.match(url.strip())
    return normalise_doi(match.group(1)) if match else None


_PUBMED_URL = re.compile(
    r"^https?://(?:www\.)?(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/)(\d{1,9})\b",
    re.IGNORECASE,
)
_PMID_LABEL = re.compile(r"\bPMID:?\s*(\d{1,9})\b", re.IGNORECASE)
_PMCID = re.compile(r"\bPMC\d{1,9}\b", re.IGNORECASE)


def pmid_from_url(url: str) -> str | None:
    """The PMID of a PubMed link, else None."""
    match = _PUBMED_URL.match(url.strip())
    return match.group(1) if match else None


def pmid_from_text(text: str) -> str | None:
    """The PMID a text names as ``PMID: 12345678``, else None."""
    match = _PMID_LABEL.search(text)
    return match.group(1) if match else None


def normalise_pmid(value: str | None) -> str | None:
    """A PMID of 1 to 9 digits (leading zeros dropped), else None."""
    if value is None:
        return None
    value = value.strip()
    if not value.isdigit() or len(value) > 9 or int(value) == 0:
        return None
    return str(int(value))


def pmcid_from_text(text: str) -> str | None:
    match = _PMCID.search(text)
    return match.group(0).upper() if match else None


_ISSN = re.compile(r"\b(\d{4})-?(\d{3}[\dXx])\b")


def normalise_issn(value: str | None) -> str | None:
    """The first ISSN in ``value`` as ``1234-567X``; None when it names none (an ISBN, say)."""
    if not value:
        return None
    match = _ISSN.search(value)
    if match is None:
        return None
    return f"{match.group(1)}-{match.group(2).upper()}"


MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january", "janvier", "januar"),
            ("feb", "february", "fevrier", "februar"),
            ("mar", "march", "mars", "marz"),
            ("apr", "april", "avril"),
            ("may", "mai"),
            ("jun", "june", "juin", "juni"),
            ("jul", "july", "juillet", "juli"),
            ("aug", "august", "aout"),
            ("sep", "sept", "september", "septembre"),
            ("oct", "october", "octobre", "oktober"),
            ("nov", "november", "novembre"),
            ("dec", "december", "decembre", "dezember"),
        ),
        start=1,
    )
    for name in names
}


def parse_month(value: str | None) -> int | None:
    """A month number from ``3``, ``03``, ``Mar``, ``March`` (or the first month of ``Nov-Dec``)."""
    if not value:
        return None
    word = re.match(r"\s*([A-Za-z]+|\d{1,2})", value)
    if word is None:
        return None
    text = word.group(1).lower()
    if text.isdigit():
        number = int(text)
        return number if 1 <= number <= 12 else None
    return MONTHS.get(text)


_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def parse_year(value: str | None) -> int | None:
    """The first plausible four-digit year in ``value``."""
    if not value:
        return None
    for match in _YEAR.finditer(value):
        year = int(match.group(1))
        if 1000 <= year <= 2999:
            return year
    return None


_PAGE_SPLIT = re.compile(r"\s*(?:--|[-\u2010-\u2015])\s*")


def split_pages(pages: str | None) -> tuple[str | None, str | None]:
    """``("123", "129")`` from ``123-129``, ``123--129`` or an en dash; ``("e45", None)``."""
    if not pages:
        return None, None
    parts = _PAGE_SPLIT.split(pages.strip(), maxsplit=1)
    first = parts[0] or None
    last = parts[1] if len(parts) > 1 and parts[1] else None
    return first, last


def join_pages(first: str | None, last: str | None) -> str | None:
    """``start-end``, or the one that is given."""
    first, last = clean(first), clean(last)
    if first and last and first != last:
        return f"{first}-{last}"
    return first or last


def split_name(name: str) -> Author | None:
    """An author from ``Family, Given`` (or ``Family, Jr., Given``); a name without comma is kept whole."""
    name = clean(name) or ""
    if not name:
        return None
    if "," not in name:
        return Author(family=name)
    family, _, given = name.partition(",")
    return Author(family=family.strip(), given=clean(given.strip(" ,")))


def decode_text(data: bytes, name: str, encoding: str | None = None) -> str:
    """The text of a reference file: ``encoding`` if given, else UTF-8 (with or without BOM),
    else Windows-1252 (what EndNote and older JabRef write on Windows)."""
    if encoding is not None:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            raise ReferenceFormatError(
                name, f"line {line}", f"byte {data[error.start]:#04x} is not {encoding} text"
            ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
