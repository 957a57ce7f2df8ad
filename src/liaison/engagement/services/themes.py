"""Insight themes: their computation and the insights lead's decisions.

:func:`recompute_themes` clusters every insight's statement
(:mod:`liaison.engagement.themes.engine`: TF-IDF and NMF, the number of themes
chosen from the data) and keeps what people decided:

* an insight with ``theme_locked`` (moved by a merge, a split or a move) stays
  in the theme a person put it in;
* a pinned theme stays, with its label and its insights;
* a new cluster whose members overlap an old theme's (Jaccard at least 0.5,
  best pairs first) takes that theme's id, so links keep working and a renamed
  theme keeps its name; an unrenamed theme takes the new top terms;
* a theme that is neither pinned, nor matched, nor holding a locked insight is
  removed; an unmatched cluster becomes a new theme;
* a new insight (no theme yet) joins the theme of its cluster: the nearest one.

The computation writes each theme's top terms, representatives (the members
nearest its centroid) and size, and each insight's new theme in bulk (one
``UPDATE`` per theme and 900 insights, committed 4,500 at a time with their
audit events, so that other writers are never kept waiting for long). Every
change is audited: themes created, renamed by the computation or removed, and
each insight whose theme changed (one event each, appended in bulk by
:func:`liaison.core.audit.record_events`).

The decisions (:func:`rename_theme`, :func:`pin_theme`, :func:`merge_themes`,
:func:`split_theme`, :func:`move_insight`) are the policy's ``shape`` of a
theme (insights leads and administrators); recomputing is the model verb
``recompute``. Each writes in one transaction with its audit events.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from liaison.core import audit, policy
from liaison.core.errors import LiaisonError
from liaison.core.models import AuditAction, User
from liaison.engagement.models import Insight, Theme
from liaison.engagement.themes import engine
from liaison.lib import bulk
from liaison.lib.progress import ProgressSink

#: Insights per ``UPDATE ... WHERE id IN (...)`` (under SQLite's 999 parameters).
UPDATE_BATCH = 900
#: Those updates per committed transaction (4,500 insights and their audit events).
UPDATES_PER_TRANSACTION = 5
LABEL_MAX = 200
#: Stages of a recomputation, as the job's total.
STAGES = ("reading", "vectorizing", "clustering", "matching", "writing")

INSIGHT_TYPE = audit.record_type_of(Insight)
THEME_TYPE = audit.record_type_of(Theme)


class _NoProgress:
    def set_total(self, total: int) -> None:
        return None

    def advance(self, step: int = 1, **counts: int) -> None:
        return None


class _Clock:
    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.laps: list[tuple[str, float]] = []

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps.append((name, now - self.last))
        self.last = now


@dataclass(frozen=True, slots=True)
class RecomputeReport:
    """What a recomputation did."""

    insights: int
    themes: int
    created: int
    kept: int
    removed: int
    moved: int
    method: str
    seconds: float
    #: Seconds of each stage (:data:`STAGES`), in order.
    stages: tuple[tuple[str, float], ...] = ()

    @property
    def summary(self) -> str:
        return (
            f"{self.themes} theme{'s' if self.themes != 1 else ''} over {self.insights} "
            f"insight{'s' if self.insights != 1 else ''}: {self.created} new, {self.kept} kept, "
            f"{self.removed} removed; {self.moved} insight{'s' if self.moved != 1 else ''} "
            f"changed theme ({self.seconds:.1f} s)"
        )


# --- recomputation -------------------------------------------------------------------------


def _read_insights() -> tuple[np.ndarray, list[str], np.ndarray, np.ndarray]:
    """Every insight's id, statement, theme id (-1: none) and lock, by id."""
    ids: list[int] = []
    texts: list[str] = []
    themes: list[int] = []
    locked: list[bool] = []
    rows = Insight.objects.order_by("pk").values_list("pk", "statement", "theme_id", "theme_locked")
    for pk, statement, theme_id, is_locked in rows.iterator(chunk_size=10_000):
        ids.append(pk)
        texts.append(statement)
        themes.append(-1 if theme_id is None else theme_id)
        locked.append(bool(is_locked))
    return (
        np.asarray(ids, dtype=np.int64),
        texts,
        np.asarray(themes, dtype=np.int64),
        np.asarray(locked, dtype=bool),
    )


