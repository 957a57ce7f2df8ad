"""API authentication and the caller's own resources: who am I, my API tokens,
my background jobs. What every app's API shares (the caller, pages, partial
updates, codes and ids to records) is :mod:`liaison.lib.api`'s.

Two ways in:

* ``Authorization: Bearer <token>`` with a personal API token (scripts, other
  systems). Only the token's SHA-256 is stored, so the lookup hashes what was
  sent and compares hashes.
* The browser session (the docs page at /api/v1/docs), with Django's CSRF
  check on every unsafe method, since a cookie is sent by the browser on its own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from liaison.core import downloads, policy, registry, selectors, services
from liaison.core.errors import NotFound
from liaison.core.models import ApiToken, Job, JobStatus, User
from liaison.lib.api import Id, InputSchema, PageQuery, acting_user, paginate

#: ``last_used_at`` is written at most this often, not on every request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def token_user(raw: str) -> User | None:
    """The active user owning the active token ``raw``, or ``None``."""
    if not raw or not raw.startswith(ApiToken.PREFIX):
        return None
    token = (
        ApiToken.objects.active()
        .select_related("user")
        .filter(key_hash=ApiToken.hash_secret(raw))
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        # A plain UPDATE, not an audited change: usage is not a domain record.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


NO_ROLE = "your account has no role yet: ask an administrator to assign one"


def require_member(user: User) -> User:
    """Accounts without a role reach nothing, as on the web: a 403 that says why."""
    if not policy.is_member(user):
        raise HttpError(403, NO_ROLE)
    return user


class TokenAuth(HttpBearer):
    """``Authorization: Bearer lia_...``."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = token_user(token.strip())
        if user is None:
            return None
        request.user = user
        return require_member(user)


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; unsafe methods must carry the CSRF token.

    Unlike ninja's own ``SessionAuth``, a request without a session answers
    401 (not a CSRF 403), so the anonymous outcome is the same for every method.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        # csrf=True also tells the docs page to send the CSRF token with its requests.
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        # Ninja would check CSRF here, before the session is known; ours is in authenticate.
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = getattr(request, "user", None)
        if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
            return None
        if (
            request.method not in ("GET", "HEAD", "OPTIONS", "TRACE")
            and check_csrf(request) is not None
        ):
            raise HttpError(403, "CSRF check failed: send the X-CSRFToken header")
        return require_member(user)


router = Router(tags=["Me"])


class TerritoryOut(Schema):
    code: str
    name: str


class MeOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    role: str = Field(description="msl, field_manager, medical_information, ...; empty if none")
    is_administrator: bool
    territories: list[TerritoryOut]
    # Added by apps (``profile_fields`` in their ``apps.py``); null where no app adds it.
    calendar_feed_url: str | None = Field(
        None,
        description="The secret address of your calendar feed (meetings and follow-up due "
        "dates) that Outlook and Google Calendar subscribe to; made on first request",
    )


@router.get(
    "/me",
    response=MeOut,
    summary="Who am I",
    description=(
        "The authenticated user: name, role, the territories they cover and what apps add "
        "(`calendar_feed_url`, the address of their calendar feed)."
    ),
)
def me(request: HttpRequest) -> dict[str, Any]:
    user = acting_user(request)
    extra = {
        name: import_string(path)(request, user) for name, path in registry.profile_fields().items()
    }
    return {
        **extra,
        "id": user.pk,
        "username": user.get_username(),
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "is_administrator": user.is_administrator,
        "territories": list(policy.territories_of(user).values("code", "name")),
    }


tokens_router = Router(tags=["API tokens"])


class TokenOut(Schema):
    id: int
    name: str
    key_prefix: str = Field(description="The first characters of the token, to recognise it")
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreateIn(InputSchema):
    name: str = Field(min_length=1, max_length=100, description="What the token is for")


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The secret: shown this once, never again")


@tokens_router.get(
    "",
    response=list[TokenOut],
    summary="List my API tokens",
    description="Your own tokens, revoked ones included, newest first. Secrets are never shown.",
)
def list_tokens(request: HttpRequest) -> Any:
    user = acting_user(request)
    return policy.scope(user, "view", ApiToken).filter(user=user).order_by("-created_at", "-id")


