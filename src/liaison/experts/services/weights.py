"""An area's evidence definition and score weights: saved by administrators, audited,
each weight change a new version; either change queues a recompute of the area's
scores (a job whose page shows its progress)."""

from __future__ import annotations

from typing import Any, TypedDict

from django.db import transaction

from liaison.core import audit, policy
from liaison.core.errors import LiaisonError
from liaison.core.models import Job, User
from liaison.directory.models import TherapeuticArea
from liaison.experts import scoring_tasks
from liaison.experts.models import AreaDefinition, ExpertScore, WeightSet
from liaison.experts.weights import WeightsProblem, check_weights
from liaison.lib import query

#: The most descriptors or condition words an area names.
MAX_TERMS = 200
MAX_TERM_LENGTH = 300


class AreaDefinitionData(TypedDict, total=False):
    """What evidence belongs to an area; on update only the keys given change."""

    mesh_terms: list[str]
    search_query: str
    conditions: list[str]


DEFINITION_FIELDS = frozenset(AreaDefinitionData.__annotations__)


def _terms(values: Any, field: str) -> list[str]:
    if isinstance(values, str):
        values = values.splitlines()
    if not isinstance(values, list | tuple):
        raise LiaisonError(f"{field}: give a list of names", field=field)
    terms: list[str] = []
    for value in values:
        if not isinstance(value, str):
            raise LiaisonError(f"{field}: “{str(value)[:30]}” is not a name", field=field)
        term = " ".join(value.split())
        if len(term) > MAX_TERM_LENGTH:
            raise LiaisonError(
                f"{field}: “{term[:30]}…” is longer than {MAX_TERM_LENGTH} characters",
                field=field,
            )
        if term and term.casefold() not in {t.casefold() for t in terms}:
            terms.append(term)
    if len(terms) > MAX_TERMS:
        raise LiaisonError(f"{field}: at most {MAX_TERMS} names ({len(terms)} given)", field=field)
    return terms


def _definition_values(data: AreaDefinitionData) -> dict[str, Any]:
    unknown = sorted(set(data) - DEFINITION_FIELDS)
    if unknown:
        raise LiaisonError(f"{unknown[0]}: not a field of an area definition", field=unknown[0])
    values: dict[str, Any] = {}
    if "mesh_terms" in data:
        values["mesh_terms"] = _terms(data["mesh_terms"], "mesh_terms")
    if "conditions" in data:
        values["conditions"] = _terms(data["conditions"], "conditions")
    if "search_query" in data:
        text = str(data["search_query"]).strip()
        query.parse(text, field="search_query")  # a query the library cannot read is refused
        values["search_query"] = text
    return values


def save_area_definition(
    *, actor: User, area: TherapeuticArea, data: AreaDefinitionData
) -> AreaDefinition:
    """Create or change ``area``'s evidence definition (administrators) and queue a
    recompute of its scores when it changed."""
    definition = AreaDefinition.objects.filter(area=area).first()
    if definition is None:
        policy.require(actor, "add", AreaDefinition)
    else:
        policy.require(actor, "change", definition)
    values = _definition_values(data)
    with transaction.atomic():
        if definition is None:
            definition = AreaDefinition(area=area, **values)
            _checked(definition)
            audit.create_record(actor=actor, instance=definition)
            changed = True
        else:
            for name, value in values.items():
                setattr(definition, name, value)
            _checked(definition)
            definition.refresh_from_db()
            changed = bool(audit.update_record(actor=actor, instance=definition, values=values))
        if changed and policy.can(actor, "recompute", ExpertScore):
            scoring_tasks.start_recompute(actor=actor, area=area)
    return definition


def _checked(definition: AreaDefinition) -> None:
    if not (definition.mesh_terms or definition.search_query.strip() or definition.conditions):
        raise LiaisonError(
            "mesh_terms: name at least one MeSH descriptor, a library search or a trial condition",
            field="mesh_terms",
        )


def save_weights(*, actor: User, area: TherapeuticArea, weights: Any, note: str = "") -> WeightSet:
    """A new version of ``area``'s weights (administrators): checked (every number 0 or
    more, the half-life above 0, tier cut-offs increasing and below 100; the error
    names the key by its path under ``weights``, ``weights.tiers.2``), audited, and a
    recompute of the area's scores queued."""
    policy.require(actor, "add", WeightSet)
    try:
        checked = check_weights(weights)
    except WeightsProblem as problem:
        # The key's path under ``weights``, in the message as in the field; the
        # weights as a whole (not an object) are ``weights`` itself.
        field = "weights" if problem.field == "weights" else f"weights.{problem.field}"
        raise LiaisonError(f"{field}: {problem.reason}", field=field) from None
    note = note.strip()
    if len(note) > 2000:
        raise LiaisonError("note: at most 2,000 characters", field="note")
    with transaction.atomic():
        # Lock the area's versions so two saves never take the same number.
        latest = (
            WeightSet.objects.select_for_update()
            .filter(area=area)
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
        )
        weight_set = WeightSet(
            area=area, version=(latest or 0) + 1, weights=checked, created_by=actor, note=note
        )
        audit.create_record(actor=actor, instance=weight_set, reason=note)
        if policy.can(actor, "recompute", ExpertScore):
            scoring_tasks.start_recompute(actor=actor, area=area)
    return weight_set


def recompute_scores(*, actor: User, area: TherapeuticArea | None = None) -> Job:
    """Queue a recompute of ``area``'s scores (or every area's) as a job."""
    return scoring_tasks.start_recompute(actor=actor, area=area)
