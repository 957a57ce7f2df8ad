"""``/api/v1/safety/cases``: adverse-event cases.

List the cases you see with their clocks and the four minimum criteria (the
reporter their own, their manager the team's, pharmacovigilance, compliance and
administrators every one), read one, report one (any medical-affairs user, from
an interaction or on its own), change one (its reporter while at intake,
pharmacovigilance after), forward it, move its status, start a new version and
ask the reporter for what it is missing.

Patient details and the reporter's contact are answered only to those who read
them (pharmacovigilance), as the web shows them: for anyone else the
``patient_*`` and ``reporter_contact`` keys are absent from the answer. A refusal of
the body is a 422 naming the body's own fields (``day_zero``,
``reactions.0.meddra_code``, ``reporter_hcp_id``).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from enum import Enum
from typing import Any, cast

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Status

from liaison.core import policy
from liaison.core.api_refusals import body_refusals
from liaison.core.models import User
from liaison.directory.models import HCP, Product
from liaison.engagement.models import Interaction
from liaison.lib.api import Id, Records, acting_user, by_id
from liaison.safety import clocks, selectors
from liaison.safety.models import (
    Case,
    CaseProduct,
    FollowUpRequest,
    Reaction,
    SourceKind,
    Submission,
)
from liaison.safety.schemas.cases import (
    CaseCreateIn,
    CaseListQuery,
    CaseOut,
    CasePageOut,
    CasePatchIn,
    CaseStatusIn,
    CaseVersionIn,
    FollowUpRequestIn,
    FollowUpRequestOut,
)
from liaison.safety.services import cases as services
from liaison.safety.services.data import CaseData, Source

router = Router(tags=["safety"])

CASES = Records(
    Case,
    related=("reported_by", "assigned_to", "forwarded_by", "reporter_hcp"),
    prefetched=(
        "reactions",
        "products",
        "submissions__exported_by",
        "submissions__sent_by",
        "follow_up_requests__requested_by",
    ),
)

#: The service's field names as the body names them.
BODY_NAMES = {"reporter_hcp": "reporter_hcp_id", "product": "product_id", "flags": "flag_ids"}
COUNTRY_FIELDS = ("country", "reporter_country")
MEASURES = ("patient_weight_kg", "patient_height_cm")


# --- answers ----------------------------------------------------------------------


def _username(user: Any) -> str | None:
    return user.get_username() if user is not None else None


def clock_answer(clock: clocks.CaseClock, today: dt.date) -> dict[str, Any]:
    return {
        "name": clock.name,
        "label": clock.label,
        "due": clock.due,
        "done_on": clock.done_on,
        "state": clock.state(today),
        "breached": clock.breached(today),
        "text": clock.text(today),
    }


def _base(row: selectors.CaseRow, today: dt.date) -> dict[str, Any]:
    case = row.case
    return {
        "id": case.pk,
        "reference": case.reference,
        "safety_report_id": case.safety_report_id,
        "status": case.status,
        "version_kind": case.version_kind,
        "version_number": case.version_number,
        "day_zero": case.day_zero,
        "latest_received_on": case.latest_received_on,
        "country": case.country,
        "is_adverse_event": case.is_adverse_event,
        "is_product_complaint": case.is_product_complaint,
        "special_situations": list(case.special_situations or []),
        "serious": row.serious,
        "forwarding": clock_answer(row.forwarding, today),
        "regulatory": clock_answer(row.regulatory, today),
        "criteria": [
            {"name": item.name, "label": item.label, "met": item.met, "missing": item.missing}
            for item in row.criteria
        ],
        "complete": row.complete,
        "missing": row.missing,
        "breached": row.breached(today),
        "reported_by": _username(case.reported_by),
        "assigned_to": _username(case.assigned_to),
        "submission_status": case.submission_status,
        "created_at": case.created_at,
    }


def _suspect_first(products: list[CaseProduct]) -> list[CaseProduct]:
    return sorted(products, key=lambda product: clocks.ROLE_ORDER.get(product.role, 99))


def row_answer(row: selectors.CaseRow, today: dt.date) -> dict[str, Any]:
    """A queue row: the case's clocks, criteria, reactions and products in words."""
    return {
        **_base(row, today),
        "reactions": [reaction.verbatim for reaction in row.reactions],
        "products": [product.name for product in _suspect_first(row.products)],
    }


