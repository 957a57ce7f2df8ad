"""The records the PubMed parser yields, and its error (plain frozen dataclasses, no ORM)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal, TypeVar

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

_Record = TypeVar("_Record")


def _slot_init(cls: type[_Record]) -> type[_Record]:
    """Give a frozen, slotted dataclass an ``__init__`` that fills its slots directly.

    A frozen dataclass's own ``__init__`` must get past the ``__setattr__`` that
    forbids changes, so it sets each field through ``object.__setattr__``: a
    slow call, and the parser builds some 25 records per citation (a tenth of
    the time spent reading fields went there). This ``__init__`` sets each
    field through its slot's descriptor instead: the same parameters and the
    same object, built with less work. Everything else (``==``, ``hash``, ``repr``, the
    ``FrozenInstanceError``, ``dataclasses.replace``) stays the dataclass's own.
    Like the dataclass machinery, it writes the function's source and runs it.
    """
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    if any(
        field.default is not dataclasses.MISSING
        or field.default_factory is not dataclasses.MISSING
        or not field.init
        or field.kw_only
        for field in fields
    ):
        raise TypeError(f"{cls.__name__}: only plain required fields are supported")
    names = [field.name for field in fields]
    namespace = {f"_set_{name}": getattr(cls, name).__set__ for name in names}
    source = f"def __init__(self, {', '.join(names)}):\n" + "".join(
        f"    _set_{name}(self, {name})\n" for name in names
    )
    exec(source, namespace)  # noqa: S102 - our own field names, checked by dataclasses
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__annotations__ = dict(cls.__init__.__annotations__)
    cls.__init__ = init  # type: ignore[method-assign]
    return cls


@_slot_init
@dataclass(frozen=True, slots=True)
class AbstractSection:
    """One ``AbstractText``: its label ("METHODS"), NLM category and plain text."""

    label: str | None
    category: str | None
    text: str | None


@_slot_init
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


@_slot_init
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


@_slot_init
@dataclass(frozen=True, slots=True)
class PublicationType:
    ui: str | None
    name: str


@_slot_init
@dataclass(frozen=True, slots=True)
class Author:
    """An author in list order: a person (family/given/initials/suffix) or a collective.

    Also an investigator of ``InvestigatorList`` (a collaborator of a group-authored
    paper who is not an author): always a person, ``equal_contribution`` False.
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


@_slot_init
@dataclass(frozen=True, slots=True)
class MeshQualifier:
    ui: str | None
    name: str
    major: bool


@_slot_init
@dataclass(frozen=True, slots=True)
class MeshHeading:
    ui: str | None
    name: str
    major: bool
    qualifiers: tuple[MeshQualifier, ...]


@_slot_init
@dataclass(frozen=True, slots=True)
class Chemical:
    """A substance; ``registry_number`` is None where NLM writes its placeholder "0"."""

    ui: str | None
    name: str
    registry_number: str | None


@_slot_init
@dataclass(frozen=True, slots=True)
class Grant:
    id: str | None
    acronym: str | None
    agency: str | None
    country: str | None


@_slot_init
@dataclass(frozen=True, slots=True)
class ArticleIds:
    doi: str | None
    pmc: str | None
    pii: str | None


@_slot_init
@dataclass(frozen=True, slots=True)
class CommentCorrection:
    """A link such as ``ErratumIn``, ``RetractionIn``, ``CommentOn``, ``UpdateOf``."""

    type: str
    pmid: int | None


@_slot_init
@dataclass(frozen=True, slots=True)
class Citation:
    """A journal article (``kind="article"``) or a book or chapter (``kind="book"``).

    ``investigators`` are the people of its ``InvestigatorList`` (the members of a
    study group that authors a trial paper), kept apart from ``authors``.
    """

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
    investigators: tuple[Author, ...]
    mesh: tuple[MeshHeading, ...]
    keywords: tuple[str, ...]
    chemicals: tuple[Chemical, ...]
    grants: tuple[Grant, ...]
    article_ids: ArticleIds
    trial_ids: tuple[str, ...]
    comments_corrections: tuple[CommentCorrection, ...]


@_slot_init
@dataclass(frozen=True, slots=True)
class Deletion:
    """A PMID that a ``DeleteCitation`` withdraws from PubMed."""

    pmid: int


Record = Citation | Deletion
