"""What an import found and did (pure code)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from liaison.directory.importing.validation import Problem

#: How a row found the record it updates, as the report names it.
MATCH_KEYS = {
    "id": "Liaison ID",
    "npi": "NPI",
    "orcid": "ORCID",
    "name": "name and country",
    "place": "name, country and city",
}


class Action:
    """What the import does with a valid row (:attr:`RowMatch.action`)."""

    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    #: Matches an HCP on name and country alone and would change it: not applied
    #: without the user's confirmation (``match_names``, or the row confirmed).
    HELD_BACK = "held back"


@dataclass(frozen=True, slots=True)
class RowMatch:
    """The record a valid row creates or updates, and how it was found.

    ``key`` is a key of :data:`MATCH_KEYS` ("" for a new record); ``record_id``
    and ``record_label`` name the matched record (its name, place and
    identifiers); ``changes`` are the labels of the fields the row would
    change (known for rows matched on name alone, and for every row of a
    report asked for row details); ``note`` says what else the user should
    know (a namesake that is taken for another person)."""

    row: int
    action: str
    key: str = ""
    record_id: int | None = None
    record_name: str = ""
    record_label: str = ""
    changes: tuple[str, ...] = ()
    note: str = ""

    @property
    def key_label(self) -> str:
        return MATCH_KEYS.get(self.key, "")

    @property
    def record_details(self) -> str:
        """The record's label without its name: place and identifiers."""
        return self.record_label.removeprefix(self.record_name).lstrip(", ")

    def describe(self, file_name: str) -> str:
        """One line for the CLI and the job's list: file, row, record, key and changes."""
        where = f"{file_name}, row {self.row}"
        if self.action == Action.CREATE:
            return f"{where}: new{f' ({self.note})' if self.note else ''}"
        found = f"HCP #{self.record_id} ({self.record_label}), matched on {self.key_label}"
        changes = f"it would change {', '.join(self.changes)}" if self.changes else ""
        if self.action == Action.HELD_BACK:
            return f"{where}: held back: it matches {found} alone; {changes}"
        return f"{where}: {self.action} {found}{f'; {changes}' if changes else ''}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "action": self.action,
            "key": self.key,
            "key_label": self.key_label,
            "record_id": self.record_id,
            "record_name": self.record_name,
            "record_label": self.record_label,
            "record_details": self.record_details,
            "changes": list(self.changes),
            "note": self.note,
        }


@dataclass
class ImportReport:
    """What an import found and did. ``problems`` lists every bad value;
    ``invalid_rows`` the rows they are on (skipped when skipping was asked)."""

    file_name: str
    kind: str
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    invalid_rows: set[int] = field(default_factory=set)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    #: Rows committed by the write pass so far (a dry run counts its rolled back batches).
    written_rows: int = 0
    written: bool = False
    dry_run: bool = False
    #: Problems stopped the import (or would have, in a dry run): nothing written.
    rejected: bool = False
    #: Whether every match on name alone was to be applied (``match_names``).
    match_names: bool = False
    #: Rows matching an HCP on name and country alone, not applied (see :class:`Action`).
    held_back: list[RowMatch] = field(default_factory=list)
    #: Every valid row's match by row number, when row details were asked for
    #: (the web's review of a file, which is capped in rows); else None.
    row_matches: dict[int, RowMatch] | None = None
    #: The person each row names ("Given Family"), with the row details.
    row_names: dict[int, str] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return len(self.problems)

    @property
    def is_valid(self) -> bool:
        return not self.problems

    @property
    def held_back_rows(self) -> set[int]:
        return {match.row for match in self.held_back}

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)
        self.invalid_rows.add(problem.row)
        if self.row_matches is not None:
            # A clash found after the row was matched: the row is not imported.
            self.row_matches.pop(problem.row, None)

    def hold_back(self, match: RowMatch) -> None:
        """Keep a row matching on name alone out of the import (listed, not an error)."""
        if match.row not in self.held_back_rows:
            self.held_back.append(match)
        self.note_match(match)

    def note_match(self, match: RowMatch) -> None:
        if self.row_matches is not None and match.row not in self.invalid_rows:
            self.row_matches[match.row] = match

    def actions(self) -> dict[str, int]:
        """How many valid rows each :class:`Action` has (needs the row details)."""
        counted = dict.fromkeys(
            (Action.CREATE, Action.UPDATE, Action.UNCHANGED, Action.HELD_BACK), 0
        )
        for match in (self.row_matches or {}).values():
            counted[match.action] += 1
        return counted

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "held_back": len(self.held_back),
            "errors": self.errors,
        }

    def summary(self) -> str:
        if self.rejected:
            outcome = "nothing would be imported" if self.dry_run else "nothing was imported"
            return (
                f"{self.file_name}: {outcome}; {len(self.invalid_rows)} row(s) have"
                f" {self.errors} problem(s). Fix them, or choose to skip invalid rows."
            )
        verb = "would import" if self.dry_run else "imported"
        imported = self.rows - self.skipped - len(self.held_back)
        summary = (
            f"{self.file_name}: {verb} {imported} of {self.rows} row(s):"
            f" {self.created} created, {self.updated} updated, {self.unchanged} unchanged,"
            f" {self.skipped} skipped"
        )
        if not self.held_back:
            return summary + "."
        count = len(self.held_back)
        return (
            f"{summary}, {count} held back ({'it matches' if count == 1 else 'they match'}"
            " an existing HCP on name and country alone, which is applied only when"
            " confirmed)."
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "file_name": self.file_name,
            "kind": self.kind,
            **self.counts(),
            "written": self.written,
            "rejected": self.rejected,
            "dry_run": self.dry_run,
            "invalid_rows": sorted(self.invalid_rows),
            "problems": [problem.as_dict() for problem in self.problems],
            "match_names": self.match_names,
            "held_back": [match.as_dict() for match in self.held_back],
        }
