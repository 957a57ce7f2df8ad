"""Schemas of ``/api/v1/experts/network``: an area's network, an HCP's co-authors and
the introductions to an HCP."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Schema

from liaison.experts.networks.selectors import DEFAULT_TOP, MAX_TOP
from liaison.lib.api import InputSchema


class AreaNetworkQuery(InputSchema):
    year_from: int | None = Field(None, ge=1900, le=2100, description="Papers from this year on")
    year_to: int | None = Field(None, ge=1900, le=2100, description="Papers up to this year")
    top: int = Field(
        DEFAULT_TOP,
        ge=2,
        le=MAX_TOP,
        description="How many HCPs to return, the most central first (metrics are measured on the whole area)",
    )
    rank_by: Literal["pagerank", "strength", "degree"] = Field(
        "pagerank",
        description="pagerank (ties to well-connected co-authors), strength (joint papers) or degree (co-authors)",
    )
    weighting: Literal["count", "fractional"] = Field(
        "count",
        description="count: a tie weighs its joint papers; fractional: each paper adds 1 / (its authors - 1)",
    )


class PersonOut(Schema):
    id: int = Field(description="The HCP's id")
    name: str
    country: str
    city: str
    engaged: bool = Field(
        description="Our team engages this HCP (an interaction in the last two years)"
    )


class AreaRefOut(Schema):
    id: int
    code: str
    name: str


class NetworkNodeOut(PersonOut):
    papers: int = Field(description="The area's papers (in the years asked) this HCP wrote")
    degree: int = Field(description="Co-authors in the whole area network")
    strength: float = Field(description="Sum of the weights of the HCP's ties")
    pagerank: float = Field(description="Weighted PageRank in the whole area network (sums to 1)")
    rank: int = Field(description="Rank by PageRank in the whole area network, from 1")
    community: int = Field(description="Community number (0 is the area's largest)")
    x: float = Field(description="Layout position, 0 to 1")
    y: float = Field(description="Layout position, 0 to 1")


class NetworkEdgeOut(Schema):
    source: int = Field(description="An HCP's id")
    target: int = Field(description="An HCP's id")
    joint_papers: int
    weight: float = Field(description="The tie's weight (joint papers, or their fractional count)")


class CommunityOut(Schema):
    number: int
    size: int = Field(description="HCPs of the community in the whole area network")
    shown: int = Field(description="Of them, among the nodes returned")
    leaders: list[int] = Field(description="Its most central HCPs returned, by PageRank")


class AreaNetworkOut(Schema):
    area: AreaRefOut
    hcps: int = Field(description="HCPs with a co-author in the whole area network")
    links: int = Field(description="Ties of the whole area network")
    papers: int = Field(description="The area's papers in the years asked (not retracted)")
    oversized: int = Field(description="Of them, left out for having more than 50 authors")
    modularity: float
    first_year: int | None
    last_year: int | None
    nodes: list[NetworkNodeOut]
    edges: list[NetworkEdgeOut] = Field(description="Ties among the nodes returned")
    communities: list[CommunityOut]


class NeighboursQuery(InputSchema):
    year_from: int | None = Field(None, ge=1900, le=2100, description="Papers from this year on")
    year_to: int | None = Field(None, ge=1900, le=2100, description="Papers up to this year")
    limit: int = Field(
        100, ge=1, le=1000, description="Co-authors returned, most joint papers first"
    )


class NeighbourOut(PersonOut):
    joint_papers: int
    last_year: int | None = Field(description="Year of the latest joint paper")


class NeighboursOut(Schema):
    hcp: PersonOut
    total: int = Field(description="All co-authors in the directory")
    engaged: int = Field(description="Of them, HCPs our team engages")
    papers: int = Field(description="The HCP's papers that count (not retracted)")
    oversized: int = Field(description="Of them, left out for having more than 50 authors")
    results: list[NeighbourOut]


class IntroductionsQuery(InputSchema):
    max_hops: int = Field(3, ge=1, le=3, description="Co-authorship hops at most")
    limit: int = Field(5, ge=1, le=20, description="Paths returned, one per introducer")


class PaperOut(Schema):
    pmid: int
    title: str
    year: int | None


class HopOut(Schema):
    source: PersonOut
    target: PersonOut
    joint_papers: int
    papers: list[PaperOut] = Field(description="The latest of the joint papers (at most 3)")


class IntroductionOut(Schema):
    introducer: PersonOut
    cost: float = Field(description="Sum over the hops of 1 / joint papers: lower is stronger")
    weakest: int = Field(description="Joint papers of the weakest hop")
    hops: list[HopOut]


class IntroductionsOut(Schema):
    target: PersonOut
    engaged: int = Field(description="HCPs our team engages: the candidate introducers")
    max_hops: int
    paths: list[IntroductionOut] = Field(description="Strongest first")
