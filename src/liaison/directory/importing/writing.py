"""Writing validated rows: match existing records in bulk, insert the new ones,
update the changed ones, and audit each, inside the caller's transaction.

One writer per kind of record. A batch is planned without writes (existing
records, relations and affiliations prefetched in bulk), then written with
a handful of statements; unchanged records get no write and no event.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone

from liaison.core import audit
from liaison.core.models import AuditAction, Territory, User
from liaison.directory.importing.report import ImportReport
from liaison.directory.importing.validation import CheckedRow, Problem
from liaison.directory.models import (
    HCP,
    Affiliation,
    Organization,
    OrganizationType,
    Origin,
    Specialty,
    TherapeuticArea,
)
from liaison.lib import bulk
from liaison.lib.progress import ProgressSink
from liaison.lib.text import fold

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


def _json_state(instance: models.Model, names: Sequence[str]) -> dict[str, Any]:
    return {name: audit.to_json_value(getattr(instance, name)) for name in names}


_SCALARS = frozenset({str, int, float, bool})


@functools.cache
def _audited_fields(model: type[models.Model]) -> tuple[tuple[str, str], ...]:
    return tuple(
        (field.name, field.attname)
        for field in model._meta.concrete_fields
        if field.name != "search_name"
    )


def _created_changes(instance: models.Model, m2m: Mapping[str, list[int]]) -> dict[str, Any]:
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


def _current_m2m(
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


def _replace_m2m(
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
class _Planned:
    row: int
    instance: models.Model
    created: bool
    changes: dict[str, Any]
    m2m: dict[str, list[int]]


class _Writer:
    """Shared machinery: plan a batch (no writes), then write it in bulk."""

    model: type[models.Model]
    plain_fields: tuple[str, ...]
    m2m_fields: tuple[str, ...]

    def __init__(
        self,
        *,
        actor: User,
        file_name: str,
        report: ImportReport,
        skip: bool,
        columns: Mapping[str, str],
    ) -> None:
        self.actor = actor
        self.columns = columns
        self.file_name = file_name
        self.report = report
        self.skip = skip
        self.source_label = f"import:{file_name}"[:120]
        self.matched: dict[int, int] = {}  # existing pk -> first row that matched it
        self.territory_ids = dict(Territory.objects.values_list("code", "pk"))

    def conflict(self, checked: CheckedRow, name: str, value: str, reason: str) -> None:
        """A row that is valid alone but clashes with the database: it is left
        out (and, unless skipping, the whole import is rolled back)."""
        column = self.columns.get(name, "")
        self.report.add(Problem(self.file_name, checked.row, column, name, value, reason))

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
        before = _json_state(instance, list(values))
        for name, value in values.items():
            setattr(instance, name, value)
        after = _json_state(instance, list(values))
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

    def save(self, planned: list[_Planned], progress: ProgressSink | None) -> None:
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
            _replace_m2m(
                self.model,
                name,
                {item.instance.pk: item.m2m[name] for item in new if name in item.m2m},
                new=True,
            )
            _replace_m2m(
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
                    changes=_created_changes(item.instance, item.m2m)
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
        if progress is not None:
            progress.advance(len(planned), created=len(new), updated=len(changed))

    def prepare(self, instance: models.Model) -> None:
        """Derived values that ``save()`` would set (bulk writes skip it)."""

    def derived_fields(self) -> set[str]:
        return set()


class HCPWriter(_Writer):
    model = HCP
    plain_fields = HCP_PLAIN_FIELDS
    m2m_fields = ("specialties", "therapeutic_areas", "territories")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.specialty_ids = {
            name.casefold(): pk for pk, name in Specialty.objects.values_list("pk", "name")
        }
        self.area_ids = dict(TherapeuticArea.objects.values_list("code", "pk"))
        self.organizations = _OrganizationFinder(self)

    def prepare(self, instance: models.Model) -> None:
        assert isinstance(instance, HCP)
        instance.search_name = fold(f"{instance.family_name} {instance.given_name}")

    def derived_fields(self) -> set[str]:
        return {"search_name"}

    def _specialties(self, names: Sequence[str]) -> list[int]:
        missing = [name for name in names if name.casefold() not in self.specialty_ids]
        if missing:
            created = [Specialty(name=name) for name in missing]
            bulk.insert_instances(Specialty, created)
            audit.record_events(
                actor=self.actor,
                events=[
                    audit.PendingEvent(
                        AuditAction.CREATE,
                        audit.record_type_of(Specialty),
                        specialty.pk,
                        specialty.name,
                        _created_changes(specialty, {}),
                        json_ready=True,
                    )
                    for specialty in created
                ],
            )
            for specialty in created:
                self.specialty_ids[specialty.name.casefold()] = specialty.pk
        return [self.specialty_ids[name.casefold()] for name in names]

    def _find_existing(self, batch: Sequence[CheckedRow]) -> dict[str, dict[Any, HCP]]:
        ids = [row.values["id"] for row in batch if row.values.get("id")]
        npis = [row.values["npi"] for row in batch if row.values.get("npi")]
        orcids = [row.values["orcid"] for row in batch if row.values.get("orcid")]
        names = [
            fold(f"{row.values['family_name']} {row.values['given_name']}")
            for row in batch
            if not any(row.values.get(name) for name in ("id", "npi", "orcid"))
        ]
        found: dict[str, dict[Any, HCP]] = {"id": {}, "npi": {}, "orcid": {}, "name": {}}
        if not (ids or npis or orcids or names):
            return found
        query = (
            models.Q(pk__in=ids)
            | models.Q(npi__in=npis)
            | models.Q(orcid__in=orcids)
            | models.Q(search_name__in=names)
        )
        for hcp in HCP.objects.filter(query).order_by("pk"):
            found["id"][hcp.pk] = hcp
            if hcp.npi:
                found["npi"][hcp.npi] = hcp
            if hcp.orcid:
                found["orcid"][hcp.orcid] = hcp
            found["name"].setdefault((hcp.given_name, hcp.family_name, hcp.country), hcp)
        return found

    def _match(self, checked: CheckedRow, found: dict[str, dict[Any, HCP]]) -> HCP | bool | None:
        """The HCP a row updates (by Liaison ID, NPI, ORCID, else name and
        country), None for a new one, False for a row that clashes."""
        values = checked.values
        by_id = found["id"].get(values["id"]) if values.get("id") else None
        if values.get("id") and by_id is None:
            self.conflict(
                checked,
                "id",
                str(values["id"]),
                "is not the Liaison ID of any HCP here (IDs come from this installation's"
                " exports; leave the column empty to add new HCPs)",
            )
            return False
        by_npi = found["npi"].get(values.get("npi"))
        by_orcid = found["orcid"].get(values.get("orcid"))
        anchor = by_id or by_npi
        for name, other in (("npi", by_npi), ("orcid", by_orcid)):
            if anchor is not None and other is not None and other.pk != anchor.pk:
                self.conflict(
                    checked,
                    name,
                    values[name],
                    f"belongs to HCP #{other.pk} ({other}) but this row updates"
                    f" HCP #{anchor.pk} ({anchor})",
                )
                return False
        if by_id is not None or by_npi is not None or by_orcid is not None:
            return by_id or by_npi or by_orcid
        if not values.get("npi") and not values.get("orcid"):
            return found["name"].get(
                (values["given_name"], values["family_name"], values["country"])
            )
        return None

    def write(self, batch: Sequence[CheckedRow], progress: ProgressSink | None) -> None:
        found = self._find_existing(batch)
        matches: list[tuple[CheckedRow, HCP | None]] = []
        for checked in batch:
            match = self._match(checked, found)
            if match is False or (isinstance(match, HCP) and not self.claim(checked, match, "HCP")):
                self.report.skipped += 1
                continue
            matches.append((checked, match if isinstance(match, HCP) else None))
        existing_pks = [hcp.pk for _, hcp in matches if hcp is not None]
        mapped_m2m = [name for name in self.m2m_fields if batch and name in batch[0].values]
        m2m_now = _current_m2m(HCP, mapped_m2m, existing_pks)
        planned: list[_Planned] = []
        for checked, hcp in matches:
            values = {
                name: checked.values[name] for name in self.plain_fields if name in checked.values
            }
            for name in ("npi", "orcid"):
                if name in values and not values[name]:
                    del values[name]  # an empty identifier cell never clears one
            m2m_wanted = self._m2m_ids(checked.values)
            if hcp is None:
                instance = HCP(**values, origin=Origin.IMPORTED)
                for name in ("npi", "orcid"):
                    if values.get(name):
                        setattr(instance, f"{name}_source", self.source_label)
                planned.append(_Planned(checked.row, instance, True, {}, m2m_wanted))
            else:
                for name in ("npi", "orcid"):
                    if values.get(name) and values[name] != getattr(hcp, name):
                        values[f"{name}_source"] = self.source_label
                now_ids = {name: m2m_now[name][hcp.pk] for name in mapped_m2m}
                changes, m2m_changed = self.plan_update(hcp, values, now_ids, m2m_wanted)
                planned.append(_Planned(checked.row, hcp, False, changes, m2m_changed))
        self.save(planned, progress)
        touched = self.organizations.affiliate(
            [(item.row, item.instance) for item in planned],
            batch,
            {item.instance.pk for item in planned if item.created},
        )
        # An HCP whose only change is a new or changed affiliation was updated too.
        moved = sum(
            1
            for item in planned
            if not item.created and not item.changes and item.instance.pk in touched
        )
        self.report.unchanged -= moved
        self.report.updated += moved

    def _m2m_ids(self, values: Mapping[str, Any]) -> dict[str, list[int]]:
        wanted: dict[str, list[int]] = {}
        if "specialties" in values:
            wanted["specialties"] = self._specialties(values["specialties"])
        if "therapeutic_areas" in values:
            wanted["therapeutic_areas"] = [
                self.area_ids[code] for code in values["therapeutic_areas"]
            ]
        if "territories" in values:
            wanted["territories"] = [self.territory_ids[code] for code in values["territories"]]
        return wanted


class _OrganizationFinder:
    """Finds or creates the organizations named in HCP rows, and the affiliations."""

    def __init__(self, writer: HCPWriter) -> None:
        self.writer = writer
        self.cache: dict[tuple[str, str, str | None], Organization] = {}

    @staticmethod
    def key(values: Mapping[str, Any]) -> tuple[str, str, str | None]:
        city = values.get("organization_city")
        return (
            fold(values["organization"]),
            values.get("organization_country") or values["country"],
            fold(city or "") if "organization_city" in values else None,
        )

    def _resolve(self, keyed: Sequence[tuple[tuple[str, str, str | None], CheckedRow]]) -> None:
        missing = list({key for key, _ in keyed if key not in self.cache})
        if not missing:
            return
        candidates = Organization.objects.filter(
            search_name__in={name for name, _, _ in missing},
            country__in={country for _, country, _ in missing},
        ).order_by("pk")
        for organization in candidates:
            for city in (fold(organization.city), None):
                self.cache.setdefault(
                    (organization.search_name, organization.country, city), organization
                )
        new: dict[tuple[str, str, str | None], Organization] = {}
        for key, row in keyed:
            values = row.values
            if key in self.cache or key in new:
                continue
            new[key] = Organization(
                name=values["organization"],
                search_name=key[0],
                country=key[1],
                city=values.get("organization_city") or "",
                type=values.get("organization_type") or DEFAULT_ORGANIZATION_TYPE,
                origin=Origin.IMPORTED,
            )
        created = list(new.values())
        bulk.insert_instances(Organization, created)
        audit.record_events(
            actor=self.writer.actor,
            events=[
                audit.PendingEvent(
                    AuditAction.CREATE,
                    audit.record_type_of(Organization),
                    organization.pk,
                    organization.name,
                    _created_changes(organization, {}),
                    json_ready=True,
                )
                for organization in created
            ],
        )
        for key, organization in new.items():
            self.cache[key] = organization
            self.cache.setdefault((key[0], key[1], None), organization)

    def affiliate(
        self,
        planned: Sequence[tuple[int, models.Model]],
        batch: Sequence[CheckedRow],
        created: set[int],
    ) -> set[int]:
        """Create or update the affiliation each row names; ``created`` holds the
        pks of HCPs this batch created."""
        rows = {checked.row: checked for checked in batch}
        with_organization = [
            (rows[row], hcp) for row, hcp in planned if rows[row].values.get("organization")
        ]
        if not with_organization:
            return set()
        keys = [self.key(checked.values) for checked, _ in with_organization]
        self._resolve(
            [(key, checked) for key, (checked, _) in zip(keys, with_organization, strict=True)]
        )
        # Only HCPs that existed before this batch can have affiliations.
        hcp_ids = [hcp.pk for _, hcp in with_organization if hcp.pk not in created]
        existing: dict[tuple[int, int, str], Affiliation] = {}
        has_any: set[int] = set()
        for affiliation in Affiliation.objects.filter(hcp_id__in=hcp_ids) if hcp_ids else ():
            existing[(affiliation.hcp_id, affiliation.organization_id, affiliation.role)] = (
                affiliation
            )
            has_any.add(affiliation.hcp_id)
        new: list[Affiliation] = []
        changed: list[tuple[Affiliation, dict[str, Any]]] = []
        for key, (checked, hcp) in zip(keys, with_organization, strict=True):
            values = checked.values
            organization = self.cache[key]
            role = values.get("affiliation_role") or ""
            dates = {
                AFFILIATION_FIELDS[name]: values[name]
                for name in ("affiliation_start", "affiliation_end")
                if name in values
            }
            current = existing.get((hcp.pk, organization.pk, role))
            if current is None:
                assert isinstance(hcp, HCP)
                affiliation = Affiliation(
                    hcp=hcp,
                    organization=organization,
                    role=role,
                    is_primary=hcp.pk not in has_any,
                    **dates,
                )
                has_any.add(hcp.pk)
                new.append(affiliation)
                continue
            before = _json_state(current, list(dates))
            for name, value in dates.items():
                setattr(current, name, value)
            after = _json_state(current, list(dates))
            diff = {
                name: [before[name], after[name]] for name in dates if before[name] != after[name]
            }
            if diff:
                changed.append((current, diff))
        bulk.insert_instances(Affiliation, new)
        if changed:
            Affiliation.objects.bulk_update(
                [item for item, _ in changed], ["start_date", "end_date"]
            )
        audit.record_events(
            actor=self.writer.actor,
            events=[
                *(
                    audit.PendingEvent(
                        AuditAction.CREATE,
                        audit.record_type_of(Affiliation),
                        affiliation.pk,
                        str(affiliation),
                        _created_changes(affiliation, {}),
                        json_ready=True,
                    )
                    for affiliation in new
                ),
                *(
                    audit.PendingEvent(
                        AuditAction.UPDATE,
                        audit.record_type_of(Affiliation),
                        affiliation.pk,
                        str(affiliation),
                        diff,
                        json_ready=True,
                    )
                    for affiliation, diff in changed
                ),
            ],
        )
        return {affiliation.hcp_id for affiliation in new} | {
            affiliation.hcp_id for affiliation, _ in changed
        }


class OrganizationWriter(_Writer):
    model = Organization
    plain_fields = ORGANIZATION_PLAIN_FIELDS
    m2m_fields = ("territories",)

    def prepare(self, instance: models.Model) -> None:
        assert isinstance(instance, Organization)
        instance.search_name = fold(instance.name)

    def derived_fields(self) -> set[str]:
        return {"search_name"}

    def write(self, batch: Sequence[CheckedRow], progress: ProgressSink | None) -> None:
        names = {fold(row.values["name"]) for row in batch}
        by_key: dict[tuple[str, str, str | None], Organization] = {}
        for organization in Organization.objects.filter(search_name__in=names).order_by("pk"):
            for city in (fold(organization.city), None):
                by_key.setdefault(
                    (organization.search_name, organization.country, city), organization
                )
        matches: list[tuple[CheckedRow, Organization | None]] = []
        for checked in batch:
            values = checked.values
            key = (
                fold(values["name"]),
                values["country"],
                fold(values.get("city") or "") if "city" in values else None,
            )
            match = by_key.get(key)
            if match is not None and not self.claim(checked, match, "organization"):
                self.report.skipped += 1
                continue
            matches.append((checked, match))
        mapped_m2m = [name for name in self.m2m_fields if batch and name in batch[0].values]
        m2m_now = _current_m2m(
            Organization, mapped_m2m, [org.pk for _, org in matches if org is not None]
        )
        planned: list[_Planned] = []
        for checked, existing in matches:
            values = {
                name: checked.values[name] for name in self.plain_fields if name in checked.values
            }
            if not values.get("type"):
                values.pop("type", None)
            m2m_wanted = (
                {
                    "territories": [
                        self.territory_ids[code] for code in checked.values["territories"]
                    ]
                }
                if "territories" in checked.values
                else {}
            )
            if existing is None:
                values.setdefault("type", DEFAULT_ORGANIZATION_TYPE)
                instance = Organization(**values, origin=Origin.IMPORTED)
                planned.append(_Planned(checked.row, instance, True, {}, m2m_wanted))
            else:
                now_ids = {name: m2m_now[name][existing.pk] for name in mapped_m2m}
                changes, m2m_changed = self.plan_update(existing, values, now_ids, m2m_wanted)
                planned.append(_Planned(checked.row, existing, False, changes, m2m_changed))
        self.save(planned, progress)
