"""Insight themes: the clustering on a known set, the recomputation, and the
insights lead's decisions surviving it."""

from __future__ import annotations

import collections

import numpy as np
import pytest

from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.models import AuditEvent, User
from liaison.engagement.models import Insight, Theme
from liaison.engagement.services import themes as services
from liaison.engagement.tests import factories
from liaison.engagement.tests.themes_known import ELDERLY, INJECTION, KNOWN, REIMBURSEMENT
from liaison.engagement.themes import engine

TEXTS = [*REIMBURSEMENT, *INJECTION, *ELDERLY]
TRUTH = np.repeat(np.arange(3), [len(REIMBURSEMENT), len(INJECTION), len(ELDERLY)])


def purity(labels: np.ndarray, truth: np.ndarray) -> list[float]:
    """For each true group, the share of its members in its most common theme."""
    shares = []
    for group in np.unique(truth):
        counts = collections.Counter(labels[truth == group].tolist())
        shares.append(counts.most_common(1)[0][1] / int((truth == group).sum()))
    return shares


# --- the engine -----------------------------------------------------------------------------


def test_the_three_obvious_subjects_come_out_as_three_themes() -> None:
    result = engine.cluster_texts(TEXTS)
    assert len(result.groups) == 3
    assert min(purity(result.labels, TRUTH)) >= 0.9
    # Each subject's theme is a different one, named by its words.
    dominant = [
        collections.Counter(result.labels[np.equal(TRUTH, g)].tolist()).most_common(1)[0][0]
        for g in range(3)
    ]
    assert len(set(dominant)) == 3
    labels = [result.groups[theme].label for theme in dominant]
    assert "reimbursement" in labels[0]
    assert "injection" in labels[1]
    assert "elderly" in labels[2]
    # Representatives are members of their own theme, nearest first.
    for theme, group in enumerate(result.groups):
        assert group.representatives
        assert all(result.labels[i] == theme for i in group.representatives)
        assert group.size == int((result.labels == theme).sum())


def test_the_clustering_is_deterministic_and_the_order_of_statements_does_not_matter() -> None:
    first = engine.cluster_texts(TEXTS)
    again = engine.cluster_texts(TEXTS)
    assert first.labels.tolist() == again.labels.tolist()
    assert [g.terms for g in first.groups] == [g.terms for g in again.groups]
    shuffled = np.random.default_rng(7).permutation(len(TEXTS))
    other = engine.cluster_texts([TEXTS[i] for i in shuffled])
    assert min(purity(other.labels, TRUTH[shuffled])) >= 0.9


def test_candidates_are_bounded_and_grow_with_the_corpus() -> None:
    assert engine.candidate_ks(5) == [3]
    assert max(engine.candidate_ks(60)) <= 12
    assert max(engine.candidate_ks(1_000_000)) == engine.MAX_THEMES
    assert min(engine.candidate_ks(1_000_000)) == engine.MIN_THEMES


def test_statements_without_words_belong_to_no_theme() -> None:
    result = engine.cluster_texts([*TEXTS, "the of and", "12 34"])
    assert result.labels[-1] == -1 and result.labels[-2] == -1
    assert engine.cluster_texts([]).groups == ()
    assert engine.cluster_texts(["and the", "of"]).labels.tolist() == [-1, -1]


def test_match_pairs_groups_by_member_overlap() -> None:
    old = np.array([5, 5, 5, 5, 9, 9, 9, -1, -1])
    new = np.array([1, 1, 1, 0, 0, 0, 0, 0, 2])
    # 5 vs 1: 3 shared of 4 -> 0.75; 9 vs 0: 3 of 5 -> 0.6; 2 matches nothing.
    assert engine.match(old, new) == {1: 5, 0: 9}
    assert engine.match(old, new, threshold=0.7) == {1: 5}
    assert engine.match(np.array([-1, -1]), np.array([0, 0])) == {}


def test_top_terms_prefer_the_bigram_to_its_words() -> None:
    result = engine.cluster_texts(TEXTS)
    injection = next(g for g in result.groups if any("injection" in t for t in g.terms))
    assert "injection site" in injection.terms
    assert "injection" not in injection.terms and "site" not in injection.terms


# --- recomputation and decisions ------------------------------------------------------------


def make_known_insights(msl: User) -> dict[str, list[Insight]]:
    return {
        subject: [factories.insight(msl, statement=text) for text in statements]
        for subject, statements in KNOWN.items()
    }


