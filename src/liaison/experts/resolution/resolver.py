"""Placeholder resolver (same folded family name and first initial, anchors obeyed):
replaced by the trained pairwise model and constrained clustering."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from liaison.experts.resolution.mentions import Mention, Resolution
from liaison.lib.text import fold

Progress = Callable[[int, int], None]


def _name_key(mention: Mention) -> str:
    family = fold(mention.family).lower()
    first = (mention.initials or mention.given or "?")[:1].lower()
    return f"{family}|{first}"


def resolve(mentions: Sequence[Mention], *, progress: Progress | None = None) -> Resolution:
    person_of: dict[str, int] = {}
    by_key: dict[str, int] = {}
    for mention in mentions:
        anchor = mention.anchor or (f"orcid:{mention.orcid}" if mention.orcid else "")
        key = anchor or _name_key(mention)
        person_of[mention.key] = by_key.setdefault(key, len(by_key))
    return Resolution(person_of)


def explain(a: Mention, b: Mention) -> dict[str, Any]:
    return {"same_name_key": _name_key(a) == _name_key(b)}
