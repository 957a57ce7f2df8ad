"""API schemas of adverse-event cases: what a client sends to report or work a
case, and what it reads back.

Field names are the case's own (``day_zero``, ``patient_initials``,
``reactions.0.meddra_code``), so a refusal names the field the client sent.
Related records are named by id (``reporter_hcp_id``, ``products.0.product_id``,
``interaction_id``). Patient fields (``patient_*``) are written by the reporter
at intake and by pharmacovigilance after; an answer holds them only for a caller
who reads patient details (pharmacovigilance): for anyone else the keys are absent.
MedDRA coding, ``expectedness`` and ``sender_comments`` are pharmacovigilance's:
anyone else sending them is refused (422) by field.
"""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from liaison.lib.api import Id, InputSchema, PageQuery, PatchIn
from liaison.safety.models import (
    ActionTaken,
    AgeUnit,
    CaseStatus,
    Expectedness,
    Outcome,
    ProductRole,
    Qualification,
    Sex,
    SpecialSituation,
)

#: Free text of a case (narrative, history, comments): generous, bounded.
LONG_TEXT = 20_000


class CaseReactionIn(InputSchema):
    """One reaction or event (E.i); pharmacovigilance codes it in MedDRA."""

    verbatim: str = Field("", max_length=250, description="The reaction as reported")
    language: str = Field("eng", max_length=10, description="ISO 639-2 code of `verbatim`")
    meddra_version: str = Field(
        "", max_length=10, description="e.g. 27.1; with a code (pharmacovigilance only)"
    )
    # Longer than 8 so that the service, not the schema, says what a MedDRA code is.
    meddra_code: str = Field(
        "", max_length=20, description="The MedDRA LLT code: 8 digits (pharmacovigilance only)"
    )
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    outcome: Outcome = Outcome.UNKNOWN
    results_in_death: bool = False
    life_threatening: bool = False
    hospitalisation: bool = Field(False, description="Caused or prolonged hospitalisation")
    disabling: bool = False
    congenital_anomaly: bool = False
    medically_important: bool = Field(False, description="Other medically important condition")
    country: str = Field("", max_length=10, description="Where it happened (ISO 3166-1)")


class CaseProductIn(InputSchema):
    """A suspect, concomitant or interacting product (G.k)."""

    role: ProductRole = ProductRole.SUSPECT
    product_id: Id | None = Field(None, description="The directory's product, when it is one")
    name: str = Field("", max_length=250, description="As reported (the product's by default)")
    batch_number: str = Field("", max_length=35)
    dose: str = Field("", max_length=60, description="e.g. 200 mg")
    dosage_text: str = Field("", max_length=250)
    route: str = Field("", max_length=60)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    indication: str = Field("", max_length=250)
    action_taken: ActionTaken = ActionTaken.UNKNOWN


class CaseFields(InputSchema):
    """The fields of a case a client may send (a create sends those it knows)."""

    day_zero: dt.date | None = Field(
        None, description="Day 0: the first awareness by any employee (required, not future)"
    )
    awareness: str = Field("", max_length=LONG_TEXT, description="How we learned of it")
    country: str = Field(
        "", max_length=10, description="Where it happened (ISO 3166-1); the reporter's by default"
    )
    is_adverse_event: bool = True
    is_product_complaint: bool = False
    special_situations: list[SpecialSituation] = Field(default_factory=list, max_length=20)
    complaint_details: str = Field("", max_length=LONG_TEXT)
    expectedness: Expectedness = Field(
        Expectedness.UNKNOWN, description="Pharmacovigilance only: its assessment"
    )
    patient_initials: str = Field("", max_length=20)
    patient_birth_date: dt.date | None = Field(None, description="Not with an age: one is enough")
    patient_age: int | None = Field(None, description="Age at onset, in `patient_age_unit`")
    patient_age_unit: AgeUnit = AgeUnit.YEARS
    patient_sex: Sex = Sex.UNKNOWN
    patient_weight_kg: float | None = Field(None, allow_inf_nan=False, description="One decimal")
    patient_height_cm: float | None = Field(None, allow_inf_nan=False, description="One decimal")
    patient_medical_history: str = Field("", max_length=LONG_TEXT)
    reporter_hcp_id: Id | None = Field(None, description="The reporter, an HCP of the directory")
    reporter_given_name: str = Field("", max_length=120)
    reporter_family_name: str = Field("", max_length=120)
    reporter_organization: str = Field("", max_length=300)
    reporter_country: str = Field("", max_length=10)
    reporter_qualification: Qualification = Qualification.UNKNOWN
    reporter_contact: str = Field("", max_length=300, description="Phone, e-mail or address")
    narrative: str = Field("", max_length=LONG_TEXT)
    reporter_comments: str = Field("", max_length=LONG_TEXT)
    sender_comments: str = Field("", max_length=LONG_TEXT, description="Pharmacovigilance only")
    reactions: list[CaseReactionIn] = Field(default_factory=list, max_length=100)
    products: list[CaseProductIn] = Field(default_factory=list, max_length=100)


