"""API schemas of the ranked lists, score breakdowns, area definitions and weights
(separate in and out schemas per operation)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from liaison.lib.api import MAX_INTEGER, InputSchema, PageQuery


class RankingQuery(PageQuery):
    """The ranked list's filters; ``area`` is required."""

    area: int | None = Field(
        None, ge=1, le=MAX_INTEGER, description="The therapeutic area's id (required)"
    )
    country: str = Field("", description="Two-letter country code (a 422 names it otherwise)")
    territory: str = Field("", max_length=100, description="A territory's code")
    institution: int | None = Field(
        None, ge=1, le=MAX_INTEGER, description="An organization the HCP is affiliated with"
    )
    specialty: int | None = Field(None, ge=1, le=MAX_INTEGER, description="A specialty's id")
    tier: int | None = Field(None, ge=1, le=3, description="1, 2 or 3")
    engaged: str = Field("", description="`yes`: engaged by our team; `no`: not; empty: both")
    rising: bool = Field(False, description="Rising experts only")
    sort: str = Field("score", description="score, name, growth or country")


class AreaRef(Schema):
    id: int
    code: str
    name: str


class ExpertOut(Schema):
    hcp_id: int
    name: str
    country: str
    institution: str
    rank: int = Field(description="In the area and the HCP's country (0: no points)")
    tier: int | None
    percentile: float
    score: float
    components: dict[str, float]
    engaged: bool = Field(description="Engaged by our team in the last two years")
    rising: bool
    rising_reason: str
    growth: float


class ExpertPageOut(Schema):
    count: int
    page: int
    page_size: int
    area: AreaRef
    results: list[ExpertOut]


class PublicationRef(Schema):
    id: int
    pmid: int
    title: str
    year: int | None


class TrialRef(Schema):
    id: int
    nct_id: str
    title: str


class ContributionOut(Schema):
    kind: str = Field(description="publication, trial or network")
    points: float
    detail: str = Field(description="Why, in words: position, type, year, recency...")
    publication: PublicationRef | None
    trial: TrialRef | None


class AreaScoreOut(Schema):
    area: AreaRef
    score: float
    rank: int
    tier: int | None
    percentile: float
    country: str
    components: dict[str, float]
    history: dict[str, float] = Field(description="Points per year, before recency")
    rising: bool
    rising_reason: str
    growth: float
    weight_version: int | None = Field(description="None: the default weights")
    computed_at: dt.datetime
    contribution_count: int
    contributions: list[ContributionOut] = Field(description="Highest first, up to `limit`")


class HCPScoresOut(Schema):
    hcp_id: int
    name: str
    scores: list[AreaScoreOut]


class ScoresQuery(InputSchema):
    limit: int = Field(50, ge=1, le=1000, description="Contributions listed per area")


class DefinitionOut(Schema):
    area: AreaRef
    mesh_terms: list[str]
    search_query: str
    conditions: list[str]
    updated_at: dt.datetime | None


class DefinitionIn(InputSchema):
    mesh_terms: list[str] | None = Field(None, description="MeSH descriptor names")
    search_query: str | None = Field(None, max_length=2000, description="A library search")
    conditions: list[str] | None = Field(None, description="Trial condition words")


class WeightVersionOut(Schema):
    version: int
    created_at: dt.datetime
    created_by: str
    note: str


class WeightsOut(Schema):
    area: AreaRef
    version: int | None = Field(description="The version in force; None: the defaults")
    weights: dict[str, Any]
    note: str
    history: list[WeightVersionOut]


class WeightsIn(InputSchema):
    weights: dict[str, Any] = Field(
        description="Weights by key (see docs/experts.md); keys left out keep their default"
    )
    note: str = Field("", max_length=2000, description="Why, kept with the version")
