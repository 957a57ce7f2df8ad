"""Engagement's panels of the home page (``home_panels`` in ``apps.py``), one function
per panel, each ``user -> dict | None``: ``None`` when the panel is not for the
user's role. Reads go through the policy; each panel takes a fixed number of
queries, whatever the user's history.

* An MSL: their week (a link to log an interaction, today's and this week's
  planned meetings, drafts to continue), overdue follow-ups, the coverage gaps of
  their current plans, new alerts about their target HCPs, and insights awaiting
  their answer to a reviewer.
* A field manager: the team's coverage (per MSL: targets, engaged in 90 days,
  overdue) and activity (interactions per MSL in the last 30 days).
* An insights lead: new insights, and the themes rising most (insights in the
  last 30 days against the 30 days before).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Max, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from liaison.core import policy
from liaison.core.models import Role, User
from liaison.engagement import coverage
from liaison.engagement.models import (
    FollowUp,
    Insight,
    InsightStatus,
    Interaction,
    InteractionDraft,
    Meeting,
    MeetingStatus,
    PlanTarget,
    Theme,
)
from liaison.literature.models import Authorship
from liaison.surveillance.models import Alert
from liaison.trials.models import TrialOfficial

#: How many rows each list of a panel shows (its page holds the rest).
SHOWN = 5
#: The windows of the manager's activity and the insights lead's rising themes.
ACTIVITY_DAYS = 30


def _url(name: str, query: str = "") -> str:
    """A page's address, or ``""`` while that page does not exist (a panel links to
    pages other parts of the app provide)."""
    try:
        return reverse(name) + query
    except NoReverseMatch:
        return ""


def _is(user: User, role: str) -> bool:
    return user.is_active and user.role == role


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass(frozen=True)
class MeetingLine:
    meeting: Meeting
    #: When it starts in its own time zone.
    local_start: dt.datetime
    today: bool


def my_week(user: User) -> dict[str, Any] | None:
    """An MSL's planned meetings of today and the rest of this week (to Sunday), and
    their interaction drafts with a link to continue each."""
    if not _is(user, Role.MSL):
        return None
    now = timezone.now()
    today = timezone.localdate(now)
    week_end = today + dt.timedelta(days=7 - today.isoweekday())
    meetings = (
        policy.scope(user, "view", Meeting)
        .filter(
            organizer=user,
            status=MeetingStatus.PLANNED,
            starts_at__gte=_day_start(today),
            starts_at__lt=_day_start(week_end + dt.timedelta(days=1)),
        )
        .prefetch_related("hcps")
        .order_by("starts_at", "pk")
    )
    lines = []
    for meeting in meetings:
        try:
            local = meeting.starts_at.astimezone(zoneinfo.ZoneInfo(meeting.time_zone))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            local = timezone.localtime(meeting.starts_at)
        lines.append(MeetingLine(meeting, local, timezone.localdate(meeting.starts_at) == today))
    drafts = policy.scope(user, "view", InteractionDraft).select_related("hcp")
    create_url = _url("engagement:interaction-create")
    return {
        "log_url": create_url,
        "today": [line for line in lines if line.today],
        "later": [line for line in lines if not line.today],
        "week_end": week_end,
        "drafts": [
            {
                "draft": draft,
                "label": _draft_label(draft),
                "continue_url": f"{create_url}?draft={draft.pk}" if create_url else "",
            }
            for draft in drafts[:SHOWN]
        ],
        "draft_count": drafts.count(),
        "meetings_url": _url("engagement:meeting-list"),
    }


def _draft_label(draft: InteractionDraft) -> str:
    if draft.hcp is not None:
        return f"With {draft.hcp.full_name}"
    notes = str((draft.data or {}).get("notes", "")).strip()
    return notes[:60] or "Interaction without an HCP yet"


def my_overdue_follow_ups(user: User) -> dict[str, Any] | None:
    """An MSL's open follow-ups past their due day, the oldest first."""
    if not _is(user, Role.MSL):
        return None
    overdue = (
        policy.scope(user, "view", FollowUp)
        .filter(owner=user, done_at__isnull=True, due__lt=timezone.localdate())
        .select_related("hcp")
        .order_by("due", "pk")
    )
    return {
        "follow_ups": list(overdue[:SHOWN]),
        "count": overdue.count(),
        "list_url": _url("engagement:follow-up-list"),
    }


def my_coverage_gaps(user: User) -> dict[str, Any] | None:
    """The overdue targets of an MSL's current plans (engagements by the MSL), most
    overdue first."""
    if not _is(user, Role.MSL):
        return None
    plans = coverage.current_plans(user).filter(msl=user)
    rows = coverage.targets_coverage(plans, basis="msl")
    overdue = [row for row in rows if row.overdue]
    return {
        "overdue": overdue[:SHOWN],
        "count": len(overdue),
        "targets": len(rows),
        "plans": list(plans.order_by("-period_start", "pk")[:3]),
    }


