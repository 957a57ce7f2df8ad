"""Writing HCP rows: match each with the HCP it updates, create the specialties
they name, then insert or update the HCPs and their affiliations
(:mod:`.affiliations`), audited.

Matching, in order:

* a Liaison ID, an NPI or an ORCID the directory knows names the HCP; when a
  row's identifiers name two HCPs, or one the HCP holds differs from the
  row's (an import never replaces an NPI or ORCID), the row is an error
  naming both records and the identifiers;
* a row with an NPI or ORCID the directory does not know is a new HCP, even
  when a namesake exists (the review notes the namesake);
* a row with no identifier matches the one HCP of the same name (compared
  without case or accents) and country; several such HCPs are an error.
  Such a match is applied only when confirmed (``match_names``, or the row
  confirmed in the web's review) or when it would change nothing; otherwise
  the row is held back and listed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from liaison.core import audit
from liaison.core.models import AuditAction
from liaison.directory.importing.affiliations import OrganizationFinder
from liaison.directory.importing.fields import HCP_FIELDS, IDENTIFIER_FIELDS
from liaison.directory.importing.report import MATCH_KEYS, Action, RowMatch
from liaison.directory.importing.validation import CheckedRow
from liaison.directory.importing.writing import (
    HCP_PLAIN_FIELDS,
    Planned,
    RowWriter,
    changed_fields,
    created_changes,
    current_m2m,
)
from liaison.directory.models import HCP, Origin, Specialty, TherapeuticArea
from liaison.lib import bulk
from liaison.lib.text import fold

#: The order of the fields, as the import names them.
FIELD_ORDER = {spec.name: index for index, spec in enumerate(HCP_FIELDS)}
#: What the review calls each field a row may change.
FIELD_LABELS = {spec.name: spec.label.lower() for spec in HCP_FIELDS} | {
    "organization": "affiliation",
}


def label(hcp: HCP) -> str:
    """An HCP as a match names it: name, place and identifiers."""
    place = ", ".join(part for part in (hcp.city, hcp.country) if part)
    identifiers = "".join(
        f"; {MATCH_KEYS[name]} {getattr(hcp, name)}"
        for name in IDENTIFIER_FIELDS
        if getattr(hcp, name)
    )
    return f"{hcp.full_name}, {place}{identifiers}"


def _identifiers(values: Mapping[str, Any]) -> bool:
    """Whether a row carries a Liaison ID, an NPI or an ORCID."""
    return any(values.get(name) for name in ("id", *IDENTIFIER_FIELDS))


def _name_key(values: Mapping[str, Any]) -> tuple[str, str]:
    """A row's person as name matching compares it: folded name, country."""
    return fold(f"{values['family_name']} {values['given_name']}"), values["country"]


@dataclass
class _Found:
    """The HCPs a batch's rows may match, by Liaison ID, NPI, ORCID and name key."""

    by_id: dict[int, HCP] = field(default_factory=dict)
    by_npi: dict[str, HCP] = field(default_factory=dict)
    by_orcid: dict[str, HCP] = field(default_factory=dict)
    by_name: dict[tuple[str, str], list[HCP]] = field(default_factory=dict)

    def add(self, hcp: HCP) -> None:
        self.by_id[hcp.pk] = hcp
        if hcp.npi:
            self.by_npi[hcp.npi] = hcp
        if hcp.orcid:
            self.by_orcid[hcp.orcid] = hcp
        self.by_name.setdefault((hcp.search_name, hcp.country), []).append(hcp)


