"""Adverse-event cases: reported by any medical-affairs user (from an interaction,
an inquiry, a flag or on its own), forwarded to pharmacovigilance, worked there
(reactions with MedDRA codes, products, seriousness, expectedness), versioned
(follow-up, amendment, nullification) and closed. Every change is audited.

The rules, said together: a case has a Day 0 (the first awareness by any
employee), not in the future, changed later only with a reason; a country (its
holidays and EU rules drive the clocks); at least one of an adverse event, a
product complaint or a special situation; each reaction its words as reported
and, when coded, an 8-digit MedDRA code with its version; each product its name.
Patient details are written by the reporter at intake and by pharmacovigilance
after; nobody else reads them back. MedDRA coding, expectedness and the sender's
comments are pharmacovigilance's: anyone else setting them is refused by field. A
follow-up or an amendment records when its information was received: its regulatory
clock runs from that day and the case is to be submitted again. All or nothing:
every refusal names its fields (``reactions.1.meddra_code``) and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.utils import timezone

from liaison.core import audit, policy, refusals
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.models import AuditAction, User
from liaison.lib.validation import validation_error
from liaison.safety import clocks
from liaison.safety.audit_fields import PATIENT_FIELDS
from liaison.safety.models import (
    Case,
    CaseProduct,
    CaseStatus,
    CaseVersion,
    FollowUpRequest,
    Reaction,
    SourceKind,
    SubmissionStatus,
    latest_day,
)
from liaison.safety.services.data import CaseData, ProductData, ReactionData, Source

CASE_FIELDS = tuple(
    name for name in CaseData.__annotations__ if name not in ("reactions", "products")
)
DIRECT = Source(kind=SourceKind.DIRECT)
#: Pharmacovigilance's own: its assessment of the case, and each reaction's MedDRA coding.
ASSESSMENT_FIELDS = ("expectedness", "sender_comments")
CODING_FIELDS = ("meddra_code", "meddra_version")
PHARMACOVIGILANCE_ONLY = "set by pharmacovigilance only: leave it out"


def sender_id() -> str:
    """The sender's identifier in safety report ids and E2B headers (``LIAISON_E2B_SENDER_ID``)."""
    return str(getattr(settings, "LIAISON_E2B_SENDER_ID", "LIAISON"))


def _label(model: type[Any], field: str) -> str:
    from liaison.lib.validation import field_label

    return field_label(model, field)


def _part_label(model: type[Any], field: str) -> str:
    """A part's field as declared, to follow "reaction 1, " (``field_label`` capitalises,
    and lower-casing that would spoil acronyms: "MedDRA LLT code", not "meddra llt code")."""
    try:
        return str(model._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:
        return field.replace("_", " ")


def _place(field: str) -> str:
    """``reaction 1, MedDRA LLT code`` for ``reactions.0.meddra_code``; a case's own
    field by its label."""
    item = refusals.item_of(field)
    if item is not None and item[0] in ("reactions", "products"):
        head, index, name = item
        model = Reaction if head == "reactions" else CaseProduct
        thing = "reaction" if head == "reactions" else "product"
        return f"{thing} {index + 1}, {_part_label(model, name)}"
    return _label(Case, field)


def refusal(errors: dict[str, str]) -> LiaisonError:
    """One error naming every field, in words (the first as ``field``)."""
    return refusals.refusal(errors, _place)


def _errors_of(instance: Any, prefix: str = "", exclude: tuple[str, ...] = ()) -> dict[str, str]:
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False)
    except ValidationError as error:
        details = validation_error(error).details
        return {f"{prefix}{field}": reason for field, reason in details.items()}
    return {}


def _check_keys(values: dict[str, Any]) -> None:
    unknown = sorted(set(values) - {*CASE_FIELDS, "reactions", "products"})
    if unknown:
        raise LiaisonError(f"unknown field {unknown[0]!r}", field=unknown[0])