#: What an answer shows of a case's parts and reporter, as the models name it.
REACTION_FIELDS = (
    "verbatim",
    "language",
    "meddra_version",
    "meddra_code",
    "start_date",
    "end_date",
    "outcome",
    "results_in_death",
    "life_threatening",
    "hospitalisation",
    "disabling",
    "congenital_anomaly",
    "medically_important",
    "country",
)
PRODUCT_FIELDS = (
    "role",
    "product_id",
    "name",
    "batch_number",
    "dose",
    "dosage_text",
    "route",
    "start_date",
    "end_date",
    "indication",
    "action_taken",
)
REPORTER_FIELDS = (
    "reporter_given_name",
    "reporter_family_name",
    "reporter_organization",
    "reporter_country",
    "reporter_qualification",
)


def _reaction(reaction: Reaction) -> dict[str, Any]:
    values = {name: getattr(reaction, name) for name in REACTION_FIELDS}
    return {"id": reaction.pk, **values, "serious": reaction.serious}


def _product(product: CaseProduct) -> dict[str, Any]:
    return {"id": product.pk, **{name: getattr(product, name) for name in PRODUCT_FIELDS}}


def _submission(submission: Submission) -> dict[str, Any]:
    return {
        "id": submission.pk,
        "version_number": submission.version_number,
        "message_id": submission.message_id,
        "batch_id": submission.batch_id,
        "regional": submission.regional,
        "exported_by": submission.exported_by.get_username(),
        "exported_at": submission.exported_at,
        "valid": submission.valid,
        "initials_unmasked": submission.initials_unmasked,
        "status": submission.status,
        "sent_at": submission.sent_at,
        "sent_by": _username(submission.sent_by),
        "acknowledged_at": submission.acknowledged_at,
        "ack_text": submission.ack_text,
    }


def follow_up_answer(request: FollowUpRequest) -> dict[str, Any]:
    return {
        "id": request.pk,
        "case_id": request.case_id,
        "missing": list(request.missing or []),
        "message": request.message,
        "requested_by": request.requested_by.get_username(),
        "requested_at": request.requested_at,
        "due_on": request.due_on,
        "answered_at": request.answered_at,
        "answer": request.answer,
    }


def case_answer(user: User, pk: int) -> dict[str, Any]:
    """The case as ``user`` now sees it (404 when they may not): patient fields and
    the reporter's contact (personal data, like them) only for a reader of patient
    details."""
    case = CASES.answer(user, pk)
    row = selectors.case_row(case)
    answer = {
        **_base(row, timezone.localdate()),
        "awareness": case.awareness,
        "complaint_details": case.complaint_details,
        "expectedness": case.expectedness,
        "source": {
            "kind": case.source_kind,
            "label": case.source_label,
            "id": case.source_id,
            "title": case.source_title,
            "url": case.source_url,
        },
        "forwarded_at": case.forwarded_at,
        "forwarded_by": _username(case.forwarded_by),
        "submitted_at": case.submitted_at,
        "nullification_reason": case.nullification_reason,
        "reporter_hcp_id": case.reporter_hcp_id,
        "reporter_name": case.reporter_name,
        "narrative": case.narrative,
        "reporter_comments": case.reporter_comments,
        "sender_comments": case.sender_comments,
        "reactions": [_reaction(reaction) for reaction in row.reactions],
        "products": [_product(product) for product in _suspect_first(row.products)],
        "submissions": [_submission(item) for item in case.submissions.all()],
        "follow_up_requests": [follow_up_answer(item) for item in case.follow_up_requests.all()],
        "updated_at": case.updated_at,
        "patient_visible": policy.can(user, "read_patient", case),
    }
    for name in REPORTER_FIELDS:
        answer[name] = getattr(case, name)
    if answer["patient_visible"]:
        answer["reporter_contact"] = case.reporter_contact
        for name in services.patient_fields():
            value = getattr(case, name)
            answer[name] = float(value) if name in MEASURES and value is not None else value
    return answer


# --- input translation ----------------------------------------------------------


