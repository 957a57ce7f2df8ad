"""What an import found and did (pure code)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from liaison.directory.importing.validation import Problem


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

    @property
    def errors(self) -> int:
        return len(self.problems)

    @property
    def is_valid(self) -> bool:
        return not self.problems

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)
        self.invalid_rows.add(problem.row)

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
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
        return (
            f"{self.file_name}: {verb} {self.rows - self.skipped} of {self.rows} row(s):"
            f" {self.created} created, {self.updated} updated, {self.unchanged} unchanged,"
            f" {self.skipped} skipped."
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
        }
