"""The API of interactions (`/api/v1/interactions`).

Handlers are thin: they turn the body's ids, PMIDs, NCT IDs and codes into
records through the access policy, call one service
(:mod:`liaison.engagement.services.interactions`) and answer with the record as
the caller sees it. Every member sees that an interaction happened; only its
readers (author, the author's manager, compliance, administrators) get its
content, the others get the content fields as ``null``.

A refusal of the body is a 422 naming the body's own fields (``hcp_ids``,
``unsolicited``, ``insights.0.category``), whether the schema, the look-ups or
the service's rules refused it.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Sequence
from typing import Any, cast

from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from liaison.core import policy
from liaison.core.api_refusals import Unprocessable, body_refusals
from liaison.core.models import User
from liaison.directory.models import HCP, Product, TherapeuticArea
from liaison.engagement import selectors
from liaison.engagement.models import (
    InsightCategory,
    Interaction,
    Meeting,
    StrategicQuestion,
)
from liaison.engagement.schemas.interactions import (
    READABLE,
    InteractionCreateIn,
    InteractionListQuery,
    InteractionOut,
    InteractionPageOut,
    InteractionPatchIn,
)
from liaison.engagement.services import interactions as services
from liaison.engagement.services.data import FollowUpData, InsightData, InteractionData
from liaison.lib.api import Id, Records, acting_user, by_codes, by_id, paginate
from liaison.literature.models import Publication
from liaison.trials.models import Trial

router = Router(tags=["interactions"])

#: What an answer shows of an interaction, loaded in a constant number of queries.
RELATED = ("msl",)
PREFETCHED = (
    "hcps",
    "therapeutic_areas",
    "products",
    "publications",
    "trials",
    "insights__category",
)

#: The service's field names as the body names them.
BODY_NAMES = {
    "hcps": "hcp_ids",
    "therapeutic_areas": "therapeutic_area_ids",
    "products": "product_ids",
    "publications": "pmids",
    "trials": "nct_ids",
    "meeting": "meeting_id",
    "strategic_questions": "strategic_question_ids",
    "therapeutic_area": "therapeutic_area_id",
    "product": "product_id",
    "hcp": "hcp_id",
}


# --- reading -----------------------------------------------------------------------


def queryset() -> models.QuerySet[Interaction]:
    return (
        Interaction.objects.select_related(*RELATED)
        .prefetch_related(*PREFETCHED)
        .order_by("-occurred_at", "-pk")
    )


def mark_readable(user: User, records: Sequence[Interaction]) -> None:
    """Note on each record whether ``user`` reads its content (one query)."""
    ids = [record.pk for record in records]
    readable = set(
        policy.scope(user, "read", Interaction).filter(pk__in=ids).values_list("pk", flat=True)
    )
    for record in records:
        setattr(record, READABLE, record.pk in readable)


def shown(user: User, pk: int) -> Interaction:
    """The interaction as ``user`` sees it (404 when they may not), its content
    marked readable or not."""
    record = policy.get_for(user, "view", queryset(), pk=pk)
    mark_readable(user, [record])
    return record


#: Unseen is 404, seen but not allowed 403 (every member sees every interaction).
INTERACTIONS = Records(Interaction, related=RELATED, prefetched=PREFETCHED, shown=shown)


def day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def filtered(user: User, query: InteractionListQuery) -> models.QuerySet[Interaction]:
    records = policy.scope(user, "view", queryset())
    if query.hcp_id is not None:
        records = records.filter(hcps=query.hcp_id)
    if query.product_id is not None:
        # What was discussed is content: look only where the caller reads it.
        records = policy.scope(user, "read", records).filter(products=query.product_id)
    if query.msl:
        records = records.filter(msl__username=query.msl)
    if query.channel:
        records = records.filter(channel=query.channel)
    if query.kind:
        records = records.filter(kind=query.kind)
    if query.since is not None:
        records = records.filter(occurred_at__gte=day_start(query.since))
    if query.until is not None and query.until < dt.date.max:
        records = records.filter(occurred_at__lt=day_start(query.until + dt.timedelta(days=1)))
    return records


# --- input translation ----------------------------------------------------------


def by_ids(
    user: User, model: type[Any], keys: Iterable[Any], field: str, key: str = "pk"
) -> list[Any]:
    """Records of ``model`` the user may see, by ``key``, in the order given (repeats
    once); the first unknown one is named with the body's ``field``. One query."""
    wanted = list(dict.fromkeys(keys))
    if not wanted:
        return []
    found = {
        getattr(item, key): item
        for item in policy.scope(user, "view", model).filter(**{f"{key}__in": wanted})
    }
    missing = [value for value in wanted if value not in found]
    if missing:
        label = model._meta.verbose_name
        raise Unprocessable(
            f"{field}: no {label} with {key if key != 'pk' else 'id'} {missing[0]!r}", field=field
        )
    return [found[value] for value in wanted]


