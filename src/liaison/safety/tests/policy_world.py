"""Safety's records in the policy's world (``tests/test_policy_agreement.py``): a
case reported by alice (forwarded), one still at her intake, one by the other MSL
and one by medical information; flags of alice (open, dismissed) and of the other
MSL; a submission and a follow-up request."""

from __future__ import annotations

from liaison.core.tests.authorization import World
from liaison.safety.models import CaseStatus, FlagStatus, FollowUpRequest, Submission
from liaison.safety.tests import factories


def build(world: World) -> None:
    users = world.users
    alice = users["msl"]
    forwarded = factories.case(alice)
    factories.case(alice, status=CaseStatus.INTAKE, forwarded_at=None)
    factories.case(users["other_msl"])
    factories.case(users["medinfo"], country="US")
    factories.flag(alice)
    factories.flag(alice, status=FlagStatus.DISMISSED, dismiss_reason="hypothetical")
    factories.flag(users["other_msl"], source_id=2)
    Submission.objects.create(
        case=forwarded, message_id="MSG-1", batch_id="B-1", exported_by=users["pv"]
    )
    FollowUpRequest.objects.create(
        case=forwarded, message="Age of the patient?", requested_by=users["pv"]
    )
