"""Identity resolution on the database and people's decisions: the hard rules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.models import AuditEvent, User
from liaison.directory.models import HCP, Origin
from liaison.directory.tests import factories as directory
from liaison.engagement.tests import factories as engagement
from liaison.experts.models import (
    Discovery,
    MentionDecision,
    PairVerdict,
    PersonDecision,
    Proposal,
    ProposalKind,
    ProposalStatus,
    Verdict,
)
from liaison.experts.resolution import Mention, Resolution
from liaison.experts.services import decisions
from liaison.experts.services import resolution as resolution_services
from liaison.experts.services.matching import country_of, given_compatible, place_similarity
from liaison.experts.services.resolution import resolve_library
from liaison.experts.tests.resolution_world import (
    KAROLINSKA,
    LUND,
    author,
    authorships,
    key_of,
    paper,
    trial_official,
)
from liaison.lib.text import fold
from liaison.literature.models import Authorship
from liaison.trials.models import TrialOfficial, TrialSite

pytestmark = pytest.mark.django_db


def stand_in_resolve(mentions: Sequence[Mention], *, progress: Any = None) -> Resolution:
    """A resolver honouring the contract (anchors join, two anchors never merge,
    forbidden anchors kept apart) by folded family name and first initial: the
    service's rules are tested here, the trained model in its own tests."""
    person_of: dict[str, int] = {}
    groups: dict[str, int] = {}
    anchors_of: dict[int, str] = {}
    for mention in mentions:
        anchor = mention.anchor or (f"orcid:{mention.orcid}" if mention.orcid else "")
        name = f"{fold(mention.family)}|{(mention.initials or mention.given)[:1].lower()}"
        person = groups.get(anchor) if anchor else None
        if person is None:
            candidate = groups.get(name)
            if candidate is not None and (
                (anchor and anchors_of.get(candidate, anchor) != anchor)
                or anchors_of.get(candidate, "") in mention.forbidden
            ):
                candidate = None
            person = candidate if candidate is not None else len(person_of) + 1000
        person_of[mention.key] = person
        groups.setdefault(name, person)
        if anchor:
            groups[anchor] = person
            anchors_of.setdefault(person, anchor)
    return Resolution(person_of)


@pytest.fixture(autouse=True)
def _resolver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resolution_services, "resolve", stand_in_resolve)


def oberg_hcps() -> tuple[HCP, HCP]:
    lund = directory.organization("Lund University", country="SE", city="Lund")
    first = directory.hcp("Öberg", given_name="Björn", country="SE", city="Lund")
    second = directory.hcp("Öberg", given_name="Björn", country="SE", city="Lund")
    directory.affiliation(first, lund)
    return first, second


def test_only_administrators_run_the_resolver(insights_lead: User) -> None:
    with pytest.raises(PermissionDenied):
        resolve_library(actor=insights_lead)


def test_an_orcid_links_mentions_to_its_hcp(admin_user: User) -> None:
    hcp = directory.hcp("Lindqvist", given_name="Mara", country="SE", orcid="0000-0002-1825-0097")
    paper(author("Lindqvist", "M", orcid="0000-0002-1825-0097"), author("Berg", "Anna"))
    run = resolve_library(actor=admin_user)
    assert authorships("Lindqvist")[0].hcp_id == hcp.pk
    assert run.mentions == 2
    assert run.finished_at is not None
    assert AuditEvent.objects.filter(record_type="experts.resolutionrun", action="create").exists()


def test_two_orcids_in_one_name_block_stay_two_people(admin_user: User) -> None:
    paper(author("Nakamura", "Ada", place=LUND, orcid="0000-0002-1825-0097"), author("Berg", "A"))
    paper(author("Nakamura", "Ada", place=LUND, orcid="0000-0001-5109-3700"), author("Berg", "A"))
    resolve_library(actor=admin_user)
    first, second = authorships("Nakamura")
    assert first.hcp_id is not None and second.hcp_id is not None
    assert first.hcp_id != second.hcp_id
    assert set(HCP.objects.filter(family_name="Nakamura").values_list("orcid", flat=True)) == {
        "0000-0002-1825-0097",
        "0000-0001-5109-3700",
    }