def recompute_themes(
    *, actor: User | None, progress: ProgressSink | None = None, random_state: int = 0
) -> RecomputeReport:
    """Recompute the themes of every insight (see the module); ``actor`` None is the
    system (the command line without ``--as``)."""
    if actor is not None:
        policy.require(actor, "recompute", Theme)
    sink: ProgressSink = progress or _NoProgress()
    started = time.perf_counter()
    sink.set_total(len(STAGES))
    clock = _Clock()

    ids, texts, old, locked = _read_insights()
    old_themes = {theme.pk: theme for theme in Theme.objects.all()}
    pinned = np.asarray([pk for pk, theme in old_themes.items() if theme.pinned], dtype=np.int64)
    sink.advance(reading=len(ids))
    clock.lap("reading")

    vectors = engine.vectorize(texts)
    sink.advance()
    clock.lap("vectorizing")
    clustering = engine.cluster(vectors, random_state=random_state)
    sink.advance(clusters=len(clustering.groups))
    clock.lap("clustering")

    # Clusters to themes: matched clusters keep the old theme's id; an insight a
    # person placed (locked) or in a pinned theme stays where it is.
    matched = engine.match(old, clustering.labels.astype(np.int64))
    fixed = ((locked & (old >= 0)) | np.isin(old, pinned)) & np.isin(
        old, np.asarray(list(old_themes), dtype=np.int64)
    )
    free_labels = clustering.labels[~fixed]
    needs_theme = sorted(
        {int(label) for label in np.unique(free_labels[free_labels >= 0])} - set(matched)
    )
    sink.advance(matched=len(matched))
    clock.lap("matching")

    # Three steps, each committed on its own so that a long recomputation never
    # holds the database's write lock for long (SQLite has one writer): the new
    # themes; the insights' new themes in batches; the descriptions and the
    # removals. Stopped half-way, the next run completes it: new themes still
    # empty are then unmatched and removed.
    now = timezone.now()
    created: dict[int, Theme] = {}
    for cluster_index in needs_theme:
        group = clustering.groups[cluster_index]
        created[cluster_index] = Theme(
            label=group.label[:LABEL_MAX], method=clustering.method, computed_at=now
        )
    new_themes = list(created.values())
    with transaction.atomic():
        Theme.objects.bulk_create(new_themes)
        audit.record_events(
            actor=actor,
            events=[
                audit.PendingEvent(
                    action=AuditAction.CREATE,
                    record_type=THEME_TYPE,
                    record_id=theme.pk,
                    record_label=theme.label,
                    changes={"label": [None, theme.label]},
                    json_ready=True,
                )
                for theme in new_themes
            ],
            reason="theme recomputation",
        )
    target = np.full(len(clustering.groups) + 1, -1, dtype=np.int64)  # index label + 1
    for cluster_index, theme_pk in matched.items():
        target[cluster_index + 1] = theme_pk
    for cluster_index, theme in created.items():
        target[cluster_index + 1] = theme.pk
    final = np.where(fixed, old, target[clustering.labels + 1])
    moved = _write_assignments(actor, ids, texts, old, final)
    clock.lap("assigning")

    surviving = set(np.unique(final[final >= 0]).tolist()) | set(pinned.tolist())
    removed = [theme for pk, theme in old_themes.items() if pk not in surviving]
    kept = [theme for pk, theme in old_themes.items() if pk in surviving]
    with transaction.atomic():
        _describe(
            actor,
            vectors,
            ids,
            final,
            [*kept, *new_themes],
            {pk: clustering.method for pk in matched.values()},
            now,
        )
        clock.lap("describing")
        gone = _remove_themes(removed)
        audit.record_events(
            actor=actor,
            events=[
                audit.PendingEvent(
                    action=AuditAction.DELETE,
                    record_type=THEME_TYPE,
                    record_id=theme.pk,
                    record_label=theme.label,
                    changes={"label": [theme.label, None], "pinned": [theme.pinned, None]},
                    json_ready=True,
                )
                for theme in gone
            ],
            reason="theme recomputation",
        )
        _count_sizes()
    sink.advance(created=len(new_themes), removed=len(gone), moved=moved)
    clock.lap("removing")
    return RecomputeReport(
        insights=len(ids),
        themes=Theme.objects.count(),
        created=len(new_themes),
        kept=len(kept),
        removed=len(gone),
        moved=moved,
        method=clustering.method,
        seconds=time.perf_counter() - started,
        stages=tuple(clock.laps),
    )


