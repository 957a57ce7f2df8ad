"""The "Identity resolution" panel of the HCP profile (``registry.RecordPanel``).

For an HCP that identity resolution discovered (origin "discovered", or any HCP
holding a :class:`~liaison.experts.models.Discovery`), the evidence it was
created on: the names and affiliations as written, the years, journals, topics,
co-authors and ORCID iDs, the publications and trials it was found in, and how
it came to be (a resolution run, a confirmed proposal of the queue, or mentions
split off another HCP). For those who decide on identities (the policy's
``add`` on ``experts.PersonDecision``: administrators and insights leads), the
ways to correct it: split mentions off the HCP, merge it with another, and its
open proposals in the queue.

The panel reads a bounded number of rows in at most eight queries whatever the
HCP's evidence; a ``Discovery``'s evidence is JSON written by several services
(a run, a confirmed proposal, a split), so it is read defensively.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse

from liaison.core import policy
from liaison.core.policy import AnyUser
from liaison.directory.models import HCP, Origin
from liaison.experts.models import Discovery, PersonDecision, Proposal, ProposalStatus
from liaison.literature.models import Authorship, Publication
from liaison.trials.models import Trial, TrialOfficial

#: Items of each kind of evidence shown (names, affiliations, topics...).
ITEMS = 20
#: Publications and trials of the evidence listed.
SOURCES = 20
#: Open proposals listed (the queue has the rest).
PROPOSALS = 10


@dataclass(frozen=True, slots=True)
class Evidence:
    """A discovery's evidence, read from its JSON whatever service wrote it."""

    names: list[str] = field(default_factory=list)
    affiliations: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    coauthors: list[str] = field(default_factory=list)
    journals: list[str] = field(default_factory=list)
    orcids: list[str] = field(default_factory=list)
    first_year: int | None = None
    last_year: int | None = None
    mention_count: int = 0
    pmids: list[int] = field(default_factory=list)
    nct_ids: list[str] = field(default_factory=list)
    authorship_ids: list[int] = field(default_factory=list)
    official_ids: list[int] = field(default_factory=list)
    proposal_id: int | None = None
    probability: float | None = None
    reasons: list[str] = field(default_factory=list)
    split_from: int | None = None
    split_from_label: str = ""

    @property
    def has_person(self) -> bool:
        """Whether anything about the person (not only the sources) was kept."""
        return bool(
            self.names
            or self.affiliations
            or self.topics
            or self.coauthors
            or self.journals
            or self.orcids
            or self.first_year
        )


