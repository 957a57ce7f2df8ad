"""API schemas of meetings: shapes only (the rules are the service's).

Times are ISO 8601 with an offset (``2026-10-26T09:00:00+01:00``) or without
one, then read in ``time_zone``; answers give them in UTC and in the meeting's
own zone. HCPs are named by id, pre-reads by PMID.
"""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from liaison.engagement.models import Meeting, MeetingStatus
from liaison.lib.api import Id, InputSchema, PageQuery, PatchIn

TIME_HELP = "ISO 8601; with an offset (2026-10-26T09:00:00+01:00) or without (read in `time_zone`)"
ZONE_HELP = "IANA time zone of the meeting's place, e.g. Europe/Berlin"


class MeetingHCPOut(Schema):
    id: int
    full_name: str


class MeetingOut(Schema):
    id: int
    title: str
    status: MeetingStatus
    organizer: str = Field(description="Username of the organizer")
    starts_at: dt.datetime = Field(description="UTC")
    ends_at: dt.datetime = Field(description="UTC")
    time_zone: str
    local_starts_at: str = Field(description="Start in the meeting's own time zone (ISO 8601)")
    local_ends_at: str = Field(description="End in the meeting's own time zone (ISO 8601)")
    location: str
    meeting_link: str
    hcps: list[MeetingHCPOut]
    other_attendees: list[str]
    agenda: str
    pre_read_pmids: list[int]
    sequence: int = Field(description="Raised on every change (iCalendar SEQUENCE)")
    interaction_id: int | None = Field(description="The interaction it was logged as")
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_organizer(obj: Meeting) -> str:
        return obj.organizer.get_username()

    @staticmethod
    def resolve_local_starts_at(obj: Meeting) -> str:
        return _local(obj, obj.starts_at)

    @staticmethod
    def resolve_local_ends_at(obj: Meeting) -> str:
        return _local(obj, obj.ends_at)

    @staticmethod
    def resolve_hcps(obj: Meeting) -> list[dict[str, object]]:
        return [{"id": hcp.pk, "full_name": hcp.full_name} for hcp in obj.hcps.all()]

    @staticmethod
    def resolve_pre_read_pmids(obj: Meeting) -> list[int]:
        return [pub.pmid for pub in obj.pre_reads.all() if pub.pmid is not None]

    @staticmethod
    def resolve_interaction_id(obj: Meeting) -> int | None:
        interaction = getattr(obj, "interaction", None)
        return interaction.pk if interaction is not None else None


def _local(meeting: Meeting, value: dt.datetime) -> str:
    import zoneinfo

    try:
        return value.astimezone(zoneinfo.ZoneInfo(meeting.time_zone)).isoformat()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return value.isoformat()


class MeetingPageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[MeetingOut]


class MeetingListQuery(PageQuery):
    when: str = Field("upcoming", description="upcoming, past or all")
    scope: str = Field(
        "mine", description="mine, or team: every meeting you see (a manager's team's)"
    )


class MeetingCreateIn(InputSchema):
    title: str = Field(min_length=1, max_length=200)
    starts_at: dt.datetime = Field(description=TIME_HELP)
    ends_at: dt.datetime = Field(description=TIME_HELP)
    time_zone: str = Field(min_length=1, max_length=64, description=ZONE_HELP)
    location: str = Field("", max_length=300)
    meeting_link: str = Field("", max_length=500, description="An https:// address")
    hcp_ids: list[Id] = Field(default_factory=list, max_length=200, description="HCP ids")
    other_attendees: list[str] = Field(
        default_factory=list, max_length=200, description="Other attendees, by name"
    )
    agenda: str = Field("", max_length=20000)
    pre_read_pmids: list[Id] = Field(
        default_factory=list, max_length=200, description="PMIDs of publications in the library"
    )


class MeetingPatchIn(PatchIn):
    """Every field optional: only the fields sent change (lists are replaced whole).
    ``"status": "cancelled"`` cancels the meeting."""

    title: str | None = Field(None, min_length=1, max_length=200)
    starts_at: dt.datetime | None = Field(None, description=TIME_HELP)
    ends_at: dt.datetime | None = Field(None, description=TIME_HELP)
    time_zone: str | None = Field(None, min_length=1, max_length=64, description=ZONE_HELP)
    location: str | None = Field(None, max_length=300)
    meeting_link: str | None = Field(None, max_length=500)
    hcp_ids: list[Id] | None = Field(None, max_length=200)
    other_attendees: list[str] | None = Field(None, max_length=200)
    agenda: str | None = Field(None, max_length=20000)
    pre_read_pmids: list[Id] | None = Field(None, max_length=200)
    status: str | None = Field(None, description="cancelled: cancel the meeting")
    reason: str = Field("", max_length=2000, description="Why, recorded in the audit trail")