def zone_or_none(name: str) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None


def default_time_zone(user: User, occurred_at: dt.datetime) -> str:
    """The zone an interaction was entered in, when the body names none: the
    zone of the caller's last interaction or meeting, or the site's, when its
    offset then is the one ``occurred_at`` carries; else a fixed-offset zone of
    whole hours (``Etc/GMT-1`` for +01:00); else the site's."""
    site = str(settings.TIME_ZONE)
    offset = occurred_at.utcoffset()
    if offset is None:
        return site
    for name in dict.fromkeys((selectors.last_time_zone(user), site)):
        zone = zone_or_none(name)
        if zone is not None and occurred_at.astimezone(zone).utcoffset() == offset:
            return name
    seconds = int(offset.total_seconds())
    if seconds % 3600 == 0 and abs(seconds) <= 12 * 3600:
        hours = seconds // 3600
        return "UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"
    return site


def interaction_data(user: User, body: dict[str, Any], *, creating: bool) -> InteractionData:
    """The service's data from a create or patch body (only the keys sent for a patch)."""
    values = {key: value for key, value in body.items() if key not in ("reason", "off_label")}
    if "occurred_at" in values and values["occurred_at"] is not None:
        occurred: dt.datetime = values["occurred_at"]
        if not values.get("time_zone") and creating:
            values["time_zone"] = default_time_zone(user, occurred)
        if timezone.is_naive(occurred):
            zone = zone_or_none(values.get("time_zone") or "") or zoneinfo.ZoneInfo(
                str(settings.TIME_ZONE)
            )
            values["occurred_at"] = occurred.replace(tzinfo=zone)
    lists = (
        ("hcp_ids", "hcps", HCP, "pk"),
        ("therapeutic_area_ids", "therapeutic_areas", TherapeuticArea, "pk"),
        ("product_ids", "products", Product, "pk"),
        ("pmids", "publications", Publication, "pmid"),
        ("nct_ids", "trials", Trial, "nct_id"),
    )
    for name, target, model, key in lists:
        if name in values:
            values[target] = by_ids(user, model, values.pop(name) or [], name, key)
    if "meeting_id" in values:
        meeting_id = values.pop("meeting_id")
        values["meeting"] = by_id(user, Meeting, meeting_id, "meeting_id") if meeting_id else None
    if "insights" in values:
        values["insights"] = [
            insight_data(user, item, f"insights.{index}")
            for index, item in enumerate(values["insights"])
        ]
    if "follow_ups" in values:
        values["follow_ups"] = [
            follow_up_data(user, item, f"follow_ups.{index}")
            for index, item in enumerate(values["follow_ups"])
        ]
    return cast(InteractionData, values)


