"""The safety pages in the authorization matrix (see ``matrix.py``): a case alice
reported (forwarded), one still at her intake, an open flag of hers, a follow-up
request on her case and an E2B file exported for it, not yet sent.

Who gets what: every member reports and sees the queue (their own cases);
alice's case is seen by her, her manager, pharmacovigilance, compliance and
administrators (others: 404); pharmacovigilance alone works, exports (and marks files sent) and imports;
alice alone forwards her intake; a flag is handled by its author and
pharmacovigilance (its other viewers: 403); the reconciliation is for
pharmacovigilance, compliance and administrators.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from liaison.core.tests.authorization import EVERYONE, ApiCase, Route, World, outcome_map
from liaison.safety.models import Case, CaseStatus, Flag, FollowUpRequest, Submission
from liaison.safety.tests import factories


@dataclass(frozen=True)
class SafetyWebRecords:
    case: Case
    intake: Case
    flag: Flag
    follow_up: FollowUpRequest
    submission: Submission


def build(world: World) -> None:
    alice, pv = world.users["msl"], world.users["pv"]
    case = factories.case(alice)
    intake = factories.case(alice, status=CaseStatus.INTAKE, forwarded_at=None)
    flag = factories.flag(alice, source_id=990_001)
    follow_up = FollowUpRequest.objects.create(
        case=case, message="How old is the patient?", requested_by=pv
    )
    submission = Submission.objects.create(
        case=case, message_id=case.safety_report_id, batch_id="B-MATRIX-WEB", exported_by=pv
    )
    world.add(
        SafetyWebRecords(
            case=case, intake=intake, flag=flag, follow_up=follow_up, submission=submission
        )
    )


def _records(world: World) -> SafetyWebRecords:
    return world.get(SafetyWebRecords)


def case_kwargs(world: World) -> dict[str, Any]:
    return {"pk": _records(world).case.pk}


def intake_kwargs(world: World) -> dict[str, Any]:
    return {"pk": _records(world).intake.pk}


def flag_kwargs(world: World) -> dict[str, Any]:
    return {"pk": _records(world).flag.pk}


def follow_up_kwargs(world: World) -> dict[str, Any]:
    return {"pk": _records(world).follow_up.pk}


def submission_kwargs(world: World) -> dict[str, Any]:
    return {"pk": _records(world).submission.pk}


# Alice's case: seen by her, her manager and those who oversee all cases.
CASE_VIEWERS = outcome_map("404", msl="ok", manager="ok", pv="ok", compliance="ok", admin="ok")
# Worked by pharmacovigilance; its other viewers are refused.
PV_WORK = outcome_map("404", msl="403", manager="403", pv="ok", compliance="403", admin="403")
# Forwarded by its reporter alone, while at intake.
REPORTER_FORWARDS = outcome_map(
    "404", msl="ok", manager="403", pv="403", compliance="403", admin="403"
)
# A flag is handled by its author and by pharmacovigilance.
FLAG_HANDLERS = outcome_map("404", msl="ok", manager="403", pv="ok", compliance="403", admin="403")
PV_ONLY = outcome_map("403", pv="ok")
RECONCILERS = outcome_map("403", pv="ok", compliance="ok", admin="ok")

WEB_ROUTES: dict[str, Route] = {
    "safety:case-list": Route(EVERYONE),
    "safety:case-create": Route(EVERYONE),
    "safety:case-detail": Route(CASE_VIEWERS, kwargs=case_kwargs),
    "safety:case-edit": Route(PV_WORK, kwargs=case_kwargs),
    "safety:case-status": Route(
        PV_WORK, method="post", kwargs=case_kwargs, data=lambda w: {"status": "in_review"}
    ),
    "safety:case-version": Route(
        PV_WORK,
        method="post",
        kwargs=case_kwargs,
        data=lambda w: {
            "kind": "follow_up",
            "reason": "new information",
            "received_on": str(timezone.localdate()),
        },
    ),
    "safety:case-assign": Route(PV_WORK, method="post", kwargs=case_kwargs),
    "safety:case-forward": Route(REPORTER_FORWARDS, method="post", kwargs=intake_kwargs),
    "safety:case-follow-up": Route(
        PV_WORK, method="post", kwargs=case_kwargs, data=lambda w: {"message": "Patient's age?"}
    ),
    "safety:follow-up-answer": Route(
        PV_WORK, method="post", kwargs=follow_up_kwargs, data=lambda w: {"answer": "54"}
    ),
    "safety:case-export": Route(PV_WORK, kwargs=case_kwargs),
    "safety:submission-sent": Route(PV_WORK, method="post", kwargs=submission_kwargs),
    "safety:e2b-import": Route(PV_ONLY),
    "safety:ack-import": Route(PV_ONLY),
    "safety:reconciliation": Route(RECONCILERS),
    "safety:flag-confirm": Route(FLAG_HANDLERS, kwargs=flag_kwargs),
    "safety:flag-dismiss": Route(FLAG_HANDLERS, kwargs=flag_kwargs),
}
API_ROUTES: dict[str, Route] = {}
API_TERRITORY_CASES: list[ApiCase] = []
