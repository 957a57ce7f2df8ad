"""API schemas of interactions: what a client sends to log or change one, and
what it reads back.

Related records are named by id (HCPs, products, therapeutic areas, strategic
questions), publications by PMID and trials by NCT ID, insight categories by
code. Whether an interaction is off-label is the server's finding (from the
directory's labelled indications), never the client's: ``off_label`` in a body
is accepted and ignored.

A reader who may only know that an interaction happened (date, MSL, channel,
HCPs) gets ``notes``, ``outcome``, ``materials``, ``insights`` and the
unsolicited request's details as ``null``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from liaison.directory.schemas import HCPRefOut, ProductRefOut, TherapeuticAreaOut
from liaison.engagement.models import Channel, Insight, Interaction, InteractionKind
from liaison.lib.api import Id, InputSchema, PageQuery, PatchIn

NCT_ID = r"^NCT\d{8}$"
PMID = Field(ge=1, le=99_999_999_999)


class InsightInlineIn(InputSchema):
    """An insight heard in the interaction, created with it."""

    # Defaults, so a refusal names each field in error by itself (the handler asks for both).
    statement: str = Field("", max_length=5000)
    category: str = Field("", description="Insight category code, e.g. unmet_medical_need")
    strategic_question_ids: list[Id] = Field(default_factory=list, max_length=50)
    therapeutic_area_id: Id | None = None
    product_id: Id | None = None
    pmids: list[int] = Field(default_factory=list, max_length=50)
    nct_ids: list[str] = Field(default_factory=list, max_length=50)
    tags: list[str] = Field(default_factory=list, max_length=50)


class FollowUpInlineIn(InputSchema):
    """Something promised in the interaction, created with it."""

    description: str = Field("", max_length=5000)
    due: dt.date | None = Field(None, description="Required")
    hcp_id: Id | None = Field(None, description="Defaults to the attendee when there is one")


class InteractionFields(InputSchema):
    """The fields a create and a patch share (a patch sends only those it changes)."""

    occurred_at: dt.datetime = Field(
        description="When it happened, with its UTC offset (not in the future)"
    )
    time_zone: str = Field(
        "",
        max_length=64,
        description=(
            "IANA name (Europe/Berlin); by default the zone of your last interaction when "
            "its offset matches occurred_at's, else the site's"
        ),
    )
    duration_minutes: int | None = Field(None, ge=1, le=24 * 60)
    hcp_ids: list[Id] = Field(
        default_factory=list, max_length=200, description="HCPs who attended (at least one)"
    )
    other_attendees: list[str] = Field(default_factory=list, max_length=50)
    channel: Channel
    kind: InteractionKind
    location: str = Field("", max_length=300)
    meeting_link: str = Field("", max_length=500, description="https address (Zoom, Teams, Webex)")
    therapeutic_area_ids: list[Id] = Field(default_factory=list, max_length=50)
    product_ids: list[Id] = Field(default_factory=list, max_length=50)
    topics: list[str] = Field(default_factory=list, max_length=50)
    pmids: list[int] = Field(default_factory=list, max_length=100)
    nct_ids: list[str] = Field(default_factory=list, max_length=100)
    materials: str = Field("", max_length=20000)
    notes: str = Field("", max_length=100000)
    outcome: str = Field("", max_length=20000)
    off_label: bool | None = Field(
        None, description="Ignored: the server decides from the labelled indications"
    )
    unsolicited: bool | None = Field(
        None, description="true when off-label: the HCP asked unprompted"
    )
    unsolicited_requested_by: str = Field("", max_length=200)
    unsolicited_how: str = Field("", max_length=5000)
    meeting_id: Id | None = Field(None, description="The planned meeting this interaction logs")


class InteractionCreateIn(InteractionFields):
    insights: list[InsightInlineIn] = Field(default_factory=list, max_length=50)
    follow_ups: list[FollowUpInlineIn] = Field(default_factory=list, max_length=50)


class InteractionPatchIn(PatchIn):
    """Only the fields sent change; lists are replaced as a whole. After the edit
    window the change is an amendment and needs ``reason``."""

    nullable = frozenset({"duration_minutes", "unsolicited", "meeting_id", "off_label"})

    occurred_at: dt.datetime | None = None
    time_zone: str | None = Field(None, max_length=64)
    duration_minutes: int | None = Field(None, ge=1, le=24 * 60)
    hcp_ids: list[Id] | None = Field(None, max_length=200)
    other_attendees: list[str] | None = Field(None, max_length=50)
    channel: Channel | None = None
    kind: InteractionKind | None = None
    location: str | None = Field(None, max_length=300)
    meeting_link: str | None = Field(None, max_length=500)
    therapeutic_area_ids: list[Id] | None = Field(None, max_length=50)
    product_ids: list[Id] | None = Field(None, max_length=50)
    topics: list[str] | None = Field(None, max_length=50)
    pmids: list[int] | None = Field(None, max_length=100)
    nct_ids: list[str] | None = Field(None, max_length=100)
    materials: str | None = Field(None, max_length=20000)
    notes: str | None = Field(None, max_length=100000)
    outcome: str | None = Field(None, max_length=20000)
    off_label: bool | None = Field(None, description="Ignored")
    unsolicited: bool | None = None
    unsolicited_requested_by: str | None = Field(None, max_length=200)
    unsolicited_how: str | None = Field(None, max_length=5000)
    meeting_id: Id | None = None
    reason: str = Field(
        "", max_length=2000, description="Why: required after the edit window (an amendment)"
    )


class InteractionListQuery(PageQuery):
    hcp_id: Id | None = Field(None, description="Interactions this HCP attended")
    msl: str = Field("", max_length=150, description="The MSL's username")
    channel: Channel | None = None
    kind: InteractionKind | None = None
    product_id: Id | None = Field(None, description="Interactions that discussed this product")
    since: dt.date | None = Field(None, description="On or after this day")
    until: dt.date | None = Field(None, description="On or before this day")


# --- answers ---------------------------------------------------------------------


class InsightInlineOut(Schema):
    id: int
    statement: str
    category: str = Field(description="Category code")
    status: str

    @staticmethod
    def resolve_category(obj: Insight) -> str:
        return obj.category.code


class InteractionOut(Schema):
    id: int
    occurred_at: dt.datetime
    time_zone: str
    duration_minutes: int | None
    msl: str = Field(description="The MSL's username")
    hcps: list[HCPRefOut]
    other_attendees: list[str] | None
    channel: str
    kind: str
    location: str | None
    meeting_link: str | None
    therapeutic_areas: list[TherapeuticAreaOut] | None
    products: list[ProductRefOut] | None
    topics: list[str] | None
    pmids: list[int] | None
    nct_ids: list[str] | None
    off_label: bool | None
    meeting_id: int | None
    amendment_count: int
    editable_until: dt.datetime = Field(description="The end of the edit window")
    created_at: dt.datetime
    updated_at: dt.datetime
    content_visible: bool = Field(
        description=(
            "false when you may only know that it happened (date, MSL, channel, kind, HCPs): "
            "every other field of its content is null"
        )
    )
    materials: str | None
    notes: str | None
    outcome: str | None
    unsolicited: bool | None
    unsolicited_requested_by: str | None
    unsolicited_how: str | None
    insights: list[InsightInlineOut] | None

    @staticmethod
    def resolve_msl(obj: Interaction) -> str:
        return obj.msl.get_username()

    @staticmethod
    def resolve_hcps(obj: Interaction) -> list[Any]:
        return list(obj.hcps.all())

    # What was discussed, where and with whom else is content too (as on the web):
    # null for a member who may only know that it happened.

    @staticmethod
    def resolve_duration_minutes(obj: Interaction) -> int | None:
        return obj.duration_minutes if readable(obj) else None

    @staticmethod
    def resolve_other_attendees(obj: Interaction) -> list[str] | None:
        return list(obj.other_attendees) if readable(obj) else None

    @staticmethod
    def resolve_location(obj: Interaction) -> str | None:
        return obj.location if readable(obj) else None

    @staticmethod
    def resolve_meeting_link(obj: Interaction) -> str | None:
        return obj.meeting_link if readable(obj) else None

    @staticmethod
    def resolve_topics(obj: Interaction) -> list[str] | None:
        return list(obj.topics) if readable(obj) else None

    @staticmethod
    def resolve_off_label(obj: Interaction) -> bool | None:
        return obj.off_label if readable(obj) else None

    @staticmethod
    def resolve_therapeutic_areas(obj: Interaction) -> list[Any] | None:
        return list(obj.therapeutic_areas.all()) if readable(obj) else None

    @staticmethod
    def resolve_products(obj: Interaction) -> list[Any] | None:
        return list(obj.products.all()) if readable(obj) else None

    @staticmethod
    def resolve_pmids(obj: Interaction) -> list[int] | None:
        if not readable(obj):
            return None
        return [publication.pmid for publication in obj.publications.all()]

    @staticmethod
    def resolve_nct_ids(obj: Interaction) -> list[str] | None:
        return [trial.nct_id for trial in obj.trials.all()] if readable(obj) else None

    @staticmethod
    def resolve_editable_until(obj: Interaction) -> dt.datetime:
        return obj.edit_deadline()

    @staticmethod
    def resolve_content_visible(obj: Interaction) -> bool:
        return readable(obj)

    @staticmethod
    def resolve_materials(obj: Interaction) -> str | None:
        return obj.materials if readable(obj) else None

    @staticmethod
    def resolve_notes(obj: Interaction) -> str | None:
        return obj.notes if readable(obj) else None

    @staticmethod
    def resolve_outcome(obj: Interaction) -> str | None:
        return obj.outcome if readable(obj) else None

    @staticmethod
    def resolve_unsolicited(obj: Interaction) -> bool | None:
        return obj.unsolicited if readable(obj) else None

    @staticmethod
    def resolve_unsolicited_requested_by(obj: Interaction) -> str | None:
        return obj.unsolicited_requested_by if readable(obj) else None

    @staticmethod
    def resolve_unsolicited_how(obj: Interaction) -> str | None:
        return obj.unsolicited_how if readable(obj) else None

    @staticmethod
    def resolve_insights(obj: Interaction) -> list[Any] | None:
        return list(obj.insights.all()) if readable(obj) else None


class InteractionPageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[InteractionOut]


#: Set by the API's handlers on each record they answer with: may the caller read its content?
READABLE = "_api_content_readable"


def readable(obj: Interaction) -> bool:
    """Whether the caller may read ``obj``'s content (never, unless a handler said so)."""
    return bool(getattr(obj, READABLE, False))
