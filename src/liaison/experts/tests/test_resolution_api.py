"""The resolution queue's API: lists, decisions, refusals as 422 naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from liaison.core import services as core_services
from liaison.core.models import User
from liaison.directory.models import HCP
from liaison.directory.tests import factories as directory
from liaison.experts.models import Proposal, ProposalKind, ProposalStatus
from liaison.experts.tests.resolution_world import author, key_of, paper

pytestmark = pytest.mark.django_db
BASE = "/api/v1/experts/resolution"


def headers(user: User) -> dict[str, str]:
    _token, secret = core_services.create_api_token(actor=user, user=user, name="test")
    return {"Authorization": f"Bearer {secret}"}


def duplicate() -> Proposal:
    first = directory.hcp("Öberg", given_name="Björn", country="SE", city="Lund")
    second = directory.hcp("Öberg", given_name="Björn", country="SE", city="Lund")
    return Proposal.objects.create(kind=ProposalKind.DUPLICATE, hcp=first, other_hcp=second)


def test_the_list_filters_by_status_and_kind(insights_lead: User) -> None:
    proposal = duplicate()
    client = Client()
    found = client.get(f"{BASE}?kind=duplicate", headers=headers(insights_lead)).json()
    assert [item["id"] for item in found["results"]] == [proposal.pk]
    assert (
        client.get(f"{BASE}?status=rejected", headers=headers(insights_lead)).json()["count"] == 0
    )
    wrong = client.get(f"{BASE}?kind=nonsense", headers=headers(insights_lead))
    assert wrong.status_code == 422 and "kind" in wrong.json()["details"]


def test_reject_without_a_reason_is_a_422_naming_it(insights_lead: User) -> None:
    proposal = duplicate()
    response = Client().post(
        f"{BASE}/{proposal.pk}/reject",
        data={"reason": " "},
        content_type="application/json",
        headers=headers(insights_lead),
    )
    assert response.status_code == 422
    assert "reason" in response.json()["details"]


def test_reject_records_different_people(insights_lead: User) -> None:
    proposal = duplicate()
    response = Client().post(
        f"{BASE}/{proposal.pk}/reject",
        data={"reason": "two people"},
        content_type="application/json",
        headers=headers(insights_lead),
    )
    assert response.status_code == 200
    assert response.json()["status"] == ProposalStatus.REJECTED


def test_split_answers_the_new_hcp(insights_lead: User) -> None:
    hcp = directory.hcp("Wang", given_name="Li", country="CN")
    moved = paper(author("Wang", "Li", hcp=hcp)).authorships.get()
    response = Client().post(
        f"{BASE}/split",
        data={"hcp_id": hcp.pk, "mentions": [key_of(moved)], "reason": "another"},
        content_type="application/json",
        headers=headers(insights_lead),
    )
    assert response.status_code == 201
    assert HCP.objects.get(pk=response.json()["hcp_id"]).family_name == "Wang"


def test_merge_of_an_unknown_hcp_names_the_field(insights_lead: User) -> None:
    hcp = directory.hcp("Holm", given_name="Per", country="SE")
    response = Client().post(
        f"{BASE}/merge",
        data={"keep_id": hcp.pk, "duplicate_id": 999_999},
        content_type="application/json",
        headers=headers(insights_lead),
    )
    assert response.status_code == 422
    assert response.json()["details"] == {"duplicate_id": "no HCP with id 999999"}


def post(user: User, path: str, body: dict[str, object]) -> Any:
    return Client().post(
        f"{BASE}{path}", data=body, content_type="application/json", headers=headers(user)
    )


def test_merge_refusals_name_the_bodys_fields_with_the_reason_alone(
    insights_lead: User,
) -> None:
    first = directory.hcp("Holm", given_name="Per", country="SE", orcid="0000-0002-1825-0097")
    second = directory.hcp("Holm", given_name="Per", country="SE", orcid="0000-0001-5109-3700")
    same = post(insights_lead, "/merge", {"keep_id": first.pk, "duplicate_id": first.pk})
    assert same.status_code == 422
    assert same.json()["details"] == {"duplicate_id": "choose another HCP than the one kept"}
    assert same.json()["message"] == "duplicate_id: choose another HCP than the one kept"
    orcids = post(insights_lead, "/merge", {"keep_id": first.pk, "duplicate_id": second.pk})
    assert orcids.status_code == 422
    (field,) = orcids.json()["details"]
    assert field == "duplicate_id"
    assert orcids.json()["details"][field].endswith("two ORCID iDs are two people")
    assert orcids.json()["message"].startswith("duplicate_id: ")


def test_confirm_with_a_kept_hcp_outside_the_pair_names_keep_id(insights_lead: User) -> None:
    proposal = duplicate()
    stranger = directory.hcp("Holm", given_name="Per", country="SE")
    response = post(insights_lead, f"/{proposal.pk}/confirm", {"keep_id": stranger.pk})
    assert response.status_code == 422
    assert response.json()["details"] == {"keep_id": "keep one of the proposal's two HCPs"}
    assert response.json()["message"] == "keep_id: keep one of the proposal's two HCPs"
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.OPEN


def test_a_run_is_an_administrators_and_answers_its_job(
    insights_lead: User, admin_user: User
) -> None:
    assert Client().post(f"{BASE}/runs", headers=headers(insights_lead)).status_code == 403
    response = Client().post(f"{BASE}/runs", headers=headers(admin_user))
    assert response.status_code == 202 and response.json()["job_id"]
