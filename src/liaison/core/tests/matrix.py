"""Core's routes in the authorization matrix (see ``liaison.core.tests.authorization``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from liaison.core.models import Job, JobStatus
from liaison.core.tests.authorization import (
    ADMIN_ONLY,
    ALICES_OWN,
    API_READ,
    AUDITORS,
    EVERYONE,
    ROLES,
    ApiCase,
    Route,
    World,
    api_map,
    outcome_map,
)


@dataclass
class CoreRecords:
    job: Job  # alice's, with a result file


def build(world: World) -> None:
    result = world.media_root / "exports" / "alice.csv"
    result.parent.mkdir(parents=True, exist_ok=True)
    result.write_text("id\n1\n", encoding="utf-8")
    job = Job.objects.create(
        owner=world.users["msl"],
        kind="export",
        title="Export",
        status=JobStatus.SUCCEEDED,
        result_file="exports/alice.csv",
    )
    world.add(CoreRecords(job=job))


def job_pk(world: World) -> dict[str, Any]:
    return {"pk": world.get(CoreRecords).job.pk}


def hcp_history(world: World) -> dict[str, Any]:
    # Core serves the history of every app's records: the directory's HCP stands for them.
    from liaison.directory.tests.matrix import DirectoryRecords

    return {"record_type": "directory.hcp", "record_id": str(world.get(DirectoryRecords).hcp.pk)}


RESET_PAGES = outcome_map("ok", anonymous="ok")

WEB_ROUTES: dict[str, Route] = {
    "core:home": Route(EVERYONE),
    "core:login": Route({**{role: "ok" for role in ROLES}}),
    "core:logout": Route({role: "login" for role in ROLES}, method="post"),
    # Every member changes their own password (the outsider, without a role, reaches nothing).
    "core:password-change": Route(EVERYONE),
    # The reset pages are for people who cannot sign in: anonymous visitors reach them.
    "core:password-reset": Route(RESET_PAGES),
    "core:password-reset-sent": Route(RESET_PAGES),
    "core:password-reset-confirm": Route(
        RESET_PAGES, kwargs=lambda w: {"uidb64": "MQ", "token": "not-a-token"}
    ),
    "core:password-reset-complete": Route(RESET_PAGES),
    "core:lockout-list": Route(ADMIN_ONLY),
    "core:lockout-clear": Route(ADMIN_ONLY, method="post", data=lambda w: {"username": "msl"}),
    "core:audit-list": Route(AUDITORS),
    "core:audit-export": Route(AUDITORS),
    "core:record-history": Route(EVERYONE, kwargs=lambda w: hcp_history(w)),
    "core:job-list": Route(EVERYONE),
    "core:job-detail": Route(ALICES_OWN, kwargs=job_pk),
    "core:job-download": Route(ALICES_OWN, kwargs=job_pk),
    # Alice's job: hers and an administrator's to run again (a finished one is refused kindly).
    "core:job-run-again": Route(ALICES_OWN, method="post", kwargs=job_pk),
    "core:token-list": Route(EVERYONE),
    "core:token-revoke": Route(
        ALICES_OWN, method="post", kwargs=lambda w: {"pk": w.tokens["msl"].pk}
    ),
}

API_ROUTES: dict[str, Route] = {
    "GET /api/v1/me": Route(API_READ),
    "GET /api/v1/tokens": Route(API_READ),
    "POST /api/v1/tokens": Route(api_map("201"), data=lambda w: {"name": "script"}),
    # Alice's token: her own (the one in use), everyone else's but an administrator's to see.
    "DELETE /api/v1/tokens/{token_id}": Route(
        api_map("404", msl="204", admin="204"), kwargs=lambda w: {"token_id": w.tokens["msl"].pk}
    ),
    "GET /api/v1/jobs": Route(API_READ),
    # Alice's job: hers and an administrator's to see, unseen by everyone else.
    "GET /api/v1/jobs/{job_id}": Route(
        api_map("404", msl="200", admin="200"),
        kwargs=lambda w: {"job_id": w.get(CoreRecords).job.pk},
    ),
    # Its file, too: the owner's and an administrator's alone.
    "GET /api/v1/jobs/{job_id}/download": Route(
        api_map("404", msl="200", admin="200"),
        kwargs=lambda w: {"job_id": w.get(CoreRecords).job.pk},
    ),
}

API_TERRITORY_CASES: list[ApiCase] = [
    ApiCase(
        "DELETE /api/v1/tokens/{token_id}",
        "the caller's own token, the one in use",
        Route(
            api_map("204"),
            role_kwargs=lambda w, role: {"token_id": w.tokens.get(role, w.tokens["msl"]).pk},
        ),
    ),
    ApiCase(
        "DELETE /api/v1/tokens/{token_id}",
        "the other MSL's",
        Route(
            api_map("404", other_msl="204", admin="204"),
            kwargs=lambda w: {"token_id": w.tokens["other_msl"].pk},
        ),
    ),
]
