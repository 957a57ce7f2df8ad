"""Medical inquiries: taken in the field or by medical information, handed over
with the chain kept, assigned, prioritised, cancelled or closed; follow-up
questions become linked inquiries. Every change is audited.

The rules, said together: who asked is an HCP of the directory (name,
organisation and country come from it) or another named person with a country;
the question is kept as asked; a question about a product says the use it is
about (an indication or a therapeutic area); on- or off-label is decided here from
the product's labelled indications in the requester's country
(:mod:`liaison.medinfo.labelling`), never by the caller; an off-label inquiry
carries the whole unsolicited attestation (asked by, asked on, how, in the
requester's words) or is refused naming each missing part; the answer is due a
number of business days of the requester's country after receipt, by priority
(:mod:`liaison.medinfo.turnaround`), the day of receipt being the day where the
inquiry was taken (its ``time_zone``: the caller's, else the interaction's, else the
server's). All or nothing: nothing is written when
anything is refused.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from liaison.core import audit, policy, registry
from liaison.core.errors import Conflict, LiaisonError, PermissionDenied
from liaison.core.models import AuditAction, User
from liaison.core.refusals import check_keys, errors_of
from liaison.directory.models import HCP
from liaison.medinfo import labelling, turnaround
from liaison.medinfo.models import (
    Handoff,
    Inquiry,
    InquiryChannel,
    InquiryStatus,
    Priority,
)
from liaison.medinfo.policy import is_medical_information
from liaison.medinfo.services.data import InquiryData
from liaison.medinfo.services.refusals import refusal

#: Who an inquiry is handed to: the team's name in the chain of custody.
MEDICAL_INFORMATION = "medical information"
INQUIRY_FIELDS = tuple(InquiryData.__annotations__)
#: The unsolicited attestation, and what to say when a part is missing.
ATTESTATION = {
    "unsolicited_requested_by": "say who asked",
    "unsolicited_requested_at": "say when it was asked",
    "unsolicited_how": "say how it was asked (unprompted, and by which means)",
    "unsolicited_words": "give the question in the requester's own words",
}
#: Copied from an inquiry to its follow-up unless the follow-up says otherwise.
FOLLOW_UP_COPIED = (
    "channel",
    "time_zone",
    "requester_hcp",
    "requester_name",
    "requester_organization",
    "requester_email",
    "requester_phone",
    "requester_address",
    "requester_country",
    "product",
    "indication",
    "therapeutic_area",
    "topic",
    "delivery_method",
    "signature_copy",
    "priority",
)
_CLOCK_SLACK = dt.timedelta(minutes=5)


def inquiry_url(inquiry: Inquiry) -> str:
    """The inquiry's page, or ``""`` while the app has no such page."""
    try:
        return reverse("medinfo:inquiry-detail", args=[inquiry.pk])
    except NoReverseMatch:
        return ""


def _organisation_of(hcp: HCP) -> str:
    affiliation = (
        hcp.affiliations.filter(end_date__isnull=True).select_related("organization").first()
    )
    return affiliation.organization.name if affiliation is not None else ""


def _fill_requester(values: dict[str, Any], errors: dict[str, str]) -> None:
    """The requester's details from the directory for an HCP; else name and country given."""
    hcp = values.get("requester_hcp")
    if isinstance(hcp, HCP):
        # The directory is the truth: the country decides on- or off-label.
        values["requester_name"] = hcp.full_name
        values["requester_country"] = hcp.country
        if not values.get("requester_organization"):
            values["requester_organization"] = _organisation_of(hcp)
        if not values.get("requester_email") and hcp.emails:
            values["requester_email"] = hcp.emails[0]
        return
    if not str(values.get("requester_name") or "").strip():
        errors["requester_name"] = "name the person who asked (or choose an HCP)"
    if not str(values.get("requester_country") or "").strip():
        errors["requester_country"] = "say the requester's country (its labels and holidays apply)"


