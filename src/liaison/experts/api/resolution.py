"""``/api/v1/experts/resolution``: the identity-resolution queue.

List proposals (``status``, ``kind``), read one with its evidence side by side,
confirm or reject it, merge two HCPs, split mentions off an HCP, and start a
run (administrators; 202 with the job). Administrators and insights leads work
the queue; others get 403. A refusal of the body's values is a 422 naming the
body's field (``keep_id``, ``duplicate_id``) with the reason alone beside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from liaison.core import api_refusals, downloads, policy
from liaison.core.errors import PermissionDenied
from liaison.directory.models import HCP
from liaison.experts.models import PersonDecision, Proposal, ProposalKind, ProposalStatus
from liaison.experts.schemas.resolution import (
    ConfirmIn,
    MergeIn,
    MergeOut,
    ProposalDetailOut,
    ProposalListQuery,
    ProposalOut,
    ProposalPageOut,
    RejectIn,
    SplitIn,
    SplitOut,
)
from liaison.experts.services import decisions
from liaison.experts.services.resolution_queue import compare
from liaison.experts.tasks import start_resolution_run
from liaison.lib.api import Id, Records, acting_user, by_id, paginate, query_error

router = Router(tags=["experts"])
PROPOSALS = Records(Proposal, related=("hcp", "other_hcp", "decided_by"))
STATUSES = ("all", *ProposalStatus.values)


#: The services' names of the HCPs a merge keeps and folds in, as the bodies name them.
HCP_IDS = {"keep": "keep_id", "duplicate": "duplicate_id"}


def body_refusals(names: Mapping[str, str] | None = None) -> AbstractContextManager[None]:
    """A refusal of the body's values (a plain LiaisonError) becomes a 422 naming the
    body's field (``names``: a service's field to the body's), the reason alone beside it."""
    return api_refusals.body_refusals(names, reasons_alone=True, field_first=True)


def _queue_worker(request: HttpRequest) -> Any:
    user = acting_user(request)
    if not policy.grants_any(user, "view", Proposal):
        raise PermissionDenied(
            "the resolution queue is worked by insights leads and administrators"
        )
    return user


@router.get(
    "",
    response=ProposalPageOut,
    summary="List resolution proposals",
    description="The queue, most probable first; `status` (default open) and `kind` filter it.",
)
def list_proposals(request: HttpRequest, query: Query[ProposalListQuery]) -> dict[str, Any]:
    user = _queue_worker(request)
    if query.status not in STATUSES:
        raise query_error("status", f"use one of {', '.join(STATUSES)}")
    if query.kind and query.kind not in ProposalKind.values:
        raise query_error("kind", f"use one of {', '.join(ProposalKind.values)}")
    proposals = policy.scope(user, "view", Proposal).select_related(
        "hcp", "other_hcp", "decided_by"
    )
    if query.status != "all":
        proposals = proposals.filter(status=query.status)
    if query.kind:
        proposals = proposals.filter(kind=query.kind)
    return paginate(proposals, query)


@router.post(
    "/merge",
    response=MergeOut,
    summary="Merge two HCPs",
    description="One person recorded twice: the duplicate's records move to the kept HCP.",
)
def merge_hcps(request: HttpRequest, payload: MergeIn) -> dict[str, Any]:
    user = acting_user(request)
    policy.require(user, "add", PersonDecision)
    with body_refusals(HCP_IDS):
        keep = by_id(user, HCP, payload.keep_id, "keep_id")
        duplicate = by_id(user, HCP, payload.duplicate_id, "duplicate_id")
        _decision, report = decisions.merge_people(
            actor=user, keep=keep, duplicate=duplicate, reason=payload.reason
        )
    return {"hcp_id": keep.pk, "moved": report.moved, "copied": report.copied}


@router.post(
    "/split",
    response={201: SplitOut},
    summary="Split mentions off an HCP",
    description="Moves the mentions to a new HCP; no later run gives them back.",
)
def split_mentions(request: HttpRequest, payload: SplitIn) -> Status[dict[str, Any]]:
    user = acting_user(request)
    policy.require(user, "add", PersonDecision)
    with body_refusals():
        hcp = by_id(user, HCP, payload.hcp_id, "hcp_id")
        new = decisions.split_mentions(
            actor=user,
            hcp=hcp,
            mention_keys=payload.mentions,
            reason=payload.reason,
            given_name=payload.given_name,
            family_name=payload.family_name,
            country=payload.country,
        )
    return Status(201, {"hcp_id": new.pk, "moved": len(set(payload.mentions))})


@router.post(
    "/runs",
    response={202: downloads.JobStartedOut},
    summary="Start a resolution run",
    description="Administrators: resolves every mention in the background (a job).",
)
def start_run(request: HttpRequest) -> Status[dict[str, Any]]:
    job = start_resolution_run(actor=acting_user(request))
    return Status(202, downloads.started(job))


@router.get(
    "/{proposal_id}",
    response=ProposalDetailOut,
    summary="Read a resolution proposal",
    description="The proposal with the mentions on each side and the resolver's features.",
)
def get_proposal(request: HttpRequest, proposal_id: Id) -> Proposal:
    proposal = PROPOSALS.show(request, proposal_id)
    side = compare(list(proposal.mentions), proposal.hcp, proposal.other_hcp)
    # The answer's extra fields, read by the schema from the record.
    proposal.left = side["left"]  # type: ignore[attr-defined]
    proposal.right = side["right"]  # type: ignore[attr-defined]
    proposal.features = {key: _plain(value) for key, value in side["features"].items()}  # type: ignore[attr-defined]
    return proposal


def _plain(value: Any) -> Any:
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return str(value)


@router.post(
    "/{proposal_id}/confirm",
    response=ProposalOut,
    summary="Confirm a resolution proposal",
    description=(
        "Links its mentions to its HCP (link), creates the HCP it found (discover; "
        "`country` when the evidence names none) or merges its two HCPs (duplicate; "
        "`keep_id` is the one kept)."
    ),
)
def confirm_proposal(request: HttpRequest, proposal_id: Id, payload: ConfirmIn) -> Proposal:
    user = acting_user(request)
    proposal = PROPOSALS.load(user, "decide", proposal_id)
    with body_refusals(HCP_IDS):
        keep = by_id(user, HCP, payload.keep_id, "keep_id") if payload.keep_id else None
        decisions.confirm_proposal(
            actor=user,
            proposal=proposal,
            reason=payload.reason,
            keep=keep,
            country=payload.country,
        )
    return PROPOSALS.answer(user, proposal.pk)


@router.post(
    "/{proposal_id}/reject",
    response=ProposalOut,
    summary="Reject a resolution proposal",
    description="Records why: its mentions are not its HCP, or its two HCPs are different people.",
)
def reject_proposal(request: HttpRequest, proposal_id: Id, payload: RejectIn) -> Proposal:
    user = acting_user(request)
    proposal = PROPOSALS.load(user, "decide", proposal_id)
    with body_refusals():
        decisions.reject_proposal(actor=user, proposal=proposal, reason=payload.reason)
    return PROPOSALS.answer(user, proposal.pk)
