"""Writing organization rows: match each with the organization of the same
name and country (and city, when the file has the column), then insert or
update them, audited. An organization has no identifier, so its name and
place are its key: such matches need no confirmation (unlike an HCP's)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models

from liaison.directory.importing.fields import ORGANIZATION_FIELDS
from liaison.directory.importing.report import Action, RowMatch
from liaison.directory.importing.validation import CheckedRow
from liaison.directory.importing.writing import (
    DEFAULT_ORGANIZATION_TYPE,
    ORGANIZATION_PLAIN_FIELDS,
    Planned,
    RowWriter,
    changed_fields,
    current_m2m,
)
from liaison.directory.models import Organization, Origin
from liaison.lib.text import fold


class OrganizationWriter(RowWriter):
    model = Organization
    plain_fields = ORGANIZATION_PLAIN_FIELDS
    m2m_fields = ("territories",)

    def prepare(self, instance: models.Model) -> None:
        assert isinstance(instance, Organization)
        instance.search_name = fold(instance.name)

    def derived_fields(self) -> set[str]:
        return {"search_name"}

    def _matches(self, batch: Sequence[CheckedRow]) -> list[tuple[CheckedRow, Organization | None]]:
        """Each row that does not clash, with the organization it updates (None: a new one)."""
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
                continue
            matches.append((checked, match))
        if self.report.row_matches is not None:
            self._note(matches)
        return matches

    def _values(self, checked: CheckedRow) -> dict[str, Any]:
        values = {
            name: checked.values[name] for name in self.plain_fields if name in checked.values
        }
        if not values.get("type"):
            values.pop("type", None)
        return values

    def _territory_ids(self, checked: CheckedRow) -> dict[str, list[int]]:
        if "territories" not in checked.values:
            return {}
        return {"territories": [self.territory_ids[code] for code in checked.values["territories"]]}

    def _note(self, matches: Sequence[tuple[CheckedRow, Organization | None]]) -> None:
        """Each row's match, with the fields it would change, into the report's row details."""
        existing = [organization.pk for _, organization in matches if organization is not None]
        mapped_m2m = [name for name in self.m2m_fields if matches and name in matches[0][0].values]
        m2m_now = current_m2m(Organization, mapped_m2m, existing)
        labels = {spec.name: spec.label.lower() for spec in ORGANIZATION_FIELDS}
        for checked, organization in matches:
            if organization is None:
                self.report.note_match(RowMatch(checked.row, Action.CREATE))
                continue
            names = changed_fields(organization, self._values(checked))
            for name, ids in self._territory_ids(checked).items():
                if sorted(set(ids)) != m2m_now[name][organization.pk]:
                    names.append(name)
            place = ", ".join(part for part in (organization.city, organization.country) if part)
            self.report.note_match(
                RowMatch(
                    checked.row,
                    Action.UPDATE if names else Action.UNCHANGED,
                    "place" if "city" in checked.values else "name",
                    organization.pk,
                    organization.name,
                    f"{organization.name}, {place}",
                    tuple(labels.get(name, name) for name in names),
                )
            )

    def check(self, batch: Sequence[CheckedRow]) -> None:
        self._matches(batch)

    def write(self, batch: Sequence[CheckedRow]) -> None:
        matches = self._matches(batch)
        mapped_m2m = [name for name in self.m2m_fields if batch and name in batch[0].values]
        m2m_now = current_m2m(
            Organization, mapped_m2m, [org.pk for _, org in matches if org is not None]
        )
        planned: list[Planned] = []
        for checked, existing in matches:
            values = self._values(checked)
            m2m_wanted = self._territory_ids(checked)
            if existing is None:
                values.setdefault("type", DEFAULT_ORGANIZATION_TYPE)
                instance = Organization(**values, origin=Origin.IMPORTED)
                planned.append(Planned(checked.row, instance, True, {}, m2m_wanted))
            else:
                now_ids = {name: m2m_now[name][existing.pk] for name in mapped_m2m}
                changes, m2m_changed = self.plan_update(existing, values, now_ids, m2m_wanted)
                planned.append(Planned(checked.row, existing, False, changes, m2m_changed))
        self.save(planned)
