"""ICSRs and acknowledgements built in code for the E2B tests, and their XML."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from liaison.safety.e2b import (
    Ack,
    AckCode,
    ActionTaken,
    Assessment,
    Coded,
    Death,
    Dosage,
    Drug,
    DrugRole,
    FirstSender,
    Icsr,
    Indication,
    MeddraTerm,
    MessageAck,
    NullFlavor,
    Nullification,
    OtherCaseId,
    Outcome,
    PartialDate,
    Patient,
    PrimarySource,
    ProductCode,
    Qualification,
    Quantity,
    Reaction,
    ReportType,
    Sender,
    Sex,
    Study,
    StudyRegistration,
    Substance,
    write_ack,
    write_batch,
)

FAERS = [
    "FAERS2022Scenario1.xml",
    "FAERS2022Scenario2.xml",
    "FAERS2022Scenario3.xml",
    "FAERS2022Scenario5-1.xml",
    "FAERS2022Scenario5-3.xml",
    "FAERS2022Scenario6.xml",
    "FAERS2022Scenario8.xml",
]
"""The FDA example ICSRs in ../shared/data/e2b/r3."""
NS = {"h": "urn:hl7-org:v3"}
CREATED = dt.datetime(2024, 3, 1, 9, 30, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5)))


def minimal_icsr(report_id: str = "US-LIAISON-0001", llt: str = "10037844") -> Icsr:
    """The least an ICSR holds: ids, dates, a reporter, a patient, one reaction, one drug."""
    return Icsr(
        report_id=report_id,
        created_at=PartialDate("20240301093000-0500"),
        report_type=ReportType.SPONTANEOUS,
        received_at=PartialDate("20240226"),
        most_recent_at=PartialDate("20240226"),
        worldwide_id=report_id,
        primary_sources=(
            PrimarySource(
                country="US", qualification=Qualification.PHYSICIAN, primary_for_regulatory=True
            ),
        ),
        sender=Sender(sender_type="1", organisation="Liaison Pharma"),
        patient=Patient(name="JD", sex=Sex.FEMALE),
        reactions=(
            Reaction(id="reaction-1", verbatim="rash", meddra_version="26.1", meddra_code=llt),
        ),
        drugs=(Drug(role=DrugRole.SUSPECT, product_name="Liaisonib 10 mg tablets"),),
        narrative="A patient developed a rash two days after starting Liaisonib.",
    )


def full_icsr(report_id: str = "US-LIAISON-0002") -> Icsr:
    """An ICSR with every field the records hold, FDA regional ones included."""
    reactions = (
        Reaction(
            id="6c0f1c55-7d0d-4c1e-9c6c-1f0a8b2a0001",
            verbatim="éruption cutanée",
            language="fra",
            translation="skin rash",
            meddra_version="26.1",
            meddra_code="10037844",
            highlighted="3",
            hospitalisation=True,
            other_medically_important=True,
            fda_required_intervention=True,
            start=PartialDate("20240220"),
            end=PartialDate("20240225"),
            duration=Quantity(Decimal("5"), "d"),
            outcome=Outcome.RECOVERED,
            medically_confirmed=True,
            country="FR",
        ),
        Reaction(
            id="6c0f1c55-7d0d-4c1e-9c6c-1f0a8b2a0002",
            meddra_version="26.1",
            meddra_code="10016256",
            start=NullFlavor.ASKU,
            outcome=Outcome.UNKNOWN,
        ),
    )
    drugs = (
        Drug(
            id="6c0f1c55-7d0d-4c1e-9c6c-1f0a8b2a0101",
            role=DrugRole.SUSPECT,
            product_name="Liaisonib 10 mg tablets",
            product_code=ProductCode(code="12345-678", system="2.16.840.1.113883.6.69"),
            substances=(Substance(name="LIAISONIB", strength=Quantity(Decimal("10"), "mg")),),
            country_obtained="US",
            authorisation_number="NDA999999",
            authorisation_country="US",
            authorisation_holder="Liaison Pharma",
            dosages=(
                Dosage(
                    dose=Quantity(Decimal("10"), "mg"),
                    frequency=Quantity(Decimal("1"), "d"),
                    start=PartialDate("20240218"),
                    end=PartialDate("20240221"),
                    duration=Quantity(Decimal("4"), "d"),
                    batch_number="LOT-42A",
                    text="10 mg once a day with food",
                    dose_form="tablet",
                    route="oral",
                    route_code="20053000",
                    route_code_version="2.0",
                ),
                Dosage(frequency=Quantity(Decimal("12"), "h")),
                Dosage(start=NullFlavor.ASKU, batch_number="LOT-43B"),
            ),
            indications=(
                Indication(text="plaque psoriasis", meddra_version="26.1", meddra_code="10050576"),
                Indication(text="itching"),
            ),
            action_taken=ActionTaken.WITHDRAWN,
            assessments=(
                Assessment(
                    reaction_id=reactions[0].id or "",
                    source="Primary source reporter",
                    method="Global introspection",
                    result="Related",
                ),
            ),
        ),
        Drug(
            role=DrugRole.CONCOMITANT,
            product_name="Paracetamol",
            dosages=(Dosage(start=PartialDate("2023"), end=PartialDate("202402")),),
        ),
    )
    return Icsr(
        report_id=report_id,
        created_at=PartialDate("20240301093000-0500"),
        report_type=ReportType.STUDY,
        received_at=PartialDate("20240226"),
        most_recent_at=PartialDate("20240228"),
        additional_documents=True,
        expedited=True,
        worldwide_id=f"WW-{report_id}",
        first_sender=FirstSender.OTHER,
        other_case_ids=(OtherCaseId(source="Partner Pharma", case_id="PP-77"),),
        linked_reports=("US-LIAISON-0000",),
        nullification=Nullification.AMENDMENT,
        nullification_reason="The onset date was corrected.",
        primary_sources=(
            PrimarySource(
                title="Dr",
                given_name="Ada",
                middle_name="M",
                family_name="Lovelace",
                organisation="General Hospital",
                department="Dermatology",
                street="1 Main Street",
                city="Springfield",
                state="IL",
                postcode="62701",
                telephone="+15555550100",
                email="ada@example.org",
                country="US",
                qualification=Qualification.PHYSICIAN,
                primary_for_regulatory=True,
            ),
            PrimarySource(
                given_name=NullFlavor.MSK,
                family_name=NullFlavor.MSK,
                street=NullFlavor.MSK,
                telephone=NullFlavor.MSK,
                country="US",
                qualification=NullFlavor.UNK,
            ),
        ),
        sender=Sender(
            sender_type="1",
            organisation="Liaison Pharma",
            department="Pharmacovigilance",
            title="Ms",
            given_name="Grace",
            family_name="Hopper",
            street="2 Safety Road",
            city="Boston",
            state="MA",
            postcode="02110",
            country="US",
            telephone="+15555550101",
            fax="+15555550102",
            email="pv@example.com",
        ),
        literature=("Doe J. A rash on Liaisonib. J Derm Cases. 2024;1:1-2.",),
        study=Study(
            registrations=(StudyRegistration(number="NCT00000000", country="US"),),
            name="LIA-301",
            sponsor_number="LIA-301-US",
            study_type="1",
            fda_ind_number="123456",
            fda_cross_reported_inds=("222222",),
        ),
        patient=Patient(
            name="AL",
            birth_date=PartialDate("19700115"),
            age=Quantity(Decimal("54"), "a"),
            age_group="5",
            weight_kg=Decimal("71.5"),
            height_cm=Decimal("168"),
            sex=Sex.FEMALE,
            medical_history="Psoriasis since 2010.",
            concomitant_therapies=True,
            death=Death(
                date=PartialDate("202403"),
                reported_causes=(MeddraTerm(code="10037844", version="26.1", text="rash"),),
                autopsy=False,
            ),
            fda_races=(Coded("C41261", "White"),),
            fda_ethnicity=Coded("C41222", "Not Hispanic or Latino"),
        ),
        reactions=reactions,
        drugs=drugs,
        narrative="A 54-year-old woman developed a rash; Liaisonib was withdrawn.",
        reporter_comments="Probably related.",
        sender_diagnoses=(MeddraTerm(code="10012431", version="26.1"),),
        sender_comments="Expected per the label.",
        fda_report_type=Coded("1", "15-Day"),
        fda_combination_product=False,
    )


def batch_xml(*icsrs: Icsr, regional: str | None = None) -> bytes:
    stream = io.BytesIO()
    write_batch(
        icsrs or (minimal_icsr(),),
        stream,
        batch_id="LIAISON-BATCH-1",
        sender_id="LIAISON",
        receiver_id="ZZFDA",
        created_at=CREATED,
        regional=regional,
    )
    return stream.getvalue()


def negative_ack(report_id: str = "US-LIAISON-0001") -> Ack:
    """A regulator's answer rejecting the one ICSR of a batch."""
    return Ack(
        ack_id="ACK-1",
        sender_id="ZZFDA",
        receiver_id="LIAISON",
        created_at=PartialDate("20240302101500-0500"),
        icsr_batch_id="LIAISON-BATCH-1",
        local_message_number="9001",
        icsr_batch_sent_at=PartialDate("20240301093000-0500"),
        code=AckCode.APPLICATION_ERROR,
        text="1 of 1 ICSRs not loaded",
        messages=(
            MessageAck(
                target_id=report_id,
                receiver_id="LIAISON",
                sender_id="CDER",
                icsr_created_at=PartialDate("20240301093000-0500"),
                code=AckCode.COMMIT_REJECT,
                text="ICH.C.1.1: the safety report id is already used by another sender",
            ),
        ),
    )


def ack_xml(ack: Ack) -> bytes:
    stream = io.BytesIO()
    write_ack(ack, stream)
    return stream.getvalue()
