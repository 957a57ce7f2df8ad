"""Insights and follow-ups captured from the field: on their own, or inline while
logging an interaction (:func:`liaison.engagement.services.interactions.create_interaction`
calls these in its transaction).

Defaults: an insight's MSL is its author and its country is its HCP's; a
follow-up's owner is its author. A follow-up is never due before the
interaction it came from.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from liaison.core import audit, policy, refusals
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.models import User
from liaison.engagement.models import (
    FollowUp,
    Insight,
    InsightSource,
    Interaction,
    StrategicQuestion,
)
from liaison.engagement.services.data import FollowUpData, InsightData
from liaison.lib.validation import field_label, validation_error

INSIGHT_M2M = ("strategic_questions", "publications", "trials")
INSIGHT_FIELDS = (
    "statement",
    "category",
    "therapeutic_area",
    "product",
    "source",
    "interaction",
    "hcp",
    "country",
    "tags",
    *INSIGHT_M2M,
)
FOLLOW_UP_FIELDS = ("description", "due", "hcp", "interaction")


def interaction_date(interaction: Interaction) -> dt.date:
    """The day an interaction happened, where it happened (its time zone)."""
    try:
        zone = zoneinfo.ZoneInfo(interaction.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return interaction.occurred_at.date()
    return interaction.occurred_at.astimezone(zone).date()


def due_error(due: object, interaction: Interaction | None) -> str | None:
    """Why ``due`` is refused for a follow-up of ``interaction`` (None: accepted)."""
    if interaction is None or not isinstance(due, dt.date):
        return None
    day = interaction_date(interaction)
    if due < day:
        return f"a follow-up cannot be due before its interaction ({day:%d %b %Y})"
    return None


def _check_interaction(actor: User, interaction: Interaction | None) -> None:
    """Only whoever may change (or amend) the interaction attaches records to it."""
    if interaction is None:
        return
    if interaction.pk is None:
        raise LiaisonError("the interaction is not saved yet", field="interaction")
    if interaction.msl_id != actor.pk and not (
        policy.can(actor, "change", interaction) or policy.can(actor, "amend", interaction)
    ):
        raise PermissionDenied(
            "only the interaction's MSL adds insights and follow-ups to it", field="interaction"
        )


def build_insight(*, actor: User, data: InsightData) -> tuple[Insight, dict[str, Any]]:
    """The unsaved insight ``data`` describes with its defaults, and its lists."""
    values: dict[str, Any] = dict(data)
    refusals.check_keys(values, INSIGHT_FIELDS, "an insight")
    m2m = {name: list(values.pop(name)) for name in INSIGHT_M2M if name in values}
    hcp = values.get("hcp")
    if not values.get("country") and hcp is not None:
        values["country"] = hcp.country
    if "source" not in values:
        values["source"] = InsightSource.INTERACTION
    values.setdefault("tags", [])
    values["statement"] = (values.get("statement") or "").strip()
    insight = Insight(msl=actor, **values)
    return insight, m2m


def question_error(insight: Insight, questions: list[StrategicQuestion]) -> str | None:
    """Why the strategic questions are refused for ``insight`` (None: accepted): a
    retired question, or one of another therapeutic area than the insight's."""
    for question in questions:
        if not question.active:
            return f"“{question}” is no longer an active strategic question"
        if (
            insight.therapeutic_area_id is not None
            and question.therapeutic_area_id != insight.therapeutic_area_id
        ):
            return (
                f"“{question}” is a question of {question.therapeutic_area}, not of the "
                "insight's therapeutic area"
            )
    return None


def check_insight(insight: Insight, m2m: dict[str, Any] | None = None) -> dict[str, str]:
    """Every field's reason ``insight`` (with its lists ``m2m``) would be refused ({}
    when it is fine)."""
    errors: dict[str, str] = {}
    reason = question_error(insight, list((m2m or {}).get("strategic_questions", [])))
    if reason:
        errors["strategic_questions"] = reason
    try:
        insight.full_clean(exclude=["interaction"] if insight.interaction_id is None else None)
    except ValidationError as error:
        errors = validation_error(error, model=Insight).details
    if not insight.statement:
        errors["statement"] = "say what you heard"
    if insight.category_id is None:
        errors["category"] = "choose a category"
    return errors


