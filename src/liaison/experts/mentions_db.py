"""The resolver's mentions read from the database, in batches.

Every person-named ``literature.Authorship`` (authors and the investigators of a
group's ``InvestigatorList``; collective names are groups, not people) becomes a
:class:`~liaison.experts.resolution.Mention` keyed ``"a:<id>"`` with its
publication's year, journal, MeSH names, co-authors ("family initial" keys),
affiliations, ORCID iD and an e-mail address found in the affiliation text.
Every ``trials.TrialOfficial`` becomes one keyed ``"o:<id>"``: its name parsed
("Anna Schmidt, MD, PhD" -> given "Anna", family "Schmidt"), its affiliation,
the trial's conditions as topics and the start year.

Human decisions constrain the resolver through anchors: a mention a
``MentionDecision(BELONGS)`` pins has the anchor ``"hcp:<id>"`` (and so has every
mention sharing its ORCID iD, so the two anchors never disagree); a
``NOT_THIS`` decision adds ``"hcp:<id>"`` to its ``forbidden`` set.

Memory stays modest at a million authorships: rows are read with
``values_list`` in chunks of publications (no model instances), repeated strings
(journals, MeSH names, co-author keys) are interned, and what the service needs
besides the mentions is kept as plain ids (:class:`MentionSet`).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from liaison.experts.models import MentionDecision, Verdict
from liaison.experts.resolution import Mention
from liaison.experts.resolution.citations import ABSTRACT_CHARS
from liaison.experts.resolution.names import name_key
from liaison.lib.text import fold
from liaison.literature.models import Authorship, Publication, PublicationMesh
from liaison.trials.models import Trial, TrialOfficial

#: Publications read per batch (their authorships, MeSH headings and journals with them).
PUBLICATION_CHUNK = 2000
#: Trial officials read per batch.
OFFICIAL_CHUNK = 5000
#: Co-authors kept per mention: a consortium's 800 investigators say little more than 50.
MAX_COAUTHORS = 50

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_HONORIFICS = frozenset(
    {"dr", "prof", "professor", "mr", "mrs", "ms", "miss", "sir", "dame", "med", "pd", "univ"}
)
_CREDENTIALS = frozenset(
    {
        "md",
        "phd",
        "mph",
        "msc",
        "ms",
        "bsc",
        "ba",
        "ma",
        "mba",
        "do",
        "rn",
        "np",
        "pa",
        "pharmd",
        "dphil",
        "mbbs",
        "mbchb",
        "frcp",
        "frcpc",
        "facp",
        "facs",
        "fesc",
        "dds",
        "dmd",
        "drph",
        "scd",
        "habil",
        "med",
        "prof",
        "dr",
        "mmed",
        "frcs",
        "frcpath",
    }
)
#: Words of a role or an organization written where a person's name belongs.
_NOT_A_PERSON = frozenset(
    {
        "study",
        "director",
        "chair",
        "investigator",
        "principal",
        "clinical",
        "medical",
        "trial",
        "trials",
        "call",
        "center",
        "centre",
        "contact",
        "sponsor",
        "site",
        "officer",
        "monitor",
        "information",
        "gmbh",
        "inc",
        "ltd",
        "llc",
        "ag",
        "sa",
        "pharmaceuticals",
        "pharma",
        "university",
        "hospital",
        "transparency",
        "department",
        "global",
        "team",
        "group",
        "research",
        "development",
        "unit",
        "desk",
        "services",
    }
)
#: Words that open a compound family name ("van der Berg", "de la Cruz").
_PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "del", "della", "di", "da", "dos", "das", "du", "la", "le"}
)

Progress = Callable[[int, int], None]


@dataclass
class MentionSet:
    """The mentions and what the service needs beside them.

    ``linked``: each mention's current HCP (``Authorship.hcp``, ``TrialOfficial.hcp``)
    when it has one; ``pinned``: mention key -> HCP a BELONGS decision pins it to;
    ``refused``: mention key -> HCPs a NOT_THIS decision keeps it from;
    ``officials``: the keys of trial officials (a principal investigator is an expert
    on one mention)."""

    mentions: list[Mention] = field(default_factory=list)
    linked: dict[str, int] = field(default_factory=dict)
    pinned: dict[str, int] = field(default_factory=dict)
    refused: dict[str, set[int]] = field(default_factory=dict)
    officials: set[str] = field(default_factory=set)


def mention_key(kind: str, pk: int) -> str:
    """``"a:12"`` for authorship 12, ``"o:3"`` for trial official 3."""
    return f"{kind}:{pk}"


def parse_key(key: str) -> tuple[str, int]:
    """``"a:12"`` -> ``("a", 12)``; a key of another shape is a ``ValueError``."""
    kind, _, number = key.partition(":")
    if kind not in ("a", "o") or not number.isdigit():
        raise ValueError(f"{key!r} is not a mention key (a:<authorship id> or o:<official id>)")
    return kind, int(number)


def initials_of(given: str) -> str:
    """``"Jean-Pierre S."`` -> ``"JPS"``: the upper-case first letter of each part."""
    parts = re.split(r"[\s.\-]+", given.strip())
    return "".join(part[0].upper() for part in parts if part and part[0].isalpha())


def coauthor_key(family: str, given: str, initials: str) -> str:
    """The ``"family initial"`` key of a co-author: ``"smith j"``."""
    return sys.intern(name_key(family, given, initials or initials_of(given)))


def email_in(texts: tuple[str, ...] | list[str]) -> str:
    """The first e-mail address written in ``texts`` (affiliations carry them), or ``""``."""
    for text in texts:
        found = EMAIL.search(text)
        if found:
            return found.group(0).rstrip(".").lower()
    return ""


def _is_credential(text: str) -> bool:
    """``"MD"``, ``"Ph.D."``, ``"FRCPC"``: a degree or title, not a name."""
    letters = re.sub(r"[.\s'\u2019-]", "", text)
    if not letters.isalpha():
        return True
    return letters.lower() in _CREDENTIALS or (len(letters) >= 2 and letters.isupper())


def parse_official_name(name: str) -> tuple[str, str]:
    """A trial official's name as the registry writes it, as ``(given, family)``:
    ``"Anna Schmidt, MD, PhD"`` -> ``("Anna", "Schmidt")``, ``"Prof. Dr. med. Jan van
    der Berg"`` -> ``("Jan", "van der Berg")``, ``"Smith, John A."`` -> ``("John A.",
    "Smith")``. A name that is no person's (``"Study Director"``) gives ``("", "")``."""
    text = " ".join(name.replace("\u00a0", " ").split())
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts:
        return "", ""
    head, rest = parts[0], parts[1:]
    # "Smith, John A., MD": a one-word head and a second part that is a name.
    if rest and " " not in head and not _is_credential(rest[0]):
        if fold(head) in _NOT_A_PERSON or fold(rest[0]) in _NOT_A_PERSON:
            return "", ""
        return rest[0], head
    words = [
        word
        for word in head.split()
        if word.strip(".").lower() not in _HONORIFICS and not _is_credential(word)
    ]
    if len(words) < 2 or any(fold(word) in _NOT_A_PERSON for word in words):
        return "", ""
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in _PARTICLES:
        start -= 1
    return " ".join(words[:start]), " ".join(words[start:])


