"""The authorization matrix: every URL pattern and every API operation, requested
as each role and anonymously, gets exactly the expected outcome.

A route that is added without an entry here fails
``test_every_route_has_an_entry``, so nobody ships a page or an operation whose
access was never decided. Web outcomes: ``ok`` (served, or a redirect that is
not to the login page, or a form/validation error: the request got past the
policy), ``login`` (redirect to a login page), ``401``, ``403``, ``404``. An API
outcome is the exact status code: a create answers 201, a delete 204.

Users: alice (``msl``) covers DACH, ``other_msl`` covers US West (California),
``manager`` manages alice's team. The records of an entry are in Germany unless
it says otherwise, so ``other_msl``'s 403 is the object-level case;
``API_TERRITORY_CASES`` adds requests on the Californian records, where the
roles swap. Those cases are extra: an operation needs exactly one entry, in
``API_ROUTES``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from liaison.api import api
from liaison.core import services as core_services
from liaison.core.models import ApiToken, Job, JobStatus, Role, Team, Territory, User
from liaison.directory.models import (
    HCP,
    Affiliation,
    Indication,
    Organization,
    OrganizationType,
    Product,
    TherapeuticArea,
)

ROLES = (
    "anonymous",
    "outsider",
    "msl",
    "other_msl",
    "manager",
    "medinfo",
    "pv",
    "compliance",
    "admin",
)
MEMBERS = ROLES[2:]


def outcome_map(default: str, **overrides: str) -> dict[str, str]:
    """Anonymous -> login, outsider -> 403, members -> ``default`` unless overridden."""
    table = {"anonymous": "login", "outsider": "403"}
    table.update({role: default for role in MEMBERS})
    table.update(overrides)
    return table


def api_map(default: str, **overrides: str) -> dict[str, str]:
    table = outcome_map(default, **overrides)
    table["anonymous"] = "401"
    return table


EVERYONE = outcome_map("ok")
ADMIN_ONLY = outcome_map("403", admin="ok")
AUDITORS = outcome_map("403", compliance="ok", admin="ok")
FIELD_ADDERS = outcome_map("403", msl="ok", other_msl="ok", manager="ok", admin="ok")
# Changing a record of the DACH territory: alice covers it, her manager too.
DACH_EDITORS = outcome_map("403", msl="ok", manager="ok", admin="ok")
ALICES_OWN = outcome_map("404", msl="ok", admin="ok")


@dataclass
class World:
    users: dict[str, User]
    hcp: HCP
    organization: Organization
    affiliation: Affiliation
    product: Product
    indication: Indication
    area: TherapeuticArea
    job: Job
    token: ApiToken  # alice's
    # The same kind of records in California: other_msl's territory, not alice's.
    hcp_us: HCP
    organization_us: Organization
    affiliation_us: Affiliation
    tokens: dict[str, ApiToken] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)


def build_world(media_root: Any) -> World:
    dach = Territory.objects.create(code="dach", name="DACH", countries=["DE", "AT", "CH"])
    us_west = Territory.objects.create(code="us-west", name="US West", regions=["US-CA"])
    users: dict[str, User] = {}
    for key, role in [
        ("outsider", ""),
        ("msl", Role.MSL),
        ("other_msl", Role.MSL),
        ("manager", Role.FIELD_MANAGER),
        ("medinfo", Role.MEDICAL_INFORMATION),
        ("pv", Role.PHARMACOVIGILANCE),
        ("compliance", Role.COMPLIANCE),
        ("admin", Role.ADMINISTRATOR),
    ]:
        users[key] = User.objects.create_user(
            username=key, password="not used", role=role, is_staff=role == Role.ADMINISTRATOR
        )
    users["msl"].territories.add(dach)
    users["other_msl"].territories.add(us_west)
    team = Team.objects.create(name="DACH", manager=users["manager"])
    team.members.add(users["msl"])
    area = TherapeuticArea.objects.create(code="oncology", name="Oncology")
    hcp = HCP.objects.create(given_name="Jürgen", family_name="Müller", country="DE")
    organization = Organization.objects.create(
        name="Charité", type=OrganizationType.ACADEMIC_MEDICAL_CENTER, country="DE", city="Berlin"
    )
    affiliation = Affiliation.objects.create(hcp=hcp, organization=organization, role="Professor")
    product = Product.objects.create(
        name="Oncovir", company="Us", is_own=True, therapeutic_area=area
    )
    indication = Indication.objects.create(product=product, country="DE", condition="NSCLC")
    hcp_us = HCP.objects.create(given_name="Sam", family_name="Lee", country="US", region="US-CA")
    organization_us = Organization.objects.create(
        name="Bay Hospital", type=OrganizationType.HOSPITAL, country="US", region="US-CA"
    )
    affiliation_us = Affiliation.objects.create(hcp=hcp_us, organization=organization_us)
    result = media_root / "exports" / "alice.csv"
    result.parent.mkdir(parents=True, exist_ok=True)
    result.write_text("id\n1\n", encoding="utf-8")
    job = Job.objects.create(
        owner=users["msl"],
        kind="export",
        title="Export",
        status=JobStatus.SUCCEEDED,
        result_file="exports/alice.csv",
    )
    secrets: dict[str, str] = {}
    tokens: dict[str, ApiToken] = {}
    for key, user in users.items():
        # The outsider's token dates from before their role was taken away.
        actor = users["admin"] if key == "outsider" else user
        token, secret = core_services.create_api_token(actor=actor, user=user, name="matrix")
        secrets[key] = secret
        tokens[key] = token
    return World(
        users=users,
        hcp=hcp,
        organization=organization,
        affiliation=affiliation,
        product=product,
        indication=indication,
        area=area,
        job=job,
        token=tokens["msl"],
        hcp_us=hcp_us,
        organization_us=organization_us,
        affiliation_us=affiliation_us,
        tokens=tokens,
        secrets=secrets,
    )


@dataclass(frozen=True)
class Route:
    """How to request one route and what each role gets."""

    expect: dict[str, str]
    method: str = "get"
    kwargs: Callable[[World], dict[str, Any]] = lambda world: {}
    data: Callable[[World], dict[str, Any]] = lambda world: {}
    query: str = ""
    # URL arguments that depend on who asks (their own token); replaces ``kwargs``.
    role_kwargs: Callable[[World, str], dict[str, Any]] | None = None

    def url_kwargs(self, world: World, role: str) -> dict[str, Any]:
        return self.role_kwargs(world, role) if self.role_kwargs else self.kwargs(world)


def hcp_pk(world: World) -> dict[str, Any]:
    return {"pk": world.hcp.pk}


def org_pk(world: World) -> dict[str, Any]:
    return {"pk": world.organization.pk}


def admin_upload(world: World) -> dict[str, Any]:
    # An upload of the administrator's (the import pages load it by id).
    from liaison.directory.transfer_views import save_upload

    upload = save_upload(
        owner=world.users["admin"],
        file_name="hcps.csv",
        chunks=[b"First Name,Last Name,Country\nA,B,DE\n"],
    )
    return {"upload": upload}


def a_trial(world: World) -> dict[str, Any]:
    from liaison.trials.models import Trial

    Trial.objects.get_or_create(nct_id="NCT09000001", defaults={"brief_title": "Matrix"})
    return {"nct_id": "NCT09000001"}


def a_publication(world: World) -> dict[str, Any]:
    from liaison.literature.models import Publication

    Publication.objects.get_or_create(pmid=9000001, defaults={"title": "Matrix"})
    return {"pmid": 9000001}


def a_watch(world: World) -> dict[str, Any]:
    # Alice's own watch: her manager sees it only for a team watch, so not this one.
    from liaison.surveillance.models import Watch

    watch, _ = Watch.objects.get_or_create(
        name="Matrix watch",
        defaults={"kind": "publication", "query": "x", "owner": world.users["msl"]},
    )
    return {"pk": watch.pk}


def an_alert(world: World) -> dict[str, Any]:
    # An alert in alice's inbox: nobody else's, administrators included.
    from liaison.literature.models import Publication
    from liaison.surveillance.models import Alert

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
    "core:home": Route(EVERYONE),
    "core:login": Route({**{role: "ok" for role in ROLES}}),
    "core:logout": Route({role: "login" for role in ROLES}, method="post"),
    "core:audit-list": Route(AUDITORS),
    "core:audit-export": Route(AUDITORS),
    "core:record-history": Route(
        EVERYONE, kwargs=lambda w: {"record_type": "directory.hcp", "record_id": str(w.hcp.pk)}
    ),
    "core:job-list": Route(EVERYONE),
    "core:job-detail": Route(ALICES_OWN, kwargs=lambda w: {"pk": w.job.pk}),
    "core:job-download": Route(ALICES_OWN, kwargs=lambda w: {"pk": w.job.pk}),
    "core:token-list": Route(EVERYONE),
    "core:token-revoke": Route(ALICES_OWN, method="post", kwargs=lambda w: {"pk": w.token.pk}),
    "directory:hcp-list": Route(EVERYONE),
    "directory:hcp-create": Route(FIELD_ADDERS),
    "directory:hcp-detail": Route(EVERYONE, kwargs=hcp_pk),
    "directory:hcp-edit": Route(DACH_EDITORS, kwargs=hcp_pk),
    "directory:hcp-delete": Route(
        DACH_EDITORS, method="post", kwargs=hcp_pk, data=lambda w: {"reason": "duplicate"}
    ),
    "directory:affiliation-create": Route(DACH_EDITORS, kwargs=hcp_pk),
    "directory:organization-list": Route(EVERYONE),
    "directory:organization-create": Route(FIELD_ADDERS),
    "directory:organization-detail": Route(EVERYONE, kwargs=org_pk),
    "directory:organization-edit": Route(DACH_EDITORS, kwargs=org_pk),
    "directory:hcp-export": Route(EVERYONE, query="format=csv"),
    "directory:import-start": Route(ADMIN_ONLY),
    "directory:import-mapping": Route(ADMIN_ONLY, kwargs=lambda w: admin_upload(w)),
    "directory:import-report": Route(ADMIN_ONLY, kwargs=lambda w: admin_upload(w)),
    # Without a last name the NPI Registry is not asked: the policy decides alone.
    "directory:nppes-lookup": Route(FIELD_ADDERS),
    "trials:trial-list": Route(EVERYONE),
    "trials:trial-detail": Route(EVERYONE, kwargs=a_trial),
    "trials:landscape": Route(EVERYONE),
    "trials:trial-load": Route(ADMIN_ONLY),
    "literature:publication-list": Route(EVERYONE),
    "literature:publication-detail": Route(EVERYONE, kwargs=a_publication),
    "literature:publication-load": Route(ADMIN_ONLY),
    "literature:export": Route(EVERYONE, query="format=ris"),
    "literature:import-references": Route(EVERYONE),
    "literature:library-item-list": Route(EVERYONE),
    "surveillance:alert-list": Route(EVERYONE),
    "surveillance:alert-read-all": Route(EVERYONE, method="post"),
    "surveillance:digest-preference": Route(EVERYONE, method="post"),
    "surveillance:alert-triage": Route(
        ALERT_RECIPIENT, method="post", kwargs=an_alert, data=lambda w: {"state": "relevant"}
    ),
    "surveillance:alert-read": Route(ALERT_RECIPIENT, method="post", kwargs=an_alert),
    "surveillance:watch-list": Route(EVERYONE),
    "surveillance:watch-create": Route(EVERYONE),
    "surveillance:watch-detail": Route(ALICES_OWN, kwargs=a_watch),
    "surveillance:watch-edit": Route(ALICES_OWN, kwargs=a_watch),
    "surveillance:watch-delete": Route(ALICES_OWN, kwargs=a_watch),
    "surveillance:watch-run": Route(ALICES_OWN, method="post", kwargs=a_watch),
    "admin:index": Route(outcome_map("login", admin="ok")),
}

hcp_body = {"given_name": "Anna", "family_name": "Schmidt", "country": "DE"}
org_body = {"name": "Uniklinik Köln", "type": "hospital", "country": "DE", "city": "Köln"}

API_READ = api_map("200")
# Records of the DACH territory: alice changes them, her manager too.
DACH_CREATE = api_map("403", msl="201", manager="201", admin="201")
DACH_CHANGE = api_map("403", msl="200", manager="200", admin="200")
DACH_DELETE = api_map("403", msl="204", manager="204", admin="204")
# Records of US West: the other MSL's, not alice's nor her manager's.
US_CREATE = api_map("403", other_msl="201", admin="201")
US_CHANGE = api_map("403", other_msl="200", admin="200")
US_DELETE = api_map("403", other_msl="204", admin="204")
ADMIN_CREATE = api_map("403", admin="201")
ADMIN_CHANGE = api_map("403", admin="200")
ADMIN_DELETE = api_map("403", admin="204")


def hcp_id(world: World) -> dict[str, Any]:
    return {"hcp_id": world.hcp.pk}


def organization_id(world: World) -> dict[str, Any]:
    return {"organization_id": world.organization.pk}


def affiliation_id(world: World) -> dict[str, Any]:
    return {"affiliation_id": world.affiliation.pk}


def product_id(world: World) -> dict[str, Any]:
    return {"product_id": world.product.pk}


def indication_id(world: World) -> dict[str, Any]:
    return {"indication_id": world.indication.pk}


def watch_id(world: World) -> dict[str, Any]:
    return {"watch_id": a_watch(world)["pk"]}


def alert_id(world: World) -> dict[str, Any]:
    return {"alert_id": an_alert(world)["pk"]}


API_ROUTES: dict[str, Route] = {
    "GET /api/v1/me": Route(API_READ),
    "GET /api/v1/tokens": Route(API_READ),
    "POST /api/v1/tokens": Route(api_map("201"), data=lambda w: {"name": "script"}),
    # Alice's token: her own (the one in use), everyone else's but an administrator's to see.
    "DELETE /api/v1/tokens/{token_id}": Route(
        api_map("404", msl="204", admin="204"), kwargs=lambda w: {"token_id": w.token.pk}
    ),
    "GET /api/v1/jobs": Route(API_READ),
    # Alice's job: hers and an administrator's to see, unseen by everyone else.
    "GET /api/v1/jobs/{job_id}": Route(
        api_map("404", msl="200", admin="200"), kwargs=lambda w: {"job_id": w.job.pk}
    ),
    "GET /api/v1/hcps": Route(API_READ),
    "POST /api/v1/hcps": Route(DACH_CREATE, data=lambda w: hcp_body),
    "GET /api/v1/hcps/{hcp_id}": Route(API_READ, kwargs=hcp_id),
    "PATCH /api/v1/hcps/{hcp_id}": Route(
        DACH_CHANGE, kwargs=hcp_id, data=lambda w: {"city": "Berlin"}
    ),
    "DELETE /api/v1/hcps/{hcp_id}": Route(DACH_DELETE, kwargs=hcp_id),
    "GET /api/v1/organizations": Route(API_READ),
    "POST /api/v1/organizations": Route(DACH_CREATE, data=lambda w: org_body),
    "GET /api/v1/organizations/{organization_id}": Route(API_READ, kwargs=organization_id),
    "PATCH /api/v1/organizations/{organization_id}": Route(
        DACH_CHANGE, kwargs=organization_id, data=lambda w: {"city": "Berlin-Mitte"}
    ),
    "DELETE /api/v1/organizations/{organization_id}": Route(DACH_DELETE, kwargs=organization_id),
    "GET /api/v1/affiliations": Route(API_READ),
    # The HCP's territory decides, not the organization's (this one is Californian).
    "POST /api/v1/affiliations": Route(
        DACH_CREATE,
        data=lambda w: {
            "hcp_id": w.hcp.pk,
            "organization_id": w.organization_us.pk,
            "role": "Lecturer",
        },
    ),
    "GET /api/v1/affiliations/{affiliation_id}": Route(API_READ, kwargs=affiliation_id),
    "PATCH /api/v1/affiliations/{affiliation_id}": Route(
        DACH_CHANGE, kwargs=affiliation_id, data=lambda w: {"role": "Chair"}
    ),
    "DELETE /api/v1/affiliations/{affiliation_id}": Route(DACH_DELETE, kwargs=affiliation_id),
    "GET /api/v1/products": Route(API_READ),
    "POST /api/v1/products": Route(
        ADMIN_CREATE, data=lambda w: {"name": "Cardiox", "company": "Us", "is_own": True}
    ),
    "GET /api/v1/products/{product_id}": Route(API_READ, kwargs=product_id),
    "PATCH /api/v1/products/{product_id}": Route(
        ADMIN_CHANGE, kwargs=product_id, data=lambda w: {"generic_name": "oncovirumab"}
    ),
    "DELETE /api/v1/products/{product_id}": Route(ADMIN_DELETE, kwargs=product_id),
    "GET /api/v1/products/{product_id}/indications": Route(API_READ, kwargs=product_id),
    "POST /api/v1/products/{product_id}/indications": Route(
        ADMIN_CREATE, kwargs=product_id, data=lambda w: {"country": "FR", "condition": "NSCLC"}
    ),
    "GET /api/v1/indications/{indication_id}": Route(API_READ, kwargs=indication_id),
    "PATCH /api/v1/indications/{indication_id}": Route(
        ADMIN_CHANGE, kwargs=indication_id, data=lambda w: {"label_reference": "SmPC 2026"}
    ),
    "DELETE /api/v1/indications/{indication_id}": Route(ADMIN_DELETE, kwargs=indication_id),
    "GET /api/v1/therapeutic-areas": Route(API_READ),
    "GET /api/v1/publications": Route(API_READ),
    "GET /api/v1/publications/{pmid}": Route(API_READ, kwargs=a_publication),
    "GET /api/v1/publications/export": Route(API_READ),
    "GET /api/v1/trials": Route(API_READ),
    "GET /api/v1/trials/{nct_id}": Route(API_READ, kwargs=a_trial),
    # Surveillance: alice's own watch (not a team watch: her manager does not see it)
    # and an alert in her inbox (nobody else's, administrators included).
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


@dataclass(frozen=True)
class ApiCase:
    """A further request to an operation already in ``API_ROUTES``: the same
    operation on other records, so the object-level rule shows both ways."""

    operation: str
    note: str
    route: Route


def hcp_us(world: World) -> dict[str, Any]:
    return {"hcp_id": world.hcp_us.pk}


API_TERRITORY_CASES: list[ApiCase] = [
    ApiCase(
        "POST /api/v1/hcps",
        "in France, nobody's territory",
        Route(ADMIN_CREATE, data=lambda w: {**hcp_body, "country": "FR"}),
    ),
    ApiCase(
        "POST /api/v1/hcps",
        "in California",
        Route(US_CREATE, data=lambda w: {**hcp_body, "country": "US", "region": "US-CA"}),
    ),
    ApiCase("GET /api/v1/hcps/{hcp_id}", "in California", Route(API_READ, kwargs=hcp_us)),
    ApiCase(
        "PATCH /api/v1/hcps/{hcp_id}",
        "in California",
        Route(US_CHANGE, kwargs=hcp_us, data=lambda w: {"city": "Fresno"}),
    ),
    ApiCase("DELETE /api/v1/hcps/{hcp_id}", "in California", Route(US_DELETE, kwargs=hcp_us)),
    ApiCase(
        "PATCH /api/v1/organizations/{organization_id}",
        "in California",
        Route(
            US_CHANGE,
            kwargs=lambda w: {"organization_id": w.organization_us.pk},
            data=lambda w: {"city": "Los Angeles"},
        ),
    ),
    ApiCase(
        "POST /api/v1/affiliations",
        "of a Californian HCP with a German organization",
        Route(
            US_CREATE,
            data=lambda w: {"hcp_id": w.hcp_us.pk, "organization_id": w.organization.pk},
        ),
    ),
    ApiCase(
        "PATCH /api/v1/affiliations/{affiliation_id}",
        "of a Californian HCP",
        Route(
            US_CHANGE,
            kwargs=lambda w: {"affiliation_id": w.affiliation_us.pk},
            data=lambda w: {"role": "Chair"},
        ),
    ),
    ApiCase(
        "DELETE /api/v1/tokens/{token_id}",
        "the caller's own token, the one in use",
        Route(
            api_map("204"),
            role_kwargs=lambda w, role: {"token_id": w.tokens.get(role, w.token).pk},
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


# Framework routes that are not ours to decide: the API's schema and docs are
# public descriptions of the interface, static and media serving do not exist.
UNLISTED_PREFIXES = ("api:",)
# The admin site's own pages all sit behind its staff check; its index stands for them.
ADMIN_NAMESPACE = "admin:"


def named_routes() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[URLPattern | URLResolver], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif pattern.name:
                names.add(f"{namespace}{pattern.name}")
            else:
                names.add(f"{namespace}<unnamed {pattern.pattern}>")

    walk(get_resolver().url_patterns, "")
    return {
        name
        for name in names
        if not name.startswith(UNLISTED_PREFIXES)
        and not (name.startswith(ADMIN_NAMESPACE) and name != "admin:index")
    }


def api_operations() -> set[str]:
    schema = api.get_openapi_schema()
    return {f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops}


def test_every_route_has_an_entry() -> None:
    assert named_routes() - set(WEB_ROUTES) == set(), "web routes without an access decision"
    assert set(WEB_ROUTES) - named_routes() == set(), "entries for routes that no longer exist"
    assert api_operations() - set(API_ROUTES) == set(), "API operations without an access decision"
    assert set(API_ROUTES) - api_operations() == set(), (
        "entries for operations that no longer exist"
    )
    extra = {case.operation for case in API_TERRITORY_CASES}
    assert extra - api_operations() == set(), "territory cases for operations that do not exist"


def classify(response: Any) -> str:
    status = response.status_code
    if status in (301, 302, 303):
        location = response["Location"]
        return "login" if "/login/" in location else "ok"
    if status in (401, 403, 404):
        return str(status)
    if status >= 500:
        return f"server error {status}"
    return "ok"  # 2xx, 400/409/422: past the policy


@pytest.fixture
def world(db: None, settings: Any, tmp_path: Any) -> World:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path
    return build_world(tmp_path)


def request_as(world: World, role: str, route: Route, url: str, *, api_call: bool) -> Any:
    client = Client()
    headers: dict[str, str] = {}
    if role != "anonymous":
        if api_call:
            headers["Authorization"] = f"Bearer {world.secrets[role]}"
        else:
            client.force_login(world.users[role])
    send = getattr(client, route.method)
    if api_call:
        body = route.data(world)
        if route.method == "get":
            return send(url, headers=headers)
        return send(url, data=body, content_type="application/json", headers=headers)
    return send(url, data=route.data(world), headers=headers)


def check_route(
    world: World, route: Route, make_url: Callable[[str], str], *, api_call: bool
) -> list[str]:
    wrong = []
    for role in ROLES:
        # Each role's request runs in a savepoint rolled back afterwards, so a
        # delete by one role does not change what the next one sees.
        sid = transaction.savepoint()
        try:
            response = request_as(world, role, route, make_url(role), api_call=api_call)
            # The API never redirects: its outcome is the status code itself.
            got = str(response.status_code) if api_call else classify(response)
        finally:
            transaction.savepoint_rollback(sid)
        if got != route.expect[role]:
            wrong.append(
                f"{role}: expected {route.expect[role]}, got {got} ({response.status_code})"
            )
    return wrong


@pytest.mark.parametrize("name", sorted(WEB_ROUTES))
def test_web_route_access(world: World, name: str) -> None:
    from django.urls import reverse

    route = WEB_ROUTES[name]

    def make_url(role: str) -> str:
        url = reverse(name, kwargs=route.url_kwargs(world, role) or None)
        return f"{url}?{route.query}" if route.query else url

    wrong = check_route(world, route, make_url, api_call=False)
    assert not wrong, f"{name}:\n" + "\n".join(wrong)


def check_operation(world: World, operation: str, route: Route) -> list[str]:
    method, path = operation.split(" ", 1)
    route = replace(route, method=method.lower())

    def make_url(role: str) -> str:
        return path.format(**route.url_kwargs(world, role))

    return check_route(world, route, make_url, api_call=True)


@pytest.mark.parametrize("operation", sorted(API_ROUTES))
def test_api_operation_access(world: World, operation: str) -> None:
    wrong = check_operation(world, operation, API_ROUTES[operation])
    assert not wrong, f"{operation}:\n" + "\n".join(wrong)


@pytest.mark.parametrize(
    "case", API_TERRITORY_CASES, ids=[f"{c.operation} ({c.note})" for c in API_TERRITORY_CASES]
)
def test_api_territory_case(world: World, case: ApiCase) -> None:
    wrong = check_operation(world, case.operation, case.route)
    assert not wrong, f"{case.operation} ({case.note}):\n" + "\n".join(wrong)


def test_msl_cannot_edit_hcp_outside_territory(world: World) -> None:
    client = Client()
    client.force_login(world.users["other_msl"])
    edit = client.post(
        f"/directory/hcps/{world.hcp.pk}/edit/",
        {"given_name": "X", "family_name": "Müller", "country": "DE"},
    )
    assert edit.status_code == 403
    world.hcp.refresh_from_db()
    assert world.hcp.given_name == "Jürgen"


def test_unseen_job_is_404_not_403(world: World) -> None:
    client = Client()
    client.force_login(world.users["other_msl"])
    assert client.get(f"/jobs/{world.job.pk}/").status_code == 404


def test_expired_consent_is_not_an_access_rule(world: World) -> None:
    # Consent limits contact, not who may read the directory.
    world.hcp.consent_date = dt.date(2020, 1, 1)
    world.hcp.save()
    client = Client()
    client.force_login(world.users["pv"])
    assert client.get(f"/directory/hcps/{world.hcp.pk}/").status_code == 200