def theme_of(insights: list[Insight]) -> int:
    """The theme most of ``insights`` are in."""
    pks = Insight.objects.filter(pk__in=[i.pk for i in insights]).values_list("theme_id", flat=True)
    theme = collections.Counter(pks).most_common(1)[0][0]
    assert theme is not None
    return theme


@pytest.fixture
def known(msl: User) -> dict[str, list[Insight]]:
    return make_known_insights(msl)


def test_recompute_puts_the_known_set_in_three_themes(
    known: dict[str, list[Insight]], insights_lead: User
) -> None:
    report = services.recompute_themes(actor=insights_lead)
    assert report.insights == 60 and report.created == 3 and report.themes == 3
    assert report.moved == 60
    for subject, insights in known.items():
        theme = Theme.objects.get(pk=theme_of(insights))
        share = sum(1 for i in insights if Insight.objects.get(pk=i.pk).theme_id == theme.pk)
        assert share / len(insights) >= 0.9
        assert subject.split()[0] in theme.label
        assert theme.size == Insight.objects.filter(theme=theme).count()
        assert set(theme.representative_ids) <= set(
            Insight.objects.filter(theme=theme).values_list("pk", flat=True)
        )
    # Audited: three themes created, sixty insights placed.
    assert AuditEvent.objects.filter(record_type="engagement.theme", action="create").count() == 3
    assert (
        AuditEvent.objects.filter(record_type="engagement.insight", action="update").count() == 60
    )


def test_a_second_recompute_keeps_the_themes_and_moves_nothing(
    known: dict[str, list[Insight]], insights_lead: User
) -> None:
    services.recompute_themes(actor=insights_lead)
    before = sorted(Theme.objects.values_list("pk", "label"))
    report = services.recompute_themes(actor=insights_lead)
    assert sorted(Theme.objects.values_list("pk", "label")) == before
    assert report.moved == 0 and report.created == 0 and report.removed == 0


def test_only_insights_leads_and_administrators_recompute_and_shape(
    known: dict[str, list[Insight]], msl: User, field_manager: User, insights_lead: User
) -> None:
    with pytest.raises(PermissionDenied):
        services.recompute_themes(actor=msl)
    services.recompute_themes(actor=insights_lead)
    theme = Theme.objects.first()
    assert theme is not None
    for user in (msl, field_manager):
        with pytest.raises(PermissionDenied):
            services.rename_theme(actor=user, theme=theme, label="Mine")
        with pytest.raises(PermissionDenied):
            services.pin_theme(actor=user, theme=theme)


def test_decisions_survive_recomputation(
    known: dict[str, list[Insight]], msl: User, insights_lead: User
) -> None:
    services.recompute_themes(actor=insights_lead)
    reimbursement = Theme.objects.get(pk=theme_of(known["reimbursement"]))
    injection = Theme.objects.get(pk=theme_of(known["injection site"]))
    elderly = Theme.objects.get(pk=theme_of(known["elderly"]))

    # Rename: the reimbursement theme keeps its name and id.
    services.rename_theme(actor=insights_lead, theme=reimbursement, label="  Payer delays ")
    # Split: five elderly insights about renal or heart patients become their own theme.
    chosen = list(
        Insight.objects.filter(theme=elderly, pk__in=[i.pk for i in known["elderly"]])[:5]
    )
    split = services.split_theme(
        actor=insights_lead, theme=elderly, insights=chosen, label="Comorbid elderly"
    )
    # Merge: a new insight's theme created by hand, merged into the injection theme.
    stray = factories.insight(msl, statement="Patients dislike the needle of the pen device.")
    spare = Theme.objects.create(label="Needle dislike")
    services.move_insight(actor=insights_lead, insight=stray, theme=spare)
    services.merge_themes(actor=insights_lead, into=injection, themes=[spare])
    # Pin: the injection theme, with its label.
    services.pin_theme(actor=insights_lead, theme=injection)
    injection_label = Theme.objects.get(pk=injection.pk).label

    assert not Theme.objects.filter(pk=spare.pk).exists()
    stray.refresh_from_db()
    assert stray.theme_id == injection.pk and stray.theme_locked

    report = services.recompute_themes(actor=insights_lead)

    renamed = Theme.objects.get(pk=reimbursement.pk)
    assert renamed.label == "Payer delays" and renamed.renamed
    assert theme_of(known["reimbursement"]) == reimbursement.pk
    assert Theme.objects.filter(pk=split.pk, label="Comorbid elderly").exists()
    assert set(Insight.objects.filter(theme=split).values_list("pk", flat=True)) == {
        i.pk for i in chosen
    }
    assert all(i.theme_locked for i in Insight.objects.filter(pk__in=[c.pk for c in chosen]))
    pinned = Theme.objects.get(pk=injection.pk)
    assert pinned.pinned and pinned.label == injection_label
    stray.refresh_from_db()
    assert stray.theme_id == injection.pk
    assert theme_of(known["elderly"]) == elderly.pk
    assert report.removed == 0
    # Sizes follow the members.
    for theme in Theme.objects.all():
        assert theme.size == Insight.objects.filter(theme=theme).count()


