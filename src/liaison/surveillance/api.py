"""The surveillance API: /api/v1/watches (CRUD and run now) and /api/v1/alerts
(the inbox with its filters, triage and read state). The same policy as the web:
a watch is its owner's, its team's and the administrators'; an alert is its
recipient's alone."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status

from liaison.core import policy
from liaison.core.errors import LiaisonError
from liaison.core.models import Team, User
from liaison.directory.models import Product, TherapeuticArea
from liaison.lib.api import (
    Id,
    InputSchema,
    PageQuery,
    PatchIn,
    acting_user,
    by_codes,
    by_id,
    paginate,
)
from liaison.surveillance import selectors, services
from liaison.surveillance.models import Alert, Watch
from liaison.surveillance.tasks import start_watch_run

watches = Router(tags=["Watches"])
alerts = Router(tags=["Alerts"])

KindIn = Literal["publication", "trial"]
ModeIn = Literal["library", "live"]
ScheduleIn = Literal["daily", "weekly", "manual"]
StateIn = Literal["relevant", "not_relevant", "competitor_intelligence", "share_with_team"]


class WatchOut(Schema):
    id: int
    name: str
    kind: str
    mode: str
    owner: str | None = Field(description="The owner's username; null for a team watch")
    team_id: int | None
    query: str = Field(description="Publications: the PubMed query")
    condition: str
    intervention: str
    sponsor: str
    statuses: list[str]
    phases: list[str]
    country: str
    therapeutic_area: str | None = Field(description="The therapeutic area's code")
    product_id: int | None
    is_competitor: bool
    schedule: str
    active: bool
    last_run_at: dt.datetime | None
    last_seen: str

    @staticmethod
    def resolve_owner(obj: Watch) -> str | None:
        return obj.owner.get_username() if obj.owner is not None else None

    @staticmethod
    def resolve_therapeutic_area(obj: Watch) -> str | None:
        return obj.therapeutic_area.code if obj.therapeutic_area is not None else None


class WatchPageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[WatchOut]


class WatchIn(InputSchema):
    name: str = Field(max_length=200)
    kind: KindIn
    mode: ModeIn = "library"
    team_id: Id | None = Field(None, description="Give the watch to a team you belong to")
    query: str = ""
    condition: str = ""
    intervention: str = ""
    sponsor: str = ""
    statuses: list[str] = []
    phases: list[str] = []
    country: str = ""
    therapeutic_area: str | None = Field(None, description="A therapeutic area's code")
    product_id: Id | None = None
    is_competitor: bool = False
    schedule: ScheduleIn = "daily"
    active: bool = True


class WatchPatchIn(PatchIn):
    nullable = frozenset({"team_id", "therapeutic_area", "product_id"})

    name: str | None = Field(None, max_length=200)
    mode: ModeIn | None = None
    team_id: Id | None = None
    query: str | None = None
    condition: str | None = None
    intervention: str | None = None
    sponsor: str | None = None
    statuses: list[str] | None = None
    phases: list[str] | None = None
    country: str | None = None
    therapeutic_area: str | None = None
    product_id: Id | None = None
    is_competitor: bool | None = None
    schedule: ScheduleIn | None = None
    active: bool | None = None


class WatchRunOut(Schema):
    # Not "JobOut": the OpenAPI document names schemas by class, and core's JobOut
    # (an item of GET /api/v1/jobs) would be documented as this one.
    job_id: int
    url: str = Field(description="The job's page, showing progress")


def watch_values(user: User, data: dict[str, Any]) -> dict[str, Any]:
    """The service's values from a body: ids and codes become records."""
    values = dict(data)
    if "team_id" in values:
        team_id = values.pop("team_id")
        values["team"] = by_id(user, Team, team_id, "team_id") if team_id is not None else None
    if "product_id" in values:
        product_id = values.pop("product_id")
        values["product"] = (
            by_id(user, Product, product_id, "product_id") if product_id is not None else None
        )
    if "therapeutic_area" in values:
        code = values["therapeutic_area"]
        values["therapeutic_area"] = (
            by_codes(user, TherapeuticArea, [code], "therapeutic_area")[0] if code else None
        )
    return values