def test_a_person_of_two_papers_is_discovered_with_evidence(admin_user: User) -> None:
    paper(author("Ekström", "Karin", place=LUND), author("Holm", "Per", place=LUND))
    paper(author("Ekström", "Karin", place=LUND), author("Holm", "Per", place=LUND), year=2021)
    run = resolve_library(actor=admin_user)
    hcp = HCP.objects.get(family_name="Ekström")
    assert hcp.origin == Origin.DISCOVERED
    assert hcp.country == "SE"
    assert {a.hcp_id for a in authorships("Ekström")} == {hcp.pk}
    discovery = Discovery.objects.get(hcp=hcp)
    assert discovery.run_id == run.pk
    assert len(discovery.evidence["pmids"]) == 2
    assert run.discovered >= 2  # Ekström and Holm


def test_a_single_mention_without_an_hcp_stays_unlinked(admin_user: User) -> None:
    paper(author("Solitary", "Sam", place=LUND))
    run = resolve_library(actor=admin_user)
    assert authorships("Solitary")[0].hcp_id is None
    assert run.stats["unlinked_single_mentions"] == 1


def test_a_principal_investigator_is_discovered_on_one_trial(admin_user: User) -> None:
    official = trial_official("Ingrid Sandberg, MD, PhD", "Uppsala University, Uppsala, Sweden")
    resolve_library(actor=admin_user)
    official.refresh_from_db()
    assert official.hcp is not None
    assert (official.hcp.given_name, official.hcp.family_name) == ("Ingrid", "Sandberg")


def test_a_name_and_place_match_links_to_the_existing_hcp(admin_user: User) -> None:
    lund = directory.organization("Lund University", country="SE", city="Lund")
    hcp = directory.hcp("Sjöberg", given_name="Lena", country="SE", city="Lund")
    directory.affiliation(hcp, lund)
    paper(author("Sjoberg", "Lena", place=LUND))
    resolve_library(actor=admin_user)
    assert authorships("Sjoberg")[0].hcp_id == hcp.pk


def test_an_ambiguous_name_becomes_a_link_proposal(admin_user: User) -> None:
    directory.hcp("Sjöberg", given_name="Lena", country="SE", city="Malmö")
    paper(author("Sjoberg", "L", place=KAROLINSKA))
    resolve_library(actor=admin_user)
    assert authorships("Sjoberg")[0].hcp_id is None
    proposal = Proposal.objects.get(kind=ProposalKind.LINK)
    assert proposal.mentions == [key_of(authorships("Sjoberg")[0])]
    assert proposal.evidence["pmids"]


def test_two_same_name_hcps_at_one_city_are_proposed_as_duplicates(admin_user: User) -> None:
    first, second = oberg_hcps()
    resolve_library(actor=admin_user)
    proposal = Proposal.objects.get(kind=ProposalKind.DUPLICATE)
    assert {proposal.hcp_id, proposal.other_hcp_id} == {first.pk, second.pk}
    assert proposal.status == ProposalStatus.OPEN


def test_hcps_someone_called_different_are_not_proposed_again(
    admin_user: User, insights_lead: User
) -> None:
    _first, _second = oberg_hcps()
    resolve_library(actor=admin_user)
    proposal = Proposal.objects.get(kind=ProposalKind.DUPLICATE)
    decisions.reject_proposal(actor=insights_lead, proposal=proposal, reason="two people")
    assert PersonDecision.objects.filter(verdict=PairVerdict.DIFFERENT).count() == 1
    resolve_library(actor=admin_user)
    assert not Proposal.objects.filter(status=ProposalStatus.OPEN).exists()


