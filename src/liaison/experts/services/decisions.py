"""People's decisions on identity: confirm or reject a proposal of the queue, merge
two HCPs, split mentions off an HCP into a new one, mark two HCPs as different.

Administrators and insights leads decide (``decide`` on a proposal; ``add`` on
the decision models for a merge, split or "different" made outside the queue).
Each writes ``MentionDecision`` / ``PersonDecision`` rows with the evidence and
its audit events in one transaction; every later run obeys them (see
:mod:`.resolution`): a mention someone placed is an anchor of the resolver, a
mention someone refused never goes back, two HCPs someone called different are
never proposed again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from liaison.core import audit, policy
from liaison.core.errors import LiaisonError
from liaison.core.models import AuditAction, User
from liaison.directory.models import HCP, Origin
from liaison.directory.services.merge import MergeReport, merge_hcp_records
from liaison.experts.mentions_db import parse_key, parse_official_name
from liaison.experts.models import (
    Discovery,
    MentionDecision,
    PairVerdict,
    PersonDecision,
    Proposal,
    ProposalKind,
    ProposalStatus,
    Verdict,
)
from liaison.experts.services.matching import city_of, country_of
from liaison.lib import countries
from liaison.lib.text import fold
from liaison.lib.validation import validation_error
from liaison.literature.models import Authorship
from liaison.trials.models import TrialOfficial

REASON_MAX = 2000


def _reason(reason: str, *, required: bool = False) -> str:
    text = (reason or "").strip()
    if required and not text:
        raise LiaisonError("reason: say why (it is kept in the audit trail)", field="reason")
    if len(text) > REASON_MAX:
        raise LiaisonError(f"reason: at most {REASON_MAX} characters", field="reason")
    return text


def _require_open(proposal: Proposal) -> None:
    if proposal.status != ProposalStatus.OPEN:
        raise LiaisonError(
            f"status: this proposal is {proposal.get_status_display().lower()}, no longer open",
            field="status",
        )


def _close(actor: User, proposal: Proposal, status: str, reason: str) -> None:
    audit.update_record(
        actor=actor,
        instance=proposal,
        values={
            "status": status,
            "decided_by": actor,
            "decided_at": timezone.now(),
            "reason": reason,
        },
        reason=reason,
    )


def mentions_of(keys: Sequence[str], *, field: str = "mentions") -> dict[str, Any]:
    """The authorships and trial officials of ``keys``, by key; an unknown or malformed
    key is a refusal naming ``field``."""
    parsed: dict[str, tuple[str, int]] = {}
    for key in keys:
        try:
            parsed[key] = parse_key(str(key))
        except ValueError as error:
            raise LiaisonError(f"{field}: {error}", field=field) from None
    authorships = Authorship.objects.in_bulk([n for k, n in parsed.values() if k == "a"])
    officials = TrialOfficial.objects.in_bulk([n for k, n in parsed.values() if k == "o"])
    found: dict[str, Any] = {}
    for key, (kind, number) in parsed.items():
        record = (authorships if kind == "a" else officials).get(number)
        if record is None:
            raise LiaisonError(f"{field}: no mention {key}", field=field)
        found[key] = record
    return found


def _decide_mentions(
    actor: User,
    records: dict[str, Any],
    hcp: HCP,
    verdict: str,
    reason: str,
    evidence: dict[str, Any],
) -> list[MentionDecision]:
    decisions = []
    for record in records.values():
        decision = MentionDecision(
            authorship=record if isinstance(record, Authorship) else None,
            official=record if isinstance(record, TrialOfficial) else None,
            hcp=hcp,
            verdict=verdict,
            decided_by=actor,
            reason=reason,
            evidence=evidence,
        )
        audit.create_record(actor=actor, instance=decision, reason=reason)
        decisions.append(decision)
    return decisions


def _set_hcp(records: dict[str, Any], hcp: HCP | None) -> None:
    authorships = [r.pk for r in records.values() if isinstance(r, Authorship)]
    officials = [r.pk for r in records.values() if isinstance(r, TrialOfficial)]
    Authorship.objects.filter(pk__in=authorships).update(hcp=hcp)
    TrialOfficial.objects.filter(pk__in=officials).update(hcp=hcp)


def _labels(hcp: HCP) -> str:
    place = ", ".join(part for part in (hcp.city, hcp.country) if part)
    return f"{hcp.full_name} ({place}; HCP {hcp.pk})"[:300]


# --- the queue's decisions -------------------------------------------------------------


def confirm_proposal(
    *,
    actor: User,
    proposal: Proposal,
    reason: str = "",
    keep: HCP | None = None,
    country: str = "",
) -> Proposal:
    """Do what ``proposal`` proposes: link its mentions to its HCP (LINK), create the
    HCP it found (DISCOVER; ``country`` when the evidence names none), or merge its
    two HCPs (DUPLICATE; ``keep`` is the one kept, by default the proposal's first)."""
    policy.require(actor, "decide", proposal)
    _require_open(proposal)
    reason = _reason(reason)
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        _require_open(proposal)
        evidence = {"proposal": proposal.pk, "score": proposal.score, **proposal.evidence}
        if proposal.kind == ProposalKind.LINK:
            if proposal.hcp is None:
                raise LiaisonError("hcp: the HCP of this proposal no longer exists", field="hcp")
            records = mentions_of(proposal.mentions)
            _decide_mentions(actor, records, proposal.hcp, Verdict.BELONGS, reason, evidence)
            _set_hcp(records, proposal.hcp)
        elif proposal.kind == ProposalKind.DISCOVER:
            _discover(actor, proposal, country, reason, evidence)
        else:
            first, second = proposal.hcp, proposal.other_hcp
            if first is None or second is None:
                raise LiaisonError("hcp: one of the two HCPs no longer exists", field="hcp")
            kept = keep or first
            if kept.pk not in (first.pk, second.pk):
                raise LiaisonError("keep: keep one of the proposal's two HCPs", field="keep")
            other = second if kept.pk == first.pk else first
            _merge(actor, kept, other, reason or "confirmed duplicate", evidence)
        proposal.refresh_from_db()
        _close(actor, proposal, ProposalStatus.CONFIRMED, reason)
    return proposal


def _discover(
    actor: User, proposal: Proposal, country: str, reason: str, evidence: dict[str, Any]
) -> HCP:
    records = mentions_of(proposal.mentions)
    person = proposal.evidence.get("person", {}) if isinstance(proposal.evidence, dict) else {}
    names = [str(name) for name in person.get("names", []) if str(name).strip()]
    texts = [str(text) for text in person.get("affiliations", [])]
    given, family = _name_of(records, names)
    code = _country_code(country) or country_of(texts)
    if not code:
        raise LiaisonError(
            "country: the affiliations name no country; give the HCP's country", field="country"
        )
    hcp = HCP(
        given_name=given,
        family_name=family,
        country=code,
        city=city_of(texts, code)[:120],
        origin=Origin.DISCOVERED,
    )
    try:
        audit.create_record(actor=actor, instance=hcp, reason=reason or "discovered")
    except ValidationError as error:
        raise validation_error(error, model=HCP) from None
    discovery = Discovery(hcp=hcp, run=proposal.run, evidence=evidence)
    audit.create_record(actor=actor, instance=discovery, reason=reason or "discovered")
    _decide_mentions(actor, records, hcp, Verdict.BELONGS, reason, evidence)
    _set_hcp(records, hcp)
    return hcp


def _name_of(records: dict[str, Any], names: list[str]) -> tuple[str, str]:
    best: tuple[str, str] = ("", "")
    for record in records.values():
        if isinstance(record, Authorship):
            given, family = record.given or record.initials, record.family
        else:
            given, family = parse_official_name(record.name)
        if family and len(given) > len(best[0]):
            best = (given.strip()[:120], family.strip()[:120])
    if not best[1]:
        raise LiaisonError("mentions: no mention of this proposal names a person", field="mentions")
    return best


def reject_proposal(*, actor: User, proposal: Proposal, reason: str) -> Proposal:
    """Refuse ``proposal`` with a reason: its mentions are not its HCP (LINK, recorded
    as NOT_THIS decisions), its two HCPs are different people (DUPLICATE, a
    PersonDecision), or its mentions make no new HCP (DISCOVER: not proposed again)."""
    policy.require(actor, "decide", proposal)
    _require_open(proposal)
    reason = _reason(reason, required=True)
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        _require_open(proposal)
        evidence = {"proposal": proposal.pk, "score": proposal.score, **proposal.evidence}
        if proposal.kind == ProposalKind.LINK and proposal.hcp is not None:
            records = mentions_of(proposal.mentions)
            _decide_mentions(actor, records, proposal.hcp, Verdict.NOT_THIS, reason, evidence)
            linked_here = {k: r for k, r in records.items() if r.hcp_id == proposal.hcp_id}
            _set_hcp(linked_here, None)
        elif (
            proposal.kind == ProposalKind.DUPLICATE
            and proposal.hcp is not None
            and proposal.other_hcp is not None
        ):
            _different(actor, proposal.hcp, proposal.other_hcp, reason, evidence)
        _close(actor, proposal, ProposalStatus.REJECTED, reason)
    return proposal


# --- decisions outside the queue (on HCPs) ------------------------------------------------


def _require_decider(actor: User) -> None:
    policy.require(actor, "add", PersonDecision)


def _merge(
    actor: User, keep: HCP, duplicate: HCP, reason: str, evidence: dict[str, Any]
) -> tuple[PersonDecision, MergeReport]:
    duplicate_label = _labels(duplicate)
    report = merge_hcp_records(actor=actor, keep=keep, duplicate=duplicate, reason=reason)
    decision = PersonDecision(
        hcp=keep,
        other_hcp=None,  # deleted by the merge; its label stays
        hcp_label=_labels(keep),
        other_label=duplicate_label,
        verdict=PairVerdict.SAME,
        decided_by=actor,
        reason=reason,
        evidence={**evidence, "merged": report.moved, "copied": report.copied},
    )
    # Saved as it is (its other HCP is gone, which full_clean would refuse), then audited.
    decision.save(force_insert=True)
    audit.record_event(
        actor=actor,
        action=AuditAction.CREATE,
        instance=decision,
        changes={
            name: [None, audit.to_json_value(value)]
            for name, value in audit.snapshot(decision).items()
            if value not in (None, "", [], {})
        },
        reason=reason,
    )
    # Proposals about the pair now name the kept HCP twice: the question is answered.
    for proposal in Proposal.objects.filter(hcp=keep, other_hcp=keep, status=ProposalStatus.OPEN):
        _close(actor, proposal, ProposalStatus.CONFIRMED, reason)
    return decision, report


def merge_people(
    *, actor: User, keep: HCP, duplicate: HCP, reason: str = ""
) -> tuple[PersonDecision, MergeReport]:
    """``keep`` and ``duplicate`` are one person: a PersonDecision(SAME) and the
    directory's merge (every record of the duplicate moves to ``keep``)."""
    _require_decider(actor)
    reason = _reason(reason)
    if keep.pk == duplicate.pk:
        raise LiaisonError("duplicate: choose another HCP than the one kept", field="duplicate")
    with transaction.atomic():
        return _merge(actor, keep, duplicate, reason or "merged by a person", {})


def _different(
    actor: User, hcp: HCP, other: HCP, reason: str, evidence: dict[str, Any]
) -> PersonDecision:
    decision = PersonDecision(
        hcp=hcp,
        other_hcp=other,
        hcp_label=_labels(hcp),
        other_label=_labels(other),
        verdict=PairVerdict.DIFFERENT,
        decided_by=actor,
        reason=reason,
        evidence=evidence,
    )
    audit.create_record(actor=actor, instance=decision, reason=reason)
    return decision


def mark_different(*, actor: User, hcp: HCP, other_hcp: HCP, reason: str) -> PersonDecision:
    """``hcp`` and ``other_hcp`` are different people: never proposed as duplicates again;
    open duplicate proposals of the pair are rejected."""
    _require_decider(actor)
    reason = _reason(reason, required=True)
    if hcp.pk == other_hcp.pk:
        raise LiaisonError("other_hcp: choose another HCP", field="other_hcp")
    with transaction.atomic():
        decision = _different(actor, hcp, other_hcp, reason, {})
        pair = [hcp.pk, other_hcp.pk]
        for proposal in Proposal.objects.filter(
            kind=ProposalKind.DUPLICATE,
            status=ProposalStatus.OPEN,
            hcp_id__in=pair,
            other_hcp_id__in=pair,
        ):
            _close(actor, proposal, ProposalStatus.REJECTED, reason)
    return decision


def split_mentions(
    *,
    actor: User,
    hcp: HCP,
    mention_keys: Sequence[str],
    reason: str,
    given_name: str = "",
    family_name: str = "",
    country: str = "",
) -> HCP:
    """Move ``mention_keys`` (mentions now linked to ``hcp``) to a new HCP: another
    person of the same name. Each moved mention is pinned to the new HCP (BELONGS)
    and refused for the old one (NOT_THIS), so no later run puts it back. The new
    HCP's names are the fullest the mentions write unless given; its country is
    read from their affiliations, else the old HCP's, unless given."""
    _require_decider(actor)
    reason = _reason(reason, required=True)
    keys = list(dict.fromkeys(str(key).strip() for key in mention_keys if str(key).strip()))
    if not keys:
        raise LiaisonError("mentions: choose at least one mention to split off", field="mentions")
    with transaction.atomic():
        hcp = HCP.objects.select_for_update().get(pk=hcp.pk)
        records = mentions_of(keys)
        strangers = [key for key, record in records.items() if record.hcp_id != hcp.pk]
        if strangers:
            raise LiaisonError(
                f"mentions: {', '.join(strangers[:5])} {'is' if len(strangers) == 1 else 'are'} "
                f"not a mention of {hcp.full_name}",
                field="mentions",
            )
        given, family = _name_of(records, [])
        texts = [
            text
            for record in records.values()
            for text in (
                record.affiliations if isinstance(record, Authorship) else [record.affiliation]
            )
            if text
        ]
        code = _country_code(country) or country_of(texts) or hcp.country
        new = HCP(
            given_name=(given_name or "").strip() or given,
            family_name=(family_name or "").strip() or family,
            country=code,
            city=city_of(texts, code)[:120],
            origin=Origin.DISCOVERED,
        )
        try:
            audit.create_record(actor=actor, instance=new, reason=reason)
        except ValidationError as error:
            raise validation_error(error, model=HCP) from None
        evidence = {
            "split_from": hcp.pk,
            "split_from_label": _labels(hcp),
            "mentions": keys,
            "names": sorted({fold(new.full_name)}),
        }
        audit.create_record(
            actor=actor, instance=Discovery(hcp=new, evidence=evidence), reason=reason
        )
        _decide_mentions(actor, records, new, Verdict.BELONGS, reason, evidence)
        _decide_mentions(actor, records, hcp, Verdict.NOT_THIS, reason, evidence)
        _set_hcp(records, new)
    return new


def _country_code(text: str) -> str:
    """A country given by code or name ("SE", "Sweden"); what the HCP's validation then
    refuses by name when it is neither."""
    value = (text or "").strip()
    return countries.code_for(value) or value.upper() if value else ""