def _decisions(result: MentionSet) -> tuple[dict[str, str], dict[str, frozenset[str]]]:
    """Anchors and forbidden anchors of the decided mentions (few: read at once)."""
    anchors: dict[str, str] = {}
    forbidden: dict[str, set[str]] = {}
    rows = MentionDecision.objects.order_by("decided_at", "pk").values_list(
        "authorship_id", "official_id", "hcp_id", "verdict"
    )
    for authorship_id, official_id, hcp_id, verdict in rows:
        key = mention_key("a", authorship_id) if authorship_id else mention_key("o", official_id)
        if verdict == Verdict.BELONGS:
            anchors[key] = f"hcp:{hcp_id}"  # the latest decision wins
            result.pinned[key] = hcp_id
        else:
            forbidden.setdefault(key, set()).add(f"hcp:{hcp_id}")
            result.refused.setdefault(key, set()).add(hcp_id)
    for key, anchor in anchors.items():
        forbidden.get(key, set()).discard(anchor)
    return anchors, {key: frozenset(values) for key, values in forbidden.items()}


def _orcid_anchors(anchors: dict[str, str]) -> dict[str, str]:
    """ORCID iD -> the HCP anchor of a pinned mention carrying it."""
    pinned_ids = [parse_key(key)[1] for key in anchors if key.startswith("a:")]
    found: dict[str, str] = {}
    for start in range(0, len(pinned_ids), 500):
        for pk, orcid in (
            Authorship.objects.filter(pk__in=pinned_ids[start : start + 500])
            .exclude(orcid="")
            .values_list("pk", "orcid")
        ):
            found.setdefault(orcid, anchors[mention_key("a", pk)])
    return found


