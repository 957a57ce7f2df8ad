"""Writing organization rows: match each with the organization of the same
name and country (and city, when the file has the column), then insert or
update them, audited."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import models

from liaison.directory.importing.validation import CheckedRow
from liaison.directory.importing.writing import (
    DEFAULT_ORGANIZATION_TYPE,
    ORGANIZATION_PLAIN_FIELDS,
    Planned,
    RowWriter,
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
        return matches

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
                planned.append(Planned(checked.row, instance, True, {}, m2m_wanted))
            else:
                now_ids = {name: m2m_now[name][existing.pk] for name in mapped_m2m}
                changes, m2m_changed = self.plan_update(existing, values, now_ids, m2m_wanted)
                planned.append(Planned(checked.row, existing, False, changes, m2m_changed))
        self.save(planned)
