"""The "Identity resolution" panel of the HCP profile: a discovered HCP's evidence (from a
run, a confirmed proposal or a split), the links of those who decide on identities, who
sees what, evidence JSON of any shape, and a constant number of queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liaison.core.models import User
from liaison.directory.models import HCP, Origin
from liaison.directory.tests import factories as directory
from liaison.experts.identity_panel import identity_panel, read_evidence
from liaison.experts.models import Discovery, Proposal, ProposalKind, ProposalStatus
from liaison.experts.services import decisions
from liaison.experts.services.resolution import resolve_library
from liaison.experts.tests.resolution_world import (
    LUND,
    author,
    authorships,
    key_of,
    paper,
    trial_official,
)

pytestmark = pytest.mark.django_db

HEADING = 'id="identity-resolution-heading"'


def profile(user: User, hcp: HCP) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("directory:hcp-detail", args=[hcp.pk]))
    assert response.status_code == 200
    return response.content.decode()


def panel_of(page: str) -> str:
    """The panel's HTML alone (empty when the page has none)."""
    start = page.find(HEADING)
    if start < 0:
        return ""
    return page[start : page.index("</section>", start)]


def discovered(
    family: str = "Ekström", *, evidence: dict[str, Any] | None = None, run: Any = None
) -> HCP:
    hcp = directory.hcp(family, given_name="Karin", country="SE", origin=Origin.DISCOVERED)
    Discovery.objects.create(hcp=hcp, run=run, evidence=evidence or {})
    return hcp


def test_a_run_discovery_shows_names_affiliations_and_the_papers_behind_it(
    admin_user: User, msl: User
) -> None:
    first = paper(author("Ekström", "Karin", place=LUND), author("Holm", "Per", place=LUND))
    second = paper(author("Ekström", "K", place=LUND), author("Holm", "Per", place=LUND), year=2021)
    run = resolve_library(actor=admin_user)
    hcp = HCP.objects.get(family_name="Ekström")
    assert hcp.origin == Origin.DISCOVERED

    panel = panel_of(profile(msl, hcp))
    assert f"run {run.pk} of" in panel and "started by ada" in panel
    assert "Karin Ekström" in panel  # the names as written
    assert LUND in panel
    assert "2020–2021" in panel
    assert "holm p" in panel  # a co-author, as the resolver compares them
    for publication in (first, second):
        assert reverse("literature:publication-detail", args=[publication.pmid]) in panel
    # An MSL reads the evidence but is offered no decision.
    assert "Decide on this identity" not in panel
    assert reverse("experts:hcp-split", args=[hcp.pk]) not in panel


def test_a_discovered_trial_official_lists_the_trial(admin_user: User, msl: User) -> None:
    official = trial_official("Ingrid Sandberg, MD, PhD", "Uppsala University, Uppsala, Sweden")
    resolve_library(actor=admin_user)
    official.refresh_from_db()
    assert official.hcp is not None
    panel = panel_of(profile(msl, official.hcp))
    assert reverse("trials:trial-detail", args=[official.trial.nct_id]) in panel


def test_a_split_names_the_hcp_it_came_from(insights_lead: User) -> None:
    hcp = directory.hcp("Öberg", given_name="Björn", country="SE", city="Lund")
    paper(author("Öberg", "Björn", place=LUND, hcp=hcp))
    moved = paper(author("Öberg", "B", place=LUND, hcp=hcp), year=2015)
    key = key_of(authorships("Öberg")[1])
    new = decisions.split_mentions(
        actor=insights_lead, hcp=hcp, mention_keys=[key], reason="another Öberg", country="SE"
    )
    panel = panel_of(profile(insights_lead, new))
    assert "Created when mentions were split off" in panel
    assert f'href="{reverse("directory:hcp-detail", args=[hcp.pk])}">Björn Öberg</a>' in panel
    assert reverse("literature:publication-detail", args=[moved.pmid]) in panel
    assert "1 author mention and 0 trial officials are linked" in panel


def test_a_split_from_an_hcp_since_deleted_keeps_its_label(msl: User) -> None:
    hcp = discovered(evidence={"split_from": 987654, "split_from_label": "Björn Öberg (Lund)"})
    panel = panel_of(profile(msl, hcp))
    assert "Björn Öberg (Lund) (HCP 987654, no longer in the directory)" in panel


def test_a_confirmed_proposal_reads_the_nested_person_and_links_it_for_deciders(
    insights_lead: User, msl: User
) -> None:
    evidence = {
        "proposal": 41,
        "score": 0.5,
        "person": {
            "names": ["Lena Nyström"],
            "affiliations": ["Lund University"],
            "years": [2018, 2019],
            "mentions": 2,
        },
        "reasons": {"country": "no country in the affiliations"},
        "pmids": [],
    }
    hcp = discovered("Nyström", evidence=evidence)
    for_decider = panel_of(profile(insights_lead, hcp))
    assert "confirmed" in for_decider
    assert reverse("experts:proposal-detail", args=[41]) in for_decider
    assert "at a probability of 0.50" in for_decider
    assert "Lena Nyström" in for_decider and "2018–2019" in for_decider
    assert "2 author or investigator mentions" in for_decider
    assert "country: no country in the affiliations" in for_decider
    # The queue is not the MSL's: the proposal is named without a link.
    assert reverse("experts:proposal-detail", args=[41]) not in panel_of(profile(msl, hcp))