def _assessment_refusals(data: CaseData, case: Case | None) -> tuple[CaseData, dict[str, str]]:
    """For an actor who is not pharmacovigilance: ``data`` with each reaction keeping
    the MedDRA coding pharmacovigilance gave it (the case's reaction of the same words),
    and a refusal of every assessment or coding it would set or change."""
    errors: dict[str, str] = {}
    for name in ASSESSMENT_FIELDS:
        current = getattr(case if case is not None else Case(), name)
        if name in data and data[name] != current:  # type: ignore[literal-required]
            errors[name] = PHARMACOVIGILANCE_ONLY
    if "reactions" not in data:
        return data, errors
    unmatched = list(case.reactions.all()) if case else []
    reactions: list[ReactionData] = []
    for index, item in enumerate(data.get("reactions") or []):
        words = str(item.get("verbatim", "")).strip().casefold()
        match = next((old for old in unmatched if old.verbatim.casefold() == words), None)
        if match is not None:
            unmatched.remove(match)
        kept = dict(item)
        for name in CODING_FIELDS:
            coded = getattr(match, name) if match is not None else ""
            given = str(item.get(name, coded)).strip()
            if given != coded:
                errors[f"reactions.{index}.{name}"] = PHARMACOVIGILANCE_ONLY
            kept[name] = coded
        reactions.append(kept)  # type: ignore[arg-type]
    return {**data, "reactions": reactions}, errors


def _build_parts(
    data: CaseData,
) -> tuple[list[Reaction], list[CaseProduct], dict[str, str]] | None:
    """The reactions and products ``data`` gives (None: it gives neither list)."""
    if "reactions" not in data and "products" not in data:
        return None
    errors: dict[str, str] = {}
    reactions: list[Reaction] = []
    for index, item in enumerate(data.get("reactions") or []):
        reaction = Reaction(**_clean_reaction(item))
        errors.update(_errors_of(reaction, f"reactions.{index}.", exclude=("case",)))
        reactions.append(reaction)
    products: list[CaseProduct] = []
    for index, product_item in enumerate(data.get("products") or []):
        values = _clean_product(product_item)
        product = CaseProduct(**values)
        errors.update(_errors_of(product, f"products.{index}.", exclude=("case",)))
        products.append(product)
    return reactions, products, errors


def _clean_reaction(item: ReactionData) -> dict[str, Any]:
    values: dict[str, Any] = dict(item)
    for name in ("verbatim", "meddra_code", "meddra_version"):
        if isinstance(values.get(name), str):
            values[name] = values[name].strip()
    return values


def _clean_product(item: ProductData) -> dict[str, Any]:
    values: dict[str, Any] = dict(item)
    if not (values.get("name") or "").strip() and values.get("product") is not None:
        values["name"] = values["product"].name
    return values


def _check_case(case: Case, exclude: tuple[str, ...] = ()) -> dict[str, str]:
    errors = _errors_of(case, exclude=("reference", "safety_report_id", "reported_by", *exclude))
    if case.day_zero is None:
        errors["day_zero"] = (
            "an adverse event needs its Day 0: the day any employee first heard of it"
        )
    return errors


def _numbered(case: Case) -> None:
    """Give a saved case its reference and, unless imported, its safety report id."""
    case.reference = f"AE-{case.created_at.year}-{case.pk:05d}"
    if case.safety_report_id.startswith("pending-"):
        case.safety_report_id = f"{case.country}-{sender_id()}-{case.reference}"
    case.save(update_fields=["reference", "safety_report_id"])


