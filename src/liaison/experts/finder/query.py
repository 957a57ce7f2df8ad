"""What the finder is asked: conditions, a country and a phase, validated
(:func:`parse_query`) into a :class:`FinderQuery`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from liaison.core.errors import LiaisonError
from liaison.lib import countries
from liaison.lib.text import fold
from liaison.trials.models import PHASE_LABELS, phase_label

CONDITION_MAX = 200
CONDITIONS_MAX = 10


@dataclass(frozen=True)
class FinderQuery:
    """What the finder looks for; built by :func:`parse_query` (validated)."""

    conditions: tuple[str, ...]
    country: str = ""  # ISO 3166-1 alpha-2
    phase: str = ""  # a key of PHASE_LABELS

    @property
    def condition_label(self) -> str:
        """The conditions as a user reads them: "melanoma or skin cancer"."""
        return " or ".join(self.conditions)

    @property
    def country_name(self) -> str:
        return countries.name(self.country)

    @property
    def phase_name(self) -> str:
        return phase_label(self.phase) if self.phase else ""

    def describe(self) -> str:
        """ "melanoma, phase 3 trials, in Germany"."""
        parts = [self.condition_label]
        if self.phase:
            parts.append(f"{self.phase_name.lower()} trials")
        if self.country:
            parts.append(f"in {self.country_name}")
        return ", ".join(parts)


_PHASE_WORDS: dict[str, str] = {}
for _code, _label in PHASE_LABELS.items():
    for _spelling in (_code, _label, _label.replace("Phase ", ""), _code.replace("_", " ")):
        _PHASE_WORDS[fold(_spelling).replace(" ", "")] = _code
_PHASE_WORDS.update({"n/a": "NA", "none": "NA", "early1": "EARLY_PHASE1"})
for _number, _roman in enumerate(("i", "ii", "iii", "iv"), start=1):  # "Phase III"
    _PHASE_WORDS[f"phase{_roman}"] = _PHASE_WORDS[_roman] = f"PHASE{_number}"


def phase_choices() -> list[tuple[str, str]]:
    return list(PHASE_LABELS.items())


def parse_phase(value: str) -> str | None:
    """A phase code from a code or its words ("PHASE3", "phase 3", "3"); None if none."""
    return _PHASE_WORDS.get(fold(value).replace(" ", "").replace("-", ""))


def parse_query(*, condition: str, country: str = "", phase: str = "") -> FinderQuery:
    """The validated query, or a :class:`LiaisonError` naming every field in error."""
    problems: dict[str, str] = {}
    text = condition.strip()
    parts: list[str] = []
    if not text:
        problems["condition"] = "give a condition, e.g. melanoma"
    elif len(text) > CONDITION_MAX:
        problems["condition"] = f"is {len(text)} characters; at most {CONDITION_MAX}"
    else:
        parts = [" ".join(part.split()) for part in re.split(r"[,;]", text)]
        parts = list(dict.fromkeys(part for part in parts if part))
        short = [part for part in parts if len(fold(part).replace(" ", "")) < 3]
        if not parts:
            problems["condition"] = "give a condition, e.g. melanoma"
        elif short:
            problems["condition"] = (
                f"“{short[0]}” is too short: give at least 3 letters of a condition"
            )
        elif len(parts) > CONDITIONS_MAX:
            problems["condition"] = f"names {len(parts)} conditions; at most {CONDITIONS_MAX}"
    code = ""
    if country.strip():
        found = countries.code_for(country)
        if found is None:
            problems["country"] = (
                f"“{country.strip()[:40]}” is not a country code (ISO 3166-1, e.g. DE) "
                "or a country's name"
            )
        else:
            code = found
    phase_code = ""
    if phase.strip():
        found_phase = parse_phase(phase)
        if found_phase is None:
            problems["phase"] = (
                f"“{phase.strip()[:40]}” is not a phase: give phase 1, 2, 3 or 4, "
                "early phase 1 or not applicable"
            )
        else:
            phase_code = found_phase
    if problems:
        message = "; ".join(f"{name}: {reason}" for name, reason in problems.items())
        raise LiaisonError(message, details=problems)
    return FinderQuery(tuple(parts), code, phase_code)
