"""What a resolution run proposes for a person to decide (:class:`Draft`, the same
proposal across runs by :func:`signature_of`) and how the run writes its proposals
(:func:`write_proposals`): open the new ones, keep those still open, supersede the
rest, never propose again what a person decided."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from liaison.core import audit
from liaison.core.audit import PendingEvent
from liaison.core.models import AuditAction, User
from liaison.directory.models import HCP
from liaison.experts.mentions_db import parse_key
from liaison.experts.models import Proposal, ProposalKind, ProposalStatus, ResolutionRun
from liaison.lib import bulk
from liaison.literature.models import Authorship
from liaison.trials.models import TrialOfficial

#: Items of each kind kept in a proposal's or discovery's evidence.
EVIDENCE_ITEMS = 20


@dataclass
class Draft:
    """A proposal the run would have open."""

    kind: str
    hcp: int | None
    other_hcp: int | None
    mentions: list[str]
    score: float
    evidence: dict[str, Any]

    @property
    def signature(self) -> str:
        return signature_of(self.kind, self.hcp, self.other_hcp, self.mentions)


def signature_of(kind: str, hcp: int | None, other: int | None, mentions: Iterable[str]) -> str:
    """What makes two proposals the same across runs."""
    if kind == ProposalKind.DUPLICATE:
        pair = sorted(pk for pk in (hcp, other) if pk is not None)
        return f"{kind}|{pair}"
    keys = sorted(mentions)
    return f"{kind}|{hcp if kind == ProposalKind.LINK else ''}|{','.join(keys)}"


def created_event(instance: Any) -> PendingEvent:
    changes = {
        f.name: [None, audit.to_json_value(getattr(instance, f.attname))]
        for f in instance._meta.concrete_fields
        if getattr(instance, f.attname) not in (None, "", [], {})
    }
    return PendingEvent(
        action=AuditAction.CREATE,
        record_type=audit.record_type_of(instance),
        record_id=instance.pk,
        record_label=str(instance),
        changes=changes,
    )


def mention_sources(keys: list[str]) -> dict[str, list[str]]:
    """The PMIDs and NCT IDs behind ``keys`` (at most :data:`EVIDENCE_ITEMS` of each)."""
    authorships = [parse_key(k)[1] for k in keys if k.startswith("a:")][:200]
    officials = [parse_key(k)[1] for k in keys if k.startswith("o:")][:200]
    pmids = sorted(
        {
            str(pmid)
            for pmid in Authorship.objects.filter(pk__in=authorships).values_list(
                "publication__pmid", flat=True
            )
        }
    )
    ncts = sorted(
        set(TrialOfficial.objects.filter(pk__in=officials).values_list("trial__nct_id", flat=True))
    )
    return {"pmids": pmids[:EVIDENCE_ITEMS], "nct_ids": ncts[:EVIDENCE_ITEMS]}


def write_proposals(
    actor: User | None,
    drafts: Mapping[str, Draft],
    run: ResolutionRun,
    different: set[frozenset[int]],
) -> dict[str, int]:
    """Open the run's proposals (``drafts``, by signature), keep those already open,
    supersede the rest; never a decided one, nor a duplicate of a pair ``different``."""
    decided: set[str] = set()
    open_by_signature: dict[str, Proposal] = {}
    for proposal in Proposal.objects.all().only(
        "pk", "kind", "status", "hcp_id", "other_hcp_id", "mentions"
    ):
        signature = signature_of(
            proposal.kind, proposal.hcp_id, proposal.other_hcp_id, proposal.mentions
        )
        if proposal.status == ProposalStatus.OPEN:
            open_by_signature[signature] = proposal
        elif proposal.status in (ProposalStatus.CONFIRMED, ProposalStatus.REJECTED):
            decided.add(signature)
    hcps = set(HCP.objects.values_list("pk", flat=True))
    created: list[Proposal] = []
    kept: list[Proposal] = []
    for signature, draft in drafts.items():
        if signature in decided:
            continue
        if draft.kind == ProposalKind.DUPLICATE and (
            frozenset((draft.hcp, draft.other_hcp)) in different
        ):
            continue
        if any(pk is not None and pk not in hcps for pk in (draft.hcp, draft.other_hcp)):
            continue
        evidence = {**draft.evidence, **(mention_sources(draft.mentions) if draft.mentions else {})}
        current = open_by_signature.pop(signature, None)
        if current is not None:
            current.score, current.evidence, current.run = draft.score, evidence, run
            current.mentions = draft.mentions
            kept.append(current)
            continue
        created.append(
            Proposal(
                kind=draft.kind,
                hcp_id=draft.hcp,
                other_hcp_id=draft.other_hcp,
                mentions=draft.mentions,
                score=draft.score,
                evidence=evidence,
                run=run,
                created_at=timezone.now(),
            )
        )
    Proposal.objects.bulk_update(kept, ["score", "evidence", "run", "mentions"], batch_size=500)
    bulk.insert_instances(Proposal, created)
    stale = list(open_by_signature.values())
    Proposal.objects.filter(pk__in=[p.pk for p in stale]).update(status=ProposalStatus.SUPERSEDED)
    events = [created_event(proposal) for proposal in created]
    events += [
        PendingEvent(
            action=AuditAction.UPDATE,
            record_type=audit.record_type_of(Proposal),
            record_id=proposal.pk,
            record_label=str(proposal),
            changes={"status": [ProposalStatus.OPEN, ProposalStatus.SUPERSEDED]},
        )
        for proposal in stale
    ]
    if events:  # record_events() with none would key the chain without saving its head
        audit.record_events(actor=actor, events=events, reason=f"resolution run {run.pk}")
    return {"proposals_opened": len(created), "proposals_kept": len(kept), "superseded": len(stale)}