def test_an_msl_sees_no_panel_on_an_hcp_that_was_not_discovered(msl: User) -> None:
    hcp = directory.hcp("Schmidt", given_name="Anna")
    page = profile(msl, hcp)
    assert HEADING not in page
    assert identity_panel(msl, hcp) is None


def test_an_outsider_gets_no_panel(outsider: User) -> None:
    assert identity_panel(outsider, discovered()) is None


def test_deciders_get_split_merge_and_the_open_proposals(insights_lead: User) -> None:
    hcp = directory.hcp("Öberg", given_name="Björn", country="SE", city="Lund")
    twin = directory.hcp("Öberg", given_name="Björn", country="SE", city="Malmö")
    paper(author("Öberg", "Björn", place=LUND, hcp=hcp))
    trial_official("Björn Öberg", hcp=hcp)
    open_one = Proposal.objects.create(
        kind=ProposalKind.DUPLICATE, hcp=twin, other_hcp=hcp, score=0.91
    )
    decided = Proposal.objects.create(
        kind=ProposalKind.LINK, hcp=hcp, score=0.7, status=ProposalStatus.REJECTED
    )
    panel = panel_of(profile(insights_lead, hcp))
    assert "1 author mention and 1 trial official are linked" in panel
    assert reverse("experts:hcp-split", args=[hcp.pk]) in panel
    assert f"{reverse('experts:hcp-merge')}?keep={hcp.pk}" in panel
    assert reverse("experts:proposal-detail", args=[open_one.pk]) in panel
    assert "Björn Öberg (Malmö)" in panel  # the other side of the duplicate
    assert "probability 0.91" in panel
    assert reverse("experts:proposal-detail", args=[decided.pk]) not in panel
    assert "1 open proposal of the" in panel


def test_an_hcp_without_mentions_offers_no_split(insights_lead: User) -> None:
    hcp = directory.hcp("Schmidt", given_name="Anna")
    panel = panel_of(profile(insights_lead, hcp))
    assert "Merge with another HCP" in panel
    assert reverse("experts:hcp-split", args=[hcp.pk]) not in panel
    assert "No open proposal of the" in panel


def test_a_discovered_hcp_is_offered_as_the_duplicate_of_a_merge(insights_lead: User) -> None:
    hcp = discovered()
    context = identity_panel(insights_lead, hcp)
    assert context is not None
    assert context["merge_url"] == f"{reverse('experts:hcp-merge')}?duplicate={hcp.pk}"
    # The merge page takes it as its initial value.
    client = Client()
    client.force_login(insights_lead)
    page = client.get(context["merge_url"]).content.decode()
    assert f'name="duplicate" value="{hcp.pk}"' in page


def test_a_discovered_hcp_without_its_evidence_says_so(msl: User) -> None:
    hcp = directory.hcp("Lost", given_name="Lea", country="SE", origin=Origin.DISCOVERED)
    panel = panel_of(profile(msl, hcp))
    assert "the evidence of the discovery was not kept" in panel


def test_evidence_of_any_shape_is_read_without_error() -> None:
    odd = read_evidence(
        {
            "names": "not a list",
            "affiliations": [None, "  Lund   University ", {"x": 1}],
            "years": ["2019", -3, True, "abc", 2017],
            "mentions": ["a:12", "o:7", "a:-1", "x:5", "a:", 3],
            "pmids": ["123", 0, "x", 456, None],
            "nct_ids": ["NCT00000001", 5],
            "score": 7.5,
            "proposal": "nine",
            "split_from": True,
            "reasons": ["not", "a", "dict"],
        }
    )
    assert odd.names == []
    assert odd.affiliations == ["Lund University"]
    assert (odd.first_year, odd.last_year) == (2017, 2019)
    assert odd.mention_count == 6
    assert odd.authorship_ids == [12] and odd.official_ids == [7]
    assert odd.pmids == [123, 456]
    assert odd.nct_ids == ["NCT00000001"]
    assert odd.probability is None and odd.proposal_id is None and odd.split_from is None
    assert odd.reasons == []
    assert read_evidence(None).has_person is False
    assert read_evidence(["a list"]).mention_count == 0


def _queries(user: User, hcp: HCP) -> int:
    with CaptureQueriesContext(connection) as captured:
        context = identity_panel(user, hcp)
    assert context is not None
    return len(captured)


def test_the_panel_takes_a_constant_number_of_queries(insights_lead: User) -> None:
    def grow(hcp: HCP, n: int) -> None:
        pmids = []
        for year in range(2000, 2000 + n):
            publication = paper(author(hcp.family_name, "Karin", place=LUND, hcp=hcp), year=year)
            pmids.append(publication.pmid)
            trial_official(f"Karin {hcp.family_name}", hcp=hcp)
            Proposal.objects.create(kind=ProposalKind.LINK, hcp=hcp, score=0.6)
        Discovery.objects.filter(hcp=hcp).update(
            evidence={"pmids": pmids, "split_from": hcp.pk, "names": ["Karin"]}
        )

    small, large = discovered("Small"), discovered("Large")
    grow(small, 1)
    grow(large, 25)
    assert _queries(insights_lead, small) == _queries(insights_lead, large) <= 8
