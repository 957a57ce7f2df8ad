"""Similar insights while typing: a near-duplicate ranks first, only statements the
reader may view are shown, and the themes colleagues reported come as counts."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from liaison.core.models import User
from liaison.engagement.models import Theme
from liaison.engagement.similar import key_words, rank, similar_insights, words
from liaison.engagement.tests import factories

TYPED = "Clinicians want more dosing data in elderly patients with renal impairment"
DUPLICATE = "Clinicians want dosing data for elderly patients with renal impairment."


def test_words_drop_common_words_and_plurals() -> None:
    assert words("The patients want data on dosing") == ["patient", "want", "data", "dosing"]


def test_key_words_are_the_longest() -> None:
    assert key_words(TYPED)[:2] == ["impairment", "clinician"]


def test_a_near_duplicate_ranks_first() -> None:
    documents = [
        (1, "Elderly patients dislike injections."),
        (2, DUPLICATE.lower()),
        (3, "Renal function is rarely checked before dosing."),
        (4, "Payers want data on elderly patients."),
    ]
    ranked = rank(TYPED, documents)
    assert ranked[0][0] == 2
    assert ranked[0][1] > 0.6
    assert {pk for pk, _ in ranked} == {1, 2, 3, 4}


def test_unrelated_text_scores_nothing() -> None:
    assert rank("guideline update", [(1, "payers refuse reimbursement")]) == []


@pytest.fixture
def theme() -> Theme:
    return Theme.objects.create(label="Renal dosing in the elderly", size=2)


def test_the_reader_sees_similar_insights_of_their_own_best_first(msl: User, theme: Theme) -> None:
    factories.insight(msl, statement="Elderly patients dislike injections.")
    duplicate = factories.insight(msl, statement=DUPLICATE, theme=theme)
    factories.insight(msl, statement="Nobody asks about guidelines any more.")
    found = similar_insights(msl, TYPED)
    assert found.insights[0][0] == duplicate
    assert all("guidelines" not in insight.statement for insight, _ in found.insights)


def test_a_colleagues_insight_the_reader_may_not_view_is_counted_never_shown(
    msl: User, other_msl: User, theme: Theme
) -> None:
    factories.insight(other_msl, statement=DUPLICATE, theme=theme, country="US")
    found = similar_insights(msl, TYPED)
    assert found.insights == []
    assert found.hidden == 1
    assert [(item.theme.label, item.count) for item in found.themes] == [
        ("Renal dosing in the elderly", 1)
    ]


def test_the_insights_lead_sees_every_similar_insight(
    insights_lead: User, msl: User, other_msl: User, theme: Theme
) -> None:
    factories.insight(other_msl, statement=DUPLICATE, theme=theme)
    factories.insight(msl, statement=DUPLICATE + " Again.", theme=theme)
    found = similar_insights(insights_lead, TYPED)
    assert len(found.insights) == 2 and found.hidden == 0
    assert found.themes[0].count == 2


def test_the_category_narrows_the_candidates(msl: User) -> None:
    factories.insight(msl, statement=DUPLICATE, category=factories.category("safety_perception"))
    unmet = factories.category().pk
    assert similar_insights(msl, TYPED, category=unmet).insights == []
    safety = factories.category("safety_perception").pk
    assert len(similar_insights(msl, TYPED, category=safety).insights) == 1


def test_the_fragment_shows_the_theme_count_and_not_the_hidden_statement(
    msl: User, other_msl: User, theme: Theme
) -> None:
    factories.insight(other_msl, statement=DUPLICATE + " Secret detail.", theme=theme)
    client = Client()
    client.force_login(msl)
    response = client.get(reverse("engagement:insight-similar"), {"statement": TYPED})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Renal dosing in the elderly: 1 insight" in html
    assert "Secret detail" not in html
    assert "1 more similar insight by colleagues you cannot read" in html


def test_the_capture_page_loads_the_script_without_inline_code(msl: User) -> None:
    client = Client()
    client.force_login(msl)
    html = client.get(reverse("engagement:insight-create")).content.decode()
    assert "engagement/similar.js" in html
    assert 'data-similar-url="/engagement/insights/similar/"' in html
    assert "<script>" not in html and "style=" not in html


def test_only_the_newest_window_of_insights_is_searched(
    msl: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = factories.insight(msl, statement=DUPLICATE)
    for index in range(3):
        factories.insight(msl, statement=f"Unrelated remark number {index}.")
    monkeypatch.setattr("liaison.engagement.similar.WINDOW", 2)
    assert similar_insights(msl, TYPED).insights == []
    monkeypatch.setattr("liaison.engagement.similar.WINDOW", 10)
    assert similar_insights(msl, TYPED).insights[0][0] == old
