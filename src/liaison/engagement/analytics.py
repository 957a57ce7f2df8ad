"""Theme analytics and strategic-question coverage: aggregations in SQL of the
insights a user may see (the policy's ``view`` scope of :class:`Insight`).

* :func:`themes_by`: insights per theme by month (the last twelve), country,
  therapeutic area, HCP tier (the tier of the HCP's newest engagement plan,
  "No tier" otherwise) or strategic question; the most frequent themes as
  columns, the rest as "Other themes", insights not yet in a theme as "No theme
  yet". One ``GROUP BY`` query and one for the top themes.
* :func:`question_coverage`: per strategic question, how many insights answer
  it, from how many HCPs and countries, and the newest; the questions with no
  answer are the ones no one answered. One query (subqueries per question for
  the newest).
* :func:`theme_sizes`: the themes and their sizes (aggregates every member reads).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from liaison.core import policy
from liaison.core.models import User
from liaison.engagement.models import Insight, PlanTarget, StrategicQuestion, Theme, Tier
from liaison.lib import countries

MONTHS = 12
TOP_THEMES = 6
OTHER = "Other themes"
NO_THEME = "No theme yet"

DIMENSIONS = {
    "month": "Month",
    "country": "Country",
    "therapeutic_area": "Therapeutic area",
    "tier": "HCP tier",
    "question": "Strategic question",
}
#: The headings' words for each dimension.
BY = {
    "month": "by month",
    "country": "by country",
    "therapeutic_area": "by therapeutic area",
    "tier": "by HCP tier",
    "question": "by strategic question",
}


def visible_insights(user: User) -> QuerySet[Insight]:
    """The insights ``user`` may see, as a queryset that aggregates without
    duplicates (a team's scope joins the teams: filtered by id instead)."""
    scope = policy.scope(user, "view", Insight)
    if scope.query.is_empty():
        return Insight.objects.none()
    if not scope.query.where.children and not scope.query.distinct:
        return Insight.objects.all()
    return Insight.objects.filter(pk__in=scope.values("pk"))


@dataclass(frozen=True, slots=True)
class Column:
    """A column of a breakdown: a theme (``pk``), other themes or no theme (None)."""

    label: str
    pk: int | None = None


@dataclass
class Breakdown:
    """Insights per theme (columns) for each value of a dimension (rows)."""

    dimension: str
    title: str
    columns: list[Column]
    rows: list[tuple[str, list[int]]] = field(default_factory=list)

    @property
    def by(self) -> str:
        """``"by HCP tier"``: the words of the headings."""
        return BY[self.dimension]

    @property
    def totals(self) -> list[int]:
        return [sum(counts) for _label, counts in self.rows]

    @property
    def column_totals(self) -> list[int]:
        return [sum(counts[i] for _label, counts in self.rows) for i in range(len(self.columns))]

    @property
    def table_rows(self) -> list[tuple[str, list[int], int]]:
        return [(label, counts, sum(counts)) for label, counts in self.rows]

    @property
    def total(self) -> int:
        return sum(self.totals)


def _top_columns(base: QuerySet[Insight], top: int) -> tuple[list[Column], dict[int | None, int]]:
    """The ``top`` themes with the most insights in ``base`` and the column index of
    every theme (others to "Other themes", None to "No theme yet")."""
    counts = list(
        base.exclude(theme=None)
        .values("theme_id", "theme__label")
        .annotate(n=Count("pk"))
        .order_by("-n", "theme_id")[: top + 1]
    )
    chosen = counts[:top]
    columns = [Column(row["theme__label"], row["theme_id"]) for row in chosen]
    index: dict[int | None, int] = {column.pk: i for i, column in enumerate(columns)}
    if len(counts) > top:
        columns.append(Column(OTHER))
    columns.append(Column(NO_THEME))
    index[None] = len(columns) - 1
    return columns, index


def _months(today: dt.date, months: int) -> list[dt.date]:
    first = today.replace(day=1)
    out = []
    for back in range(months - 1, -1, -1):
        year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
        out.append(dt.date(year, month + 1, 1))
    return out


def _tier_of_hcp() -> Coalesce:
    newest = PlanTarget.objects.filter(hcp=OuterRef("hcp")).order_by(
        "-plan__period_start", "-plan_id", "-pk"
    )
    return Coalesce(Subquery(newest.values("tier")[:1]), Value(""))


def themes_by(
    user: User, dimension: str, *, top: int = TOP_THEMES, months: int = MONTHS
) -> Breakdown:
    """Insights ``user`` may see per theme, by ``dimension`` (a key of :data:`DIMENSIONS`)."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}")
    base = visible_insights(user)
    columns, index = _top_columns(base, top)
    other = next((i for i, column in enumerate(columns) if column.label == OTHER), None)
    breakdown = Breakdown(dimension, DIMENSIONS[dimension], columns)
    key: Any
    labels: dict[Any, str] = {}
    order: list[Any] = []
    if dimension == "month":
        start = _months(timezone.localdate(), months)
        first = timezone.make_aware(dt.datetime.combine(start[0], dt.time()))
        base = base.filter(created_at__gte=first)
        key = TruncMonth("created_at")
        order = start
        labels = {month: f"{month:%b %Y}" for month in start}
    elif dimension == "country":
        key = F("country")
    elif dimension == "therapeutic_area":
        key = Coalesce(F("therapeutic_area__name"), Value(""))
    elif dimension == "tier":
        key = _tier_of_hcp()
        order = [*Tier.values, ""]
        labels = {value: str(label) for value, label in Tier.choices}
        labels[""] = "No tier"
    else:
        key = F("strategic_questions")
    grouped = base.annotate(key=key).values("key", "theme_id").annotate(n=Count("pk")).order_by()
    cells: dict[Any, list[int]] = defaultdict(lambda: [0] * len(columns))
    for row in grouped:
        value = row["key"]
        if isinstance(value, dt.datetime):
            value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        column = index.get(row["theme_id"], other if other is not None else index[None])
        cells[value][column] += row["n"]
    if dimension == "country":
        labels = {code: countries.display(code) if code else "Not stated" for code in cells}
    elif dimension == "therapeutic_area":
        labels = {name: name or "No therapeutic area" for name in cells}
    elif dimension == "question":
        questions = StrategicQuestion.objects.filter(pk__in=[k for k in cells if k is not None])
        labels = {question.pk: str(question) for question in questions}
        labels[None] = "No strategic question"
    if not order:
        # Most insights first; the "none" row last.
        order = sorted(cells, key=lambda value: (value in ("", None), -sum(cells[value])))
    breakdown.rows = [(labels.get(value, str(value)), list(cells[value])) for value in order]
    if dimension in ("country", "therapeutic_area", "question"):
        breakdown.rows = [row for row in breakdown.rows if sum(row[1])]
    return breakdown


@dataclass(frozen=True, slots=True)
class QuestionCoverage:
    """One strategic question and the insights ``user`` sees that answer it."""

    question: StrategicQuestion
    insights: int
    hcps: int
    countries: int
    newest_at: dt.datetime | None
    newest_id: int | None
    newest_statement: str

    @property
    def answered(self) -> bool:
        return self.insights > 0


def question_coverage(user: User, *, active_only: bool = False) -> list[QuestionCoverage]:
    """Every strategic question ``user`` sees, with the insights answering it
    (those ``user`` may see), ordered by therapeutic area and code."""
    base = visible_insights(user)
    questions = policy.scope(user, "view", StrategicQuestion).select_related("therapeutic_area")
    if active_only:
        questions = questions.filter(active=True)
    if base.query.is_empty():
        return [QuestionCoverage(question, 0, 0, 0, None, None, "") for question in questions]
    restricted = bool(base.query.where.children)
    mine = Q(insights__in=base.values("pk")) if restricted else Q(insights__isnull=False)
    newest = base.filter(strategic_questions=OuterRef("pk")).order_by("-created_at", "-pk")
    rows = questions.annotate(
        answers=Count("insights", filter=mine, distinct=True),
        hcp_count=Count("insights__hcp", filter=mine, distinct=True),
        country_count=Count(
            "insights__country", filter=mine & ~Q(insights__country=""), distinct=True
        ),
        newest_at=Max("insights__created_at", filter=mine),
        newest_id=Subquery(newest.values("pk")[:1]),
        newest_statement=Subquery(newest.values("statement")[:1]),
    ).order_by("therapeutic_area__name", "code", "pk")
    return [
        QuestionCoverage(
            question=row,
            insights=row.answers,
            hcps=row.hcp_count,
            countries=row.country_count,
            newest_at=row.newest_at,
            newest_id=row.newest_id,
            newest_statement=row.newest_statement or "",
        )
        for row in rows
    ]


def theme_sizes(user: User, *, limit: int | None = None) -> QuerySet[Theme]:
    """The themes every member reads (aggregates), pinned first, then by size."""
    themes = policy.scope(user, "view", Theme).order_by("-pinned", "-size", "pk")
    return themes[:limit] if limit else themes