@dataclass(frozen=True, slots=True)
class _Match:
    """A row and the HCP it updates (None: a new one), found by ``key`` (see MATCH_KEYS)."""

    checked: CheckedRow
    hcp: HCP | None
    key: str


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

    def _find_existing(self, batch: Sequence[CheckedRow]) -> _Found:
        """The HCPs the rows of ``batch`` name by Liaison ID, NPI or ORCID, and
        the namesakes (same folded name) of the rows with no identifier."""
        ids = [row.values["id"] for row in batch if row.values.get("id")]
        npis = [row.values["npi"] for row in batch if row.values.get("npi")]
        orcids = [row.values["orcid"] for row in batch if row.values.get("orcid")]
        names = [_name_key(row.values)[0] for row in batch if not _identifiers(row.values)]
        found = _Found()
        if not (ids or npis or orcids or names):
            return found
        query = (
            models.Q(pk__in=ids)
            | models.Q(npi__in=npis)
            | models.Q(orcid__in=orcids)
            | models.Q(search_name__in=names)
        )
        for hcp in HCP.objects.filter(query).order_by("pk"):
            found.add(hcp)
        return found

    def _conflict(self, checked: CheckedRow, name: str, reason: str) -> None:
        self.conflict(checked, name, str(checked.values[name]), reason)

    def _match(self, checked: CheckedRow, found: _Found) -> _Match | None:
        """The HCP a row updates and the key it was found by (see the module's
        docstring); None for a row that clashes (reported)."""
        values = checked.values
        hits: list[tuple[str, HCP]] = []
        if values.get("id"):
            by_id = found.by_id.get(values["id"])
            if by_id is None:
                self._conflict(
                    checked,
                    "id",
                    "is not the Liaison ID of any HCP here (IDs come from this installation's"
                    " exports; leave the column empty to add new HCPs)",
                )
                return None
            hits.append(("id", by_id))
        for name, known in (("npi", found.by_npi), ("orcid", found.by_orcid)):
            hcp = known.get(values.get(name) or "")
            if hcp is not None:
                hits.append((name, hcp))
        if hits:
            key, anchor = hits[0]
            matched_by = f"the row's {MATCH_KEYS[key]} {values[key]}"
            for name, other in hits[1:]:
                if other.pk != anchor.pk:
                    self._conflict(
                        checked,
                        name,
                        f"belongs to HCP #{other.pk} ({label(other)}), but {matched_by} is HCP"
                        f" #{anchor.pk} ({label(anchor)}): a row cannot update two HCPs",
                    )
                    return None
            for name in IDENTIFIER_FIELDS:
                held = getattr(anchor, name)
                if values.get(name) and held and held != values[name]:
                    self._conflict(
                        checked,
                        name,
                        f"differs from the {MATCH_KEYS[name]} {held} of HCP #{anchor.pk}"
                        f" ({label(anchor)}), which {matched_by} matches; an import never"
                        f" replaces an HCP's {MATCH_KEYS[name]} (correct the file, or the HCP"
                        " on its page)",
                    )
                    return None
            return _Match(checked, anchor, key)
        if _identifiers(values):
            return _Match(checked, None, "")
        namesakes = found.by_name.get(_name_key(values), [])
        if len(namesakes) > 1:
            listed = "; ".join(f"#{hcp.pk} {label(hcp)}" for hcp in namesakes[:5])
            more = f" and {len(namesakes) - 5} more" if len(namesakes) > 5 else ""
            self._conflict(
                checked,
                "family_name",
                f"matches {len(namesakes)} HCPs on name and country ({listed}{more}) and the"
                " row has no Liaison ID, NPI or ORCID to say which: add one of them to the row",
            )
            return None
        if namesakes:
            return _Match(checked, namesakes[0], "name")
        return _Match(checked, None, "")

    def _matches(self, batch: Sequence[CheckedRow]) -> list[_Match]:
        """Each row that does not clash, with the HCP it updates (None: a new
        one); rows held back (matched on name alone, not confirmed, and would
        change their HCP) are left out, and every row's match noted in the report."""
        found = self._find_existing(batch)
        matches = [match for checked in batch if (match := self._match(checked, found))]
        # Only rows that will be written claim their HCP: a row held back does not
        # stop another row updating its namesake.
        return [
            match
            for match in self._settle(matches)
            if match.hcp is None or self.claim(match.checked, match.hcp, "HCP")
        ]

    def _settle(self, matches: list[_Match]) -> list[_Match]:
        details = self.report.row_matches is not None
        described = [
            match
            for match in matches
            if match.hcp is not None
            and (details or (match.key == "name" and not self._confirmed(match)))
        ]
        changes = self._pending_changes(described)
        notes = (
            self._namesake_notes([match for match in matches if match.hcp is None])
            if details
            else {}
        )
        kept: list[_Match] = []
        for match in matches:
            row, hcp = match.checked.row, match.hcp
            if hcp is None:
                if details:
                    self.report.note_match(RowMatch(row, Action.CREATE, note=notes.get(row, "")))
                kept.append(match)
                continue
            changed = changes.get(row, ())
            held = match.key == "name" and bool(changed) and not self._confirmed(match)
            if not held:
                kept.append(match)
                if not details:
                    continue
            action = Action.HELD_BACK if held else Action.UPDATE if changed else Action.UNCHANGED
            found = RowMatch(
                row, action, match.key, hcp.pk, hcp.full_name, label(hcp), tuple(changed)
            )
            if held:
                self.report.hold_back(found)
            else:
                self.report.note_match(found)
        return kept

    def _confirmed(self, match: _Match) -> bool:
        assert match.hcp is not None
        return self.name_match_confirmed(match.checked.row, match.hcp.pk)

    def _plain_values(self, checked: CheckedRow) -> dict[str, Any]:
        """The row's values of the HCP's own fields; an empty identifier cell never clears one."""
        values = {
            name: checked.values[name] for name in self.plain_fields if name in checked.values
        }
        for name in IDENTIFIER_FIELDS:
            if name in values and not values[name]:
                del values[name]
        return values

    def _pending_changes(self, matches: Sequence[_Match]) -> dict[int, list[str]]:
        """The labels of the fields each matched row would change (nothing written)."""
        pairs = [(match.checked, match.hcp) for match in matches if match.hcp is not None]
        if not pairs:
            return {}
        mapped_m2m = [name for name in self.m2m_fields if name in pairs[0][0].values]
        m2m_now = current_m2m(HCP, mapped_m2m, [hcp.pk for _, hcp in pairs])
        affiliating = self.organizations.pending(pairs)
        changes: dict[int, list[str]] = {}
        for checked, hcp in pairs:
            names = changed_fields(hcp, self._plain_values(checked))
            for name, wanted in self._known_m2m_ids(checked.values).items():
                if wanted is None or sorted(set(wanted)) != m2m_now[name][hcp.pk]:
                    names.append(name)
            if hcp.pk in affiliating:
                names.append("organization")
            if names:
                names.sort(key=lambda name: FIELD_ORDER.get(name, len(FIELD_ORDER)))
                changes[checked.row] = [FIELD_LABELS.get(name, name) for name in names]
        return changes

    def _namesake_notes(self, new: Sequence[_Match]) -> dict[int, str]:
        """For new rows with an NPI or ORCID: a note naming the namesakes taken for others."""
        rows = [match.checked for match in new if _identifiers(match.checked.values)]
        if not rows:
            return {}
        by_name: dict[tuple[str, str], list[HCP]] = {}
        query = HCP.objects.filter(search_name__in={_name_key(row.values)[0] for row in rows})
        for hcp in query.order_by("pk")[: 20 * len(rows)]:
            by_name.setdefault((hcp.search_name, hcp.country), []).append(hcp)
        notes: dict[int, str] = {}
        for checked in rows:
            namesakes = by_name.get(_name_key(checked.values), [])
            if not namesakes:
                continue
            hcp = namesakes[0]
            others = f" (and {len(namesakes) - 1} more)" if len(namesakes) > 1 else ""
            differing = [
                MATCH_KEYS[name]
                for name in IDENTIFIER_FIELDS
                if checked.values.get(name) and getattr(hcp, name)
            ]
            if differing:
                verb = "differs" if len(differing) == 1 else "differ"
                why = f"its {' and '.join(differing)} {verb}, so this row is another person"
            else:
                why = (
                    "it has no identifier to compare with the row's: if it is the same person,"
                    " add its Liaison ID to the row"
                )
            notes[checked.row] = f"namesake HCP #{hcp.pk} ({label(hcp)}){others}: {why}"
        return notes

    def check(self, batch: Sequence[CheckedRow]) -> None:
        self._matches(batch)

    def forget(self) -> None:
        self.specialty_ids = self._load_specialties()
        self.organizations = OrganizationFinder(self)

    def write(self, batch: Sequence[CheckedRow]) -> None:
        matches = self._matches(batch)
        existing_pks = [match.hcp.pk for match in matches if match.hcp is not None]
        mapped_m2m = [name for name in self.m2m_fields if batch and name in batch[0].values]
        m2m_now = current_m2m(HCP, mapped_m2m, existing_pks)
        planned: list[Planned] = []
        for match in matches:
            checked, hcp = match.checked, match.hcp
            values = self._plain_values(checked)
            m2m_wanted = self._m2m_ids(checked.values)
            if hcp is None:
                instance = HCP(**values, origin=Origin.IMPORTED)
                for name in IDENTIFIER_FIELDS:
                    if values.get(name):
                        setattr(instance, f"{name}_source", self.source_label)
                planned.append(Planned(checked.row, instance, True, {}, m2m_wanted))
            else:
                for name in IDENTIFIER_FIELDS:
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
        """The related ids a row wants, creating the specialties it names that are new."""
        wanted = self._code_ids(values)
        if "specialties" in values:
            wanted["specialties"] = self._specialties(values["specialties"])
        return wanted

    def _known_m2m_ids(self, values: Mapping[str, Any]) -> dict[str, list[int] | None]:
        """:meth:`_m2m_ids` without writing: None for specialties some of which are new."""
        wanted: dict[str, list[int] | None] = {**self._code_ids(values)}
        if "specialties" in values:
            names = values["specialties"]
            known = all(name.casefold() in self.specialty_ids for name in names)
            wanted["specialties"] = (
                [self.specialty_ids[name.casefold()] for name in names] if known else None
            )
        return wanted

    def _code_ids(self, values: Mapping[str, Any]) -> dict[str, list[int]]:
        """Therapeutic areas and territories (the validator checked their codes)."""
        wanted: dict[str, list[int]] = {}
        if "therapeutic_areas" in values:
            wanted["therapeutic_areas"] = [
                self.area_ids[code] for code in values["therapeutic_areas"]
            ]
        if "territories" in values:
            wanted["territories"] = [self.territory_ids[code] for code in values["territories"]]
        return wanted
