"""The records the PubMed parser yields, and its error (plain frozen dataclasses, no ORM)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from liaison.core.errors import LiaisonError


class PubmedParseError(LiaisonError):
    """A PubMed file or record that cannot be read.

    ``file`` and ``line`` give the place, ``pmid`` the record at fault when
    known, ``last_pmid`` the last record read successfully before it.
    """

    def __init__(
        self,
        reason: str,
        *,
        file: str,
        line: int | None = None,
        pmid: int | None = None,
        last_pmid: int | None = None,
    ) -> None:
        place = file if line is None else f"{file}, line {line}"
        if pmid is not None:
            place += f", PMID {pmid}"
        message = f"{place}: {reason}"
        if last_pmid is not None and pmid is None:
            message += f" (last good PMID {last_pmid})"
        super().__init__(message)
        self.reason = reason
        self.file = file
        self.line = line
        self.pmid = pmid
        self.last_pmid = last_pmid


# --- records --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AbstractSection:
    """One ``AbstractText``: its label ("METHODS"), NLM category and plain text."""

    label: str | None
    category: str | None
    text: str | None


@dataclass(frozen=True, slots=True)
class Journal:
    """Where the article appeared. For a book, ``title`` is the book title."""

    title: str | None
    iso_abbreviation: str | None
    issn: str | None
    issn_type: str | None
    volume: str | None
    issue: str | None
    pages: str | None


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date as precise as the source gives it.

    ``text`` is the date as written ("2019 Nov-Dec", "2001 Spring", "2023 Feb");
    ``month`` is a number, or None when the source names a season ("Spring").
    A ``MedlineDate`` is read as the first date it names.
    """

    year: int | None
    month: int | None
    day: int | None
    text: str | None


@dataclass(frozen=True, slots=True)
class PublicationType:
    ui: str | None
    name: str


@dataclass(frozen=True, slots=True)
class Author:
    """An author in list order: a person (family/given/initials/suffix) or a collective.

    ``orcid`` is normalised to ``0000-0000-0000-0000`` from any spelling
    (bare, without hyphens, ``http(s)://orcid.org/`` URL, lower-case ``x``);
    its check character is not verified here.
    """

    family: str | None
    given: str | None
    initials: str | None
    suffix: str | None
    collective: str | None
    affiliations: tuple[str, ...]
    orcid: str | None
    equal_contribution: bool
    valid: bool


@dataclass(frozen=True, slots=True)
class MeshQualifier:
    ui: str | None
    name: str
    major: bool


@dataclass(frozen=True, slots=True)
class MeshHeading:
    ui: str | None
    name: str
    major: bool
    qualifiers: tuple[MeshQualifier, ...]


@dataclass(frozen=True, slots=True)
class Chemical:
    """A substance; ``registry_number`` is None where NLM writes its placeholder "0"."""

    ui: str | None
    name: str
    registry_number: str | None


@dataclass(frozen=True, slots=True)
class Grant:
    id: str | None
    acronym: str | None
    agency: str | None
    country: str | None


@dataclass(frozen=True, slots=True)
class ArticleIds:
    doi: str | None
    pmc: str | None
    pii: str | None


@dataclass(frozen=True, slots=True)
class CommentCorrection:
    """A link such as ``ErratumIn``, ``RetractionIn``, ``CommentOn``, ``UpdateOf``."""

    type: str
    pmid: int | None


@dataclass(frozen=True, slots=True)
class Citation:
    """A journal article (``kind="article"``) or a book or chapter (``kind="book"``)."""

    pmid: int
    version: int
    kind: Literal["article", "book"]
    title: str | None
    vernacular_title: str | None
    abstract: tuple[AbstractSection, ...]
    journal: Journal | None
    published: PartialDate | None
    electronic_date: PartialDate | None
    languages: tuple[str, ...]
    publication_types: tuple[PublicationType, ...]
    authors: tuple[Author, ...]
    mesh: tuple[MeshHeading, ...]
    keywords: tuple[str, ...]
    chemicals: tuple[Chemical, ...]
    grants: tuple[Grant, ...]
    article_ids: ArticleIds
    trial_ids: tuple[str, ...]
    comments_corrections: tuple[CommentCorrection, ...]


@dataclass(frozen=True, slots=True)
class Deletion:
    """A PMID that a ``DeleteCitation`` withdraws from PubMed."""

    pmid: int


Record = Citation | Deletion
