"""The API's authorization matrix: every operation, as anonymous and as each role,
answers exactly the expected status. An operation missing here fails the test.

Columns: anonymous, outsider (signed in, no role), msl (alice, DACH), manager
(fiona, alice's manager), the three read-only roles, administrator. The records
used are in DACH (``_de``) unless the row says otherwise, so an MSL's 403 on a
US record is the object-level case. Each request runs in a savepoint that is
rolled back, so every row starts from the same world.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction

from liaison.api import api
from liaison.core.models import Territory, User
from liaison.core.tests.apiclient import API, ApiClient, make_token
from liaison.directory.models import (
    HCP,
    Affiliation,
    Indication,
    Organization,
    Product,
    TherapeuticArea,
)
from liaison.literature.models import Publication
from liaison.surveillance.models import Alert, Watch
from liaison.trials.models import Trial

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "outsider", "msl", "manager", "medinfo", "pv", "compliance", "admin")
FIXTURES = {
    "outsider": "outsider",
    "msl": "msl",
    "manager": "field_manager",
    "medinfo": "medinfo",
    "pv": "pv",
    "compliance": "compliance",
    "admin": "admin_user",
}


def expect(*, msl: int, manager: int | None = None, reader: int, admin: int) -> dict[str, int]:
    """Anonymous is always 401 and an account without a role 403; the manager
    answers like the MSL unless told."""
    return {
        "anonymous": 401,
        "outsider": 403,
        "msl": msl,
        "manager": msl if manager is None else manager,
        "medinfo": reader,
        "pv": reader,
        "compliance": reader,
        "admin": admin,
    }


READ = expect(msl=200, reader=200, admin=200)
FIELD_CHANGE = expect(msl=200, reader=403, admin=200)
FIELD_DELETE = expect(msl=204, reader=403, admin=204)
FIELD_CREATE = expect(msl=201, reader=403, admin=201)
OUTSIDE_CHANGE = expect(msl=403, reader=403, admin=200)
OUTSIDE_DELETE = expect(msl=403, reader=403, admin=204)
ADMIN_CREATE = expect(msl=403, reader=403, admin=201)
ADMIN_CHANGE = expect(msl=403, reader=403, admin=200)
ADMIN_DELETE = expect(msl=403, reader=403, admin=204)

OWN_WATCH = expect(msl=200, manager=404, reader=404, admin=200)
OWN_ALERT = expect(msl=200, manager=404, reader=404, admin=404)

Body = Callable[[dict[str, int | str]], dict[str, Any]]


@dataclass(frozen=True)
class Case:
    method: str
    path: str  # as in the OpenAPI document, e.g. /api/v1/hcps/{hcp_id}
    expected: dict[str, int]
    body: Body | None = None
    ids: dict[str, str] = field(default_factory=dict)  # placeholder -> key in the world

    def url(self, world: dict[str, int | str]) -> str:
        values = {name: world[self.ids.get(name, name)] for name in world}
        return self.path.removeprefix(API).format(**values)


MATRIX = [
    Case("GET", "/api/v1/me", READ),
    Case("GET", "/api/v1/tokens", READ),
    Case(
        "POST",
        "/api/v1/tokens",
        expect(msl=201, reader=201, admin=201),
        lambda w: {"name": "matrix"},
    ),
    # Revoking one's own token (the one in use), then someone else's (administrators only).
    Case("DELETE", "/api/v1/tokens/{token_id}", expect(msl=204, reader=204, admin=204)),
    Case(
        "DELETE",
        "/api/v1/tokens/{token_id}",
        expect(msl=404, reader=404, admin=204),
        ids={"token_id": "other_token"},
    ),
    Case("GET", "/api/v1/hcps", READ),
    Case(
        "POST",
        "/api/v1/hcps",
        FIELD_CREATE,
        lambda w: {"given_name": "N", "family_name": "New", "country": "DE"},
    ),
    Case(
        "POST",
        "/api/v1/hcps",
        ADMIN_CREATE,
        lambda w: {"given_name": "N", "family_name": "New", "country": "FR"},
    ),
    Case("GET", "/api/v1/hcps/{hcp_id}", READ),
    Case("PATCH", "/api/v1/hcps/{hcp_id}", FIELD_CHANGE, lambda w: {"city": "Köln"}),
    Case(
        "PATCH",
        "/api/v1/hcps/{hcp_id}",
        OUTSIDE_CHANGE,
        lambda w: {"city": "Fresno"},
        {"hcp_id": "hcp_us"},
    ),
    Case("DELETE", "/api/v1/hcps/{hcp_id}", FIELD_DELETE),
    Case("DELETE", "/api/v1/hcps/{hcp_id}", OUTSIDE_DELETE, ids={"hcp_id": "hcp_us"}),
    Case("GET", "/api/v1/organizations", READ),
    Case(
        "POST",
        "/api/v1/organizations",
        FIELD_CREATE,
        lambda w: {"name": "New", "type": "clinic", "country": "AT"},
    ),
    Case("GET", "/api/v1/organizations/{organization_id}", READ),
    Case(
        "PATCH", "/api/v1/organizations/{organization_id}", FIELD_CHANGE, lambda w: {"city": "Wien"}
    ),
    Case(
        "PATCH",
        "/api/v1/organizations/{organization_id}",
        OUTSIDE_CHANGE,
        lambda w: {"city": "LA"},
        {"organization_id": "organization_us"},
    ),
    Case("DELETE", "/api/v1/organizations/{organization_id}", FIELD_DELETE),
    Case("GET", "/api/v1/affiliations", READ),
    Case(
        "POST",
        "/api/v1/affiliations",
        FIELD_CREATE,
        lambda w: {
            "hcp_id": w["hcp_id"],
            "organization_id": w["organization_us"],
            "role": "Adviser",
        },
    ),
    Case(
        "POST",
        "/api/v1/affiliations",
        OUTSIDE_CHANGE | {"admin": 201},
        lambda w: {"hcp_id": w["hcp_us"], "organization_id": w["organization_id"]},
    ),
    Case("GET", "/api/v1/affiliations/{affiliation_id}", READ),
    Case(
        "PATCH", "/api/v1/affiliations/{affiliation_id}", FIELD_CHANGE, lambda w: {"role": "Chair"}
    ),
    Case(
        "PATCH",
        "/api/v1/affiliations/{affiliation_id}",
        OUTSIDE_CHANGE,
        lambda w: {"role": "Chair"},
        {"affiliation_id": "affiliation_us"},
    ),
    Case("DELETE", "/api/v1/affiliations/{affiliation_id}", FIELD_DELETE),
    Case("GET", "/api/v1/products", READ),
    Case("POST", "/api/v1/products", ADMIN_CREATE, lambda w: {"name": "New", "company": "Us"}),
    Case("GET", "/api/v1/products/{product_id}", READ),
    Case("PATCH", "/api/v1/products/{product_id}", ADMIN_CHANGE, lambda w: {"company": "Them"}),
    Case("DELETE", "/api/v1/products/{product_id}", ADMIN_DELETE),
    Case("GET", "/api/v1/products/{product_id}/indications", READ),
    Case(
        "POST",
        "/api/v1/products/{product_id}/indications",
        ADMIN_CREATE,
        lambda w: {"country": "AT", "condition": "New"},
    ),
    Case("GET", "/api/v1/indications/{indication_id}", READ),
    Case(
        "PATCH",
        "/api/v1/indications/{indication_id}",
        ADMIN_CHANGE,
        lambda w: {"label_reference": "SmPC"},
    ),
    Case("DELETE", "/api/v1/indications/{indication_id}", ADMIN_DELETE),
    Case("GET", "/api/v1/therapeutic-areas", READ),
    Case("GET", "/api/v1/trials", READ),
    Case("GET", "/api/v1/trials/{nct_id}", READ),
    Case("GET", "/api/v1/publications", READ),
    Case("GET", "/api/v1/publications/{pmid}", READ),
    Case("GET", "/api/v1/publications/export", READ),
    # Surveillance: alice's own watch (not a team watch: her manager does not see it) and
    # an alert in her inbox (nobody else's, administrators included).
    Case("GET", "/api/v1/watches", READ),
    Case(
        "POST",
        "/api/v1/watches",
        expect(msl=201, reader=201, admin=201),
        lambda w: {"name": "New", "kind": "publication", "query": "melanoma"},
    ),
    Case("GET", "/api/v1/watches/{watch_id}", OWN_WATCH),
    Case("PATCH", "/api/v1/watches/{watch_id}", OWN_WATCH, lambda w: {"name": "Renamed"}),
    Case(
        "DELETE", "/api/v1/watches/{watch_id}", expect(msl=204, manager=404, reader=404, admin=204)
    ),
    Case(
        "POST",
        "/api/v1/watches/{watch_id}/run",
        expect(msl=202, manager=404, reader=404, admin=202),
    ),
    Case("GET", "/api/v1/alerts", READ),
    Case("GET", "/api/v1/alerts/{alert_id}", OWN_ALERT),
    Case("PATCH", "/api/v1/alerts/{alert_id}", OWN_ALERT, lambda w: {"state": "relevant"}),
]


@pytest.fixture
def world(territory_de: Territory, territory_us: Territory, msl: User) -> dict[str, int | str]:
    area = TherapeuticArea.objects.create(code="oncology", name="Oncology")
    hcp_de = HCP.objects.create(given_name="Lena", family_name="Vogel", country="DE")
    hcp_us = HCP.objects.create(given_name="Sam", family_name="Lee", country="US", region="US-CA")
    organization_de = Organization.objects.create(name="Klinikum", type="hospital", country="DE")
    organization_us = Organization.objects.create(
        name="Bay Hospital", type="hospital", country="US", region="US-CA"
    )
    affiliation_de = Affiliation.objects.create(hcp=hcp_de, organization=organization_de)
    affiliation_us = Affiliation.objects.create(hcp=hcp_us, organization=organization_us)
    product = Product.objects.create(name="Oncovir", company="Us", is_own=True)
    indication = Indication.objects.create(
        product=product, country="DE", condition="NSCLC", therapeutic_area=area
    )
    trial = Trial.objects.create(nct_id="NCT09000001", brief_title="Matrix")
    publication = Publication.objects.create(pmid=9000001, title="Matrix")
    someone = User.objects.create(username="tina", role="msl")
    other_token, _ = make_token(someone)
    watch = Watch.objects.create(name="Matrix", kind="publication", query="x", owner=msl)
    alert = Alert.objects.create(
        watch=watch, recipient=msl, kind="new_publication", publication=publication, title="M"
    )
    return {
        "other_token": other_token.pk,
        "hcp_id": hcp_de.pk,
        "hcp_us": hcp_us.pk,
        "organization_id": organization_de.pk,
        "organization_us": organization_us.pk,
        "affiliation_id": affiliation_de.pk,
        "affiliation_us": affiliation_us.pk,
        "product_id": product.pk,
        "indication_id": indication.pk,
        "nct_id": trial.nct_id,
        "pmid": publication.pmid,
        "watch_id": watch.pk,
        "alert_id": alert.pk,
    }


def test_every_api_operation_is_in_the_matrix() -> None:
    schema = api.get_openapi_schema()
    operations = {
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }
    covered = {(case.method, case.path) for case in MATRIX}
    assert operations - covered == set(), "add these operations to MATRIX"
    assert covered - operations == set(), "MATRIX names operations that do not exist"


@pytest.mark.parametrize("role", ROLES)
def test_api_matrix(role: str, world: dict[str, int | str], request: pytest.FixtureRequest) -> None:
    user: User | None = None
    if role != "anonymous":
        user = request.getfixturevalue(FIXTURES[role])
    client = ApiClient(user)
    if client.token is not None:
        world = {**world, "token_id": client.token.pk}
    else:
        world = {**world, "token_id": 1}
    failures = []
    for case in MATRIX:
        url = case.url(world)
        body = case.body(world) if case.body else None
        with transaction.atomic():
            response = getattr(client, case.method.lower())(url, body)
            transaction.set_rollback(True)
        if response.status_code != case.expected[role]:
            failures.append(
                f"{case.method} {url}: {response.status_code}, expected {case.expected[role]}"
                f" ({response.content[:120]!r})"
            )
    assert failures == []
