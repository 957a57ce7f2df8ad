"""The pure score computation (``experts.scoring``): points and their words, tiers per
country, rising experts. No database."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from liaison.experts.scoring import (
    AuthorshipRow,
    OfficialRow,
    Scorer,
    growth_of,
    score_area,
    tier_of,
)
from liaison.experts.weights import DEFAULT_WEIGHTS

YEAR = 2026


def paper(
    hcp: int,
    pub: int,
    *,
    year: int | None = YEAR,
    position: int = 1,
    count: int = 3,
    role: str = "author",
    types: tuple[str, ...] = ("Journal Article",),
    retracted: bool = False,
) -> AuthorshipRow:
    return AuthorshipRow(hcp, pub, year, position, count, role, types, retracted)


def trial(
    hcp: int,
    pk: int,
    *,
    role: str = "PRINCIPAL_INVESTIGATOR",
    phases: tuple[str, ...] = ("PHASE2",),
    status: str = "COMPLETED",
    sponsor: str = "INDUSTRY",
    enrollment: int | None = None,
    start: int | None = YEAR,
) -> OfficialRow:
    return OfficialRow(hcp, pk, role, phases, status, sponsor, enrollment, start)


def weights(**changes: Any) -> dict[str, Any]:
    result = copy.deepcopy(DEFAULT_WEIGHTS)
    result.update(changes)
    return result


def one(rows: list[AuthorshipRow], officials: list[OfficialRow] | None = None, **w: Any) -> Any:
    hcp_ids = {row.hcp_id for row in rows} | {row.hcp_id for row in officials or []}
    return score_area(rows, officials or [], {}, dict.fromkeys(hcp_ids, "DE"), weights(**w), YEAR)


def test_first_and_last_authors_count_more_than_middle_ones() -> None:
    scores = {
        s.hcp_id: s.score
        for s in one(
            [
                paper(1, 10, position=1, count=5),
                paper(2, 10, position=3, count=5),
                paper(3, 10, position=5, count=5),
            ]
        )
    }
    assert scores[1] == scores[3] == pytest.approx(1.0)
    assert scores[2] == pytest.approx(0.4)


def test_publication_types_weigh_more_and_the_highest_type_counts() -> None:
    result = one(
        [
            paper(1, 10, types=("Journal Article",)),
            paper(2, 11, types=("Review", "Randomized Controlled Trial")),
            paper(3, 12, types=("Practice Guideline",)),
        ]
    )
    scores = {s.hcp_id: s for s in result}
    assert scores[3].score > scores[2].score > scores[1].score
    assert "RCT ×2" in scores[2].contributions[0].detail


def test_recency_halves_points_every_half_life() -> None:
    result = one([paper(1, 10, year=YEAR), paper(2, 11, year=YEAR - 4)], half_life_years=4.0)
    scores = {s.hcp_id: s.score for s in result}
    assert scores[2] == pytest.approx(scores[1] / 2)


def test_a_retracted_paper_brings_nothing_and_says_so() -> None:
    (score,) = one([paper(1, 10, retracted=True, types=("Practice Guideline",))])
    assert score.score == 0
    assert score.contributions[0].points == 0
    assert "retracted" in score.contributions[0].detail
    assert score.tier is None and score.rank == 0


def test_the_detail_explains_each_factor_in_words() -> None:
    (score,) = one(
        [paper(1, 10, year=2021, types=("Randomized Controlled Trial",))], half_life_years=10.0
    )
    detail = score.contributions[0].detail
    assert detail.startswith("first author ×1 · RCT ×2 · 2021 · recency ×0.71")


def test_trial_points_follow_role_phase_status_sponsor_and_enrolment() -> None:
    scorer = Scorer(DEFAULT_WEIGHTS, YEAR)
    small = scorer.official(trial(1, 5, phases=("PHASE2", "PHASE3"), enrollment=None))
    large = scorer.official(trial(1, 5, phases=("PHASE2", "PHASE3"), enrollment=10_000))
    director = scorer.official(trial(1, 5, role="STUDY_DIRECTOR", phases=("PHASE3",)))
    withdrawn = scorer.official(trial(1, 5, phases=("PHASE3",), status="WITHDRAWN"))
    assert small.points == pytest.approx(3.0 * 1.0 * 1.5 * 1.0 * 1.0)
    assert large.points == pytest.approx(small.points * 1.5)
    assert director.points == pytest.approx(small.points * 0.6)
    assert withdrawn.points == pytest.approx(small.points * 0.2)
    assert "phase 3 ×1.5" in small.detail and "enrolment 10,000" in large.detail


def test_an_hcp_named_twice_on_one_paper_counts_it_once_at_the_best_place() -> None:
    (score,) = one(
        [paper(1, 10, role="investigator", position=4, count=0), paper(1, 10, position=1)]
    )
    assert len(score.contributions) == 1
    assert score.score == pytest.approx(1.0)


def test_components_sum_to_the_score_and_history_holds_points_before_recency() -> None:
    (score,) = one([paper(1, 10, year=YEAR - 5), paper(1, 11, year=YEAR)], [trial(1, 5)])
    assert sum(score.components.values()) == pytest.approx(score.score, abs=1e-3)
    assert set(score.components) == {"publication", "trial"}
    assert score.history[str(YEAR - 5)] == pytest.approx(1.0)  # not halved by recency


def test_network_points_scale_with_centrality_against_the_most_central() -> None:
    rows = [paper(1, 10), paper(2, 10, position=3)]
    result = score_area(rows, [], {1: 0.4, 2: 0.1}, {1: "DE", 2: "DE"}, DEFAULT_WEIGHTS, YEAR)
    network = {s.hcp_id: s.components.get("network", 0) for s in result}
    assert network[1] == pytest.approx(10.0)
    assert network[2] == pytest.approx(2.5)


def test_tiers_are_per_country_by_the_cut_offs() -> None:
    rows = [paper(hcp, hcp, count=1, year=YEAR - hcp % 20) for hcp in range(1, 41)]
    countries = {hcp: "DE" if hcp <= 20 else "FR" for hcp in range(1, 41)}
    result = score_area(rows, [], {}, countries, DEFAULT_WEIGHTS, YEAR)
    for country in ("DE", "FR"):
        mine = sorted((s for s in result if s.country == country), key=lambda s: s.rank)
        assert [s.tier for s in mine].count(1) == 1  # top 5% of 20
        assert [s.tier for s in mine].count(2) == 3  # down to 20%
        assert mine[0].rank == 1 and mine[0].percentile == 100.0


def test_tier_of_follows_the_percent_of_the_list_ranked_above() -> None:
    assert [tier_of(rank, 100, (5.0, 20.0)) for rank in (1, 5, 6, 20, 21, 100)] == [
        1,
        1,
        2,
        2,
        3,
        3,
    ]
    assert tier_of(1, 1, (5.0, 20.0)) == 1


def test_ties_share_a_rank() -> None:
    result = one([paper(1, 10), paper(2, 11), paper(3, 12, position=2)])
    ranks = {s.hcp_id: s.rank for s in result}
    assert ranks == {1: 1, 2: 1, 3: 3}


def test_a_fast_grower_is_rising_with_the_reason_in_words() -> None:
    rows = [paper(1, 100 + n, year=YEAR - n % 3) for n in range(12)]  # 12 recent papers
    rows.append(paper(1, 99, year=YEAR - 9))  # one paper long before
    for hcp in range(2, 8):  # steady experts: one paper a year
        rows.extend(paper(hcp, hcp * 1000 + year, year=year) for year in range(YEAR - 11, YEAR + 1))
    result = {s.hcp_id: s for s in one(rows)}
    assert result[1].rising
    assert result[1].rising_reason.startswith(
        f"12.0 points in {YEAR - 2}-{YEAR} vs 0.4 per 3 years before"
    )
    assert "area median growth" in result[1].rising_reason
    assert not any(result[hcp].rising for hcp in range(2, 8))


def test_a_newcomer_with_little_evidence_is_not_rising() -> None:
    result = one([paper(1, 10), paper(2, 11, year=YEAR - 10)])
    assert not any(s.rising for s in result)


def test_growth_compares_the_window_with_the_earlier_rate() -> None:
    scorer = Scorer(DEFAULT_WEIGHTS, YEAR)
    history = {str(YEAR): 6.0, str(YEAR - 3): 1.0, str(YEAR - 8): 2.0}
    recent, rate, first = growth_of(history, scorer)
    assert recent == 6.0
    assert first == YEAR - 8
    assert rate == pytest.approx(3.0 / ((YEAR - 2 - (YEAR - 8)) / 3))


def test_weights_of_an_area_change_the_points() -> None:
    base = one([paper(1, 10, position=2, count=3)])[0].score
    changed = one(
        [paper(1, 10, position=2, count=3)],
        position={"first": 1.0, "last": 1.0, "middle": 0.8, "investigator": 0.2},
    )[0].score
    assert changed == pytest.approx(base * 2)


def test_unknown_year_counts_as_one_half_life_old() -> None:
    (score,) = one([paper(1, 10, year=None)])
    assert score.score == pytest.approx(0.5)
    assert "year unknown" in score.contributions[0].detail
