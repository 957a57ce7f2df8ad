"""Writing validated rows: the machinery the writers share.

One writer per kind of record (:mod:`.hcp_writer`, :mod:`.organization_writer`;
affiliations in :mod:`.affiliations`). A writer is used twice over a file:

* :meth:`RowWriter.check` in the check pass matches a batch of rows with the
  records they would update (bulk look-ups by Liaison ID, NPI, ORCID or name,
  no writes) and reports the rows that clash with the database or with an
  earlier row;
* :meth:`RowWriter.write` in the write pass, inside the caller's transaction,
  matches again, inserts the new records, updates the changed ones and audits
  each (existing records, relations and affiliations prefetched in bulk); an
  unchanged record gets no write and no event. A clash found only now (the
  database changed since the check) raises :class:`WriteClash`.

Both passes note in the report what each row does (:class:`~.report.RowMatch`)
and hold back the HCP rows that match on name and country alone and would
change their HCP, unless the user confirmed them (``match_names`` for all, or
``confirmed`` (row, record id) pairs seen in the web's review).
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone

from liaison.core import audit
from liaison.core.models import AuditAction, Territory, User
from liaison.directory.importing.report import ImportReport
from liaison.directory.importing.validation import CheckedRow, Problem
from liaison.directory.models import (
    OrganizationType,
)
from liaison.lib import bulk

BATCH_SIZE = 500
DEFAULT_ORGANIZATION_TYPE = OrganizationType.HOSPITAL

HCP_PLAIN_FIELDS = (
    "given_name",
    "family_name",
    "suffix",
    "credentials",
    "npi",
    "orcid",
    "emails",
    "country",
    "region",
    "city",
    "languages",
    "contact_channels",
    "consent_date",
    "consent_source",
)
ORGANIZATION_PLAIN_FIELDS = ("name", "type", "address", "city", "region", "postal_code", "country")
AFFILIATION_FIELDS = {
    "affiliation_role": "role",
    "affiliation_start": "start_date",
    "affiliation_end": "end_date",
}


def json_state(instance: models.Model, names: Sequence[str]) -> dict[str, Any]:
    return {name: audit.to_json_value(getattr(instance, name)) for name in names}


_SCALARS = frozenset({str, int, float, bool})


@functools.cache
def _audited_fields(model: type[models.Model]) -> tuple[tuple[str, str], ...]:
    return tuple(
        (field.name, field.attname)
        for field in model._meta.concrete_fields
        if field.name != "search_name"
    )


def changed_fields(instance: models.Model, values: Mapping[str, Any]) -> list[str]:
    """The names in ``values`` whose value differs from ``instance``'s, compared as
    the audit trail records them (nothing is set on ``instance``)."""
    return [
        name
        for name, value in values.items()
        if audit.to_json_value(getattr(instance, name)) != audit.to_json_value(value)
    ]


def created_changes(instance: models.Model, m2m: Mapping[str, list[int]]) -> dict[str, Any]:
    """What :func:`audit.create_record` records: every non-empty field and m2m, as JSON."""
    changes: dict[str, Any] = {}
    for name, attname in _audited_fields(type(instance)):
        value = getattr(instance, attname)
        if value is None or value == "" or value == [] or value == {}:
            continue
        changes[name] = [None, value if type(value) in _SCALARS else audit.to_json_value(value)]
    for name, ids in m2m.items():
        if ids:
            changes[name] = [None, sorted(ids)]
    return changes


def _m2m_through(model: type[models.Model], name: str) -> tuple[type[models.Model], str, str]:
    m2m_field = model._meta.get_field(name)
    assert isinstance(m2m_field, models.ManyToManyField)
    through = m2m_field.remote_field.through
    assert through is not None and not isinstance(through, str)
    return through, m2m_field.m2m_column_name(), m2m_field.m2m_reverse_name()


def current_m2m(
    model: type[models.Model], names: Sequence[str], pks: Sequence[int]
) -> dict[str, dict[int, list[int]]]:
    current: dict[str, dict[int, list[int]]] = {}
    for name in names:
        through, source, target = _m2m_through(model, name)
        by_pk: dict[int, list[int]] = {pk: [] for pk in pks}
        for owner, other in through._default_manager.filter(**{f"{source}__in": pks}).values_list(
            source, target
        ):
            by_pk[owner].append(other)
        current[name] = {pk: sorted(ids) for pk, ids in by_pk.items()}
    return current


def replace_m2m(
    model: type[models.Model], name: str, wanted: Mapping[int, list[int]], *, new: bool = False
) -> None:
    """Set the ``name`` relation of each record in ``wanted`` (pk -> ids) in bulk;
    ``new`` records have no relations yet to remove."""
    if not wanted:
        return
    through, source, target = _m2m_through(model, name)
    if not new:
        through._default_manager.filter(**{f"{source}__in": list(wanted)}).delete()
    bulk.insert_rows(
        through, [source, target], [(pk, other) for pk, ids in wanted.items() for other in ids]
    )


@dataclass
class Planned:
    row: int
    instance: models.Model
    created: bool
    changes: dict[str, Any]
    m2m: dict[str, list[int]]


class WriteClash(Exception):
    """A row that passed the check pass clashes when written: the database
    changed in between. The caller rolls its batch back and stops."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class RowWriter:
    """Shared machinery: match a batch (no writes), then write it in bulk."""

    model: type[models.Model]
    plain_fields: tuple[str, ...]
    m2m_fields: tuple[str, ...]

    def __init__(
        self,
        *,
        actor: User,
        file_name: str,
        report: ImportReport,
        columns: Mapping[str, str],
        match_names: bool = False,
        confirmed: Collection[tuple[int, int]] = (),
    ) -> None:
        self.actor = actor
        self.columns = columns
        self.file_name = file_name
        self.report = report
        #: Apply every match on name alone (the CLI's ``--match-names``) ...
        self.match_names = match_names
        #: ... or those the user confirmed: (row, record id) pairs.
        self.confirmed = frozenset((int(row), int(pk)) for row, pk in confirmed)
        #: In the write pass a clash raises :class:`WriteClash` instead of being reported.
        self.writing = False
        self.source_label = f"import:{file_name}"[:120]
        self.matched: dict[int, int] = {}  # existing pk -> first row that matched it
        self.territory_ids = dict(Territory.objects.values_list("code", "pk"))

    def conflict(self, checked: CheckedRow, name: str, value: str, reason: str) -> None:
        """A row that is valid alone but clashes with the database: reported
        and skipped in the check pass (where, unless skipping, it stops the
        import before anything is written); :class:`WriteClash` when writing."""
        column = self.columns.get(name, "")
        problem = Problem(self.file_name, checked.row, column, name, value, reason)
        if self.writing:
            raise WriteClash(problem)
        self.report.add(problem)
        self.report.skipped += 1

    def check(self, batch: Sequence[CheckedRow]) -> None:
        """Match ``batch`` with the records its rows would update, without
        writing; clashes go into the report, and so does what each row does
        (held back rows, and every row's match when the report keeps them)."""
        raise NotImplementedError

    def name_match_confirmed(self, row: int, record_id: int) -> bool:
        """Whether the user confirmed that ``row`` updates record ``record_id``,
        which it matches on name alone."""
        return self.match_names or (row, record_id) in self.confirmed

    def write(self, batch: Sequence[CheckedRow]) -> None:
        """Write ``batch`` (rows the check pass passed) in the caller's transaction."""
        raise NotImplementedError

    def forget(self) -> None:
        """Drop what the writer remembers of records it wrote: after a rolled
        back batch (a dry run) they no longer exist."""

    def claim(self, checked: CheckedRow, existing: models.Model, label: str) -> bool:
        """Refuse a second row updating a record an earlier row already updated."""
        first = self.matched.setdefault(existing.pk, checked.row)
        if first != checked.row:
            self.conflict(
                checked, "", "", f"updates the same {label} (#{existing.pk}) as row {first}"
            )
            return False
        return True

    def plan_update(
        self,
        instance: models.Model,
        values: Mapping[str, Any],
        m2m_now: Mapping[str, list[int]],
        m2m_wanted: Mapping[str, list[int]],
    ) -> tuple[dict[str, Any], dict[str, list[int]]]:
        before = json_state(instance, list(values))
        for name, value in values.items():
            setattr(instance, name, value)
        after = json_state(instance, list(values))
        changes: dict[str, Any] = {
            name: [before[name], after[name]] for name in values if before[name] != after[name]
        }
        m2m_changed: dict[str, list[int]] = {}
        for name, ids in m2m_wanted.items():
            wanted = sorted(set(ids))
            if m2m_now.get(name, []) != wanted:
                changes[name] = [m2m_now.get(name, []), wanted]
                m2m_changed[name] = wanted
        return changes, m2m_changed

    def save(self, planned: list[Planned]) -> None:
        now = timezone.now()
        new = [item for item in planned if item.created]
        changed = [item for item in planned if not item.created and item.changes]
        for item in new:
            self.prepare(item.instance)
        bulk.insert_instances(self.model, [item.instance for item in new])
        update_fields: set[str] = set()
        for item in changed:
            self.prepare(item.instance)
            update_fields.update(name for name in item.changes if name not in self.m2m_fields)
            setattr(item.instance, "updated_at", now)  # noqa: B010 - both models have it
        if update_fields:
            self.model._default_manager.bulk_update(
                [item.instance for item in changed if set(item.changes) - set(self.m2m_fields)],
                [*sorted(update_fields | self.derived_fields()), "updated_at"],
            )
        for name in self.m2m_fields:
            replace_m2m(
                self.model,
                name,
                {item.instance.pk: item.m2m[name] for item in new if name in item.m2m},
                new=True,
            )
            replace_m2m(
                self.model,
                name,
                {
                    item.instance.pk: item.m2m[name]
                    for item in changed
                    if name in item.m2m and name in item.changes
                },
            )
        audit.record_events(
            actor=self.actor,
            events=[
                audit.PendingEvent(
                    action=AuditAction.CREATE if item.created else AuditAction.UPDATE,
                    record_type=audit.record_type_of(self.model),
                    record_id=item.instance.pk,
                    record_label=str(item.instance),
                    changes=created_changes(item.instance, item.m2m)
                    if item.created
                    else item.changes,
                    json_ready=True,
                )
                for item in [*new, *changed]
            ],
        )
        self.report.created += len(new)
        self.report.updated += len(changed)
        self.report.unchanged += len(planned) - len(new) - len(changed)

    def prepare(self, instance: models.Model) -> None:
        """Derived values that ``save()`` would set (bulk writes skip it)."""

    def derived_fields(self) -> set[str]:
        return set()