def test_a_rejected_link_survives_a_rerun(admin_user: User, insights_lead: User) -> None:
    directory.hcp("Sjöberg", given_name="Lena", country="SE", city="Malmö")
    paper(author("Sjoberg", "L", place=KAROLINSKA))
    resolve_library(actor=admin_user)
    proposal = Proposal.objects.get(kind=ProposalKind.LINK)
    decisions.reject_proposal(actor=insights_lead, proposal=proposal, reason="other person")
    decision = MentionDecision.objects.get()
    assert decision.verdict == Verdict.NOT_THIS
    resolve_library(actor=admin_user)
    assert authorships("Sjoberg")[0].hcp_id is None
    assert not Proposal.objects.filter(kind=ProposalKind.LINK, status=ProposalStatus.OPEN).exists()


def test_a_confirmed_link_links_and_pins(admin_user: User, insights_lead: User) -> None:
    hcp = directory.hcp("Sjöberg", given_name="Lena", country="SE", city="Malmö")
    paper(author("Sjoberg", "L", place=KAROLINSKA))
    resolve_library(actor=admin_user)
    proposal = Proposal.objects.get(kind=ProposalKind.LINK)
    decisions.confirm_proposal(actor=insights_lead, proposal=proposal, reason="her CV")
    assert authorships("Sjoberg")[0].hcp_id == hcp.pk
    assert MentionDecision.objects.get().verdict == Verdict.BELONGS
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.CONFIRMED
    assert proposal.decided_by == insights_lead
    with pytest.raises(LiaisonError) as error:
        decisions.confirm_proposal(actor=insights_lead, proposal=proposal)
    assert error.value.field == "status"


def test_open_proposals_no_longer_produced_are_superseded(admin_user: User) -> None:
    _first, second = oberg_hcps()
    resolve_library(actor=admin_user)
    proposal = Proposal.objects.get(kind=ProposalKind.DUPLICATE)
    HCP.objects.filter(pk=second.pk).update(city="Kiruna", given_name="Bo")
    resolve_library(actor=admin_user)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUPERSEDED


def test_a_rerun_keeps_an_open_proposal_instead_of_a_copy(admin_user: User) -> None:
    oberg_hcps()
    resolve_library(actor=admin_user)
    resolve_library(actor=admin_user)
    assert Proposal.objects.filter(kind=ProposalKind.DUPLICATE).count() == 1


def test_confirming_a_duplicate_merges_interactions_and_authorships(
    admin_user: User, insights_lead: User, msl: User
) -> None:
    first, second = oberg_hcps()
    interaction = engagement.interaction(msl, hcps=[second])
    paper(author("Öberg", "Björn", place=LUND, hcp=second))
    resolve_library(actor=admin_user)
    proposal = Proposal.objects.get(kind=ProposalKind.DUPLICATE)
    decisions.confirm_proposal(actor=insights_lead, proposal=proposal, keep=first, reason="same")
    assert not HCP.objects.filter(pk=second.pk).exists()
    assert list(interaction.hcps.values_list("pk", flat=True)) == [first.pk]
    assert authorships("Öberg")[0].hcp_id == first.pk
    same = PersonDecision.objects.get(verdict=PairVerdict.SAME)
    assert same.hcp_id == first.pk and f"HCP {second.pk}" in same.other_label


def test_split_creates_a_new_hcp_and_the_old_one_loses_the_mentions_for_good(
    admin_user: User, insights_lead: User
) -> None:
    hcp = directory.hcp("Wang", given_name="Li", country="CN")
    paper(author("Wang", "Li", place="Peking University, Beijing, China", hcp=hcp))
    moved = paper(
        author("Wang", "Li", place="Harvard Medical School, Boston, MA 02115, USA", hcp=hcp)
    )
    key = key_of(moved.authorships.get())
    new = decisions.split_mentions(
        actor=insights_lead, hcp=hcp, mention_keys=[key], reason="another Li Wang"
    )
    assert new.pk != hcp.pk and new.country == "US"
    assert moved.authorships.get().hcp_id == new.pk
    assert MentionDecision.objects.filter(hcp=hcp, verdict=Verdict.NOT_THIS).count() == 1
    resolve_library(actor=admin_user)
    assert moved.authorships.get().hcp_id == new.pk
    assert Authorship.objects.filter(hcp=hcp).count() == 1