def insight_data(user: User, item: dict[str, Any], place: str) -> InsightData:
    data: dict[str, Any] = {"statement": item["statement"], "tags": item.get("tags") or []}
    if not item["category"].strip():
        raise Unprocessable(
            f"{place}.category: choose the insight's category", field=f"{place}.category"
        )
    data["category"] = by_codes(user, InsightCategory, [item["category"]], f"{place}.category")[0]
    data["strategic_questions"] = by_ids(
        user, StrategicQuestion, item.get("strategic_question_ids") or [],
        f"{place}.strategic_question_ids",
    )  # fmt: skip
    if item.get("therapeutic_area_id"):
        data["therapeutic_area"] = by_id(
            user, TherapeuticArea, item["therapeutic_area_id"], f"{place}.therapeutic_area_id"
        )
    if item.get("product_id"):
        data["product"] = by_id(user, Product, item["product_id"], f"{place}.product_id")
    data["publications"] = by_ids(
        user, Publication, item.get("pmids") or [], f"{place}.pmids", "pmid"
    )
    data["trials"] = by_ids(user, Trial, item.get("nct_ids") or [], f"{place}.nct_ids", "nct_id")
    return cast(InsightData, data)


def follow_up_data(user: User, item: dict[str, Any], place: str) -> FollowUpData:
    if item["due"] is None:
        raise Unprocessable(f"{place}.due: say by when it is due", field=f"{place}.due")
    data: dict[str, Any] = {"description": item["description"], "due": item["due"]}
    if item.get("hcp_id"):
        data["hcp"] = by_id(user, HCP, item["hcp_id"], f"{place}.hcp_id")
    return cast(FollowUpData, data)


# --- operations -------------------------------------------------------------------


@router.get(
    "",
    response=InteractionPageOut,
    summary="List interactions",
    description=(
        "Interactions, newest first, filtered by HCP, MSL (username), channel, kind, "
        "product and day (`since`, `until`, inclusive). Every member sees that an "
        "interaction happened; the content fields are null unless you may read it."
    ),
)
def list_interactions(request: HttpRequest, query: Query[InteractionListQuery]) -> dict[str, Any]:
    user = acting_user(request)
    page = paginate(filtered(user, query), query)
    mark_readable(user, page["results"])
    return page


@router.post(
    "",
    response={201: InteractionOut},
    summary="Log an interaction",
    description=(
        "Logs an interaction of yours with its insights and follow-ups, all or nothing. "
        "It cannot be in the future (`occurred_at`). A product without a labelled "
        "indication in an attendee's country makes it off-label (the server decides; "
        "`off_label` is ignored): then `unsolicited` must be true, with who asked "
        "(`unsolicited_requested_by`) and how. A refusal is a 422 naming the fields."
    ),
)
def create_interaction(request: HttpRequest, payload: InteractionCreateIn) -> Status[Interaction]:
    user = INTERACTIONS.adding(request)
    with body_refusals(BODY_NAMES):
        data = interaction_data(user, payload.dict(), creating=True)
        record = services.create_interaction(actor=user, data=data)
    return INTERACTIONS.created(user, record)


@router.get(
    "/{interaction_id}",
    response=InteractionOut,
    summary="Get an interaction",
    description=(
        "One interaction. If you may only know that it happened (date, MSL, channel, "
        "HCPs), `notes`, `outcome`, `materials`, `insights` and the unsolicited "
        "request's details are null and `content_visible` is false."
    ),
)
def get_interaction(request: HttpRequest, interaction_id: Id) -> Interaction:
    return INTERACTIONS.show(request, interaction_id)


@router.patch(
    "/{interaction_id}",
    response=InteractionOut,
    summary="Change an interaction",
    description=(
        "Changes only the fields sent (lists replaced as a whole). Its author changes it "
        "within the edit window (`editable_until`); after it, the change is an "
        "amendment, which needs `reason` (a 422 naming `reason` without it). Audited."
    ),
)
def update_interaction(
    request: HttpRequest, interaction_id: Id, payload: InteractionPatchIn
) -> Interaction:
    user = acting_user(request)
    record = INTERACTIONS.load(user, "view", interaction_id)
    if not (policy.can(user, "change", record) or policy.can(user, "amend", record)):
        policy.require(user, "change", record)
    with body_refusals(BODY_NAMES):
        data = interaction_data(user, payload.dict(exclude_unset=True), creating=False)
        services.update_interaction(
            actor=user, interaction=record, data=data, reason=payload.reason
        )
    return INTERACTIONS.answer(user, interaction_id)
