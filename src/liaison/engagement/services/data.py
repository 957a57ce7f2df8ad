"""The typed input of the engagement operations: the model's fields, with related
records given as records (views, the API and the demo turn ids into records first).

On create a key left out takes the model's default; on update only the keys
given change, and a list (HCPs, products, ...) is replaced as a whole.
"""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from liaison.directory.models import HCP, Product, TherapeuticArea
from liaison.engagement.models import (
    InsightCategory,
    Interaction,
    Meeting,
    StrategicQuestion,
)
from liaison.literature.models import Publication
from liaison.trials.models import Trial


class InsightData(TypedDict, total=False):
    statement: str
    category: InsightCategory
    strategic_questions: list[StrategicQuestion]
    therapeutic_area: TherapeuticArea | None
    product: Product | None
    source: str
    interaction: Interaction | None
    hcp: HCP | None
    # Defaults to the HCP's country.
    country: str
    publications: list[Publication]
    trials: list[Trial]
    tags: list[str]


class FollowUpData(TypedDict, total=False):
    description: str
    due: dt.date
    hcp: HCP | None
    interaction: Interaction | None


class InteractionData(TypedDict, total=False):
    occurred_at: dt.datetime
    time_zone: str
    duration_minutes: int | None
    hcps: list[HCP]
    other_attendees: list[str]
    channel: str
    kind: str
    location: str
    meeting_link: str
    therapeutic_areas: list[TherapeuticArea]
    products: list[Product]
    topics: list[str]
    publications: list[Publication]
    trials: list[Trial]
    materials: str
    notes: str
    outcome: str
    unsolicited: bool | None
    unsolicited_requested_by: str
    unsolicited_how: str
    meeting: Meeting | None
    # Created with the interaction, in its transaction (create only).
    insights: list[InsightData]
    follow_ups: list[FollowUpData]


class MeetingData(TypedDict, total=False):
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    time_zone: str
    location: str
    meeting_link: str
    hcps: list[HCP]
    other_attendees: list[str]
    agenda: str
    pre_reads: list[Publication]
