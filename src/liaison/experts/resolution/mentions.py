"""What the resolver reads and what it answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Mention:
    """One occurrence of a person's name in a record.

    ``key`` is the caller's (``"a:<authorship id>"``, ``"o:<official id>"``,
    ``"<pmid>:<position>"`` in an evaluation). ``given`` is the fore name as
    written (``"Jennifer S"``, ``"J S"``, or empty); ``coauthors`` are the other
    people of the record as ``"family initial"`` (folded, e.g. ``"smith j"``).
    ``anchor``: two mentions with the same non-empty anchor are one person and
    two different anchors never merge (``"orcid:0000-..."``, ``"hcp:12"`` for a
    human decision); an ORCID becomes the anchor when none is given.
    ``forbidden``: anchors this mention must not join (a "not this HCP" decision).
    ``title`` and ``abstract`` give the record's words (the abstract may be cut short:
    its first few hundred characters carry most of its distinctive words).
    """

    key: str
    family: str
    given: str = ""
    initials: str = ""
    orcid: str = ""
    affiliations: tuple[str, ...] = ()
    coauthors: tuple[str, ...] = ()
    mesh: tuple[str, ...] = ()
    journal: str = ""
    year: int | None = None
    title: str = ""
    abstract: str = ""
    email: str = ""
    anchor: str = ""
    forbidden: frozenset[str] = field(default_factory=frozenset)


@dataclass(slots=True)
class NearMiss:
    """Two people the model found possibly one (below the merge threshold): the queue's
    candidates. ``reasons`` are the features behind ``probability``, for people to read."""

    person_a: int
    person_b: int
    probability: float
    reasons: dict[str, Any]


@dataclass(slots=True)
class Resolution:
    """``person_of``: each mention's key to a person number (0, 1, 2...; arbitrary but
    stable for the same input); ``near_misses``: pairs of people worth a human look."""

    person_of: dict[str, int]
    near_misses: list[NearMiss] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)

    def people(self) -> dict[int, list[str]]:
        """Each person's mention keys, in input order."""
        groups: dict[int, list[str]] = {}
        for key, person in self.person_of.items():
            groups.setdefault(person, []).append(key)
        return groups
