"""The typed input of the safety operations: the models' fields, related records
given as records (views, the API, the CLI and the demo turn ids into records)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TypedDict

from liaison.directory.models import HCP, Product


class ReactionData(TypedDict, total=False):
    verbatim: str
    language: str
    meddra_version: str
    meddra_code: str
    start_date: dt.date | None
    end_date: dt.date | None
    outcome: str
    results_in_death: bool
    life_threatening: bool
    hospitalisation: bool
    disabling: bool
    congenital_anomaly: bool
    medically_important: bool
    country: str


class ProductData(TypedDict, total=False):
    role: str
    product: Product | None
    name: str
    batch_number: str
    dose: str
    dosage_text: str
    route: str
    start_date: dt.date | None
    end_date: dt.date | None
    indication: str
    action_taken: str


class CaseData(TypedDict, total=False):
    day_zero: dt.date
    awareness: str
    country: str
    is_adverse_event: bool
    is_product_complaint: bool
    special_situations: list[str]
    complaint_details: str
    expectedness: str
    patient_initials: str
    patient_birth_date: dt.date | None
    patient_age: int | None
    patient_age_unit: str
    patient_sex: str
    patient_weight_kg: Decimal | None
    patient_height_cm: Decimal | None
    patient_medical_history: str
    reporter_hcp: HCP | None
    reporter_given_name: str
    reporter_family_name: str
    reporter_organization: str
    reporter_country: str
    reporter_qualification: str
    reporter_contact: str
    narrative: str
    reporter_comments: str
    sender_comments: str
    reactions: list[ReactionData]
    products: list[ProductData]


@dataclass(frozen=True)
class Source:
    """Where a case came from: an interaction, an inquiry, or nowhere (direct)."""

    kind: str
    label: str = ""
    id: int | None = None
    title: str = ""
    url: str = ""