def _texts(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    texts = [" ".join(str(item).split()) for item in value if isinstance(item, str | int)]
    return [text for text in texts if text][:ITEMS]


def _whole(value: Any) -> int | None:
    """A positive whole number from JSON (``12``, ``"12"``), else ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
        return number if 0 < number < 2**63 else None
    return None


def _keys(value: Any, kind: str) -> list[int]:
    """The ids of mention keys of ``kind`` (``"a"``: authorships, ``"o"``: officials)."""
    if not isinstance(value, list):
        return []
    ids = []
    for key in value:
        if isinstance(key, str) and key.startswith(f"{kind}:"):
            number = _whole(key[2:])
            if number is not None:
                ids.append(number)
    return ids[:200]


def read_evidence(raw: Any) -> Evidence:
    """The evidence of a ``Discovery`` as the panel shows it.

    A run writes the person's summary at the top level (``names``,
    ``affiliations``, ... ``mentions``: a count) with ``pmids`` and
    ``nct_ids``; a confirmed proposal nests the summary under ``person`` beside
    ``proposal``, ``score`` and ``reasons``; a split writes ``split_from`` and
    ``mentions``, the keys moved."""
    data: dict[str, Any] = raw if isinstance(raw, dict) else {}
    nested = data.get("person")
    person: dict[str, Any] = {**(nested if isinstance(nested, dict) else {}), **data}
    years = [year for year in map(_whole, _list(person.get("years"))) if year]
    mentions = person.get("mentions")
    if isinstance(nested, dict) and not isinstance(mentions, int | list):
        mentions = nested.get("mentions")
    count = len(mentions) if isinstance(mentions, list) else (_whole(mentions) or 0)
    reasons = data.get("reasons")
    score = data.get("score")
    return Evidence(
        names=_texts(person.get("names")),
        affiliations=_texts(person.get("affiliations")),
        topics=_texts(person.get("topics")),
        coauthors=_texts(person.get("coauthors")),
        journals=_texts(person.get("journals")),
        orcids=_texts(person.get("orcids")),
        first_year=min(years) if years else None,
        last_year=max(years) if years else None,
        mention_count=count,
        pmids=[pmid for pmid in map(_whole, _list(data.get("pmids"))) if pmid][:200],
        nct_ids=[str(nct) for nct in _list(data.get("nct_ids")) if isinstance(nct, str)][:200],
        authorship_ids=_keys(mentions, "a"),
        official_ids=_keys(mentions, "o"),
        proposal_id=_whole(data.get("proposal")),
        probability=float(score)
        if isinstance(score, int | float) and not isinstance(score, bool) and 0 <= score <= 1
        else None,
        reasons=[
            f"{str(key).replace('_', ' ')}: {value}" if not isinstance(value, bool) else str(key)
            for key, value in (reasons.items() if isinstance(reasons, dict) else ())
        ][:ITEMS],
        split_from=_whole(data.get("split_from")),
        split_from_label=str(data.get("split_from_label") or "")[:300],
    )


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _sources(user: AnyUser, evidence: Evidence) -> dict[str, Any]:
    """The publications and trials of the evidence the user may see (two queries at most)."""
    publications: list[Publication] = []
    trials: list[Trial] = []
    if evidence.pmids or evidence.authorship_ids:
        wanted = Q(pmid__in=evidence.pmids) | Q(
            pk__in=Authorship.objects.filter(pk__in=evidence.authorship_ids).values(
                "publication_id"
            )
        )
        publications = list(
            policy.scope(user, "view", Publication)
            .filter(wanted)
            .select_related("journal")
            .order_by("-published_year", "-pmid")[:SOURCES]
        )
    if evidence.nct_ids or evidence.official_ids:
        wanted = Q(nct_id__in=evidence.nct_ids) | Q(
            pk__in=TrialOfficial.objects.filter(pk__in=evidence.official_ids).values("trial_id")
        )
        trials = list(
            policy.scope(user, "view", Trial)
            .filter(wanted)
            .order_by("-start_on", "nct_id")[:SOURCES]
        )
    return {"publications": publications, "trials": trials}


def _decisions(user: AnyUser, hcp: HCP) -> dict[str, Any]:
    """What a decider needs: the HCP's linked mentions, the split and merge links, and
    the open proposals that concern the HCP (four queries)."""
    authorships = Authorship.objects.filter(hcp=hcp).count()
    officials = TrialOfficial.objects.filter(hcp=hcp).count()
    open_proposals = (
        policy.scope(user, "view", Proposal)
        .filter(status=ProposalStatus.OPEN)
        .filter(Q(hcp=hcp) | Q(other_hcp=hcp))
        .select_related("hcp", "other_hcp")
    )
    listed = list(open_proposals[:PROPOSALS])
    total = open_proposals.count()
    # A discovered HCP is most often the duplicate of one already in the directory.
    role = "duplicate" if hcp.origin == Origin.DISCOVERED else "keep"
    return {
        "authorship_count": authorships,
        "official_count": officials,
        "split_url": reverse("experts:hcp-split", args=[hcp.pk])
        if authorships or officials
        else None,
        "merge_url": f"{reverse('experts:hcp-merge')}?{urlencode({role: hcp.pk})}",
        "proposals": [
            {"proposal": proposal, "other": _other(proposal, hcp)} for proposal in listed
        ],
        "proposal_count": total,
        "queue_url": reverse("experts:proposal-list"),
    }


def _other(proposal: Proposal, hcp: HCP) -> HCP | None:
    """The proposal's HCP that is not ``hcp`` (a duplicate's other side)."""
    for candidate in (proposal.hcp, proposal.other_hcp):
        if candidate is not None and candidate.pk != hcp.pk:
            return candidate
    return None


def identity_panel(user: AnyUser, hcp: HCP) -> dict[str, Any] | None:
    """The panel's context, or ``None`` when there is nothing for this user: the HCP
    was not discovered (or its evidence is not theirs to read) and they may not
    decide on identities."""
    can_decide = policy.can(user, "add", PersonDecision)
    discovery = (
        policy.scope(user, "view", Discovery)
        .select_related("run", "run__started_by")
        .filter(hcp=hcp)
        .first()
    )
    discovered = discovery is not None or hcp.origin == Origin.DISCOVERED
    if not (discovered and policy.grants_any(user, "view", Discovery)) and not can_decide:
        return None
    evidence = read_evidence(discovery.evidence) if discovery is not None else Evidence()
    split_from = None
    if evidence.split_from is not None:
        split_from = policy.scope(user, "view", HCP).filter(pk=evidence.split_from).first()
    context: dict[str, Any] = {
        "discovered": discovered,
        "discovery": discovery,
        "evidence": evidence,
        "split_from": split_from,
        "can_decide": can_decide,
        **_sources(user, evidence),
    }
    if can_decide:
        context.update(_decisions(user, hcp))
    return context