def _plain(value: Any) -> Any:
    """Enum members of the schema as their values, in lists and dicts too."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def case_data(user: User, body: dict[str, Any]) -> CaseData:
    """The service's data from a body's case fields (only the keys sent): ids turned
    into records the caller may see, country codes in capitals."""
    values: dict[str, Any] = _plain(body)
    for name in COUNTRY_FIELDS:
        if isinstance(values.get(name), str):
            values[name] = values[name].strip().upper()
    for name in MEASURES:
        if isinstance(values.get(name), float):
            # As written ("72.3"), not as the float's binary expansion (72.2999...).
            values[name] = Decimal(str(values[name]))
    if "reporter_hcp_id" in values:
        hcp_id = values.pop("reporter_hcp_id")
        values["reporter_hcp"] = by_id(user, HCP, hcp_id, "reporter_hcp_id") if hcp_id else None
    for reaction in values.get("reactions") or []:
        if isinstance(reaction.get("country"), str):
            reaction["country"] = reaction["country"].strip().upper()
    for index, product in enumerate(values.get("products") or []):
        product_id = product.pop("product_id", None)
        product["product"] = (
            by_id(user, Product, product_id, f"products.{index}.product_id") if product_id else None
        )
    return cast(CaseData, values)


def interaction_source(user: User, interaction_id: int) -> tuple[Source, dict[str, Any]]:
    """The interaction where the event was heard (one the caller sees), and what it
    says of the case: Day 0 its day, the country and the reporter its first HCP's."""
    interaction = by_id(user, Interaction, interaction_id, "interaction_id")
    hcps = list(interaction.hcps.all())
    zone = zoneinfo.ZoneInfo(interaction.time_zone or "UTC")
    heard_on = interaction.occurred_at.astimezone(zone).date()
    names = ", ".join(str(hcp) for hcp in hcps[:3]) + (" and others" if len(hcps) > 3 else "")
    title = f"Interaction with {names} on {heard_on:%d %b %Y}" if names else str(interaction)
    source = Source(
        kind=SourceKind.INTERACTION,
        label="engagement.Interaction",
        id=interaction.pk,
        title=title,
        url=reverse("engagement:interaction-detail", args=[interaction.pk]),
    )
    defaults: dict[str, Any] = {"day_zero": heard_on}
    if hcps:
        defaults["country"] = hcps[0].country
        defaults["reporter_hcp_id"] = hcps[0].pk
    return source, defaults


REPORTER_NAMES = ("reporter_hcp_id", "reporter_given_name", "reporter_family_name")


# --- reading ----------------------------------------------------------------------


def _filters(query: CaseListQuery) -> selectors.QueueFilters:
    return selectors.QueueFilters(
        status=query.status.value if query.status else "",
        breached=query.breached,
        incomplete=query.incomplete,
        serious=query.serious,
        search=query.search,
    )


@router.get(
    "",
    response=CasePageOut,
    summary="List adverse-event cases",
    description=(
        "The queue: the cases you see, open ones first with the oldest Day 0 (the most "
        "overdue) on top, then closed and nullified ones, newest first; each with its "
        "forwarding and regulatory clocks and the four minimum criteria. `status`, `search` "
        "and `serious` filter in the database; `breached` and `incomplete` are computed per "
        "case over every case the others leave."
    ),
)
def list_cases(request: HttpRequest, query: Query[CaseListQuery]) -> dict[str, Any]:
    user = acting_user(request)
    today = timezone.localdate()
    start = (query.page - 1) * query.page_size
    filters = _filters(query)
    cases = selectors.queue_cases(user, filters)
    if not filters.derived:
        count = cases.count()
        page = selectors.with_parts(cases)[start : start + query.page_size]
        rows = [selectors.case_row(case) for case in page]
    else:
        count, rows = 0, []
        for row in selectors.matching_rows(cases, filters, today):
            if start <= count < start + query.page_size:
                rows.append(row)
            count += 1
    return {
        "count": count,
        "page": query.page,
        "page_size": query.page_size,
        "results": [row_answer(row, today) for row in rows],
    }


@router.get(
    "/{case_id}",
    response=CaseOut,
    exclude_unset=True,
    summary="Get an adverse-event case",
    description=(
        "One case with its clocks, criteria, reactions, products, submissions and follow-up "
        "requests. The `patient_*` keys are present only for pharmacovigilance "
        "(`patient_visible`)."
    ),
)
def get_case(request: HttpRequest, case_id: Id) -> dict[str, Any]:
    return case_answer(acting_user(request), case_id)


# --- writing ----------------------------------------------------------------------


@router.post(
    "",
    response={201: CaseOut},
    exclude_unset=True,
    summary="Report an adverse event",
    description=(
        "Reports an adverse event, product complaint or special situation you heard of, all "
        "or nothing: Day 0 (not in the future), a country, at least one of the three; each "
        "reaction its words and, when coded, an 8-digit MedDRA code with its version. With "
        "`interaction_id` the interaction is its source and gives Day 0, the country and the "
        "reporter unless sent. Forwarded to pharmacovigilance at once unless `forward` is "
        "false. MedDRA coding, `expectedness` and `sender_comments` are pharmacovigilance's. "
        "A refusal is a 422 naming the fields."
    ),
)
def report_case(request: HttpRequest, payload: CaseCreateIn) -> Status[dict[str, Any]]:
    user = CASES.adding(request)
    body = payload.dict(exclude_unset=True)
    interaction_id = body.pop("interaction_id", None)
    forward = bool(body.pop("forward", True))
    source = services.DIRECT
    with body_refusals(BODY_NAMES):
        if interaction_id is not None:
            source, defaults = interaction_source(user, interaction_id)
            if any(name in body for name in REPORTER_NAMES):
                defaults.pop("reporter_hcp_id", None)
            body = {**defaults, **body}
        case = services.report_case(
            actor=user, data=case_data(user, body), source=source, forward=forward
        )
    return Status(201, case_answer(user, case.pk))