def create_insight(*, actor: User, data: InsightData) -> Insight:
    """Capture an insight (audited)."""
    policy.require(actor, "add", Insight)
    insight, m2m = build_insight(actor=actor, data=data)
    _check_interaction(actor, insight.interaction)
    errors = check_insight(insight, m2m)
    if errors:
        raise refusal(errors, Insight)
    try:
        with transaction.atomic():
            audit.create_record(actor=actor, instance=insight, m2m=m2m)
    except ValidationError as error:
        raise validation_error(error, model=Insight) from None
    return insight


def update_insight(
    *, actor: User, insight: Insight, data: InsightData, reason: str = ""
) -> dict[str, list[Any]]:
    """Its author's change of an insight (policy ``change``); returns the audited diff."""
    policy.require(actor, "change", insight)
    values: dict[str, Any] = dict(data)
    refusals.check_keys(values, INSIGHT_FIELDS, "an insight")
    m2m = {name: list(values.pop(name)) for name in INSIGHT_M2M if name in values}
    if "statement" in values:
        values["statement"] = (values["statement"] or "").strip()
    if "interaction" in values:
        _check_interaction(actor, values["interaction"])
    if "hcp" in values and values["hcp"] is not None and "country" not in values:
        values["country"] = values["hcp"].country
    if "strategic_questions" in m2m or "therapeutic_area" in values:
        probe = Insight(therapeutic_area=values.get("therapeutic_area", insight.therapeutic_area))
        questions = m2m.get("strategic_questions", list(insight.strategic_questions.all()))
        refused = question_error(probe, questions)
        if refused:
            raise LiaisonError(refused, field="strategic_questions")
    try:
        with transaction.atomic():
            return audit.update_record(
                actor=actor, instance=insight, values=values, m2m=m2m, reason=reason
            )
    except ValidationError as error:
        insight.refresh_from_db()
        raise validation_error(error, model=Insight) from None


def build_follow_up(*, actor: User, data: FollowUpData) -> FollowUp:
    values: dict[str, Any] = dict(data)
    refusals.check_keys(values, FOLLOW_UP_FIELDS, "a follow-up")
    values["description"] = (values.get("description") or "").strip()
    return FollowUp(owner=actor, **values)


def _follow_up_words(errors: dict[str, str], follow_up: FollowUp) -> dict[str, str]:
    if not follow_up.description:
        errors["description"] = "say what was promised"
    if follow_up.due is None:
        errors["due"] = "give the date it is due"
    return errors


def check_follow_up(follow_up: FollowUp, interaction: Interaction | None) -> dict[str, str]:
    """Every field's reason ``follow_up`` would be refused ({} when it is fine)."""
    errors: dict[str, str] = {}
    try:
        follow_up.full_clean(exclude=["interaction"] if follow_up.interaction_id is None else None)
    except ValidationError as error:
        errors.update(validation_error(error, model=FollowUp).details)
    reason = due_error(follow_up.due, interaction)
    if reason and "due" not in errors:
        errors["due"] = reason
    return _follow_up_words(errors, follow_up)


def create_follow_up(*, actor: User, data: FollowUpData) -> FollowUp:
    """Record something promised (audited). Due on or after its interaction's day."""
    policy.require(actor, "add", FollowUp)
    follow_up = build_follow_up(actor=actor, data=data)
    interaction = data.get("interaction")
    _check_interaction(actor, interaction)
    errors = check_follow_up(follow_up, interaction)
    if errors:
        raise refusal(errors, FollowUp)
    with transaction.atomic():
        audit.create_record(actor=actor, instance=follow_up)
    return follow_up


#: Fields whose model gives them no readable name ("Hcps").
LABELS = {"hcps": "HCPs who attended", "hcp": "HCP"}
#: An inline record's place (``insights.0.category``) in words.
PLACES = {"insights": "Insight", "follow_ups": "Follow-up"}


def _label(model: type[Any] | None, field: str) -> str:
    """``hcps`` -> "HCPs who attended"; ``follow_ups.0.due`` -> "Follow-up 1, due"."""
    *place, name = field.split(".")
    label = LABELS.get(name) or field_label(model, name)
    if len(place) == 2 and place[0] in PLACES and place[1].isdigit():
        return f"{PLACES[place[0]]} {int(place[1]) + 1}, {label[:1].lower()}{label[1:]}"
    return label


def refusal(errors: dict[str, str], model: type[Any] | None = None) -> LiaisonError:
    """One error naming every field in words (the first as ``field``)."""
    return refusals.refusal(errors, lambda field: _label(model, field))