def _write_assignments(
    actor: User | None, ids: np.ndarray, texts: list[str], old: np.ndarray, final: np.ndarray
) -> int:
    """Set each changed insight's theme, a person's placement taking precedence
    over this computation (an insight locked, or put in a pinned theme, since it
    was read is left alone); audit each change. Returns how many changed."""
    changed = np.flatnonzero(old != final)
    if len(changed) == 0:
        return 0
    order = changed[np.argsort(final[changed], kind="stable")]
    bounds = np.flatnonzero(np.diff(final[order])) + 1
    chunks = [
        (int(final[block[0]]), block[start : start + UPDATE_BATCH])
        for block in np.split(order, bounds)
        for start in range(0, len(block), UPDATE_BATCH)
    ]
    moved = 0
    for first in range(0, len(chunks), UPDATES_PER_TRANSACTION):
        with transaction.atomic():
            written: list[int] = []
            for theme_pk, part in chunks[first : first + UPDATES_PER_TRANSACTION]:
                pks = ids[part].tolist()
                # A lock whose theme was deleted (an administrator's delete) holds nothing.
                query = (
                    Insight.objects.filter(pk__in=pks)
                    .filter(Q(theme_locked=False) | Q(theme=None))
                    .exclude(theme__pinned=True)
                )
                # Only the rows this update writes are audited: read in the same transaction.
                still = set(query.values_list("pk", flat=True))
                query.update(theme_id=theme_pk if theme_pk >= 0 else None, theme_locked=False)
                written.extend(int(index) for index in part if int(ids[index]) in still)
            audit.record_events(
                actor=actor,
                events=(
                    audit.PendingEvent(
                        action=AuditAction.UPDATE,
                        record_type=INSIGHT_TYPE,
                        record_id=int(ids[index]),
                        record_label=texts[index][:80],
                        changes={
                            "theme": [
                                None if old[index] < 0 else int(old[index]),
                                None if final[index] < 0 else int(final[index]),
                            ]
                        },
                        json_ready=True,
                    )
                    for index in written
                ),
                reason="theme recomputation",
            )
        moved += len(written)
        bulk.after_batch_commit()
    return moved


def _count_sizes() -> None:
    """Each theme's size counted again (a person may have moved insights meanwhile)."""
    counts = dict(
        Insight.objects.exclude(theme=None)
        .values_list("theme_id")
        .annotate(n=Count("pk"))
        .values_list("theme_id", "n")
    )
    themes = list(Theme.objects.all())
    changed = [theme for theme in themes if theme.size != counts.get(theme.pk, 0)]
    for theme in changed:
        theme.size = counts.get(theme.pk, 0)
    Theme.objects.bulk_update(changed, ["size"], batch_size=200)


def _describe(
    actor: User | None,
    vectors: engine.Vectors,
    ids: np.ndarray,
    final: np.ndarray,
    themes: list[Theme],
    methods: dict[int, str],
    now: dt.datetime,
) -> None:
    """Write each theme's top terms, representatives and size; an unrenamed theme
    takes its new top terms as label (audited when it changes)."""
    index = {theme.pk: number for number, theme in enumerate(themes)}
    compact = np.asarray([index.get(int(pk), -1) for pk in final], dtype=np.int32)
    groups = engine.describe(vectors, compact, len(themes))
    renamed_by_computation: list[audit.PendingEvent] = []
    for theme, group in zip(themes, groups, strict=True):
        theme.top_terms = list(group.terms)
        theme.representative_ids = [int(ids[i]) for i in group.representatives]
        theme.size = group.size
        theme.computed_at = now
        theme.method = methods.get(theme.pk, theme.method) or "tfidf-nmf"
        if not theme.renamed and not theme.pinned and group.terms:
            label = group.label[:LABEL_MAX]
            if label != theme.label:
                renamed_by_computation.append(
                    audit.PendingEvent(
                        action=AuditAction.UPDATE,
                        record_type=THEME_TYPE,
                        record_id=theme.pk,
                        record_label=label,
                        changes={"label": [theme.label, label]},
                        json_ready=True,
                    )
                )
            theme.label = label
    Theme.objects.bulk_update(
        themes,
        ["label", "top_terms", "representative_ids", "size", "computed_at", "method"],
        batch_size=200,
    )
    audit.record_events(actor=actor, events=renamed_by_computation, reason="theme recomputation")