@router.patch(
    "/{case_id}",
    response=CaseOut,
    exclude_unset=True,
    summary="Change an adverse-event case",
    description=(
        "Changes the fields sent: its reporter while the case is at intake, pharmacovigilance "
        "after (MedDRA codes, seriousness, expectedness, sender's comments, patient). "
        "MedDRA coding, `expectedness` and `sender_comments` are pharmacovigilance's: anyone "
        "else changing them is a 422 naming the field. `reactions` and `products` replace "
        "the case's as a whole; a reaction sent without coding by anyone else keeps the "
        "coding of the case's reaction of the same words. Changing Day 0 needs `reason`. "
        "Audited."
    ),
)
def update_case(request: HttpRequest, case_id: Id, payload: CasePatchIn) -> dict[str, Any]:
    user = acting_user(request)
    case = CASES.load(user, "view", case_id)
    body = payload.dict(exclude_unset=True)
    reason = body.pop("reason", "")
    with body_refusals(BODY_NAMES):
        services.update_case(actor=user, case=case, data=case_data(user, body), reason=reason)
    return case_answer(user, case_id)


@router.post(
    "/{case_id}/forward",
    response=CaseOut,
    exclude_unset=True,
    summary="Forward a case to pharmacovigilance",
    description="Its reporter hands a case at intake to pharmacovigilance (the forwarding clock "
    "stops).",
)
def forward_case(request: HttpRequest, case_id: Id) -> dict[str, Any]:
    user = acting_user(request)
    case = CASES.load(user, "forward", case_id)
    services.forward_case(actor=user, case=case)
    return case_answer(user, case_id)


@router.post(
    "/{case_id}/status",
    response=CaseOut,
    exclude_unset=True,
    summary="Move a case on",
    description=(
        "Pharmacovigilance: forwarded -> in review or closed; in review -> submitted or "
        "closed; submitted -> in review or closed; closed -> in review (with `reason`). "
        "Another step is a 422 naming `status`."
    ),
)
def set_case_status(request: HttpRequest, case_id: Id, payload: CaseStatusIn) -> dict[str, Any]:
    user = acting_user(request)
    case = CASES.load(user, "work", case_id)
    with body_refusals():
        services.set_case_status(
            actor=user, case=case, status=str(payload.status.value), reason=payload.reason
        )
    return case_answer(user, case_id)


@router.post(
    "/{case_id}/versions",
    response=CaseOut,
    exclude_unset=True,
    summary="Start a new version of a case",
    description=(
        "Pharmacovigilance: a follow-up or an amendment (the next version number, back in "
        "review) with `received_on`, the day its information was received: its regulatory "
        "clock runs from that day (Day 0 stays) and the case is to be submitted again; or a "
        "nullification (kept, never deleted). Each with its `reason`. A refusal is a 422 "
        "naming the field."
    ),
)
def new_case_version(request: HttpRequest, case_id: Id, payload: CaseVersionIn) -> dict[str, Any]:
    user = acting_user(request)
    case = CASES.load(user, "work", case_id)
    with body_refusals():
        services.new_case_version(
            actor=user,
            case=case,
            kind=payload.kind,
            reason=payload.reason,
            received_on=payload.received_on,
        )
    return case_answer(user, case_id)


@router.post(
    "/{case_id}/follow-up-requests",
    response={201: FollowUpRequestOut},
    summary="Ask the reporter for more",
    description=(
        "Pharmacovigilance records a request to the reporter; the minimum criteria the case "
        "is missing are named in `missing`."
    ),
)
def request_follow_up(
    request: HttpRequest, case_id: Id, payload: FollowUpRequestIn
) -> Status[dict[str, Any]]:
    user = acting_user(request)
    case = CASES.load(user, "work", case_id)
    with body_refusals():
        follow_up = services.request_follow_up(
            actor=user, case=case, message=payload.message, due_on=payload.due_on
        )
    return Status(201, follow_up_answer(follow_up))