def _from_interaction(actor: User, values: dict[str, Any], errors: dict[str, str]) -> None:
    """Defaults of an intake in the field: the interaction's time, time zone and HCP."""
    interaction = values.get("interaction")
    if interaction is None:
        return
    if not policy.can(actor, "read", interaction):
        raise PermissionDenied(
            "interaction: you may not read this interaction", field="interaction"
        )
    values.setdefault("channel", InquiryChannel.FIELD)
    values.setdefault("received_at", interaction.occurred_at)
    if not values.get("time_zone"):
        values["time_zone"] = interaction.time_zone
    hcps = list(interaction.hcps.all())
    chosen = values.get("requester_hcp")
    if chosen is None and not values.get("requester_name"):
        if len(hcps) == 1:
            values["requester_hcp"] = hcps[0]
        elif hcps:
            errors["requester_hcp"] = (
                f"the interaction had {len(hcps)} HCPs: say which one of them asked"
            )
    elif chosen is not None and chosen not in hcps:
        errors["requester_hcp"] = f"{chosen} did not attend this interaction"


def _attestation_errors(inquiry: Inquiry) -> dict[str, str]:
    if not inquiry.off_label:
        return {}
    missing: dict[str, str] = {}
    for field, ask in ATTESTATION.items():
        value = getattr(inquiry, field)
        if value is None or (isinstance(value, str) and not value.strip()):
            missing[field] = f"the inquiry is off-label ({inquiry.off_label_reason}): {ask}"
    return missing


def _prepare(*, actor: User, data: InquiryData, parent: Inquiry | None, forward: bool) -> Inquiry:
    """The unsaved inquiry ``data`` describes; a refusal naming every field otherwise."""
    values: dict[str, Any] = dict(data)
    # Decided here from the labels, whatever the caller says.
    values.pop("off_label", None)
    values.pop("off_label_reason", None)
    check_keys(values, INQUIRY_FIELDS, "an inquiry")
    errors: dict[str, str] = {}
    _from_interaction(actor, values, errors)
    _fill_requester(values, errors)
    medical_information = is_medical_information(actor)
    if not medical_information:
        values.setdefault("channel", InquiryChannel.FIELD)
    elif not values.get("channel"):
        errors["channel"] = "say how the question came in (phone, e-mail, web, ...)"
    now = timezone.now()
    # Stored by name, so the days stay where it was taken even if the server moves.
    values["time_zone"] = str(values.get("time_zone") or "").strip() or settings.TIME_ZONE
    zone = turnaround.zone_named(values["time_zone"])
    for name in ("received_at", "unsolicited_requested_at"):
        moment = values.get(name)
        # A time without an offset is read in the inquiry's time zone.
        if isinstance(moment, dt.datetime) and timezone.is_naive(moment):
            values[name] = timezone.make_aware(moment, zone)
    received_at = values.setdefault("received_at", now)
    if isinstance(received_at, dt.datetime) and received_at > now + _CLOCK_SLACK:
        errors["received_at"] = "it cannot be received in the future"
    priority = values.setdefault("priority", Priority.NORMAL)
    country = str(values.get("requester_country") or "").upper()
    values["requester_country"] = country
    product, area = values.get("product"), values.get("therapeutic_area")
    indication = str(values.get("indication") or "")
    if labelling.use_missing(product, therapeutic_area=area, indication=indication):
        errors["indication"] = labelling.USE_NEEDED
    decision = labelling.decide(product, country, therapeutic_area=area, indication=indication)
    inquiry = Inquiry(
        received_by=actor,
        parent=parent,
        off_label=decision.off_label,
        off_label_reason=decision.reason[:300] if decision.off_label else "",
        due_on=now.date(),
        **values,
    )
    if priority in Priority.values and country and isinstance(received_at, dt.datetime):
        inquiry.due_on = turnaround.due_on(
            received_at, priority, country, turnaround.subdivision_of(inquiry), zone
        )
    if medical_information or forward:
        inquiry.status = InquiryStatus.FORWARDED
        inquiry.forwarded_at = now
    else:
        inquiry.status = InquiryStatus.RECEIVED
    found = errors_of(inquiry, exclude=("reference",))
    # Kept verbatim, but a question of blanks is no question.
    if not (inquiry.question or "").strip():
        found["question"] = "give the question as it was asked"
    errors = {**found, **errors, **_attestation_errors(inquiry)}
    if errors:
        raise refusal(errors, Inquiry)
    return inquiry


def _first_handoff(actor: User, inquiry: Inquiry) -> Handoff:
    how = InquiryChannel(inquiry.channel).label.lower()
    if inquiry.status == InquiryStatus.RECEIVED:
        return Handoff(
            inquiry=inquiry, from_user=actor, to_user=actor, note=f"received ({how}), kept"
        )
    return Handoff(
        inquiry=inquiry,
        from_user=actor,
        to_team=MEDICAL_INFORMATION,
        note=f"received ({how}), with {MEDICAL_INFORMATION}",
    )