def _remove_themes(themes: Iterable[Theme]) -> list[Theme]:
    """Delete the themes that still hold no insight and are not pinned (a person may
    have pinned one, or placed an insight in it, since they were read)."""
    candidates = [theme.pk for theme in themes]
    if not candidates:
        return []
    still_empty = set(
        Theme.objects.filter(pk__in=candidates, pinned=False)
        .annotate(members=Count("insights"))
        .filter(members=0)
        .values_list("pk", flat=True)
    )
    gone = [theme for theme in themes if theme.pk in still_empty]
    Theme.objects.filter(pk__in=still_empty).delete()
    return gone


# --- the insights lead's decisions ---------------------------------------------------------


def _clean_label(label: str) -> str:
    text = " ".join((label or "").split())
    if not text:
        raise LiaisonError("label: give the theme a name", field="label")
    if len(text) > LABEL_MAX:
        raise LiaisonError(
            f"label: at most {LABEL_MAX} characters (this one has {len(text)})", field="label"
        )
    return text


def rename_theme(*, actor: User, theme: Theme, label: str) -> Theme:
    """Name ``theme``; a later recomputation keeps the name while the theme's
    members stay (mostly) the same."""
    policy.require(actor, "shape", theme)
    text = _clean_label(label)
    with transaction.atomic():
        audit.update_record(actor=actor, instance=theme, values={"label": text, "renamed": True})
    return theme


def pin_theme(*, actor: User, theme: Theme, pinned: bool = True) -> Theme:
    """Pin ``theme`` (every recomputation keeps it, its label and its insights), or unpin it."""
    policy.require(actor, "shape", theme)
    with transaction.atomic():
        audit.update_record(actor=actor, instance=theme, values={"pinned": pinned})
    return theme


def unpin_theme(*, actor: User, theme: Theme) -> Theme:
    return pin_theme(actor=actor, theme=theme, pinned=False)


def _refresh_sizes(themes: Sequence[Theme]) -> None:
    pks = [theme.pk for theme in themes]
    counts = dict(
        Insight.objects.filter(theme_id__in=pks)
        .values_list("theme_id")
        .annotate(n=Count("pk"))
        .values_list("theme_id", "n")
    )
    placed = set(
        Insight.objects.filter(
            pk__in=[pk for theme in themes for pk in theme.representative_ids]
        ).values_list("pk", "theme_id")
    )
    for theme in themes:
        theme.size = counts.get(theme.pk, 0)
        theme.representative_ids = [
            pk for pk in theme.representative_ids if (pk, theme.pk) in placed
        ]
    Theme.objects.bulk_update(list(themes), ["size", "representative_ids"])


def _place(actor: User, insight_ids: Sequence[int], theme: Theme, reason: str) -> int:
    """Put the insights in ``theme`` and lock them there (audited, one event each);
    the caller holds the transaction. Returns how many changed."""
    rows = list(
        Insight.objects.filter(pk__in=insight_ids).values_list("pk", "theme_id", "theme_locked")
    )
    changing = [row for row in rows if row[1] != theme.pk or not row[2]]
    for start in range(0, len(changing), UPDATE_BATCH):
        part = [pk for pk, _theme, _locked in changing[start : start + UPDATE_BATCH]]
        Insight.objects.filter(pk__in=part).update(theme_id=theme.pk, theme_locked=True)
    audit.record_events(
        actor=actor,
        events=(
            audit.PendingEvent(
                action=AuditAction.UPDATE,
                record_type=INSIGHT_TYPE,
                record_id=pk,
                record_label="",
                changes={
                    **({"theme": [old, theme.pk]} if old != theme.pk else {}),
                    **({"theme_locked": [False, True]} if not locked else {}),
                },
                json_ready=True,
            )
            for pk, old, locked in changing
        ),
        reason=reason,
    )
    return len(changing)