def _publication_chunks() -> Iterator[list[int]]:
    last = 0
    while True:
        ids = list(
            Publication.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:PUBLICATION_CHUNK]
        )
        if not ids:
            return
        yield ids
        last = ids[-1]


def build_mentions(*, progress: Progress | None = None) -> MentionSet:
    """Every mention of the library and the registry (see the module).

    ``progress(done, total)`` counts publications and then trial officials read."""
    result = MentionSet()
    anchors, forbidden = _decisions(result)
    by_orcid = _orcid_anchors(anchors)
    total = Publication.objects.count() + TrialOfficial.objects.count()
    done = 0
    for ids in _publication_chunks():
        _add_publications(result, ids, anchors, forbidden, by_orcid)
        done += len(ids)
        if progress is not None:
            progress(done, total)
    last = 0
    while True:
        rows = list(
            TrialOfficial.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "trial_id", "name", "affiliation", "role", "hcp_id")[:OFFICIAL_CHUNK]
        )
        if not rows:
            break
        _add_officials(result, rows, anchors, forbidden)
        last = rows[-1][0]
        done += len(rows)
        if progress is not None:
            progress(done, total)
    return result


def _add_publications(
    result: MentionSet,
    ids: list[int],
    anchors: dict[str, str],
    forbidden: dict[str, frozenset[str]],
    by_orcid: dict[str, str],
) -> None:
    intern = sys.intern
    facts: dict[int, tuple[int | None, str, str, str]] = {}
    mesh: dict[int, list[str]] = {}
    for (
        pk,
        year,
        journal,
        abbreviation,
        title,
        abstract,
        keywords,
        chemicals,
    ) in Publication.objects.filter(pk__in=ids).values_list(
        "pk",
        "published_year",
        "journal__title",
        "journal__iso_abbreviation",
        "title",
        "abstract_text",
        "keywords",
        "chemicals",
    ):
        # As the evaluation reads records (resolution.citations): one string per
        # publication, shared by its authors' mentions.
        venue = intern((abbreviation or journal or "").lower())
        facts[pk] = (year, venue, title or "", (abstract or "")[:ABSTRACT_CHARS])
        extra = [intern(str(word).lower()) for word in keywords or []]
        extra += [
            intern(str(item.get("name", "")).lower())
            for item in chemicals or []
            if isinstance(item, dict) and item.get("name")
        ]
        if extra:
            mesh[pk] = extra
    for publication_id, name in PublicationMesh.objects.filter(publication_id__in=ids).values_list(
        "publication_id", "term__name"
    ):
        mesh.setdefault(publication_id, []).insert(0, intern(name.lower()))
    people: dict[int, list[Any]] = {}
    for row in (
        Authorship.objects.filter(publication_id__in=ids, collective="")
        .exclude(family="")
        .order_by("publication_id", "role", "position")
        .values_list(
            "pk",
            "publication_id",
            "role",
            "family",
            "given",
            "initials",
            "affiliations",
            "orcid",
            "hcp_id",
        )
    ):
        people.setdefault(row[1], []).append(row)
    for publication_id, rows in people.items():
        year, journal, title, abstract = facts.get(publication_id, (None, "", "", ""))
        topics = tuple(dict.fromkeys(mesh.get(publication_id, ())))
        keys = [
            coauthor_key(str(row[3]), str(row[4]), str(row[5])) for row in rows[: MAX_COAUTHORS + 1]
        ]
        for index, row in enumerate(rows):
            pk, _, _, family, given, initials, affiliations, orcid, hcp_id = row
            key = mention_key("a", int(pk))
            texts = tuple(str(text) for text in (affiliations or []) if text)
            anchor = anchors.get(key) or by_orcid.get(str(orcid), "")
            coauthors = tuple(other for i, other in enumerate(keys) if i != index)
            result.mentions.append(
                Mention(
                    key=key,
                    family=str(family),
                    given=str(given),
                    initials=str(initials) or initials_of(str(given)),
                    orcid=str(orcid),
                    affiliations=texts,
                    coauthors=coauthors[:MAX_COAUTHORS],
                    mesh=topics,
                    journal=journal,
                    year=year,
                    title=title,
                    abstract=abstract,
                    email=email_in(texts),
                    anchor=anchor,
                    forbidden=forbidden.get(key, frozenset()),
                )
            )
            if hcp_id is not None:
                result.linked[key] = int(hcp_id)