def _screen(actor: User, inquiry: Inquiry) -> None:
    """Hand the question to the apps that screen saved text (safety looks for adverse
    events with our products), inside the saving transaction."""
    registry.screen_saved_text(
        registry.SavedText(
            kind="inquiry",
            source="medinfo.Inquiry",
            source_id=inquiry.pk,
            title=f"Inquiry {inquiry.reference}",
            url=inquiry_url(inquiry),
            author=actor,
            texts={"Question": inquiry.question},
            heard_on=turnaround.day_of(inquiry.received_at, turnaround.zone_of(inquiry)),
            country=inquiry.requester_country,
        )
    )


def _insert(actor: User, inquiry: Inquiry) -> None:
    """Insert, number, audit and screen ``inquiry`` with its first hand-off (the caller
    holds the transaction)."""
    # The reference needs the primary key; a unique placeholder holds its place.
    inquiry.reference = f"pending-{uuid.uuid4().hex[:20]}"
    inquiry.save(force_insert=True)
    inquiry.reference = f"MI-{inquiry.created_at.year}-{inquiry.pk:05d}"
    inquiry.save(update_fields=["reference"])
    after = audit.snapshot(inquiry)
    audit.record_event(
        actor=actor,
        action=AuditAction.CREATE,
        instance=inquiry,
        changes={key: [None, value] for key, value in after.items() if value not in (None, "", [])},
    )
    audit.create_record(actor=actor, instance=_first_handoff(actor, inquiry))
    _screen(actor, inquiry)
    if not policy.can(actor, "view", inquiry):
        raise PermissionDenied("you would not see this inquiry once saved")


def _take(*, actor: User, data: InquiryData, parent: Inquiry | None, forward: bool) -> Inquiry:
    inquiry = _prepare(actor=actor, data=data, parent=parent, forward=forward)
    try:
        with transaction.atomic():
            _insert(actor, inquiry)
    except BaseException:
        inquiry.pk = None
        raise
    return inquiry


def take_inquiry(*, actor: User, data: InquiryData, forward: bool = True) -> Inquiry:
    """Take an inquiry: an MSL in the field (``data["interaction"]``: the requester
    defaults to its HCP, the time to its time) or medical information (phone,
    e-mail, web, congress, letter). An MSL's inquiry goes to medical information at
    once unless ``forward`` is false (it then stays with them, ``received``);
    medical information's own starts with them (``forwarded``). The first hand-off
    is written and the question screened for adverse events."""
    policy.require(actor, "add", Inquiry)
    return _take(actor=actor, data=data, parent=None, forward=forward)


def create_follow_up_inquiry(
    *,
    actor: User,
    parent: Inquiry,
    question: str,
    data: InquiryData | None = None,
    forward: bool = True,
) -> Inquiry:
    """A follow-up question of ``parent``'s requester, as a new inquiry linked to it.

    It takes the parent's requester, product, indication, topic, channel, priority
    and delivery unless ``data`` says otherwise; the unsolicited attestation is not
    copied: a follow-up about an off-label use is attested for itself."""
    policy.require(actor, "view", parent)
    policy.require(actor, "add", Inquiry)
    values: dict[str, Any] = {name: getattr(parent, name) for name in FOLLOW_UP_COPIED}
    values.update(dict(data or {}))
    values["question"] = question
    return _take(actor=actor, data=values, parent=parent, forward=forward)  # type: ignore[arg-type]


def _require_open(inquiry: Inquiry, doing: str) -> None:
    if not inquiry.is_open:
        status = InquiryStatus(inquiry.status).label.lower()
        raise Conflict(f"status: an inquiry {status} cannot be {doing}", field="status")


def _medical_information_user(user: User | None, field: str) -> None:
    if user is not None and not is_medical_information(user):
        raise LiaisonError(
            f"{field}: {user.get_username()} is not in {MEDICAL_INFORMATION}", field=field
        )


def _hand_over(
    actor: User, inquiry: Inquiry, values: dict[str, Any], to_user: User | None, note: str
) -> Inquiry:
    """Write ``values`` and the step of the chain of custody that hands ``inquiry`` to
    medical information (to ``to_user`` when named), together."""
    with transaction.atomic():
        audit.update_record(actor=actor, instance=inquiry, values=values)
        audit.create_record(
            actor=actor,
            instance=Handoff(
                inquiry=inquiry,
                from_user=actor,
                to_user=to_user,
                to_team=MEDICAL_INFORMATION,
                note=note.strip(),
            ),
        )
    return inquiry