def merge_themes(*, actor: User, into: Theme, themes: Sequence[Theme]) -> Theme:
    """Move every insight of ``themes`` into ``into`` (locked there) and remove
    ``themes``; ``into`` keeps its name."""
    others = [theme for theme in themes if theme.pk != into.pk]
    if not others:
        raise LiaisonError(
            "themes: choose at least one other theme to merge into this one", field="themes"
        )
    for theme in [into, *others]:
        policy.require(actor, "shape", theme)
    reason = f"merged into theme “{into.label}”"
    with transaction.atomic():
        members = list(
            Insight.objects.filter(theme__in=others).order_by("pk").values_list("pk", flat=True)
        )
        _place(actor, members, into, reason)
        into.representative_ids = list(
            dict.fromkeys(
                [*into.representative_ids, *(pk for t in others for pk in t.representative_ids)]
            )
        )[: engine.REPRESENTATIVES]
        terms = [*into.top_terms, *(term for t in others for term in t.top_terms)]
        into.top_terms = list(dict.fromkeys(terms))[: engine.TERMS * 2]
        into.save(update_fields=["representative_ids", "top_terms"])
        for theme in others:
            audit.delete_record(actor=actor, instance=theme, reason=reason)
        _refresh_sizes([into])
    return into


def split_theme(*, actor: User, theme: Theme, insights: Sequence[Insight], label: str) -> Theme:
    """Move the chosen ``insights`` of ``theme`` into a new theme named ``label``
    (renamed: a person named it), locked there."""
    policy.require(actor, "shape", theme)
    policy.require(actor, "add", Theme)
    text = _clean_label(label)
    if not insights:
        raise LiaisonError(
            "insights: choose the insights that form the new theme", field="insights"
        )
    wanted = {insight.pk for insight in insights}
    visible = policy.scope(actor, "view", Insight).filter(pk__in=wanted)
    if visible.count() != len(wanted):
        raise LiaisonError(
            "insights: you may not see some of the chosen insights", field="insights"
        )
    strangers = len(wanted) - visible.filter(theme=theme).count()
    if strangers:
        raise LiaisonError(
            f"insights: {strangers} of the chosen insights are not in theme “{theme.label}”",
            field="insights",
        )
    with transaction.atomic():
        new = Theme(label=text, renamed=True, method="split", computed_at=timezone.now())
        audit.create_record(actor=actor, instance=new, reason=f"split from theme “{theme.label}”")
        chosen = sorted({insight.pk for insight in insights})
        _place(actor, chosen, new, f"split from theme “{theme.label}”")
        new.representative_ids = chosen[: engine.REPRESENTATIVES]
        new.save(update_fields=["representative_ids"])
        _refresh_sizes([theme, new])
    return new


def move_insights(*, actor: User, insights: Sequence[Insight], theme: Theme) -> int:
    """Put ``insights`` in ``theme`` and lock them there (recomputations leave
    them); returns how many changed."""
    policy.require(actor, "shape", theme)
    if not insights:
        raise LiaisonError("insights: choose the insights to move", field="insights")
    wanted = {insight.pk for insight in insights}
    visible = policy.scope(actor, "view", Insight).filter(pk__in=wanted)
    if visible.count() != len(wanted):
        raise LiaisonError(
            "insights: you may not see some of the chosen insights", field="insights"
        )
    sources = list(Theme.objects.filter(insights__in=wanted).exclude(pk=theme.pk).distinct())
    for source in sources:
        policy.require(actor, "shape", source)
    if not visible.exclude(theme=theme, theme_locked=True).exists():
        raise LiaisonError(
            f"theme: the chosen insights are in “{theme.label}” already", field="theme"
        )
    with transaction.atomic():
        moved = _place(actor, sorted(wanted), theme, f"moved to theme “{theme.label}”")
        _refresh_sizes([*sources, theme])
    return moved


def move_insight(*, actor: User, insight: Insight, theme: Theme) -> Insight:
    """Put one insight in ``theme`` (locked there: recomputations leave it)."""
    move_insights(actor=actor, insights=[insight], theme=theme)
    insight.refresh_from_db()
    return insight