def test_unmatched_themes_are_removed_and_new_insights_join_their_theme(
    known: dict[str, list[Insight]], msl: User, insights_lead: User
) -> None:
    old = Theme.objects.create(label="Left over")
    pinned = Theme.objects.create(label="Kept by a person", pinned=True)
    services.recompute_themes(actor=insights_lead)
    assert not Theme.objects.filter(pk=old.pk).exists()
    assert Theme.objects.filter(pk=pinned.pk).exists()
    reimbursement = theme_of(known["reimbursement"])
    late = factories.insight(msl, statement="The payer delayed reimbursement for six months again.")
    services.recompute_themes(actor=insights_lead)
    late.refresh_from_db()
    assert late.theme_id == reimbursement
    assert AuditEvent.objects.filter(
        record_type="engagement.theme", record_id=str(old.pk), action="delete"
    ).exists()


def test_decisions_refuse_bad_input_and_write_nothing(
    known: dict[str, list[Insight]], insights_lead: User
) -> None:
    services.recompute_themes(actor=insights_lead)
    theme = Theme.objects.get(pk=theme_of(known["elderly"]))
    other = Theme.objects.get(pk=theme_of(known["reimbursement"]))
    events = AuditEvent.objects.count()
    with pytest.raises(LiaisonError) as blank:
        services.rename_theme(actor=insights_lead, theme=theme, label="   ")
    assert blank.value.field == "label"
    with pytest.raises(LiaisonError) as long:
        services.rename_theme(actor=insights_lead, theme=theme, label="x" * 201)
    assert long.value.field == "label"
    with pytest.raises(LiaisonError) as alone:
        services.merge_themes(actor=insights_lead, into=theme, themes=[theme])
    assert alone.value.field == "themes"
    with pytest.raises(LiaisonError) as none:
        services.split_theme(actor=insights_lead, theme=theme, insights=[], label="New")
    assert none.value.field == "insights"
    stranger = Insight.objects.filter(theme=other).first()
    assert stranger is not None
    with pytest.raises(LiaisonError) as strange:
        services.split_theme(actor=insights_lead, theme=theme, insights=[stranger], label="New")
    assert strange.value.field == "insights"
    assert AuditEvent.objects.count() == events
    assert Theme.objects.count() == 3


def test_an_insight_locked_in_a_deleted_theme_is_placed_again(
    known: dict[str, list[Insight]], insights_lead: User
) -> None:
    services.recompute_themes(actor=insights_lead)
    insight = known["elderly"][0]
    gone = Theme.objects.create(label="Deleted by an administrator")
    services.move_insight(actor=insights_lead, insight=insight, theme=gone)
    gone.delete()  # the foreign key is set to null; the lock stays
    insight.refresh_from_db()
    assert insight.theme_id is None and insight.theme_locked
    services.recompute_themes(actor=insights_lead)
    insight.refresh_from_db()
    assert insight.theme_id == theme_of(known["elderly"]) and not insight.theme_locked


def test_small_batches_write_the_same_assignments(
    known: dict[str, list[Insight]], insights_lead: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "UPDATE_BATCH", 7)
    monkeypatch.setattr(services, "UPDATES_PER_TRANSACTION", 2)
    report = services.recompute_themes(actor=insights_lead)
    assert report.moved == 60
    assert not Insight.objects.filter(theme=None).exists()
    for insights in known.values():
        theme = theme_of(insights)
        share = Insight.objects.filter(pk__in=[i.pk for i in insights], theme_id=theme).count()
        assert share / len(insights) >= 0.9
    assert (
        AuditEvent.objects.filter(record_type="engagement.insight", action="update").count() == 60
    )
