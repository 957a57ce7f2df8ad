"""Shared reads of field engagement, each starting from the policy's queryset (a
user's reads) unless it says it is the system's."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import F, QuerySet
from django.utils import timezone

from liaison.core import policy
from liaison.core.models import User
from liaison.engagement import interaction_selectors
from liaison.engagement.models import FollowUp, Interaction, InteractionDraft, Meeting

# --- meetings and follow-ups -------------------------------------------------------

#: ``when`` of the meetings list, ``status`` of the follow-ups list, ``scope`` of both.
MEETING_WHEN = ("upcoming", "past", "all")
FOLLOW_UP_STATUS = ("open", "done", "all")
SCOPES = ("mine", "team")


def manages_anyone(user: User) -> bool:
    """An administrator or a manager of a team: someone with others' records to see."""
    return bool(user.is_administrator or user.managed_teams.exists())


def meeting_queryset(
    user: User, *, when: str = "upcoming", scope: str = "mine"
) -> QuerySet[Meeting]:
    """Meetings ``user`` sees: their own (``mine``) or all they see (``team``: a
    manager's team's, everyone's for an administrator); upcoming ones soonest
    first, past ones latest first."""
    meetings = policy.scope(user, "view", Meeting).select_related("organizer")
    if scope != "team":
        meetings = meetings.filter(organizer=user)
    now = timezone.now()
    if when == "upcoming":
        meetings = meetings.filter(ends_at__gte=now).order_by("starts_at", "pk")
    elif when == "past":
        meetings = meetings.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    else:
        meetings = meetings.order_by("-starts_at", "-pk")
    return meetings.prefetch_related("hcps")


def meeting_detail(user: User, pk: int) -> Meeting:
    """One meeting ``user`` sees, with its attendees and pre-reads (unseen: 404)."""
    queryset = Meeting.objects.select_related("organizer").prefetch_related("hcps", "pre_reads")
    return policy.get_for(user, "view", queryset, pk=pk)


def follow_up_queryset(
    user: User, *, status: str = "open", scope: str = "mine"
) -> QuerySet[FollowUp]:
    """Follow-ups ``user`` sees: their own or all they see (``team``); open ones
    first, soonest due first, then done ones."""
    follow_ups = policy.scope(user, "view", FollowUp).select_related("owner", "hcp")
    if scope != "team":
        follow_ups = follow_ups.filter(owner=user)
    if status == "open":
        follow_ups = follow_ups.filter(done_at__isnull=True)
    elif status == "done":
        follow_ups = follow_ups.filter(done_at__isnull=False)
    return follow_ups.order_by(F("done_at").asc(nulls_first=True), "due", "pk")


def overdue_follow_ups_count(user: User) -> int:
    """How many of ``user``'s own open follow-ups are past their due date (the menu's count)."""
    if not isinstance(user, User):
        return 0
    return FollowUp.objects.filter(
        owner=user, done_at__isnull=True, due__lt=timezone.localdate()
    ).count()


def last_time_zone(user: User) -> str:
    """The time zone ``user`` last planned a meeting or logged an interaction in
    (the meeting form's default), else the site's."""
    meeting = Meeting.objects.filter(organizer=user).order_by("-created_at", "-pk").first()
    interaction = Interaction.objects.filter(msl=user).order_by("-created_at", "-pk").first()
    latest: list[tuple[dt.datetime, str]] = [
        (record.created_at, record.time_zone)
        for record in (meeting, interaction)
        if record is not None
    ]
    return max(latest)[1] if latest else str(settings.TIME_ZONE)


# --- interactions and drafts (defined in ``interaction_selectors``) ---------------------


def drafts_of(user: User) -> QuerySet[InteractionDraft]:
    """``user``'s drafts of the interaction form, latest first (the home page lists them;
    each reopens at ``engagement:interaction-create?draft=<id>``)."""
    return interaction_selectors.drafts_of(user)


# --- who our team engages (the experts' lists, networks and introductions) -------------

#: How far back an interaction makes an HCP "engaged by our team".
ENGAGED_WITHIN = dt.timedelta(days=730)


def engaged_hcp_ids(user: User) -> set[int]:
    """HCPs with an interaction in the last two years that ``user`` may see happened
    (``registry.LiaisonAppConfig.engaged_hcps``): every member sees that much."""
    since = timezone.now() - ENGAGED_WITHIN
    seen = policy.scope(user, "view", Interaction).filter(occurred_at__gte=since)
    through = Interaction.hcps.through.objects.filter(interaction__in=seen.values("pk"))
    return set(through.values_list("hcp_id", flat=True).distinct())