def forward_inquiry(
    *, actor: User, inquiry: Inquiry, to_user: User | None = None, note: str = ""
) -> Inquiry:
    """Hand an inquiry kept in the field to medical information (to one of them with
    ``to_user``); the chain of custody gains a step."""
    policy.require(actor, "view", inquiry)
    if inquiry.status != InquiryStatus.RECEIVED:
        status = InquiryStatus(inquiry.status).label.lower()
        raise Conflict(f"status: this inquiry is already {status}", field="status")
    policy.require(actor, "forward", inquiry)
    _medical_information_user(to_user, "to_user")
    values: dict[str, Any] = {"status": InquiryStatus.FORWARDED, "forwarded_at": timezone.now()}
    if to_user is not None:
        values["assigned_to"] = to_user
    return _hand_over(actor, inquiry, values, to_user, note)


def assign_inquiry(*, actor: User, inquiry: Inquiry, to_user: User, note: str = "") -> Inquiry:
    """Medical information gives an open inquiry to one of them, who works it
    (``in progress``). An inquiry still in the field is taken over."""
    policy.require(actor, "work", inquiry)
    _require_open(inquiry, "assigned")
    _medical_information_user(to_user, "to_user")
    values: dict[str, Any] = {"assigned_to": to_user, "status": InquiryStatus.IN_PROGRESS}
    if inquiry.forwarded_at is None:
        values["forwarded_at"] = timezone.now()
    return _hand_over(actor, inquiry, values, to_user, note)


def set_priority(*, actor: User, inquiry: Inquiry, priority: str, reason: str) -> Inquiry:
    """Change an open inquiry's priority, saying why; its due day is computed again
    from the day it was received."""
    policy.require(actor, "work", inquiry)
    _require_open(inquiry, "reprioritised")
    errors: dict[str, str] = {}
    if priority not in Priority.values:
        names = ", ".join(Priority.values)
        errors["priority"] = f"{priority!r} is not a priority; choose one of {names}"
    if not reason.strip():
        errors["reason"] = "say why the priority changes"
    if errors:
        raise refusal(errors, Inquiry)
    due = turnaround.due_on(
        inquiry.received_at,
        priority,
        inquiry.requester_country,
        turnaround.subdivision_of(inquiry),
        turnaround.zone_of(inquiry),
    )
    with transaction.atomic():
        audit.update_record(
            actor=actor,
            instance=inquiry,
            values={"priority": priority, "due_on": due},
            reason=reason.strip(),
        )
    return inquiry


def cancel_inquiry(*, actor: User, inquiry: Inquiry, reason: str) -> Inquiry:
    """Cancel an open inquiry (taken by mistake, withdrawn), saying why: its receiver
    while it is still with them, or medical information."""
    if not (policy.can(actor, "change", inquiry) or policy.can(actor, "work", inquiry)):
        policy.require(actor, "view", inquiry)
        raise PermissionDenied("you may not cancel this inquiry")
    _require_open(inquiry, "cancelled")
    if not reason.strip():
        raise LiaisonError("reason: say why the inquiry is cancelled", field="reason")
    with transaction.atomic():
        audit.update_record(
            actor=actor,
            instance=inquiry,
            values={"status": InquiryStatus.CANCELLED, "closed_at": timezone.now()},
            reason=reason.strip(),
        )
    return inquiry


def close_inquiry(*, actor: User, inquiry: Inquiry, reason: str = "") -> Inquiry:
    """Medical information closes an inquiry: an answered one as it is, an open one
    (no answer will be sent) only with a reason."""
    policy.require(actor, "work", inquiry)
    if inquiry.status in (InquiryStatus.CLOSED, InquiryStatus.CANCELLED):
        status = InquiryStatus(inquiry.status).label.lower()
        raise Conflict(f"status: this inquiry is already {status}", field="status")
    if inquiry.status != InquiryStatus.ANSWERED and not reason.strip():
        raise LiaisonError(
            "reason: this inquiry has no answer; say why it is closed without one",
            field="reason",
        )
    with transaction.atomic():
        audit.update_record(
            actor=actor,
            instance=inquiry,
            values={"status": InquiryStatus.CLOSED, "closed_at": timezone.now()},
            reason=reason.strip(),
        )
    return inquiry
