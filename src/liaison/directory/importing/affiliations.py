"""Affiliations named in HCP rows, and the organizations they name: found by
name and country (and city, when the file has the column), created when new."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import models

from liaison.core import audit
from liaison.core.models import AuditAction
from liaison.directory.importing.validation import CheckedRow
from liaison.directory.importing.writing import (
    AFFILIATION_FIELDS,
    DEFAULT_ORGANIZATION_TYPE,
    RowWriter,
    changed_fields,
    created_changes,
    json_state,
)
from liaison.directory.models import HCP, Affiliation, Organization, Origin
from liaison.lib import bulk
from liaison.lib.text import fold


class OrganizationFinder:
    """Finds or creates the organizations named in HCP rows, and the affiliations."""

    def __init__(self, writer: RowWriter) -> None:
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

    def _look_up(self, keys: Sequence[tuple[str, str, str | None]]) -> None:
        """Cache the existing organizations of ``keys`` (read only)."""
        missing = list({key for key in keys if key not in self.cache})
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

    def _resolve(self, keyed: Sequence[tuple[tuple[str, str, str | None], CheckedRow]]) -> None:
        self._look_up([key for key, _ in keyed])
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
                    created_changes(organization, {}),
                    json_ready=True,
                )
                for organization in created
            ],
        )
        for key, organization in new.items():
            self.cache[key] = organization
            self.cache.setdefault((key[0], key[1], None), organization)

    @staticmethod
    def _dates(values: Mapping[str, Any]) -> dict[str, Any]:
        return {
            AFFILIATION_FIELDS[name]: values[name]
            for name in ("affiliation_start", "affiliation_end")
            if name in values
        }

    def pending(self, pairs: Sequence[tuple[CheckedRow, HCP]]) -> set[int]:
        """The HCPs of ``pairs`` whose affiliation, as their row names it, would be
        created or changed; nothing is written (a new organization counts)."""
        with_organization = [
            (checked, hcp) for checked, hcp in pairs if checked.values.get("organization")
        ]
        if not with_organization:
            return set()
        keys = [self.key(checked.values) for checked, _ in with_organization]
        self._look_up(keys)
        existing: dict[tuple[int, int, str], Affiliation] = {
            (affiliation.hcp_id, affiliation.organization_id, affiliation.role): affiliation
            for affiliation in Affiliation.objects.filter(
                hcp_id__in=[hcp.pk for _, hcp in with_organization]
            )
        }
        changing: set[int] = set()
        for key, (checked, hcp) in zip(keys, with_organization, strict=True):
            organization = self.cache.get(key)
            role = checked.values.get("affiliation_role") or ""
            current = existing.get((hcp.pk, organization.pk, role)) if organization else None
            if current is None or changed_fields(current, self._dates(checked.values)):
                changing.add(hcp.pk)
        return changing

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
            dates = self._dates(values)
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
            before = json_state(current, list(dates))
            for name, value in dates.items():
                setattr(current, name, value)
            after = json_state(current, list(dates))
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
                        created_changes(affiliation, {}),
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
