"""``/api/v1/safety/flags``: adverse-event language found in saved notes.

A flag waits for its author to confirm it, which reports a case with Day 0 = the
day the author heard it (earlier if someone heard it before; later only with a
reason), or to dismiss it with a reason; pharmacovigilance may
handle any open flag, and sees every flag escalated after a business day unhandled.
The author's manager, compliance and administrators read flags. A flag already
confirmed or dismissed answers 409.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status

from liaison.core import policy
from liaison.core.api_refusals import body_refusals
from liaison.core.errors import Conflict
from liaison.core.models import User
from liaison.lib.api import Id, Records, acting_user, by_id, paginate
from liaison.safety import selectors
from liaison.safety.api.cases import BODY_NAMES, case_answer, case_data
from liaison.safety.models import Flag, FlagStatus
from liaison.safety.schemas.cases import CaseOut
from liaison.safety.schemas.flags import (
    FlagConfirmIn,
    FlagDismissIn,
    FlagListQuery,
    FlagOut,
    FlagPageOut,
)
from liaison.safety.services import flags as services

router = Router(tags=["safety"])

RELATED = ("author", "handled_by", "case")
FLAGS = Records(Flag, related=RELATED)


def flag_answer(flag: Flag) -> dict[str, Any]:
    return {
        "id": flag.pk,
        "kind": flag.kind,
        "status": flag.status,
        "product_id": flag.product_id,
        "product_name": flag.product_name,
        "terms": flag.terms,
        "by_model": flag.by_model,
        "sentence": flag.sentence,
        "field": flag.field,
        "heard_on": flag.heard_on,
        "country": flag.country,
        "source": {
            "kind": flag.source_kind,
            "label": flag.source_label,
            "id": flag.source_id,
            "title": flag.source_title,
            "url": flag.source_url,
        },
        "author": flag.author.get_username(),
        "handled_by": flag.handled_by.get_username() if flag.handled_by else None,
        "handled_at": flag.handled_at,
        "dismiss_reason": flag.dismiss_reason,
        "case_id": flag.case_id,
        "case_reference": flag.case.reference if flag.case else None,
        "escalated_at": flag.escalated_at,
        "escalation_due": services.escalation_due(flag),
        "created_at": flag.created_at,
    }


def _listed(user: User, query: FlagListQuery) -> QuerySet[Flag]:
    seen = policy.scope(user, "view", Flag)
    if query.show == "waiting":
        flags = selectors.open_flags(user)
    elif query.show == "mine":
        flags = seen.filter(author=user)
    elif query.show == "escalated":
        flags = seen.filter(status=FlagStatus.OPEN, escalated_at__isnull=False)
    else:
        flags = seen
    if query.status:
        flags = flags.filter(status=query.status)
    return flags.select_related(*RELATED).order_by("-created_at", "-pk")


def _open(user: User, flag_id: int) -> Flag:
    """A flag the caller sees that is still open (409 once handled)."""
    flag = FLAGS.load(user, "view", flag_id)
    if flag.status != FlagStatus.OPEN:
        done = FlagStatus(flag.status).label.lower()
        raise Conflict(f"this flag is no longer open: {done}", field="status")
    return flag


@router.get(
    "",
    response=FlagPageOut,
    summary="List adverse-event flags",
    description=(
        "`show=waiting` (the default): open flags waiting for you, your own and, for "
        "pharmacovigilance, every escalated one; `mine`: every flag raised on your notes; "
        "`escalated`: open flags escalated to pharmacovigilance; `all`: every flag you see. "
        "`status` narrows any of them."
    ),
)
def list_flags(request: HttpRequest, query: Query[FlagListQuery]) -> dict[str, Any]:
    page = paginate(_listed(acting_user(request), query), query)
    page["results"] = [flag_answer(flag) for flag in page["results"]]
    return page


@router.post(
    "/{flag_id}/confirm",
    response={201: CaseOut},
    exclude_unset=True,
    summary="Confirm a flag as a case",
    description=(
        "Reports the case the flag found: Day 0 = the day its author heard it, the product "
        "and the words found, the note as its source; the case fields sent add to them "
        "(patient, reporter, narrative...). An earlier `day_zero` is taken; a later one needs "
        "`reason` (else a 422 naming `day_zero`). `flag_ids` confirms other flags of the same "
        "note in the same case. Its author or pharmacovigilance; audited."
    ),
)
def confirm_flag(
    request: HttpRequest, flag_id: Id, payload: FlagConfirmIn
) -> Status[dict[str, Any]]:
    user = acting_user(request)
    flag = _open(user, flag_id)
    body = payload.dict(exclude_unset=True)
    others = body.pop("flag_ids", [])
    forward = bool(body.pop("forward", True))
    reason = str(body.pop("reason", ""))
    with body_refusals(BODY_NAMES):
        flags = [flag]
        for index, other_id in enumerate(dict.fromkeys(others)):
            if other_id != flag.pk:
                flags.append(by_id(user, Flag, other_id, f"flag_ids.{index}"))
        data = case_data(user, body)
        case = services.confirm_flags(
            actor=user, flags=flags, data=data or None, forward=forward, reason=reason
        )
    return Status(201, case_answer(user, case.pk))


@router.post(
    "/{flag_id}/dismiss",
    response=FlagOut,
    summary="Dismiss a flag",
    description=(
        "Its author (or pharmacovigilance) says the words were no adverse event, and why: "
        "`reason` is required and kept in the audit trail."
    ),
)
def dismiss_flag(request: HttpRequest, flag_id: Id, payload: FlagDismissIn) -> dict[str, Any]:
    user = acting_user(request)
    flag = _open(user, flag_id)
    with body_refusals():
        services.dismiss_flag(actor=user, flag=flag, reason=payload.reason)
    return flag_answer(FLAGS.load(user, "view", flag_id))