def _insert(
    *,
    actor: User,
    case: Case,
    reactions: list[Reaction],
    products: list[CaseProduct],
    reason: str = "",
) -> None:
    """Insert and audit ``case`` with its parts (the caller holds the transaction)."""
    case.reference = f"pending-{uuid.uuid4().hex[:20]}"
    if not case.safety_report_id:
        case.safety_report_id = case.reference
    case.save(force_insert=True)
    _numbered(case)
    after = audit.snapshot(case)
    audit.record_event(
        actor=actor,
        action=AuditAction.CREATE,
        instance=case,
        changes={key: [None, value] for key, value in after.items() if value not in (None, "", [])},
        reason=reason,
    )
    _write_parts(actor=actor, case=case, reactions=reactions, products=products)


def _write_parts(
    *, actor: User, case: Case, reactions: list[Reaction], products: list[CaseProduct]
) -> None:
    for reaction in reactions:
        reaction.case = case
        audit.create_record(actor=actor, instance=reaction)
    for product in products:
        product.case = case
        audit.create_record(actor=actor, instance=product)


def report_case(
    *,
    actor: User,
    data: CaseData,
    source: Source = DIRECT,
    forward: bool = True,
    reason: str = "",
) -> Case:
    """Report an adverse event (or product complaint, or special situation) heard
    by ``actor``. With ``forward`` (the default) it goes to pharmacovigilance at
    once, which stops the forwarding clock; without, it stays at intake for its
    reporter to complete and forward. ``reason`` goes with its audit event (why its
    Day 0 is later than its source says)."""
    policy.require(actor, "add", Case)
    _check_keys(dict(data))
    refused: dict[str, str] = {}
    if not policy.grants_any(actor, "work", Case):
        data, refused = _assessment_refusals(data, None)
    values: dict[str, Any] = dict(data)
    parts = _build_parts(data) or ([], [], {})
    reactions, products, errors = parts
    for name in ("reactions", "products"):
        values.pop(name, None)
    hcp = values.get("reporter_hcp")
    if hcp is not None:
        values.setdefault("reporter_country", hcp.country)
        if not values.get("country"):
            values["country"] = hcp.country
    case = Case(
        reported_by=actor,
        source_kind=source.kind,
        source_label=source.label,
        source_id=source.id,
        source_title=source.title[:300],
        source_url=source.url[:300],
        **values,
    )
    if forward:
        case.status = CaseStatus.FORWARDED
        case.forwarded_at = timezone.now()
        case.forwarded_by = actor
    errors = {**_check_case(case), **errors, **refused}
    if errors:
        raise refusal(errors)
    with transaction.atomic():
        _insert(actor=actor, case=case, reactions=reactions, products=products, reason=reason)
    return case


def update_case(*, actor: User, case: Case, data: CaseData, reason: str = "") -> dict[str, Any]:
    """Change a case: its reporter while it is at intake, pharmacovigilance after
    (``work``). Day 0 changes only with a reason; the reactions or products, when
    given, replace the case's as a whole. Returns the audited diff of the case."""
    working = policy.can(actor, "work", case)
    if not working and not policy.can(actor, "change", case):
        policy.require(actor, "view", case)
        raise PermissionDenied("you may not change this case")
    _check_keys(dict(data))
    refused: dict[str, str] = {}
    if not working:
        data, refused = _assessment_refusals(data, case)
    values: dict[str, Any] = dict(data)
    parts = _build_parts(data)
    for name in ("reactions", "products"):
        values.pop(name, None)
    errors: dict[str, str] = {}
    if "day_zero" in values and values["day_zero"] != case.day_zero and not reason.strip():
        errors["day_zero"] = "Day 0 is changed only with a reason: say why"
    candidate = Case(
        **{**{f.attname: getattr(case, f.attname) for f in Case._meta.concrete_fields}}
    )
    for name, value in values.items():
        setattr(candidate, name, value)
    errors.update(_check_case(candidate))
    if parts is not None:
        errors.update(parts[2])
    errors.update(refused)
    if errors:
        raise refusal(errors)
    with transaction.atomic():
        changed = audit.update_record(actor=actor, instance=case, values=values, reason=reason)
        if parts is not None:
            reactions, products, _ = parts
            if "reactions" in data:
                for old in list(case.reactions.all()):
                    audit.delete_record(actor=actor, instance=old, reason=reason)
                _write_parts(actor=actor, case=case, reactions=reactions, products=[])
            if "products" in data:
                for old_product in list(case.products.all()):
                    audit.delete_record(actor=actor, instance=old_product, reason=reason)
                _write_parts(actor=actor, case=case, reactions=[], products=products)
    return changed


