"""The resolution queue's pages: who sees them, deciding, merging and splitting."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from liaison.core.models import User
from liaison.directory.models import HCP
from liaison.directory.tests import factories as directory
from liaison.experts.models import Proposal, ProposalKind, ProposalStatus
from liaison.experts.tests.resolution_world import LUND, author, key_of, paper

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def duplicate() -> Proposal:
    first = directory.hcp("Öberg", given_name="Björn", country="SE", city="Lund")
    second = directory.hcp("Öberg", given_name="Björn", country="SE", city="Lund")
    return Proposal.objects.create(
        kind=ProposalKind.DUPLICATE,
        hcp=first,
        other_hcp=second,
        score=0.8,
        evidence={"reasons": {"same_city": True}},
    )


def test_the_queue_lists_open_proposals_for_insights_leads(insights_lead: User) -> None:
    proposal = duplicate()
    response = client_for(insights_lead).get(reverse("experts:proposal-list"))
    assert response.status_code == 200
    assert reverse("experts:proposal-detail", args=[proposal.pk]) in response.content.decode()


def test_an_msl_may_not_see_the_queue(msl: User) -> None:
    assert client_for(msl).get(reverse("experts:proposal-list")).status_code == 403


def test_the_detail_shows_both_hcps_side_by_side(insights_lead: User) -> None:
    proposal = duplicate()
    paper(author("Öberg", "Björn", place=LUND, hcp=proposal.hcp))
    page = client_for(insights_lead).get(reverse("experts:proposal-detail", args=[proposal.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert f"HCP {proposal.hcp_id}" in text and f"HCP {proposal.other_hcp_id}" in text
    assert "PMID" in text and "same_city" in text


def test_rejecting_without_a_reason_names_the_field(insights_lead: User) -> None:
    proposal = duplicate()
    url = reverse("experts:proposal-reject", args=[proposal.pk])
    response = client_for(insights_lead).post(url, {"reason": ""})
    assert response.status_code == 400
    assert "reason" in response.context["reject_form"].errors
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.OPEN


def test_confirming_a_duplicate_merges_and_returns_to_the_queue(insights_lead: User) -> None:
    proposal = duplicate()
    data: dict[str, Any] = {"keep": str(proposal.hcp_id), "reason": "same ORCID on his CV"}
    response = client_for(insights_lead).post(
        reverse("experts:proposal-confirm", args=[proposal.pk]), data
    )
    assert response.status_code == 302
    assert not HCP.objects.filter(pk=proposal.other_hcp_id or 0).exists()


def test_the_merge_page_refuses_an_unknown_hcp(admin_user: User) -> None:
    hcp = directory.hcp("Holm", given_name="Per", country="SE")
    response = client_for(admin_user).post(
        reverse("experts:hcp-merge"),
        {"keep": hcp.pk, "duplicate": 999_999, "action": "merge", "reason": ""},
    )
    assert response.status_code == 400
    assert "duplicate" in response.context["form"].errors


def test_the_split_page_moves_ticked_mentions_to_a_new_hcp(insights_lead: User) -> None:
    hcp = directory.hcp("Wang", given_name="Li", country="CN")
    moved = paper(author("Wang", "Li", hcp=hcp)).authorships.get()
    response = client_for(insights_lead).post(
        reverse("experts:hcp-split", args=[hcp.pk]),
        {"mentions": [key_of(moved)], "reason": "another Li Wang"},
    )
    assert response.status_code == 302
    moved.refresh_from_db()
    assert moved.hcp_id not in (None, hcp.pk)


def test_only_administrators_start_a_run(insights_lead: User, admin_user: User) -> None:
    url = reverse("experts:resolution-run")
    assert client_for(insights_lead).post(url).status_code == 403
    response = client_for(admin_user).post(url)
    assert response.status_code == 302 and "/jobs/" in response["Location"]
