"""Interactions: logged (with their inline insights and follow-ups, in one
transaction), edited in the edit window, amended with a reason after it, and
deleted by an administrator with a reason. Every change is audited.

The rules, said together for every field they concern: at least one HCP
attended (``hcps``); it happened, not in the future (``occurred_at``); its time
zone is an IANA name (``time_zone``); a meeting link is an https address (Zoom,
Microsoft Teams and Webex links are recognised: :func:`meeting_service`); a
product discussed outside its labelled indications makes it off-label
(:mod:`liaison.engagement.offlabel`, set here, never by the caller), which needs
the attestation that the HCP asked unprompted (``unsolicited``, who asked); an
inline follow-up is not due before the interaction (``follow_ups.0.due``), an
inline insight's errors are named by its place (``insights.1.statement``).
"""

from __future__ import annotations

import copy
import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from liaison.core import audit, policy, registry
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.models import User
from liaison.directory.models import HCP, Product, TherapeuticArea
from liaison.engagement.models import (
    Interaction,
    InteractionDraft,
    Meeting,
    MeetingStatus,
)
from liaison.engagement.offlabel import Finding, off_label_findings
from liaison.engagement.services import capture
from liaison.engagement.services.data import FollowUpData, InsightData, InteractionData
from liaison.lib.validation import validation_error

INTERACTION_M2M = ("hcps", "therapeutic_areas", "products", "publications", "trials")
INTERACTION_FIELDS = (
    "occurred_at",
    "time_zone",
    "duration_minutes",
    "other_attendees",
    "channel",
    "kind",
    "location",
    "meeting_link",
    "topics",
    "materials",
    "notes",
    "outcome",
    "unsolicited",
    "unsolicited_requested_by",
    "unsolicited_how",
    "meeting",
    *INTERACTION_M2M,
)
INLINE = ("insights", "follow_ups")

#: Host names (and their subdomains) of the meeting services people link to.
MEETING_SERVICES = (
    (("zoom.us", "zoom.com", "zoomgov.com"), "Zoom"),
    (("teams.microsoft.com", "teams.live.com", "teams.microsoft.us"), "Microsoft Teams"),
    (("webex.com",), "Webex"),
)


