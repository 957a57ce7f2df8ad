"""The experts app's resolution routes in the authorization matrix: administrators and
insights leads work the queue (merge, split, confirm, reject); a run is an
administrator's. The records (two same-name HCPs, a proposal, a linked mention)
are made when a route asks."""

from __future__ import annotations

from typing import Any

from liaison.core.tests.authorization import ApiCase, Route, World, api_map, outcome_map
from liaison.directory.models import HCP
from liaison.experts.models import Proposal, ProposalKind
from liaison.literature.models import Authorship, Publication

QUEUE = outcome_map("403", insights="ok", admin="ok")
QUEUE_RECORD = outcome_map("404", insights="ok", admin="ok")
API_QUEUE = api_map("403", insights="200", admin="200")
API_QUEUE_RECORD = api_map("404", insights="200", admin="200")


def two_hcps(world: World) -> tuple[HCP, HCP]:
    first, _ = HCP.objects.get_or_create(
        given_name="Björn", family_name="Öberg", city="Lund", defaults={"country": "DE"}
    )
    second, _ = HCP.objects.get_or_create(
        given_name="Björn", family_name="Öberg", city="Lund ", defaults={"country": "DE"}
    )
    return first, second


def a_proposal(world: World) -> Proposal:
    first, second = two_hcps(world)
    proposal, _ = Proposal.objects.get_or_create(
        kind=ProposalKind.DUPLICATE, hcp=first, other_hcp=second, defaults={"score": 0.8}
    )
    return proposal


def a_mention(world: World) -> str:
    first, _ = two_hcps(world)
    publication, _ = Publication.objects.get_or_create(pmid=990_100_001, title="Matrix paper")
    authorship, _ = Authorship.objects.get_or_create(
        publication=publication,
        position=1,
        defaults={"family": "Öberg", "given": "B", "hcp": first},
    )
    return f"a:{authorship.pk}"


def proposal_kwargs(world: World) -> dict[str, Any]:
    return {"pk": a_proposal(world).pk}


def proposal_id(world: World) -> dict[str, Any]:
    return {"proposal_id": a_proposal(world).pk}


def split_body(world: World) -> dict[str, Any]:
    key = a_mention(world)
    return {"hcp_id": two_hcps(world)[0].pk, "mentions": [key], "reason": "another person"}


WEB_ROUTES: dict[str, Route] = {
    "experts:proposal-list": Route(QUEUE),
    "experts:proposal-detail": Route(QUEUE, kwargs=proposal_kwargs),
    "experts:proposal-confirm": Route(
        QUEUE_RECORD, method="post", kwargs=proposal_kwargs, data=lambda w: {"reason": "same"}
    ),
    "experts:proposal-reject": Route(
        QUEUE_RECORD, method="post", kwargs=proposal_kwargs, data=lambda w: {"reason": "two"}
    ),
    "experts:resolution-run": Route(outcome_map("403", admin="ok"), method="post"),
    "experts:hcp-merge": Route(QUEUE),
    "experts:hcp-split": Route(QUEUE, kwargs=lambda w: {"pk": two_hcps(w)[0].pk}),
}
API_ROUTES: dict[str, Route] = {
    "GET /api/v1/experts/resolution": Route(API_QUEUE),
    "GET /api/v1/experts/resolution/{proposal_id}": Route(API_QUEUE_RECORD, kwargs=proposal_id),
    "POST /api/v1/experts/resolution/{proposal_id}/confirm": Route(
        API_QUEUE_RECORD, method="post", kwargs=proposal_id, data=lambda w: {"reason": "same"}
    ),
    "POST /api/v1/experts/resolution/{proposal_id}/reject": Route(
        API_QUEUE_RECORD, method="post", kwargs=proposal_id, data=lambda w: {"reason": "two"}
    ),
    "POST /api/v1/experts/resolution/merge": Route(
        API_QUEUE,
        method="post",
        data=lambda w: {
            "keep_id": two_hcps(w)[0].pk,
            "duplicate_id": two_hcps(w)[1].pk,
            "reason": "one person",
        },
    ),
    "POST /api/v1/experts/resolution/split": Route(
        api_map("403", insights="201", admin="201"), method="post", data=split_body
    ),
    "POST /api/v1/experts/resolution/runs": Route(api_map("403", admin="202"), method="post"),
}
API_TERRITORY_CASES: list[ApiCase] = []