def forward_case(*, actor: User, case: Case) -> Case:
    """Hand a case at intake to pharmacovigilance (the forwarding clock stops)."""
    policy.require(actor, "forward", case)
    with transaction.atomic():
        audit.update_record(
            actor=actor,
            instance=case,
            values={
                "status": CaseStatus.FORWARDED,
                "forwarded_at": timezone.now(),
                "forwarded_by": actor,
            },
        )
    return case


#: The steps pharmacovigilance moves a case through (nullification has its own operation).
NEXT_STATUSES = {
    CaseStatus.FORWARDED: (CaseStatus.IN_REVIEW, CaseStatus.CLOSED),
    CaseStatus.IN_REVIEW: (CaseStatus.SUBMITTED, CaseStatus.CLOSED),
    CaseStatus.SUBMITTED: (CaseStatus.IN_REVIEW, CaseStatus.CLOSED),
    CaseStatus.CLOSED: (CaseStatus.IN_REVIEW,),
}


def set_case_status(*, actor: User, case: Case, status: str, reason: str = "") -> Case:
    """Pharmacovigilance moves a case on (review, submitted, closed; reopening says why)."""
    policy.require(actor, "work", case)
    allowed = NEXT_STATUSES.get(CaseStatus(case.status), ())
    if status not in allowed:
        names = ", ".join(CaseStatus(item).label.lower() for item in allowed) or "nothing"
        raise LiaisonError(
            f"a case {CaseStatus(case.status).label.lower()} moves to {names}, "
            f"not {CaseStatus(status).label.lower() if status in CaseStatus.values else status!r}",
            field="status",
        )
    if case.status == CaseStatus.CLOSED and not reason.strip():
        raise LiaisonError("reopening a closed case needs a reason", field="reason")
    values: dict[str, Any] = {"status": status}
    if status == CaseStatus.IN_REVIEW and case.assigned_to_id is None:
        values["assigned_to"] = actor
    if status == CaseStatus.SUBMITTED and case.submitted_at is None:
        # Submitted outside Liaison (a regulator's portal): the regulatory clock stops too.
        values["submitted_at"] = timezone.now()
    with transaction.atomic():
        audit.update_record(actor=actor, instance=case, values=values, reason=reason.strip())
    return case


#: The versions that bring new information: each starts a regulatory clock of its own.
NEW_INFORMATION = (CaseVersion.FOLLOW_UP, CaseVersion.AMENDMENT)


def version_values(
    case: Case, kind: str, reason: str, received_on: dt.date | None
) -> dict[str, Any]:
    """What the next version of ``case`` changes, or a refusal naming the field.

    A follow-up or an amendment records the day its information was received (not in
    the future, not before Day 0, which stays), runs the regulatory clock from that
    day and leaves the case to be submitted again (the files sent before keep their
    history); a nullification says why and ends the versions."""
    if kind not in (CaseVersion.FOLLOW_UP, CaseVersion.AMENDMENT, CaseVersion.NULLIFICATION):
        raise LiaisonError(
            "a new version is a follow-up, an amendment or a nullification", field="kind"
        )
    if not reason.strip():
        raise LiaisonError("say why: the reason goes with the new version", field="reason")
    if case.status == CaseStatus.NULLIFIED:
        raise LiaisonError("this case is nullified: it has no further versions", field="kind")
    values: dict[str, Any] = {"version_kind": kind, "version_number": case.version_number + 1}
    if kind == CaseVersion.NULLIFICATION:
        if received_on is not None:
            raise LiaisonError(
                "a nullification brings no new information: leave its received date out",
                field="received_on",
            )
        values["status"] = CaseStatus.NULLIFIED
        values["nullification_reason"] = reason.strip()
        return values
    received = _received_on(case, received_on)
    values.update(status=CaseStatus.IN_REVIEW, latest_received_on=received)
    if case.submitted_at is not None:
        # The report went in: the new information has a clock and a submission of its own.
        # Before any submission the first report's deadline stands (ICH E2D): a follow-up
        # must not make an overdue report look on time.
        values.update(
            clock_started_on=received,
            submission_status=SubmissionStatus.NOT_SUBMITTED,
            submitted_at=None,
        )
    return values