@watches.get(
    "",
    response=WatchPageOut,
    summary="List watches",
    description="Your watches and your teams' (an administrator's: all), by name.",
)
def list_watches(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    user = acting_user(request)
    return paginate(selectors.watch_queryset(user).order_by("name", "pk"), query)


@watches.post(
    "",
    response={201: WatchOut},
    summary="Create a watch",
    description=(
        "A publication watch needs `query` (PubMed syntax); a trial watch a `condition`, "
        "`intervention` or `sponsor`. Without `team_id` the watch is yours."
    ),
)
def create_watch(request: HttpRequest, payload: WatchIn) -> Status[Watch]:
    user = acting_user(request)
    watch = services.create_watch(actor=user, values=watch_values(user, payload.dict()))
    return Status(201, selectors.watch_detail(user, watch.pk))


@watches.get(
    "/{watch_id}",
    response=WatchOut,
    summary="Get a watch",
    description="Yours, your team's, or (administrators) anyone's; otherwise 404.",
)
def get_watch(request: HttpRequest, watch_id: Id) -> Watch:
    return selectors.watch_detail(acting_user(request), watch_id)


@watches.patch(
    "/{watch_id}",
    response=WatchOut,
    summary="Change a watch",
    description="Only the fields sent change; the change is audited.",
)
def update_watch(request: HttpRequest, watch_id: Id, payload: WatchPatchIn) -> Watch:
    user = acting_user(request)
    watch = policy.get_for(user, "change", Watch, pk=watch_id)
    values = watch_values(user, payload.dict(exclude_unset=True))
    services.update_watch(actor=user, watch=watch, values=values)
    return selectors.watch_detail(user, watch_id)


@watches.delete(
    "/{watch_id}",
    response={204: None},
    summary="Delete a watch",
    description="Deletes the watch with its runs and every alert it raised.",
)
def delete_watch(request: HttpRequest, watch_id: Id) -> Status[None]:
    user = acting_user(request)
    watch = policy.get_for(user, "delete", Watch, pk=watch_id)
    services.delete_watch(actor=user, watch=watch)
    return Status(204, None)


@watches.post(
    "/{watch_id}/run",
    response={202: WatchRunOut},
    summary="Run a watch now",
    description="Queues a run; follow its progress on the job page or at GET /api/v1/jobs/{job_id}.",
)
def run_watch(request: HttpRequest, watch_id: Id) -> Status[dict[str, Any]]:
    user = acting_user(request)
    watch = policy.get_for(user, "change", Watch, pk=watch_id)
    job = start_watch_run(actor=user, watch=watch)
    return Status(202, {"job_id": job.pk, "url": reverse("core:job-detail", args=[job.pk])})


# --- alerts ---------------------------------------------------------------------------------


class AlertOut(Schema):
    id: int
    watch_id: int
    watch: str
    kind: str = Field(description="new_publication, new_trial or trial_status_change")
    title: str
    pmid: int | None
    nct_id: str | None
    created_at: dt.datetime
    read: bool
    triage_state: str = Field(description="Empty until triaged")
    triage_note: str
    triaged_at: dt.datetime | None
    shared_by: str | None

    @staticmethod
    def resolve_watch(obj: Alert) -> str:
        return obj.watch.name

    @staticmethod
    def resolve_pmid(obj: Alert) -> int | None:
        return obj.publication.pmid if obj.publication is not None else None

    @staticmethod
    def resolve_nct_id(obj: Alert) -> str | None:
        return obj.trial.nct_id if obj.trial is not None else None

    @staticmethod
    def resolve_read(obj: Alert) -> bool:
        return obj.read_at is not None

    @staticmethod
    def resolve_shared_by(obj: Alert) -> str | None:
        return obj.shared_by.get_username() if obj.shared_by is not None else None


class AlertPageOut(Schema):
    count: int
    unread: int = Field(description="All your unread alerts, whatever the filters")
    page: int
    page_size: int
    results: list[AlertOut]


class AlertListQuery(PageQuery):
    unread: bool = Field(False, description="Only unread alerts")
    state: str = Field("", description="A triage state, or `untriaged`")
    watch_id: Id | None = None
    kind: str = Field("", description="new_publication, new_trial or trial_status_change")


class AlertPatchIn(PatchIn):
    state: StateIn | None = Field(None, description="Triage (audited; counts as read)")
    note: str | None = Field(None, max_length=2000)
    read: bool | None = None


@alerts.get("", response=AlertPageOut, summary="List my alerts", description="Newest first.")
def list_alerts(request: HttpRequest, query: Query[AlertListQuery]) -> dict[str, Any]:
    user = acting_user(request)
    filters = selectors.AlertFilters(
        unread=query.unread, state=query.state, watch=query.watch_id, kind=query.kind
    )
    page = paginate(selectors.alert_queryset(user, filters), query)
    return {**page, "unread": selectors.unread_count(user)}


def _alert(user: User, alert_id: Id) -> Alert:
    return policy.get_for(
        user, "view", selectors.alert_queryset(user, selectors.AlertFilters()), pk=alert_id
    )


@alerts.get(
    "/{alert_id}",
    response=AlertOut,
    summary="Get one of my alerts",
    description="An alert is its recipient's alone: anyone else's answers 404.",
)
def get_alert(request: HttpRequest, alert_id: Id) -> Alert:
    return _alert(acting_user(request), alert_id)


@alerts.patch(
    "/{alert_id}",
    response=AlertOut,
    summary="Triage an alert or mark it read",
    description=(
        "`state` triages (with an optional `note`; `share_with_team` also puts the alert "
        "in your team's inboxes); `read` marks it read or unread."
    ),
)
def update_alert(request: HttpRequest, alert_id: Id, payload: AlertPatchIn) -> Alert:
    user = acting_user(request)
    alert = _alert(user, alert_id)
    data = payload.dict(exclude_unset=True)
    if not data:
        raise LiaisonError("send state, note or read")
    if "state" in data or "note" in data:
        state = data.get("state") or alert.triage_state
        if not state:
            raise LiaisonError("state: a note needs a triage state", field="state")
        services.triage_alert(actor=user, alert=alert, state=state, note=data.get("note") or "")
    if "read" in data:
        services.mark_alert(actor=user, alert=alert, read=data["read"])
    return _alert(user, alert_id)
