"""Recomputing an area's scores from the database (``services.scoring``) and the
background job that does it (``scoring_tasks``)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from liaison.core.errors import PermissionDenied
from liaison.core.models import AuditEvent, Job, JobStatus, User
from liaison.experts import scoring_tasks
from liaison.experts.models import ExpertScore, ScoreContribution, WeightSet
from liaison.experts.services import scoring
from liaison.experts.tests import scoring_world as world
from liaison.experts.weights import DEFAULT_WEIGHTS

pytestmark = pytest.mark.django_db


def this_year() -> int:
    """Read per test: a module constant goes stale when a run crosses New Year."""
    return timezone.localdate().year


def test_scores_follow_the_evidence_and_explain_it(admin_user: User) -> None:
    area = world.area()
    lead, middle, last = world.hcp("Lead"), world.hcp("Middle"), world.hcp("Last")
    paper = world.publication(
        lead, middle, last, year=this_year(), types=("Randomized Controlled Trial",)
    )
    report = scoring.score_area(actor=admin_user, area=area)
    scores = {s.hcp_id: s for s in ExpertScore.objects.filter(area=area)}
    assert report.experts == 3
    assert scores[lead.pk].components["publication"] == pytest.approx(2.0)
    assert scores[middle.pk].components["publication"] == pytest.approx(0.8)
    contribution = ScoreContribution.objects.get(score=scores[lead.pk], kind="publication")
    assert contribution.publication_id == paper.pk
    assert contribution.detail.startswith("first author ×1 · RCT ×2")


def test_papers_of_other_areas_and_retracted_papers_bring_nothing(admin_user: User) -> None:
    area = world.area()
    expert = world.hcp("Expert")
    world.publication(expert, year=this_year())
    world.publication(expert, year=this_year(), mesh="Asthma")
    world.publication(expert, year=this_year(), retracted=True, types=("Practice Guideline",))
    scoring.score_area(actor=admin_user, area=area)
    score = ExpertScore.objects.get(area=area, hcp=expert)
    assert score.components["publication"] == pytest.approx(1.0)
    assert ScoreContribution.objects.filter(score=score, points=0).count() == 1


def test_trials_count_for_their_officials(admin_user: User) -> None:
    area = world.area()
    investigator, director = world.hcp("Investigator"), world.hcp("Director")
    trial = world.trial(
        (investigator, "PRINCIPAL_INVESTIGATOR"), (director, "STUDY_DIRECTOR"), enrollment=250
    )
    world.trial((investigator, "PRINCIPAL_INVESTIGATOR"), condition="asthma")
    scoring.score_area(actor=admin_user, area=area)
    scores = {s.hcp_id: s for s in ExpertScore.objects.filter(area=area)}
    assert scores[director.pk].score == pytest.approx(scores[investigator.pk].score * 0.6, rel=1e-3)
    item = ScoreContribution.objects.get(score=scores[investigator.pk])
    assert item.trial_id == trial.pk and "phase 3" in item.detail


def test_coauthors_earn_network_points(admin_user: User) -> None:
    area = world.area()
    hub, a, b = world.hcp("Hub"), world.hcp("Spoke A"), world.hcp("Spoke B")
    world.publication(hub, a, year=this_year())
    world.publication(b, hub, year=this_year())
    scoring.score_area(actor=admin_user, area=area)
    network = {
        s.hcp_id: s.components.get("network", 0) for s in ExpertScore.objects.filter(area=area)
    }
    assert network[hub.pk] == pytest.approx(DEFAULT_WEIGHTS["network"])
    assert 0 < network[a.pk] < network[hub.pk]


def test_tiers_and_ranks_are_per_country(admin_user: User) -> None:
    area = world.area()
    germans = [world.hcp(f"German{n}") for n in range(3)]
    french = world.hcp("Francais", country="FR")
    for n, person in enumerate(germans):
        for _ in range(3 - n):
            world.publication(person, year=this_year())
    world.publication(french, year=this_year() - 10)
    scoring.score_area(actor=admin_user, area=area)
    scores = {s.hcp_id: s for s in ExpertScore.objects.filter(area=area)}
    assert [scores[p.pk].rank for p in germans] == [1, 2, 3]
    assert scores[germans[0].pk].tier == 1 and scores[germans[2].pk].tier == 3
    assert scores[french.pk].rank == 1 and scores[french.pk].tier == 1


def test_a_recompute_replaces_the_previous_scores_and_uses_the_newest_weights(
    admin_user: User,
) -> None:
    area = world.area()
    expert, gone = world.hcp("Expert"), world.hcp("Gone")
    world.publication(expert, year=this_year())
    paper = world.publication(gone, year=this_year())
    scoring.score_area(actor=admin_user, area=area)
    paper.delete()
    weights = dict(DEFAULT_WEIGHTS, publication=2.0)
    weight_set = WeightSet.objects.create(area=area, version=1, weights=weights)
    report = scoring.score_area(actor=admin_user, area=area)
    assert list(ExpertScore.objects.filter(area=area).values_list("hcp_id", flat=True)) == [
        expert.pk
    ]
    score = ExpertScore.objects.get(area=area)
    assert score.score == pytest.approx(2.0)
    assert score.weight_set == weight_set and report.weight_version == 1
    assert ScoreContribution.objects.filter(score__area=area).count() == 1


def test_a_recompute_is_audited_with_the_weights_used(admin_user: User) -> None:
    area = world.area()
    world.publication(world.hcp("Expert"), year=this_year())
    scoring.score_area(actor=admin_user, area=area)
    event = AuditEvent.objects.get(record_type="experts.expertscore", record_id=str(area.pk))
    assert event.actor == admin_user
    assert event.changes["experts"] == [0, 1]


def test_an_msl_may_not_recompute(msl: User) -> None:
    with pytest.raises(PermissionDenied):
        scoring.score_area(actor=msl, area=world.area())


def test_an_area_is_read_in_a_constant_number_of_queries(admin_user: User) -> None:
    area = world.area()
    people = [world.hcp(f"Person{n}") for n in range(4)]
    world.publication(*people[:2], year=this_year())
    scoring.score_area(actor=admin_user, area=area)
    with CaptureQueriesContext(connection) as few:
        scoring.score_area(actor=admin_user, area=area)
    for n in range(12):
        world.publication(people[n % 4], people[(n + 1) % 4], year=this_year() - n)
        world.trial((people[n % 4], "PRINCIPAL_INVESTIGATOR"))
    with CaptureQueriesContext(connection) as many:
        scoring.score_area(actor=admin_user, area=area)
    assert len(many) == len(few)


def test_score_all_scores_every_defined_area(admin_user: User) -> None:
    melanoma, asthma = world.area(), world.area("asthma", "Asthma", mesh="Asthma")
    world.publication(world.hcp("Skin"), year=this_year())
    world.publication(world.hcp("Lung"), year=this_year(), mesh="Asthma")
    reports = scoring.score_all(actor=admin_user)
    assert sorted(r.area for r in reports) == ["Asthma", "Melanoma"]
    assert ExpertScore.objects.filter(area=melanoma).count() == 1
    assert ExpertScore.objects.filter(area=asthma).count() == 1


def test_the_recompute_job_reports_progress_and_its_summary(
    admin_user: User, django_capture_on_commit_callbacks: object
) -> None:
    area = world.area()
    world.publication(world.hcp("Expert"), year=this_year())
    job = scoring_tasks.start_recompute(actor=admin_user, area=area)
    scoring_tasks.recompute_scores_task.call(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.done == job.total == 5
    assert "Melanoma: 1 expert scored from 1 piece of evidence" in job.message
    assert job.params["origin"]["url"].endswith(f"?area={area.pk}")
    assert Job.objects.filter(kind=scoring_tasks.RECOMPUTE_KIND).count() == 1