class CaseCreateIn(CaseFields):
    """Report a case: what you heard, all or nothing."""

    interaction_id: Id | None = Field(
        None,
        description=(
            "The interaction where you heard it: its source; Day 0 is its day, the country "
            "and reporter its first HCP's, unless given"
        ),
    )
    forward: bool = Field(
        True, description="Forward to pharmacovigilance now (false: keep it at intake)"
    )


class CasePatchIn(PatchIn):
    """Only the fields sent change; `reactions` and `products` replace the case's as
    a whole. Changing Day 0 needs `reason`."""

    nullable = frozenset(
        {
            "patient_birth_date",
            "patient_age",
            "patient_weight_kg",
            "patient_height_cm",
            "reporter_hcp_id",
        }
    )

    day_zero: dt.date | None = None
    awareness: str | None = Field(None, max_length=LONG_TEXT)
    country: str | None = Field(None, max_length=10)
    is_adverse_event: bool | None = None
    is_product_complaint: bool | None = None
    special_situations: list[SpecialSituation] | None = Field(None, max_length=20)
    complaint_details: str | None = Field(None, max_length=LONG_TEXT)
    expectedness: Expectedness | None = Field(
        None, description="Pharmacovigilance's assessment (drives the 15-day clock)"
    )
    patient_initials: str | None = Field(None, max_length=20)
    patient_birth_date: dt.date | None = None
    patient_age: int | None = None
    patient_age_unit: AgeUnit | None = None
    patient_sex: Sex | None = None
    patient_weight_kg: float | None = Field(None, allow_inf_nan=False)
    patient_height_cm: float | None = Field(None, allow_inf_nan=False)
    patient_medical_history: str | None = Field(None, max_length=LONG_TEXT)
    reporter_hcp_id: Id | None = None
    reporter_given_name: str | None = Field(None, max_length=120)
    reporter_family_name: str | None = Field(None, max_length=120)
    reporter_organization: str | None = Field(None, max_length=300)
    reporter_country: str | None = Field(None, max_length=10)
    reporter_qualification: Qualification | None = None
    reporter_contact: str | None = Field(None, max_length=300)
    narrative: str | None = Field(None, max_length=LONG_TEXT)
    reporter_comments: str | None = Field(None, max_length=LONG_TEXT)
    sender_comments: str | None = Field(
        None, max_length=LONG_TEXT, description="Pharmacovigilance only"
    )
    reactions: list[CaseReactionIn] | None = Field(None, max_length=100)
    products: list[CaseProductIn] | None = Field(None, max_length=100)
    reason: str = Field("", max_length=2000, description="Why: required to change Day 0")


class CaseListQuery(PageQuery):
    status: CaseStatus | None = None
    breached: bool | None = Field(None, description="A clock overdue or met late")
    incomplete: bool | None = Field(None, description="One of the four minimum criteria missing")
    serious: bool | None = Field(None, description="A reaction meets a seriousness criterion")
    search: str = Field(
        "", max_length=200, description="Reference, safety report id, product or reaction"
    )


class CaseStatusIn(InputSchema):
    status: CaseStatus = Field(description="in_review, submitted or closed (the next steps)")
    reason: str = Field("", max_length=2000, description="Why: required to reopen a closed case")


class CaseVersionIn(InputSchema):
    kind: str = Field(..., max_length=20, description="follow_up, amendment or nullification")
    reason: str = Field("", max_length=2000, description="Why (required; kept with the version)")
    received_on: dt.date | None = Field(
        None,
        description=(
            "A follow-up or an amendment (required): the day its information was received, "
            "not in the future nor before Day 0; its regulatory clock runs from it"
        ),
    )


class FollowUpRequestIn(InputSchema):
    message: str = Field("", max_length=LONG_TEXT, description="The request to the reporter")
    due_on: dt.date | None = None


# --- answers ---------------------------------------------------------------------


class CaseClockOut(Schema):
    name: str = Field(description="forwarding or regulatory")
    label: str
    due: dt.date | None = Field(description="null: no such clock (`text` says why)")
    done_on: dt.date | None
    state: str = Field(description="met, met_late, overdue, due_today, running or none")
    breached: bool
    text: str = Field(description="The clock in words")