def meeting_service(url: str | None) -> str | None:
    """ "Zoom", "Microsoft Teams" or "Webex" for a link to one of them, else None."""
    if not url:
        return None
    try:
        host = (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    for domains, name in MEETING_SERVICES:
        if any(host == domain or host.endswith(f".{domain}") for domain in domains):
            return name
    return None


def _aware(values: dict[str, Any]) -> None:
    """A date and time without an offset is read in the interaction's time zone."""
    when = values.get("occurred_at")
    if isinstance(when, dt.datetime) and when.tzinfo is None:
        try:
            zone = zoneinfo.ZoneInfo(str(values.get("time_zone") or settings.TIME_ZONE))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            zone = zoneinfo.ZoneInfo("UTC")
        values["occurred_at"] = when.replace(tzinfo=zone)


def _check_keys(values: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise LiaisonError(f"{unknown[0]}: not a field of an interaction", field=unknown[0])


def off_label_reason(findings: list[Finding]) -> str:
    said = "; ".join(finding.text for finding in findings)
    return (
        f"off-label ({said}): confirm that the HCP asked unprompted (unsolicited), "
        "and say who asked and how"
    )


def _check(
    interaction: Interaction, m2m: dict[str, list[Any]], findings: list[Finding]
) -> dict[str, str]:
    """Every reason the interaction would be refused, by field."""
    errors: dict[str, str] = {}
    if not m2m.get("hcps"):
        errors["hcps"] = "add at least one HCP who attended"
    try:
        interaction.full_clean(exclude=["meeting"])
    except ValidationError as error:
        details = validation_error(error, model=Interaction).details
        for field, reason in details.items():
            errors.setdefault(field, reason)
    if interaction.occurred_at is None:
        errors["occurred_at"] = "say when it happened (date and time)"
    link = (interaction.meeting_link or "").strip()
    if link and "meeting_link" not in errors and urlsplit(link).scheme != "https":
        errors["meeting_link"] = "a meeting link starts with https://"
    if findings and interaction.unsolicited is not True:
        errors["unsolicited"] = off_label_reason(findings)
    elif not findings:
        errors.pop("unsolicited", None)
        errors.pop("unsolicited_requested_by", None)
    return errors


def _check_meeting(actor: User, meeting: Meeting | None, current: Interaction | None) -> str | None:
    if meeting is None:
        return None
    if not policy.can(actor, "change", meeting):
        raise PermissionDenied("only the meeting's organizer logs it", field="meeting")
    logged = Interaction.objects.filter(meeting=meeting)
    if current is not None and current.pk is not None:
        logged = logged.exclude(pk=current.pk)
    if logged.exists():
        return "this meeting is already logged as an interaction"
    if meeting.status == MeetingStatus.CANCELLED:
        return "this meeting was cancelled"
    return None


def _prefixed(error: LiaisonError, prefix: str) -> LiaisonError:
    details = {
        f"{prefix}.{field}" if field != "__all__" else prefix: reason
        for field, reason in error.details.items()
    } or {prefix: error.message}
    return capture.refusal(details)


def _inline_insight(item: InsightData, hcps: list[HCP]) -> InsightData:
    data: dict[str, Any] = dict(item)
    data.pop("interaction", None)
    if "hcp" not in data and len(hcps) == 1:
        data["hcp"] = hcps[0]
    return data  # type: ignore[return-value]


def _inline_follow_up(item: FollowUpData, hcps: list[HCP]) -> FollowUpData:
    data: dict[str, Any] = dict(item)
    data.pop("interaction", None)
    if "hcp" not in data and len(hcps) == 1:
        data["hcp"] = hcps[0]
    return data  # type: ignore[return-value]


@dataclass
class _Prepared:
    interaction: Interaction
    m2m: dict[str, list[Any]]
    insights: list[InsightData]
    follow_ups: list[FollowUpData]
    meeting: Meeting | None
    errors: dict[str, str]


def _prepare(*, actor: User, data: InteractionData) -> _Prepared:
    """The unsaved interaction ``data`` describes and every reason to refuse it."""
    policy.require(actor, "add", Interaction)
    values: dict[str, Any] = dict(data)
    # Set from the labelled indications, whatever the caller says.
    values.pop("off_label", None)
    _check_keys(values, (*INTERACTION_FIELDS, *INLINE))
    raw_insights = list(values.pop("insights", None) or [])
    raw_follow_ups = list(values.pop("follow_ups", None) or [])
    m2m = {name: list(values.pop(name, None) or []) for name in INTERACTION_M2M}
    hcps: list[HCP] = m2m["hcps"]
    insights = [_inline_insight(item, hcps) for item in raw_insights]
    follow_ups = [_inline_follow_up(item, hcps) for item in raw_follow_ups]
    if not values.get("time_zone"):
        values["time_zone"] = settings.TIME_ZONE
    _aware(values)
    meeting = values.get("meeting")
    interaction = Interaction(msl=actor, **values)
    findings = off_label_findings(hcps, m2m["products"], m2m["therapeutic_areas"])
    interaction.off_label = bool(findings)

    errors = _check(interaction, m2m, findings)
    meeting_reason = _check_meeting(actor, meeting, None)
    if meeting_reason:
        errors["meeting"] = meeting_reason
    for index, item in enumerate(insights):
        try:
            insight, insight_m2m = capture.build_insight(actor=actor, data=item)
        except LiaisonError as error:
            errors.update(_prefixed(error, f"insights.{index}").details)
            continue
        for field, reason in capture.check_insight(insight, insight_m2m).items():
            errors[f"insights.{index}.{field}"] = reason
    for index, fu_item in enumerate(follow_ups):
        try:
            follow_up = capture.build_follow_up(actor=actor, data=fu_item)
        except LiaisonError as error:
            errors.update(_prefixed(error, f"follow_ups.{index}").details)
            continue
        known = interaction if interaction.occurred_at is not None else None
        for field, reason in capture.check_follow_up(follow_up, known).items():
            errors[f"follow_ups.{index}.{field}"] = reason
    return _Prepared(interaction, m2m, insights, follow_ups, meeting, errors)


def check_interaction(*, actor: User, data: InteractionData) -> dict[str, str]:
    """Every reason :func:`create_interaction` would refuse ``data``, by field,
    without writing anything ({} when it would log it). For a form that has its
    own reasons too (a date it could not read) and says them all at once."""
    return _prepare(actor=actor, data=data).errors


def create_interaction(
    *, actor: User, data: InteractionData, draft: InteractionDraft | None = None
) -> Interaction:
    """Log an interaction of ``actor`` with its inline insights and follow-ups.

    All or nothing: every refusal names its fields at once, and nothing is
    written. Logging a planned meeting marks it logged; the draft it was typed
    in is deleted."""
    if draft is not None and not policy.can(actor, "delete", draft):
        raise PermissionDenied("this draft is not yours", field="draft")
    prepared = _prepare(actor=actor, data=data)
    if prepared.errors:
        raise capture.refusal(prepared.errors, Interaction)
    interaction, m2m, meeting = prepared.interaction, prepared.m2m, prepared.meeting
    insights, follow_ups = prepared.insights, prepared.follow_ups

    try:
        with transaction.atomic():
            audit.create_record(actor=actor, instance=interaction, m2m=m2m)
            _screen(interaction, ("notes", "outcome"))
            for index, item in enumerate(insights):
                try:
                    capture.create_insight(actor=actor, data={**item, "interaction": interaction})
                except LiaisonError as error:
                    raise _prefixed(error, f"insights.{index}") from None
            for index, fu_item in enumerate(follow_ups):
                try:
                    capture.create_follow_up(
                        actor=actor, data={**fu_item, "interaction": interaction}
                    )
                except LiaisonError as error:
                    raise _prefixed(error, f"follow_ups.{index}") from None
            if meeting is not None and meeting.status == MeetingStatus.PLANNED:
                audit.update_record(
                    actor=actor, instance=meeting, values={"status": MeetingStatus.LOGGED}
                )
            if draft is not None and draft.pk is not None:
                draft.delete()
    except ValidationError as error:
        interaction.pk = None
        raise validation_error(error, model=Interaction) from None
    except LiaisonError:
        interaction.pk = None
        raise
    return interaction


SCREENED_FIELDS = (("notes", "Notes"), ("outcome", "Outcome"))


def _screen(interaction: Interaction, fields: tuple[str, ...]) -> None:
    """Hand the interaction's saved free text to the apps that screen it (safety
    looks for adverse events mentioned with our products), in this transaction. The
    author of what the text says is the interaction's MSL, who heard it, also when an
    administrator amends the notes."""
    texts = {
        label: getattr(interaction, name) or ""
        for name, label in SCREENED_FIELDS
        if name in fields and getattr(interaction, name)
    }
    if not texts:
        return
    hcps = list(interaction.hcps.all())
    names = ", ".join(str(hcp) for hcp in hcps[:3]) + (" and others" if len(hcps) > 3 else "")
    day = interaction.occurred_at.astimezone(zoneinfo.ZoneInfo(interaction.time_zone)).date()
    registry.screen_saved_text(
        registry.SavedText(
            kind="interaction",
            source="engagement.Interaction",
            source_id=interaction.pk,
            title=f"Interaction with {names} on {day:%d %b %Y}" if names else str(interaction),
            url=reverse("engagement:interaction-detail", args=[interaction.pk]),
            author=interaction.msl,
            texts=texts,
            heard_on=day,
            country=hcps[0].country if hcps else "",
        )
    )


def _current_m2m(interaction: Interaction, name: str) -> list[Any]:
    return list(getattr(interaction, name).all())


def update_interaction(
    *, actor: User, interaction: Interaction, data: InteractionData, reason: str = ""
) -> dict[str, list[Any]]:
    """Change an interaction: its author within the edit window (``change``);
    after it, an amendment (``amend``) with a reason, counted. Returns the
    audited diff ({} when nothing changed; no amendment is then counted)."""
    if policy.can(actor, "change", interaction):
        amending = False
    elif policy.can(actor, "amend", interaction):
        amending = True
    else:
        policy.require(actor, "change", interaction)
        raise PermissionDenied("you may not change this interaction")
    values: dict[str, Any] = dict(data)
    for name in INLINE:
        if name in values:
            raise LiaisonError(
                f"{name.replace('_', '-')} are added on their own once the interaction is logged",
                field=name,
            )
    values.pop("off_label", None)
    _check_keys(values, INTERACTION_FIELDS)
    m2m = {name: list(values.pop(name) or []) for name in INTERACTION_M2M if name in values}
    if "time_zone" in values and not values["time_zone"]:
        values["time_zone"] = settings.TIME_ZONE
    if "occurred_at" in values:
        when = values["occurred_at"]
        if isinstance(when, dt.datetime) and when.tzinfo is None:
            zone_values = {
                "occurred_at": when,
                "time_zone": values.get("time_zone", interaction.time_zone),
            }
            _aware(zone_values)
            values["occurred_at"] = zone_values["occurred_at"]
    final = {
        name: m2m[name] if name in m2m else _current_m2m(interaction, name)
        for name in ("hcps", "products", "therapeutic_areas")
    }
    hcps: list[HCP] = final["hcps"]
    products: list[Product] = final["products"]
    areas: list[TherapeuticArea] = final["therapeutic_areas"]
    findings = off_label_findings(hcps, products, areas)
    values["off_label"] = bool(findings)

    candidate = copy.copy(interaction)
    for name, value in values.items():
        setattr(candidate, name, value)
    errors = _check(candidate, final, findings)
    if "meeting" in values:
        meeting_reason = _check_meeting(actor, values["meeting"], interaction)
        if meeting_reason:
            errors["meeting"] = meeting_reason
    if amending and not reason.strip():
        errors["reason"] = "the edit window has closed: say why you amend this interaction"
    if errors:
        raise capture.refusal(errors, Interaction)

    before = audit.snapshot(interaction)
    changed = bool(audit.diff(before, audit.snapshot(candidate)))
    for name, records in m2m.items():
        current = sorted(getattr(interaction, name).values_list("pk", flat=True))
        if current != sorted(record.pk for record in records):
            changed = True
    if not changed:
        return {}
    if amending:
        values["amendment_count"] = interaction.amendment_count + 1
    try:
        with transaction.atomic():
            changes = audit.update_record(
                actor=actor, instance=interaction, values=values, m2m=m2m, reason=reason.strip()
            )
            _screen(interaction, tuple(name for name in ("notes", "outcome") if name in changes))
            return changes
    except ValidationError as error:
        interaction.refresh_from_db()
        raise validation_error(error, model=Interaction) from None


def delete_interaction(*, actor: User, interaction: Interaction, reason: str) -> None:
    """An administrator deletes an interaction with its insights and follow-ups,
    saying why (every record's deletion audited)."""
    policy.require(actor, "delete", interaction)
    if not reason.strip():
        raise LiaisonError("say why this interaction is deleted", field="reason")
    with transaction.atomic():
        for insight in list(interaction.insights.all()):
            audit.delete_record(actor=actor, instance=insight, reason=reason.strip())
        for follow_up in list(interaction.follow_ups.all()):
            audit.delete_record(actor=actor, instance=follow_up, reason=reason.strip())
        audit.delete_record(actor=actor, instance=interaction, reason=reason.strip())
