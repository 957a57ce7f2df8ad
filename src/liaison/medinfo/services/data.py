"""The typed input of the medical information operations: the models' fields, with
related records given as records (views, the API, the CLI and the demo turn ids
into records first). A key left out takes the model's default, or the one the
operation says (the requester's details from the directory, for an HCP)."""

from __future__ import annotations

import datetime as dt
from typing import NotRequired, TypedDict

from liaison.directory.models import HCP, Product, TherapeuticArea
from liaison.engagement.models import Interaction


class InquiryData(TypedDict, total=False):
    channel: str
    # Defaults to the interaction's time, else now.
    received_at: dt.datetime
    # Where it was taken (IANA name): its days are counted there, and a time without an
    # offset is read there. Defaults to the interaction's, else the server's.
    time_zone: str
    interaction: Interaction | None
    # An HCP of the directory (name, organisation and country filled from it), or
    # another named person: requester_name and requester_country.
    requester_hcp: HCP | None
    requester_name: str
    requester_organization: str
    requester_email: str
    requester_phone: str
    requester_address: str
    requester_country: str
    question: str
    product: Product | None
    indication: str
    therapeutic_area: TherapeuticArea | None
    topic: str
    delivery_method: str
    signature_copy: bool
    # The unsolicited attestation, required when the inquiry is off-label.
    unsolicited_requested_by: str
    unsolicited_requested_at: dt.datetime | None
    unsolicited_how: str
    unsolicited_words: str
    priority: str


class ReferenceData(TypedDict):
    """One reference of a response: its citation as printed, and its identifiers."""

    citation: str
    pmid: NotRequired[str]
    doi: NotRequired[str]


class StandardResponseData(TypedDict, total=False):
    code: str
    title: str
    therapeutic_area: TherapeuticArea | None
    products: list[Product]
    topics: list[str]


class VersionData(TypedDict, total=False):
    # Defaults to the standard response's title.
    title: str
    body: str
    references: list[ReferenceData]
    expires_on: dt.date | None
