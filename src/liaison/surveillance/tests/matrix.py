"""Surveillance's routes in the authorization matrix (see
``liaison.core.tests.authorization``): alice's own watch (not a team watch: her
manager does not see it) and an alert in her inbox (nobody else's,
administrators included), made when a route asks."""

from __future__ import annotations

from typing import Any

from liaison.core.tests.authorization import (
    ALICES_OWN,
    API_READ,
    EVERYONE,
    Route,
    World,
    api_map,
    outcome_map,
)
from liaison.literature.models import Publication
from liaison.surveillance.models import Alert, Watch


def a_watch(world: World) -> dict[str, Any]:
    watch, _ = Watch.objects.get_or_create(
        name="Matrix watch",
        defaults={"kind": "publication", "query": "x", "owner": world.users["msl"]},
    )
    return {"pk": watch.pk}


def an_alert(world: World) -> dict[str, Any]:
    publication, _ = Publication.objects.get_or_create(pmid=9000002, defaults={"title": "Alert"})
    alert, _ = Alert.objects.get_or_create(
        recipient=world.users["msl"],
        watch_id=a_watch(world)["pk"],
        kind="new_publication",
        publication=publication,
        defaults={"title": "Alert"},
    )
    return {"pk": alert.pk}


ALERT_RECIPIENT = outcome_map("404", msl="ok")

WEB_ROUTES: dict[str, Route] = {
    "surveillance:alert-list": Route(EVERYONE),
    "surveillance:alert-read-all": Route(EVERYONE, method="post"),
    "surveillance:digest-preference": Route(EVERYONE, method="post"),
    "surveillance:alert-triage": Route(
        ALERT_RECIPIENT, method="post", kwargs=an_alert, data=lambda w: {"state": "relevant"}
    ),
    "surveillance:alert-read": Route(ALERT_RECIPIENT, method="post", kwargs=an_alert),
    # The selection holds alice's alert: in nobody else's inbox, so refused whole.
    "surveillance:alert-bulk": Route(
        ALERT_RECIPIENT,
        method="post",
        data=lambda w: {"alerts": [an_alert(w)["pk"]], "action": "relevant"},
    ),
    "surveillance:watch-list": Route(EVERYONE),
    "surveillance:watch-create": Route(EVERYONE),
    "surveillance:watch-detail": Route(ALICES_OWN, kwargs=a_watch),
    "surveillance:watch-matches": Route(ALICES_OWN, kwargs=a_watch),
    "surveillance:watch-edit": Route(ALICES_OWN, kwargs=a_watch),
    "surveillance:watch-delete": Route(ALICES_OWN, kwargs=a_watch),
    "surveillance:watch-run": Route(ALICES_OWN, method="post", kwargs=a_watch),
}


def watch_id(world: World) -> dict[str, Any]:
    return {"watch_id": a_watch(world)["pk"]}


def alert_id(world: World) -> dict[str, Any]:
    return {"alert_id": an_alert(world)["pk"]}


API_ROUTES: dict[str, Route] = {
    "GET /api/v1/watches": Route(API_READ),
    "POST /api/v1/watches": Route(
        api_map("201"),
        data=lambda w: {"name": "API watch", "kind": "trial", "condition": "asthma"},
    ),
    "GET /api/v1/watches/{watch_id}": Route(
        api_map("404", msl="200", admin="200"), kwargs=watch_id
    ),
    "PATCH /api/v1/watches/{watch_id}": Route(
        api_map("404", msl="200", admin="200"),
        kwargs=watch_id,
        data=lambda w: {"name": "Renamed"},
    ),
    "DELETE /api/v1/watches/{watch_id}": Route(
        api_map("404", msl="204", admin="204"), kwargs=watch_id
    ),
    "POST /api/v1/watches/{watch_id}/run": Route(
        api_map("404", msl="202", admin="202"), kwargs=watch_id
    ),
    "GET /api/v1/alerts": Route(API_READ),
    "GET /api/v1/alerts/{alert_id}": Route(api_map("404", msl="200"), kwargs=alert_id),
    "PATCH /api/v1/alerts/{alert_id}": Route(
        api_map("404", msl="200"),
        kwargs=alert_id,
        data=lambda w: {"state": "relevant", "note": "matrix"},
    ),
}