def _received_on(case: Case, received_on: object) -> dt.date:
    """The day a follow-up's or an amendment's information was received, checked."""
    if received_on is None:
        raise LiaisonError(
            "new information received: say when (its regulatory clock runs from that day)",
            field="received_on",
        )
    if not isinstance(received_on, dt.date) or isinstance(received_on, dt.datetime):
        raise LiaisonError(
            f"new information received: {received_on!r} is not a date", field="received_on"
        )
    if received_on > latest_day():
        raise LiaisonError(
            "new information received: the day is in the future", field="received_on"
        )
    if received_on < case.day_zero:
        raise LiaisonError(
            f"new information received: {received_on:%d %b %Y} is before Day 0 "
            f"({case.day_zero:%d %b %Y})",
            field="received_on",
        )
    return received_on


def new_case_version(
    *, actor: User, case: Case, kind: str, reason: str, received_on: dt.date | None = None
) -> Case:
    """Start a follow-up or an amendment of a case (the next version number), with the
    day its information was received, or nullify it (kept, never deleted: a
    nullification is reported too). See :func:`version_values`."""
    policy.require(actor, "work", case)
    with transaction.atomic():
        # Numbered from the locked row: a version imported meanwhile takes its own number.
        locked = Case.objects.select_for_update().get(pk=case.pk)
        values = version_values(locked, kind, reason, received_on)
        audit.update_record(actor=actor, instance=locked, values=values, reason=reason.strip())
    case.refresh_from_db()
    return case


def assign_case(*, actor: User, case: Case, assignee: User | None) -> Case:
    policy.require(actor, "work", case)
    if assignee is not None and not policy.can(assignee, "work", case):
        raise LiaisonError(
            f"{assignee.get_username()} does not work cases (pharmacovigilance only)",
            field="assigned_to",
        )
    with transaction.atomic():
        audit.update_record(actor=actor, instance=case, values={"assigned_to": assignee})
    return case


def request_follow_up(
    *, actor: User, case: Case, message: str, due_on: Any = None
) -> FollowUpRequest:
    """Ask the reporter for what the case is missing (the missing criteria are named)."""
    policy.require(actor, "work", case)
    if not message.strip():
        raise LiaisonError("write the request to the reporter", field="message")
    missing = clocks.missing_criteria(case, list(case.reactions.all()), list(case.products.all()))
    request = FollowUpRequest(
        case=case,
        missing=[item.name for item in missing],
        message=message.strip(),
        requested_by=actor,
        due_on=due_on,
    )
    with transaction.atomic():
        audit.create_record(actor=actor, instance=request)
    return request


def answer_follow_up(*, actor: User, request: FollowUpRequest, answer: str) -> FollowUpRequest:
    policy.require(actor, "work", request.case)
    if request.answered_at is not None:
        raise LiaisonError("this request was answered already", field="answer")
    if not answer.strip():
        raise LiaisonError("write what the reporter answered", field="answer")
    with transaction.atomic():
        audit.update_record(
            actor=actor,
            instance=request,
            values={"answer": answer.strip(), "answered_at": timezone.now()},
        )
    return request


def patient_fields() -> tuple[str, ...]:
    return PATIENT_FIELDS
