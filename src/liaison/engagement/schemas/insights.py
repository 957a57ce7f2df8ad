"""API schemas of insights: the list's query, the create and patch bodies, the answer.

The taxonomy is named by code (``"category": "unmet_medical_need"``), records by
id (``hcp_id``, ``product_id``, ``therapeutic_area_id``, ``strategic_question_ids``),
publications by PMID and trials by NCT ID, as in an interaction's inline insights.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from liaison.engagement.models import Insight, InsightComment, InsightSource, InsightStatus
from liaison.lib.api import Id, InputSchema, PageQuery, PatchIn

StatusIn = Literal["new", "reviewed", "actioned"]
SourceIn = Literal["interaction", "advisory_board", "congress", "inquiry"]
PMID = Field(ge=1, le=99_999_999_999)
TAGS_HELP = "Free words, at most 20 of 40 characters each (stored lower case, each once)"


class InsightListQuery(PageQuery):
    status: StatusIn | None = None
    category: str = Field("", max_length=60, description="A category code")
    strategic_question_id: Id | None = None
    therapeutic_area_id: Id | None = None
    product_id: Id | None = None
    country: str | None = Field(
        None, pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2 code"
    )
    source: SourceIn | None = None
    theme_id: Id | None = None
    msl: str = Field("", max_length=150, description="The MSL's username")
    since: dt.date | None = Field(None, description="Captured on or after this day")
    until: dt.date | None = Field(None, description="Captured on or before this day")
    tag: str = Field("", max_length=40)
    q: str = Field("", max_length=200, description="Words of the statement (all of them)")


class InsightIn(InputSchema):
    statement: str = Field(min_length=1, max_length=5000)
    category: str = Field(max_length=60, description="Category code, e.g. unmet_medical_need")
    strategic_question_ids: list[Id] = Field(default_factory=list, max_length=50)
    therapeutic_area_id: Id | None = None
    product_id: Id | None = None
    source: SourceIn = "interaction"
    hcp_id: Id | None = Field(None, description="The HCP; the insight's country is theirs")
    pmids: list[int] = Field(default_factory=list, max_length=50)
    nct_ids: list[str] = Field(default_factory=list, max_length=50)
    tags: list[str] = Field(default_factory=list, max_length=50, description=TAGS_HELP)


class InsightPatchIn(PatchIn):
    """The author changes the content; a reviewer (insights lead) the ``status``,
    with a ``comment``; a ``comment`` alone adds a comment (whoever sees it)."""

    statement: str | None = Field(None, min_length=1, max_length=5000)
    category: str | None = Field(None, max_length=60)
    pmids: list[int] | None = Field(None, max_length=50)
    nct_ids: list[str] | None = Field(None, max_length=50)
    tags: list[str] | None = Field(None, max_length=50, description=TAGS_HELP)
    status: StatusIn | None = Field(
        None, description="new -> reviewed -> actioned, one step at a time (reviewers)"
    )
    comment: str | None = Field(
        None,
        max_length=5000,
        description="Required with status actioned, or when sending an insight back",
    )


class CommentOut(Schema):
    id: int
    author: str
    text: str
    created_at: dt.datetime

    @staticmethod
    def resolve_author(obj: InsightComment) -> str:
        return obj.author.get_username()


class ThemeRefOut(Schema):
    id: int
    label: str


class InsightOut(Schema):
    id: int
    statement: str
    category: str = Field(description="Category code")
    status: str = Field(description=", ".join(InsightStatus.values))
    source: str = Field(description=", ".join(InsightSource.values))
    strategic_question_ids: list[int]
    therapeutic_area_id: int | None
    product_id: int | None
    hcp_id: int | None
    country: str
    interaction_id: int | None
    pmids: list[int]
    nct_ids: list[str]
    msl: str = Field(description="The author's username")
    tags: list[str]
    theme: ThemeRefOut | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_category(obj: Insight) -> str:
        return obj.category.code

    @staticmethod
    def resolve_msl(obj: Insight) -> str:
        return obj.msl.get_username()

    @staticmethod
    def resolve_strategic_question_ids(obj: Insight) -> list[int]:
        return [question.pk for question in obj.strategic_questions.all()]

    @staticmethod
    def resolve_pmids(obj: Insight) -> list[int]:
        return [publication.pmid for publication in obj.publications.all()]

    @staticmethod
    def resolve_nct_ids(obj: Insight) -> list[str]:
        return [trial.nct_id for trial in obj.trials.all()]


class InsightDetailOut(InsightOut):
    comments: list[CommentOut]

    @staticmethod
    def resolve_comments(obj: Insight) -> list[InsightComment]:
        return list(obj.comments.all())


class InsightPageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[InsightOut]