class CaseCriterionOut(Schema):
    name: str = Field(description="patient, reporter, product or event")
    label: str
    met: bool
    missing: str = Field(description="What would meet it")


class CaseSourceOut(Schema):
    kind: str = Field(description="interaction, inquiry, direct or import")
    label: str = Field(description="The source record's model, e.g. engagement.Interaction")
    id: int | None
    title: str
    url: str


class CaseReactionOut(Schema):
    id: int
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
    serious: bool
    country: str


class CaseProductOut(Schema):
    id: int
    role: str
    product_id: int | None
    name: str
    batch_number: str
    dose: str
    dosage_text: str
    route: str
    start_date: dt.date | None
    end_date: dt.date | None
    indication: str
    action_taken: str


class CaseSubmissionOut(Schema):
    id: int
    version_number: int = Field(description="The case version the file reports")
    message_id: str
    batch_id: str
    regional: str
    exported_by: str
    exported_at: dt.datetime
    valid: bool | None = Field(description="Against the ICH schema set; null: not validated")
    initials_unmasked: bool | None = Field(
        description=(
            "The patient's initials were written as given, not masked (nullFlavor MSK); "
            "null: exported before the choice was recorded"
        )
    )
    status: str = Field(
        description="exported (not yet sent), sent, accepted or rejected (the acknowledgement's)"
    )
    sent_at: dt.datetime | None = Field(description="When the file went to the regulator")
    sent_by: str | None = Field(description="Who marked it sent (null: an acknowledgement did)")
    acknowledged_at: dt.datetime | None
    ack_text: str


class FollowUpRequestOut(Schema):
    id: int
    case_id: int
    missing: list[str] = Field(description="The minimum criteria missing when it was asked")
    message: str
    requested_by: str
    requested_at: dt.datetime
    due_on: dt.date | None
    answered_at: dt.datetime | None
    answer: str


class CaseBaseOut(Schema):
    """What a queue row and a case page share."""

    id: int
    reference: str
    safety_report_id: str
    status: str
    version_kind: str
    version_number: int
    day_zero: dt.date
    latest_received_on: dt.date | None = Field(
        description="A follow-up's or an amendment's information received (its clock's start)"
    )
    country: str
    is_adverse_event: bool
    is_product_complaint: bool
    special_situations: list[str]
    serious: bool
    forwarding: CaseClockOut
    regulatory: CaseClockOut
    criteria: list[CaseCriterionOut]
    complete: bool = Field(description="The four minimum criteria are met")
    missing: list[str] = Field(description="The labels of the criteria missing")
    breached: bool = Field(description="A clock is overdue or was met late")
    reported_by: str
    assigned_to: str | None
    submission_status: str
    created_at: dt.datetime


class CaseRowOut(CaseBaseOut):
    reactions: list[str] = Field(description="The reactions as reported")
    products: list[str] = Field(description="The products' names, suspect first")


class CasePageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[CaseRowOut]


class CaseOut(CaseBaseOut):
    awareness: str
    complaint_details: str
    expectedness: str
    source: CaseSourceOut
    forwarded_at: dt.datetime | None
    forwarded_by: str | None
    submitted_at: dt.datetime | None
    nullification_reason: str
    reporter_hcp_id: int | None
    reporter_name: str
    reporter_given_name: str
    reporter_family_name: str
    reporter_organization: str
    reporter_country: str
    reporter_qualification: str
    reporter_contact: str | None = Field(None, description="Pharmacovigilance only")
    narrative: str
    reporter_comments: str
    sender_comments: str
    reactions: list[CaseReactionOut]
    products: list[CaseProductOut]
    submissions: list[CaseSubmissionOut]
    follow_up_requests: list[FollowUpRequestOut]
    updated_at: dt.datetime
    patient_visible: bool = Field(
        description="Whether you read patient details; when false the patient_* keys are absent"
    )
    # Present only for a caller who reads patient details (pharmacovigilance).
    patient_initials: str | None = Field(None, description="Pharmacovigilance only")
    patient_birth_date: dt.date | None = Field(None, description="Pharmacovigilance only")
    patient_age: int | None = Field(None, description="Pharmacovigilance only")
    patient_age_unit: str | None = Field(None, description="Pharmacovigilance only")
    patient_sex: str | None = Field(None, description="Pharmacovigilance only")
    patient_weight_kg: float | None = Field(None, description="Pharmacovigilance only")
    patient_height_cm: float | None = Field(None, description="Pharmacovigilance only")
    patient_medical_history: str | None = Field(None, description="Pharmacovigilance only")