def _add_officials(
    result: MentionSet,
    rows: Sequence[tuple[int, int, str, str, str, int | None]],
    anchors: dict[str, str],
    forbidden: dict[str, frozenset[str]],
) -> None:
    trial_ids = {row[1] for row in rows}
    trials: dict[int, tuple[tuple[str, ...], int | None]] = {}
    for pk, conditions, start_on in Trial.objects.filter(pk__in=trial_ids).values_list(
        "pk", "conditions", "start_on"
    ):
        topics = tuple(sys.intern(str(item)) for item in conditions or [] if item)
        trials[pk] = (topics, start_on.year if start_on else None)
    for pk, trial_id, name, affiliation, _role, hcp_id in rows:
        given, family = parse_official_name(name)
        if not family:
            continue
        key = mention_key("o", pk)
        topics, year = trials.get(trial_id, ((), None))
        texts = (affiliation,) if affiliation else ()
        result.mentions.append(
            Mention(
                key=key,
                family=family,
                given=given,
                initials=initials_of(given),
                affiliations=texts,
                mesh=topics,
                year=year,
                email=email_in(texts),
                anchor=anchors.get(key, ""),
                forbidden=forbidden.get(key, frozenset()),
            )
        )
        result.officials.add(key)
        if hcp_id is not None:
            result.linked[key] = hcp_id


def mentions_for(keys: list[str]) -> dict[str, Mention]:
    """The mentions of ``keys`` as the resolver reads them (for a proposal's page and
    :func:`~liaison.experts.resolution.explain`); unknown keys are left out."""
    result = MentionSet()
    authorship_ids = [parse_key(key)[1] for key in keys if key.startswith("a:")]
    official_ids = [parse_key(key)[1] for key in keys if key.startswith("o:")]
    publication_ids = sorted(
        set(
            Authorship.objects.filter(pk__in=authorship_ids).values_list(
                "publication_id", flat=True
            )
        )
    )
    for start in range(0, len(publication_ids), PUBLICATION_CHUNK):
        _add_publications(result, publication_ids[start : start + PUBLICATION_CHUNK], {}, {}, {})
    rows = list(
        TrialOfficial.objects.filter(pk__in=official_ids).values_list(
            "pk", "trial_id", "name", "affiliation", "role", "hcp_id"
        )
    )
    _add_officials(result, rows, {}, {})
    wanted = set(keys)
    return {m.key: m for m in result.mentions if m.key in wanted}