def my_hcp_alerts(user: User) -> dict[str, Any] | None:
    """The MSL's unread alerts about the publications and trials of their current plans'
    target HCPs."""
    if not _is(user, Role.MSL):
        return None
    hcps = PlanTarget.objects.filter(
        plan__in=coverage.current_plans(user).filter(msl=user).values("pk")
    ).values("hcp_id")
    alerts = (
        policy.scope(user, "view", Alert)
        .filter(read_at__isnull=True)
        .filter(
            Q(
                publication_id__in=Authorship.objects.filter(hcp_id__in=hcps).values(
                    "publication_id"
                )
            )
            | Q(trial_id__in=TrialOfficial.objects.filter(hcp_id__in=hcps).values("trial_id"))
        )
        .select_related("watch")
        .order_by("-created_at", "-pk")
    )
    return {"alerts": list(alerts[:SHOWN]), "count": alerts.count()}


def my_insights_awaiting_answer(user: User) -> dict[str, Any] | None:
    """An MSL's insights not yet actioned where someone else (a reviewer) commented
    after the MSL's own last comment: the question waits for the MSL's answer."""
    if not _is(user, Role.MSL):
        return None
    waiting = (
        policy.scope(user, "view", Insight)
        .filter(msl=user)
        .exclude(status=InsightStatus.ACTIONED)
        .annotate(
            last_reviewer=Max("comments__created_at", filter=~Q(comments__author=user)),
            last_mine=Max("comments__created_at", filter=Q(comments__author=user)),
        )
        .filter(last_reviewer__isnull=False)
        .filter(Q(last_mine__isnull=True) | Q(last_reviewer__gt=F("last_mine")))
        .order_by("-last_reviewer", "-pk")
    )
    return {"insights": list(waiting[:SHOWN]), "count": waiting.count()}


def team_coverage(user: User) -> dict[str, Any] | None:
    """A field manager's team: each MSL's current targets, engaged in 90 days, overdue
    (engagements by anyone in the team), and interactions in the last 30 days."""
    if not _is(user, Role.FIELD_MANAGER):
        return None
    team = coverage.team_coverage(user, basis="team")
    since = timezone.now() - dt.timedelta(days=ACTIVITY_DAYS)
    members = list(
        User.objects.filter(teams__manager=user, is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )
    activity = dict(
        Interaction.objects.filter(msl__in=members, occurred_at__gte=since)
        .values("msl_id")
        .annotate(count=Count("pk"))
        .values_list("msl_id", "count")
    )
    by_msl = {entry.msl_id: entry for entry in team.by_msl}
    rows = [
        {
            "name": member.get_full_name() or member.get_username(),
            "coverage": by_msl[member.pk].totals if member.pk in by_msl else None,
            "interactions": activity.get(member.pk, 0),
        }
        for member in members
    ]
    return {
        "rows": rows,
        "totals": team.totals,
        "interactions": sum(activity.values()),
        "days": ACTIVITY_DAYS,
    }


def new_insights(user: User) -> dict[str, Any] | None:
    """An insights lead's insights waiting for review (status new), newest first."""
    if not _is(user, Role.INSIGHTS_LEAD):
        return None
    waiting = (
        policy.scope(user, "view", Insight)
        .filter(status=InsightStatus.NEW)
        .select_related("category", "msl")
        .order_by("-created_at", "-pk")
    )
    return {
        "insights": list(waiting[:SHOWN]),
        "count": waiting.count(),
        "list_url": _url("engagement:insight-list", f"?status={InsightStatus.NEW}"),
    }


def rising_themes(user: User) -> dict[str, Any] | None:
    """For an insights lead, the themes whose insights of the last 30 days grew most
    against the 30 days before."""
    if not _is(user, Role.INSIGHTS_LEAD):
        return None
    now = timezone.now()
    recent_start = now - dt.timedelta(days=ACTIVITY_DAYS)
    before_start = recent_start - dt.timedelta(days=ACTIVITY_DAYS)
    themes = (
        policy.scope(user, "view", Theme)
        .annotate(
            recent=Count("insights", filter=Q(insights__created_at__gte=recent_start)),
            before=Count(
                "insights",
                filter=Q(
                    insights__created_at__gte=before_start, insights__created_at__lt=recent_start
                ),
            ),
        )
        .annotate(growth=F("recent") - F("before"))
        .filter(recent__gt=0, growth__gt=0)
        .order_by("-growth", "-recent", "pk")
    )
    return {"themes": list(themes[:SHOWN]), "days": ACTIVITY_DAYS}
