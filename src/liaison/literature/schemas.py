"""In and out shapes of the library's API operations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from liaison.lib.api import PageQuery
from liaison.literature.models import Authorship, Publication, PublicationMesh


class PublicationListQuery(PageQuery):
    q: str = Field(
        "",
        description="A query of the search language (docs/query-language.md): words of the "
        'title or abstract (all of them), AND, OR, NOT, (parentheses), "phrases", prefix*, '
        "tags [ti] [tiab] [au] [mh] [pt] [dp]; accents and case ignored",
    )
    date_from: dt.date | None = Field(None, description="Published on or after (YYYY-MM-DD)")
    date_to: dt.date | None = Field(None, description="Published on or before (YYYY-MM-DD)")
    publication_type: str = Field("", description='A PubMed publication type, e.g. "Review"')
    journal: str = Field("", description="Part of the journal title or abbreviation, or an ISSN")
    mesh: str = Field("", description="A MeSH descriptor name or UI (D006333)")
    has_trial: bool | None = Field(None, description="true: linked to a trial; false: not")
    author: str = Field("", description="Part of an author's name (accents optional)")
    sort: str = Field(
        "relevance", description="relevance (best match; newest without q), date, oldest"
    )


class JournalOut(Schema):
    title: str
    iso_abbreviation: str
    issn: str


class PartialDateOut(Schema):
    year: int | None
    month: int | None
    day: int | None
    text: str


class PublicationSummaryOut(Schema):
    pmid: int
    version: int
    kind: str = Field(description="article or book")
    title: str
    journal: JournalOut | None
    published: PartialDateOut
    published_on: dt.date | None = Field(description="For sorting: first day of a partial date")
    authors: list[str] = Field(description="Author names in order")
    doi: str
    is_retracted: bool

    @staticmethod
    def resolve_published(obj: Publication) -> dict[str, Any]:
        return {
            "year": obj.published_year,
            "month": obj.published_month,
            "day": obj.published_day,
            "text": obj.published_text,
        }

    @staticmethod
    def resolve_authors(obj: Publication) -> list[str]:
        return [authorship.name for authorship in obj.authors]


class PublicationPageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[PublicationSummaryOut]


class AbstractSectionOut(Schema):
    label: str | None
    category: str | None
    text: str | None


class AuthorOut(Schema):
    position: int
    family: str
    given: str
    initials: str
    suffix: str
    collective: str
    affiliations: list[str]
    orcid: str
    equal_contribution: bool
    valid: bool
    hcp_id: int | None = Field(description="The directory HCP this author is, when known")


class MeshQualifierOut(Schema):
    ui: str | None
    name: str
    major: bool


class MeshHeadingOut(Schema):
    ui: str | None
    name: str
    major: bool
    qualifiers: list[MeshQualifierOut]

    @staticmethod
    def resolve_ui(obj: PublicationMesh) -> str | None:
        return obj.term.ui

    @staticmethod
    def resolve_name(obj: PublicationMesh) -> str:
        return obj.term.name


class PublicationTypeOut(Schema):
    ui: str | None
    name: str


class CommentCorrectionOut(Schema):
    type: str
    pmid: int | None


class PublicationOut(PublicationSummaryOut):
    vernacular_title: str
    abstract: list[AbstractSectionOut]
    volume: str
    issue: str
    pages: str
    electronic_date: dt.date | None
    languages: list[str]
    publication_types: list[PublicationTypeOut]
    keywords: list[str]
    chemicals: list[dict[str, Any]]
    grants: list[dict[str, Any]]
    pmc: str
    pii: str
    comments_corrections: list[CommentCorrectionOut]
    authorships: list[AuthorOut] = Field(description="The authors in order")
    investigators: list[AuthorOut] = Field(
        description="The investigators of the record's InvestigatorList (a study group's "
        "members, not authors), in order"
    )
    mesh: list[MeshHeadingOut]
    trial_ids: list[str] = Field(description="Trial registry numbers (NCT) the record names")
    loaded_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_authorships(obj: Publication) -> list[Authorship]:
        return obj.authors

    @staticmethod
    def resolve_investigators(obj: Publication) -> list[Authorship]:
        return obj.investigators

    @staticmethod
    def resolve_mesh(obj: Publication) -> list[PublicationMesh]:
        return list(obj.mesh_headings.all())

    @staticmethod
    def resolve_trial_ids(obj: Publication) -> list[str]:
        return [trial.nct_id for trial in obj.trials.all()]
