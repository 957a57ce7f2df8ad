"""The authorization matrix's entries for themes (see ``matrix.py``): every member
reads the themes, the analytics and the coverage (aggregates of what each may
see); insights leads and administrators shape themes and recompute them. The
records (a theme with alice's insight, a second theme to merge) are made when a
route asks."""

from __future__ import annotations

from typing import Any

from liaison.core.tests.authorization import EVERYONE, ApiCase, Route, World, outcome_map
from liaison.engagement.models import Insight, Theme
from liaison.engagement.tests import factories

SHAPERS = outcome_map("403", insights="ok", admin="ok")


def a_theme(world: World) -> dict[str, Any]:
    theme, _ = Theme.objects.get_or_create(label="Matrix theme")
    if not Insight.objects.filter(theme=theme).exists():
        factories.insight(world.users["msl"], statement="Matrix insight on dosing", theme=theme)
    return {"pk": theme.pk}


def another_theme(world: World) -> int:
    theme, _ = Theme.objects.get_or_create(label="Matrix theme to merge")
    return theme.pk


def a_member(world: World) -> int:
    insight = Insight.objects.filter(theme_id=a_theme(world)["pk"]).first()
    assert insight is not None
    return insight.pk


WEB_ROUTES: dict[str, Route] = {
    "engagement:theme-list": Route(EVERYONE),
    "engagement:theme-detail": Route(EVERYONE, kwargs=a_theme),
    "engagement:theme-recompute": Route(SHAPERS, method="post"),
    "engagement:theme-rename": Route(
        SHAPERS, method="post", kwargs=a_theme, data=lambda w: {"label": "Dosing"}
    ),
    "engagement:theme-pin": Route(
        SHAPERS, method="post", kwargs=a_theme, data=lambda w: {"pinned": "on"}
    ),
    "engagement:theme-merge": Route(
        SHAPERS, method="post", kwargs=a_theme, data=lambda w: {"themes": [another_theme(w)]}
    ),
    "engagement:theme-selection": Route(
        SHAPERS,
        method="post",
        kwargs=a_theme,
        data=lambda w: {"insights": [a_member(w)], "action": "split", "label": "Split off"},
    ),
    "engagement:analytics": Route(EVERYONE),
    "engagement:question-coverage": Route(EVERYONE),
}
API_ROUTES: dict[str, Route] = {}
API_TERRITORY_CASES: list[ApiCase] = []
