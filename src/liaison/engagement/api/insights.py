"""The API of insights (``/api/v1/insights``): the list with the web list's filters,
capture, one insight with its comments, and its change: the author's content
(statement, category, tags, evidence), a reviewer's status with a comment, or a
comment alone. The same policy as the web: an insight is seen by its author, the
author's manager, insights leads, compliance and administrators.

A body names the taxonomy by code and records by id; an unknown one is a 422
naming the body's field (``category``, ``hcp_id``, ``pmids``...), and so is every
rule a service refuses (see :mod:`liaison.core.api_refusals`).
"""

from __future__ import annotations

from typing import Any, cast

from django.db import transaction
from django.http import HttpRequest
from ninja import Query, Router, Status

from liaison.core import policy
from liaison.core.api_refusals import body_refusals
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.models import User
from liaison.directory.models import HCP, Product, TherapeuticArea
from liaison.engagement import insight_selectors as selectors
from liaison.engagement.models import Insight, InsightCategory, StrategicQuestion
from liaison.engagement.schemas.insights import (
    InsightDetailOut,
    InsightIn,
    InsightListQuery,
    InsightPageOut,
    InsightPatchIn,
)
from liaison.engagement.services import capture
from liaison.engagement.services import insights as services
from liaison.engagement.services.data import InsightData
from liaison.lib.api import Id, acting_user, by_id, paginate, query_error

router = Router(tags=["insights"])

#: The service's field names as the body names them.
BODY_NAMES = {
    "hcp": "hcp_id",
    "product": "product_id",
    "therapeutic_area": "therapeutic_area_id",
    "strategic_questions": "strategic_question_ids",
    "publications": "pmids",
    "trials": "nct_ids",
    "text": "comment",
}
PREFETCHED = ("strategic_questions", "publications", "trials")


def _category(code: str) -> InsightCategory:
    category = InsightCategory.objects.filter(code=code.strip(), active=True).first()
    if category is None:
        raise LiaisonError(
            f"category: “{code[:60]}” is not an insight category (codes such as "
            "unmet_medical_need, treatment_patterns)",
            field="category",
        )
    return category


def _questions(user: User, ids: list[int]) -> list[StrategicQuestion]:
    return [
        by_id(user, StrategicQuestion, pk, "strategic_question_ids") for pk in dict.fromkeys(ids)
    ]


def _data(user: User, values: dict[str, Any]) -> InsightData:
    """The service's typed input from a body's fields (only those given)."""
    data: dict[str, Any] = {}
    for key, value in values.items():
        if key == "category":
            data["category"] = _category(value)
        elif key == "strategic_question_ids":
            data["strategic_questions"] = _questions(user, value)
        elif key == "therapeutic_area_id":
            data["therapeutic_area"] = (
                by_id(user, TherapeuticArea, value, key) if value is not None else None
            )
        elif key == "product_id":
            data["product"] = by_id(user, Product, value, key) if value is not None else None
        elif key == "hcp_id":
            data["hcp"] = by_id(user, HCP, value, key) if value is not None else None
        elif key == "pmids":
            data["publications"] = selectors.publications_for(user, value, "pmids")
        elif key == "nct_ids":
            data["trials"] = selectors.trials_for(user, value, "nct_ids")
        elif key == "tags":
            data["tags"] = services.clean_tags(value)
        else:
            data[key] = value
    return cast(InsightData, data)


def _filters(query: InsightListQuery) -> selectors.InsightFilters:
    area = ""
    if query.therapeutic_area_id is not None:
        area = (
            TherapeuticArea.objects.filter(pk=query.therapeutic_area_id)
            .values_list("code", flat=True)
            .first()
            or ""
        )
        if not area:
            raise query_error("therapeutic_area_id", "no therapeutic area with this id")
    if query.category and not InsightCategory.objects.filter(code=query.category).exists():
        raise query_error("category", "no insight category with this code")
    msl = None
    if query.msl:
        msl = User.objects.filter(username=query.msl).values_list("pk", flat=True).first()
        if msl is None:
            raise query_error("msl", "no user with this username")
    return selectors.InsightFilters(
        status=query.status or "",
        category=query.category,
        strategic_question=query.strategic_question_id,
        therapeutic_area=area,
        product=query.product_id,
        country=query.country or "",
        source=query.source or "",
        theme=query.theme_id,
        msl=msl,
        date_from=query.since,
        date_to=query.until,
        tag=query.tag,
        q=query.q,
    )