@tokens_router.post(
    "",
    response={201: TokenCreatedOut},
    summary="Create an API token",
    description=(
        "Creates a personal API token and returns its secret in `token`. Store it now: "
        "only its hash is kept, so it cannot be shown again."
    ),
)
def create_token(request: HttpRequest, payload: TokenCreateIn) -> Status[dict[str, Any]]:
    user = acting_user(request)
    token, secret = services.create_api_token(actor=user, user=user, name=payload.name)
    return Status(201, {**TokenOut.model_validate(token).model_dump(), "token": secret})


@tokens_router.delete(
    "/{token_id}",
    response={204: None},
    summary="Revoke an API token",
    description=(
        "Revokes the token at once; requests sending it answer 401 from now on. "
        "Your own tokens; an administrator may revoke anyone's."
    ),
)
def revoke_token(request: HttpRequest, token_id: Id) -> Status[None]:
    user = acting_user(request)
    token = policy.get_for(user, "delete", ApiToken, pk=token_id)
    services.revoke_api_token(actor=user, token=token)
    return Status(204, None)


# --- jobs: progress of long operations (loads, imports, watch runs, exports) -----------
# On the "/" router beside /me, under their own tag.

JOBS_TAGS = ["Jobs"]


class JobOut(Schema):
    id: int
    kind: str = Field(
        description="pubmed-load, trials-load, directory-import, watch-run, audit-verify, ..."
    )
    title: str
    owner: str = Field(description="Username of who started it")
    status: JobStatus = Field(description="queued, running, succeeded or failed")
    done: int = Field(description="Units of work done so far (rows, bytes, steps: the kind's)")
    total: int = Field(description="Units of work in all; 0 while unknown")
    percent: int = Field(description="0-100; 100 once succeeded")
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None

    @staticmethod
    def resolve_owner(obj: Job) -> str:
        return obj.owner.get_username()


class JobPageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[JobOut]


class JobDetailOut(JobOut):
    counts: dict[str, int] = Field(description="What the job counted: created, skipped, ...")
    errors: list[str] = Field(description="Problems met on the way (the first 500)")
    message: str = Field(description="Why it failed; empty otherwise")
    url: str = Field(description="The job's web page")
    download_url: str | None = Field(
        description="The result file (a web download, signed-in session), once succeeded; "
        "null for jobs without a file"
    )
    api_download_url: str | None = Field(
        description="The same file through the API (a token will do), once succeeded; "
        "null for jobs without a file"
    )

    @staticmethod
    def resolve_url(obj: Job) -> str:
        return reverse("core:job-detail", args=[obj.pk])

    @staticmethod
    def resolve_download_url(obj: Job) -> str | None:
        # The same condition as the job page's download button.
        if obj.result_file and obj.status == JobStatus.SUCCEEDED:
            return reverse("core:job-download", args=[obj.pk])
        return None

    @staticmethod
    def resolve_api_download_url(obj: Job) -> str | None:
        if obj.result_file and obj.status == JobStatus.SUCCEEDED:
            return reverse("api:download_job_file", args=[obj.pk])
        return None


@router.get(
    "/jobs",
    response=JobPageOut,
    tags=JOBS_TAGS,
    summary="List my jobs",
    description=(
        "Your background jobs (loads, imports, watch runs, exports), newest first, "
        "as the web's job list shows them; an administrator sees everyone's."
    ),
)
def list_jobs(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    return paginate(selectors.jobs_of(acting_user(request)), query)


@router.get(
    "/jobs/{job_id}",
    response=JobDetailOut,
    tags=JOBS_TAGS,
    summary="Get a job",
    description=(
        "One job's status and progress, its counts, errors and failure message, and the "
        "download URL of its result file. Poll it until `status` is succeeded or failed. "
        "Another user's job answers 404 (administrators see every job)."
    ),
)
def get_job(request: HttpRequest, job_id: Id) -> Job:
    return policy.get_for(
        acting_user(request), "view", Job.objects.select_related("owner"), pk=job_id
    )


@router.get(
    "/jobs/{job_id}/download",
    response={200: None},
    tags=JOBS_TAGS,
    summary="Download a job's file",
    description=(
        "The result file of a finished job (an export too large to download at once). "
        "Only the job's owner and administrators get it; anyone else's job answers 404."
    ),
)
def download_job_file(request: HttpRequest, job_id: Id) -> FileResponse:
    job = policy.get_for(acting_user(request), "view", Job, pk=job_id)
    if job.status != JobStatus.SUCCEEDED:
        raise NotFound("this job has no file to download yet")
    path = downloads.result_path(job)
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)
