"""The experts app's records in the policy's world (``tests/test_policy_agreement.py``):
an area's definition and weights, a score with a contribution, a resolution run with a
proposal, decisions and a discovered HCP."""

from __future__ import annotations

from liaison.core.tests.authorization import World
from liaison.directory.models import HCP, Origin, TherapeuticArea
from liaison.experts.models import (
    AreaDefinition,
    ContributionKind,
    Discovery,
    ExpertScore,
    MentionDecision,
    PairVerdict,
    PersonDecision,
    Proposal,
    ProposalKind,
    ResolutionRun,
    ScoreContribution,
    Verdict,
    WeightSet,
)
from liaison.literature.models import Authorship, Publication


def build(world: World) -> None:
    area, _ = TherapeuticArea.objects.get_or_create(code="policy-area", name="Policy area")
    AreaDefinition.objects.create(area=area, mesh_terms=["Melanoma"])
    weights = WeightSet.objects.create(area=area, version=1)
    hcp = HCP.objects.create(given_name="Pia", family_name="Policy", country="DE")
    found = HCP.objects.create(
        given_name="Dora", family_name="Found", country="DE", origin=Origin.DISCOVERED
    )
    score = ExpertScore.objects.create(hcp=hcp, area=area, weight_set=weights, score=3.0)
    publication = Publication.objects.create(pmid=990_000_001, title="Policy paper")
    authorship = Authorship.objects.create(
        publication=publication, position=1, family="Policy", given="Pia", hcp=hcp
    )
    ScoreContribution.objects.create(
        score=score, kind=ContributionKind.PUBLICATION, publication=publication, points=3.0
    )
    run = ResolutionRun.objects.create(mentions=1, people=1)
    Discovery.objects.create(hcp=found, run=run, evidence={"pmids": [990_000_001]})
    Proposal.objects.create(kind=ProposalKind.DUPLICATE, hcp=hcp, other_hcp=found, run=run)
    MentionDecision.objects.create(authorship=authorship, hcp=hcp, verdict=Verdict.BELONGS)
    PersonDecision.objects.create(
        hcp=hcp,
        other_hcp=found,
        hcp_label="Pia Policy",
        other_label="Dora Found",
        verdict=PairVerdict.DIFFERENT,
    )
