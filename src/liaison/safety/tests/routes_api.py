"""The safety API's operations in the authorization matrix.

Cases are seen by their reporter (alice), her manager, pharmacovigilance,
compliance and administrators; pharmacovigilance works and exports them; the
reporter changes and forwards a case while it is at intake. Flags are handled by
their author and pharmacovigilance, read by the author's manager, compliance and
administrators. Imports are pharmacovigilance's: the matrix sends no file, so
pharmacovigilance's request gets past the policy to a 422 naming ``file``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from liaison.core.tests.authorization import ApiCase, Route, World, api_map
from liaison.safety.models import Case, CaseStatus, Flag, Submission
from liaison.safety.tests import factories

API = "/api/v1/safety"


@dataclass(frozen=True)
class SafetyApiRecords:
    forwarded: Case  # alice's, forwarded, ready for E2B
    intake: Case  # alice's, still at her intake
    others: Case  # the other MSL's
    flag: Flag  # alice's, open
    exported: Submission  # an E2B file of alice's forwarded case, not yet sent


def build(world: World) -> None:
    users = world.users
    alice = users["msl"]
    forwarded = factories.case(alice)
    forwarded.reactions.update(meddra_code="10037844", meddra_version="27.1")
    exported = Submission.objects.create(
        case=forwarded,
        message_id=forwarded.safety_report_id,
        batch_id="B-MATRIX-API",
        exported_by=users["pv"],
    )
    world.add(
        SafetyApiRecords(
            forwarded=forwarded,
            intake=factories.case(alice, status=CaseStatus.INTAKE, forwarded_at=None),
            others=factories.case(users["other_msl"], country="US"),
            flag=factories.flag(alice, source_id=900_001),
            exported=exported,
        )
    )


def records(world: World) -> SafetyApiRecords:
    return world.get(SafetyApiRecords)


def forwarded(world: World) -> dict[str, Any]:
    return {"case_id": records(world).forwarded.pk}


def intake(world: World) -> dict[str, Any]:
    return {"case_id": records(world).intake.pk}


def a_submission(world: World) -> dict[str, Any]:
    return {"submission_id": records(world).exported.pk}


def a_flag(world: World) -> dict[str, Any]:
    return {"flag_id": records(world).flag.pk}


def new_case(world: World) -> dict[str, Any]:
    return {
        "day_zero": str(timezone.localdate() - dt.timedelta(days=1)),
        "country": "DE",
        "reactions": [{"verbatim": "headache"}],
        "products": [{"name": "Oncovirumab"}],
    }


# Alice's case: its viewers, and pharmacovigilance's work on it (403 for the other viewers).
VIEWERS = api_map("404", msl="200", manager="200", pv="200", compliance="200", admin="200")
SEEN_NOT_ALLOWED = {"msl": "403", "manager": "403", "compliance": "403", "admin": "403"}
PV_WORK = api_map("404", pv="200", **SEEN_NOT_ALLOWED)
PV_CREATE = api_map("404", pv="201", **SEEN_NOT_ALLOWED)
# Alice's flag: she and pharmacovigilance handle it; her manager, compliance and admins read it.
FLAG_HANDLERS = {"manager": "403", "compliance": "403", "admin": "403"}
IMPORTS = api_map("403", pv="422")

API_ROUTES: dict[str, Route] = {
    f"GET {API}/cases": Route(api_map("200")),
    f"POST {API}/cases": Route(api_map("201"), method="post", data=new_case),
    f"GET {API}/cases/{{case_id}}": Route(VIEWERS, kwargs=forwarded),
    f"PATCH {API}/cases/{{case_id}}": Route(
        PV_WORK, method="patch", kwargs=forwarded, data=lambda w: {"narrative": "Recovered."}
    ),
    f"POST {API}/cases/{{case_id}}/forward": Route(
        api_map("404", msl="200", pv="403", manager="403", compliance="403", admin="403"),
        method="post",
        kwargs=intake,
    ),
    f"POST {API}/cases/{{case_id}}/status": Route(
        PV_WORK, method="post", kwargs=forwarded, data=lambda w: {"status": "in_review"}
    ),
    f"POST {API}/cases/{{case_id}}/versions": Route(
        PV_WORK,
        method="post",
        kwargs=forwarded,
        data=lambda w: {
            "kind": "follow_up",
            "reason": "the reporter called back",
            "received_on": str(timezone.localdate()),
        },
    ),
    f"POST {API}/cases/{{case_id}}/follow-up-requests": Route(
        PV_CREATE,
        method="post",
        kwargs=forwarded,
        data=lambda w: {"message": "How old is the patient?"},
    ),
    f"GET {API}/cases/{{case_id}}/e2b": Route(PV_WORK, kwargs=forwarded),
    f"POST {API}/submissions/{{submission_id}}/sent": Route(
        PV_WORK, method="post", kwargs=a_submission
    ),
    f"POST {API}/e2b/import": Route(IMPORTS, method="post"),
    f"POST {API}/e2b/ack": Route(IMPORTS, method="post"),
    f"GET {API}/flags": Route(api_map("200")),
    f"POST {API}/flags/{{flag_id}}/confirm": Route(
        api_map("404", msl="201", pv="201", **FLAG_HANDLERS), method="post", kwargs=a_flag
    ),
    f"POST {API}/flags/{{flag_id}}/dismiss": Route(
        api_map("404", msl="200", pv="200", **FLAG_HANDLERS),
        method="post",
        kwargs=a_flag,
        data=lambda w: {"reason": "a hypothetical question"},
    ),
    f"GET {API}/reconciliation": Route(api_map("403", pv="200", compliance="200", admin="200")),
}

API_TERRITORY_CASES: list[ApiCase] = [
    ApiCase(
        f"GET {API}/cases/{{case_id}}",
        "the other MSL's case: hers, not alice's nor her manager's",
        Route(
            api_map("404", other_msl="200", pv="200", compliance="200", admin="200"),
            kwargs=lambda w: {"case_id": records(w).others.pk},
        ),
    ),
    ApiCase(
        f"PATCH {API}/cases/{{case_id}}",
        "a case at intake: its reporter changes it, pharmacovigilance too",
        Route(
            api_map("404", msl="200", pv="200", manager="403", compliance="403", admin="403"),
            kwargs=intake,
            data=lambda w: {"narrative": "The rash spread."},
        ),
    ),
    ApiCase(
        f"POST {API}/cases/{{case_id}}/forward",
        "a case already forwarded: nobody forwards it again",
        Route(api_map("404", **{**SEEN_NOT_ALLOWED, "pv": "403"}), kwargs=forwarded),
    ),
]