def _answer(user: User, pk: int) -> Insight:
    return selectors.insight_detail(user, pk)


@router.get(
    "",
    response=InsightPageOut,
    summary="List insights",
    description=(
        "The insights you may see, newest first, filtered like the web's list: `status`, "
        "`category` (code), `strategic_question_id`, `therapeutic_area_id`, `product_id`, "
        "`country`, `source`, `theme_id`, `msl` (username), `since` and `until` (capture "
        "days), `tag`, `q` (words of the statement)."
    ),
)
def list_insights(request: HttpRequest, query: Query[InsightListQuery]) -> dict[str, Any]:
    user = acting_user(request)
    insights = selectors.insight_queryset(user, _filters(query)).prefetch_related(*PREFETCHED)
    return paginate(insights, query)


@router.post(
    "",
    response={201: InsightDetailOut},
    summary="Capture an insight",
    description=(
        "An insight on its own (MSLs, field managers, administrators). `category` is a "
        "category code; `pmids` and `nct_ids` must be in the library. Answers 201 with it."
    ),
)
def create_insight(request: HttpRequest, payload: InsightIn) -> Status[Insight]:
    user = acting_user(request)
    policy.require(user, "add", Insight)
    with body_refusals(BODY_NAMES):
        insight = capture.create_insight(actor=user, data=_data(user, payload.dict()))
    return Status(201, _answer(user, insight.pk))


@router.get(
    "/{insight_id}",
    response=InsightDetailOut,
    summary="Get an insight",
    description="One insight you may see, with its comments; otherwise 404.",
)
def get_insight(request: HttpRequest, insight_id: Id) -> Insight:
    return _answer(acting_user(request), insight_id)


AUTHOR_FIELDS = frozenset({"statement", "category", "pmids", "nct_ids"})


@router.patch(
    "/{insight_id}",
    response=InsightDetailOut,
    summary="Change an insight",
    description=(
        "Its author changes `statement`, `category`, `pmids`, `nct_ids` and `tags`; an "
        "insights lead `tags` and `status` (new -> reviewed -> actioned, with a `comment`, "
        "required for actioned and for a step back); a `comment` alone adds a comment. "
        "Each change is audited."
    ),
)
def update_insight(request: HttpRequest, insight_id: Id, payload: InsightPatchIn) -> Insight:
    user = acting_user(request)
    insight = policy.get_for(user, "view", Insight, pk=insight_id)
    values = payload.dict(exclude_unset=True)
    content = {key: values[key] for key in AUTHOR_FIELDS if key in values}
    status = values.get("status")
    comment = values.get("comment")
    if content:
        policy.require(user, "change", insight)
    if status is not None:
        policy.require(user, "review", insight)
    if "tags" in values and not services.may_tag(user, insight):
        raise PermissionDenied("only the insight's author and its reviewers change its tags")
    if comment is not None and status is None:
        policy.require(user, "comment", insight)
    # One request, one change: a refused step leaves the earlier ones unwritten.
    with body_refusals(BODY_NAMES), transaction.atomic():
        if content:
            capture.update_insight(actor=user, insight=insight, data=_data(user, content))
        if "tags" in values:
            services.set_tags(actor=user, insight=insight, tags=values["tags"])
        if status is not None:
            services.review_insight(
                actor=user, insight=insight, status=status, comment=comment or ""
            )
        elif comment is not None:
            services.comment_on_insight(actor=user, insight=insight, text=comment)
    return _answer(user, insight_id)
