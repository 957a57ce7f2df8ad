"""Writing HCP rows: match each with the HCP it updates (Liaison ID, NPI,
ORCID, else name and country), create the specialties they name, then insert
or update the HCPs and their affiliations (:mod:`.affiliations`), audited."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import models

from liaison.core import audit
from liaison.core.models import AuditAction
from liaison.directory.importing.affiliations import OrganizationFinder
from liaison.directory.importing.validation import CheckedRow
from liaison.directory.importing.writing import (
    HCP_PLAIN_FIELDS,
    Planned,
    RowWriter,
    created_changes,
    current_m2m,
)
from liaison.directory.models import HCP, Origin, Specialty, TherapeuticArea
from liaison.lib import bulk
from liaison.lib.text import fold


class HCPWriter(RowWriter):
    model = HCP
    plain_fields = HCP_PLAIN_FIELDS
    m2m_fields = ("specialties", "therapeutic_areas", "territories")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.specialty_ids = self._load_specialties()
        self.area_ids = dict(TherapeuticArea.objects.values_list("code", "pk"))
        self.organizations = OrganizationFinder(self)

    @staticmethod
    def _load_specialties() -> dict[str, int]:
        return {name.casefold(): pk for pk, name in Specialty.objects.values_list("pk", "name")}

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
                        created_changes(specialty, {}),
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

    def _matches(self, batch: Sequence[CheckedRow]) -> list[tuple[CheckedRow, HCP | None]]:
        """Each row that does not clash, with the HCP it updates (None: a new one)."""
        found = self._find_existing(batch)
        matches: list[tuple[CheckedRow, HCP | None]] = []
        for checked in batch:
            match = self._match(checked, found)
            if match is False or (isinstance(match, HCP) and not self.claim(checked, match, "HCP")):
                continue
            matches.append((checked, match if isinstance(match, HCP) else None))
        return matches

    def check(self, batch: Sequence[CheckedRow]) -> None:
        self._matches(batch)

    def forget(self) -> None:
        self.specialty_ids = self._load_specialties()
        self.organizations = OrganizationFinder(self)

    def write(self, batch: Sequence[CheckedRow]) -> None:
        matches = self._matches(batch)
        existing_pks = [hcp.pk for _, hcp in matches if hcp is not None]
        mapped_m2m = [name for name in self.m2m_fields if batch and name in batch[0].values]
        m2m_now = current_m2m(HCP, mapped_m2m, existing_pks)
        planned: list[Planned] = []
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
                planned.append(Planned(checked.row, instance, True, {}, m2m_wanted))
            else:
                for name in ("npi", "orcid"):
                    if values.get(name) and values[name] != getattr(hcp, name):
                        values[f"{name}_source"] = self.source_label
                now_ids = {name: m2m_now[name][hcp.pk] for name in mapped_m2m}
                changes, m2m_changed = self.plan_update(hcp, values, now_ids, m2m_wanted)
                planned.append(Planned(checked.row, hcp, False, changes, m2m_changed))
        self.save(planned)
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
