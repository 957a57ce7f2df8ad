"""Merging two HCP records that are one person: everything that points at the
duplicate moves to the kept record, then the duplicate is deleted.

Generic on purpose: the relations are read from ``HCP._meta`` (every foreign
key, one-to-one and many-to-many pointing at HCP, hidden ones included), so
the records of higher layers (interactions, plans, scores, resolution
decisions) move without the directory importing them. Where moving a row would
break a uniqueness rule (both HCPs attend the same interaction, both work at
one organization in the same role, both have a score in one area), the
duplicate's row is dropped: the kept record already holds that fact.

The kept record takes the identifiers it lacks (ORCID iD, NPI and their
sources, e-mail addresses, credentials, languages, city and region), and the
duplicate's specialties, therapeutic areas and territories. Two records with
different ORCID iDs or different NPIs are two people: never merged.

:func:`merge_hcps` is the directory's operation (administrators);
:func:`merge_hcp_records` does the work for a caller that has asked the policy
itself (the experts' resolution queue, worked by insights leads too).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, models, transaction

from liaison.core import audit, policy
from liaison.core.audit import PendingEvent
from liaison.core.errors import Conflict, LiaisonError, PermissionDenied
from liaison.core.models import AuditAction, User
from liaison.directory.models import HCP

#: Fields of the kept record filled from the duplicate when the kept one has none.
FILL_BLANK = ("npi", "npi_source", "orcid", "orcid_source", "city", "region", "suffix")
#: List fields of the kept record extended with the duplicate's items.
UNION_LISTS = ("emails", "credentials", "languages")


@dataclass
class MergeReport:
    """What a merge did: rows moved and rows dropped per model label, identifiers copied."""

    keep_id: int
    duplicate_id: int
    duplicate_label: str
    moved: dict[str, int] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)
    copied: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        moved = ", ".join(f"{count} {label}" for label, count in sorted(self.moved.items()))
        text = f"merged {self.duplicate_label} into HCP {self.keep_id}"
        if moved:
            text += f" (moved: {moved})"
        return text


@dataclass(frozen=True)
class _Link:
    """A table holding a foreign key to HCP: ``model`` and its ``field``; for a
    many-to-many without a model of its own, ``owner`` is the model whose field it is
    (``owner_field`` the through table's key to it), so its audit trail shows the change."""

    model: type[models.Model]
    field: models.ForeignKey[Any, Any]
    owner: type[models.Model] | None = None
    owner_field: str = ""
    owner_m2m: str = ""


def _links() -> list[_Link]:
    links: list[_Link] = []
    for relation in HCP._meta.get_fields(include_hidden=True):
        if not relation.auto_created or relation.concrete:
            continue
        if relation.many_to_many:
            m2m: Any = relation.field  # type: ignore[union-attr]
            through: Any = m2m.remote_field.through
            to_hcp = next(
                f
                for f in through._meta.concrete_fields
                if isinstance(f, models.ForeignKey) and f.related_model is HCP
            )
            owner_key = next(
                f
                for f in through._meta.concrete_fields
                if isinstance(f, models.ForeignKey) and f is not to_hcp
            )
            auto = through._meta.auto_created
            links.append(
                _Link(
                    through,
                    to_hcp,
                    owner=m2m.model if auto else None,
                    owner_field=owner_key.attname,
                    owner_m2m=m2m.name,
                )
            )
        elif relation.one_to_many or relation.one_to_one:
            fk = relation.field  # type: ignore[union-attr]
            # An automatic many-to-many table is reached through its field (above or below).
            if isinstance(fk, models.ForeignKey) and not fk.model._meta.auto_created:
                links.append(_Link(fk.model, fk))
    # HCP's own many-to-many fields (specialties, areas, territories).
    for m2m_field in HCP._meta.many_to_many:
        own_through: Any = m2m_field.remote_field.through
        to_hcp = next(
            f
            for f in own_through._meta.concrete_fields
            if isinstance(f, models.ForeignKey) and f.related_model is HCP
        )
        links.append(_Link(own_through, to_hcp))
    return links


def _unique_sets(model: type[models.Model], name: str) -> list[tuple[str, ...]]:
    """The other columns of every uniqueness rule of ``model`` that includes ``name``."""
    sets: list[tuple[str, ...]] = []
    opts = model._meta
    for together in opts.unique_together:
        if name in together:
            sets.append(tuple(part for part in together if part != name))
    for constraint in opts.total_unique_constraints:
        if name in constraint.fields:
            sets.append(tuple(part for part in constraint.fields if part != name))
    if opts.get_field(name).unique:  # type: ignore[union-attr]
        sets.append(())
    return sets


def _is_audited(model: type[models.Model]) -> bool:
    return audit.record_type_of(model) in audit.declared_record_types()


def _attnames(model: type[models.Model], names: tuple[str, ...]) -> list[str]:
    return [str(model._meta.get_field(name).attname) for name in names]  # type: ignore[union-attr]


def _move(
    actor: User | None, link: _Link, keep: int, duplicate: int, reason: str
) -> tuple[int, int]:
    """Re-point ``link``'s rows from ``duplicate`` to ``keep``; returns (moved, dropped)."""
    model, column = link.model, link.field.attname
    manager = model._default_manager
    colliding: set[Any] = set()
    for others in _unique_sets(model, link.field.name):
        if not others:
            if manager.filter(**{column: keep}).exists():
                colliding.update(manager.filter(**{column: duplicate}).values_list("pk", flat=True))
            continue
        names = _attnames(model, others)
        kept = set(manager.filter(**{column: keep}).values_list(*names))
        for pk, *values in manager.filter(**{column: duplicate}).values_list("pk", *names):
            if tuple(values) in kept:
                colliding.add(pk)
    owners_before: dict[Any, list[int]] = {}
    if link.owner is not None and _is_audited(link.owner):
        affected = list(
            manager.filter(**{column: duplicate}).values_list(link.owner_field, flat=True)
        )
        for owner_id, hcp_id in manager.filter(**{f"{link.owner_field}__in": affected}).values_list(
            link.owner_field, column
        ):
            owners_before.setdefault(owner_id, []).append(hcp_id)
    if colliding:
        doomed = manager.filter(pk__in=colliding)
        if _is_audited(model):
            for instance in doomed:
                audit.delete_record(actor=actor, instance=instance, reason=reason)
        else:
            doomed.delete()
    events: list[PendingEvent] = []
    if _is_audited(model):
        for instance in manager.filter(**{column: duplicate}):
            events.append(
                PendingEvent(
                    action=AuditAction.UPDATE,
                    record_type=audit.record_type_of(model),
                    record_id=instance.pk,
                    record_label=str(instance),
                    changes={link.field.name: [duplicate, keep]},
                )
            )
    moved = manager.filter(**{column: duplicate}).update(**{column: keep})
    if link.owner is not None and owners_before:
        owner_label = link.owner._meta.verbose_name
        for owner_id, before in owners_before.items():
            after = sorted({keep if pk == duplicate else pk for pk in before})
            events.append(
                PendingEvent(
                    action=AuditAction.UPDATE,
                    record_type=audit.record_type_of(link.owner),
                    record_id=owner_id,
                    record_label=f"{owner_label} {owner_id}",
                    changes={link.owner_m2m: [sorted(before), after]},
                )
            )
    if events:
        audit.record_events(actor=actor, events=events, reason=reason)
    return moved, len(colliding)


def _identifiers(keep: HCP, duplicate: HCP) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in FILL_BLANK:
        if not getattr(keep, name) and getattr(duplicate, name):
            values[name] = getattr(duplicate, name)
    for name in UNION_LISTS:
        current = list(getattr(keep, name) or [])
        extra = [item for item in getattr(duplicate, name) or [] if item not in current]
        if extra:
            values[name] = current + extra
    if "region" in values and keep.country != duplicate.country:
        del values["region"]  # a region of another country would not validate
    return values


def _check_mergeable(keep: HCP, duplicate: HCP) -> None:
    if keep.pk == duplicate.pk:
        raise LiaisonError("duplicate: choose another HCP than the one kept", field="duplicate")
    if keep.orcid and duplicate.orcid and keep.orcid != duplicate.orcid:
        raise LiaisonError(
            f"duplicate: {duplicate.full_name} has the ORCID iD {duplicate.orcid} and "
            f"{keep.full_name} {keep.orcid}: two ORCID iDs are two people",
            field="duplicate",
        )
    if keep.npi and duplicate.npi and keep.npi != duplicate.npi:
        raise LiaisonError(
            f"duplicate: {duplicate.full_name} has the NPI {duplicate.npi} and "
            f"{keep.full_name} {keep.npi}: two NPIs are two people",
            field="duplicate",
        )


def merge_hcp_records(
    *, actor: User | None, keep: HCP, duplicate: HCP, reason: str = ""
) -> MergeReport:
    """Merge ``duplicate`` into ``keep`` (see the module), in one transaction with its
    audit events. The caller has asked the policy whether ``actor`` may merge."""
    _check_mergeable(keep, duplicate)
    try:
        with transaction.atomic():
            keep = HCP.objects.select_for_update().get(pk=keep.pk)
            duplicate = HCP.objects.select_for_update().get(pk=duplicate.pk)
            _check_mergeable(keep, duplicate)
            report = MergeReport(keep.pk, duplicate.pk, f"{duplicate.full_name} ({duplicate.pk})")
            why = reason or report.summary
            for link in _links():
                moved, dropped = _move(actor, link, keep.pk, duplicate.pk, why)
                label = str((link.owner or link.model)._meta.verbose_name_plural)
                if moved:
                    report.moved[label] = report.moved.get(label, 0) + moved
                if dropped:
                    report.dropped[label] = report.dropped.get(label, 0) + dropped
            values = _identifiers(keep, duplicate)
            report.copied = sorted(values)
            # The unique identifiers leave the duplicate before the kept record takes them.
            HCP.objects.filter(pk=duplicate.pk).update(npi=None, orcid=None)
            duplicate.refresh_from_db()
            audit.update_record(actor=actor, instance=keep, values=values, reason=why)
            audit.record_event(
                actor=actor,
                action=AuditAction.UPDATE,
                instance=keep,
                changes={"merged_from": [None, duplicate.pk]},
                reason=why,
            )
            audit.delete_record(actor=actor, instance=duplicate, reason=why)
    except IntegrityError as error:
        raise Conflict(f"the merge conflicts with another record: {error}") from None
    return report


def merge_hcps(*, actor: User, keep: HCP, duplicate: HCP, reason: str = "") -> MergeReport:
    """The directory's merge: administrators only (it deletes a record and re-points
    every team's records); see :func:`merge_hcp_records`."""
    if not policy.is_admin(actor) or not policy.can(actor, "change", keep):
        raise PermissionDenied("only administrators merge HCPs")
    if not policy.can(actor, "delete", duplicate):
        raise PermissionDenied("only administrators merge HCPs")
    return merge_hcp_records(actor=actor, keep=keep, duplicate=duplicate, reason=reason)