def test_split_refuses_a_mention_of_another_hcp(insights_lead: User) -> None:
    hcp = directory.hcp("Wang", given_name="Li", country="CN")
    publication = paper(author("Wang", "Li"))
    with pytest.raises(LiaisonError) as error:
        decisions.split_mentions(
            actor=insights_lead,
            hcp=hcp,
            mention_keys=[key_of(publication.authorships.get())],
            reason="x",
        )
    assert error.value.field == "mentions"


def test_reject_needs_a_reason(admin_user: User, insights_lead: User) -> None:
    oberg_hcps()
    resolve_library(actor=admin_user)
    proposal = Proposal.objects.get()
    with pytest.raises(LiaisonError) as error:
        decisions.reject_proposal(actor=insights_lead, proposal=proposal, reason=" ")
    assert error.value.field == "reason"


def test_an_msl_may_not_decide(admin_user: User, msl: User) -> None:
    oberg_hcps()
    resolve_library(actor=admin_user)
    with pytest.raises(PermissionDenied):
        decisions.confirm_proposal(actor=msl, proposal=Proposal.objects.get())


def test_mark_different_closes_the_pairs_open_proposal(
    admin_user: User, insights_lead: User
) -> None:
    first, second = oberg_hcps()
    resolve_library(actor=admin_user)
    decisions.mark_different(actor=insights_lead, hcp=second, other_hcp=first, reason="two")
    assert Proposal.objects.get().status == ProposalStatus.REJECTED


def test_given_names_agree_by_initials_and_full_names() -> None:
    assert given_compatible("J S", "JS", "Jennifer", "") == 1
    assert given_compatible("Jennifer", "", "Jennifer S", "") == 2
    assert given_compatible("Mark", "", "Jennifer", "") == 0
    assert given_compatible("J K", "JK", "J S", "JS") == 0


def test_places_and_countries_are_read_from_affiliations() -> None:
    assert (
        place_similarity(
            ["department of oncology lund university lund sweden"], {"lund university"}
        )
        == 1.0
    )
    assert place_similarity(["karolinska institutet stockholm sweden"], {"lund university"}) == 0.0
    assert country_of(["Lund University, Lund, Sweden. a.b@med.lu.se"]) == "SE"
    assert country_of(["Harvard Medical School, Boston, MA 02115"]) == "US"
    assert country_of(["Dept of Medicine, Boston, MA"]) == ""
    assert country_of(["University College London, London, UK"]) == "GB"


def trial_in(official: TrialOfficial, *countries: str) -> None:
    for position, country in enumerate(countries, start=1):
        TrialSite.objects.create(trial=official.trial, position=position, country=country)


def test_an_official_without_a_country_takes_the_one_country_of_the_trials_sites(
    admin_user: User,
) -> None:
    swedish = trial_official("Ingrid Sandberg, MD")
    trial_in(swedish, "Sweden", "Sweden")
    spread = trial_official("Lars Nyqvist, MD")
    trial_in(spread, "Sweden", "Norway")
    resolve_library(actor=admin_user)
    swedish.refresh_from_db()
    assert swedish.hcp is not None and swedish.hcp.country == "SE"
    spread.refresh_from_db()
    assert spread.hcp is None
    (proposal,) = Proposal.objects.filter(kind=ProposalKind.DISCOVER)
    assert proposal.mentions == [f"o:{spread.pk}"]


def test_the_sites_of_officials_trials_are_read_in_one_query_whatever_their_number(
    admin_user: User,
) -> None:
    families = iter(("Lindqvist", "Bergman", "Forsberg", "Hedlund", "Nyberg", "Sundin", "Wikström"))

    def site_queries(officials: int) -> int:
        for _ in range(officials):
            trial_in(trial_official(f"Anna {next(families)}, MD"), "Sweden")
        with CaptureQueriesContext(connection) as queries:
            resolve_library(actor=admin_user)
        return sum(
            1
            for query in queries.captured_queries
            if TrialSite._meta.db_table in query["sql"] and query["sql"].startswith("SELECT")
        )

    assert site_queries(1) == 1
    assert site_queries(6) == 1
    assert HCP.objects.filter(given_name="Anna", country="SE").count() == 7
