"""The records of an E2B(R3) ICSR and of its acknowledgement: frozen, slotted dataclasses.

Each field names its E2B data element. A field that E2B lets carry a null
flavor is typed ``X | NullFlavor | None``: the value, the reason it is absent
(``NullFlavor.MSK``: masked, ``ASKU``: asked but unknown...), or nothing said.
Dates keep the precision they were given (:class:`PartialDate`), so nothing is
invented. Sequences are tuples. The records hold no rules of the case: the
safety app decides what a case must have.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Literal

Precision = Literal["year", "month", "day", "hour", "minute", "second"]

_PRECISIONS: dict[int, Precision] = {
    4: "year",
    6: "month",
    8: "day",
    10: "hour",
    12: "minute",
    14: "second",
}
_TS = re.compile(r"(?P<digits>\d{4,14})(?P<fraction>\.\d{1,4})?(?P<zone>[+-]\d{4})?")


class NullFlavor(StrEnum):
    """Why a value is absent (HL7 v3 NullFlavor, the subset E2B(R3) allows)."""

    NI = "NI"  # no information
    UNK = "UNK"  # unknown
    ASKU = "ASKU"  # asked but unknown
    NASK = "NASK"  # not asked
    MSK = "MSK"  # masked: known but withheld (privacy)
    NA = "NA"  # not applicable
    NINF = "NINF"  # negative infinity (a lower bound left open)
    PINF = "PINF"  # positive infinity (an upper bound left open)


@dataclass(frozen=True, slots=True)
class PartialDate:
    """An E2B date as given: ``2014``, ``201410``, ``20141010`` up to ``20141010151617-0500``.

    ``value`` is the HL7 TS text; :attr:`precision` says how much of it is known.
    Building one checks the text (``ValueError`` with the reason otherwise).
    """

    value: str

    def __post_init__(self) -> None:
        _check_ts(self.value)

    @classmethod
    def from_date(cls, day: dt.date) -> PartialDate:
        return cls(day.strftime("%Y%m%d"))

    @classmethod
    def from_datetime(cls, moment: dt.datetime) -> PartialDate:
        """To the second, with the UTC offset when ``moment`` is aware."""
        return cls(moment.strftime("%Y%m%d%H%M%S") + moment.strftime("%z"))

    @property
    def precision(self) -> Precision:
        digits = len(self.value) - len(self.value.lstrip("0123456789"))
        return _PRECISIONS[digits]

    def to_date(self) -> dt.date | None:
        """The day, when the date is precise to the day or better."""
        if self.precision in ("year", "month"):
            return None
        return self.earliest()

    def earliest(self) -> dt.date:
        """The first day the date can mean (``2014`` -> 1 January 2014)."""
        value = self.value
        month = int(value[4:6]) if self.precision != "year" else 1
        day = int(value[6:8]) if self.precision not in ("year", "month") else 1
        return dt.date(int(value[:4]), month, day)

    def __str__(self) -> str:
        return self.value


def _check_ts(text: str) -> None:
    match = _TS.fullmatch(text)
    if match is None or len(match["digits"]) not in _PRECISIONS:
        raise ValueError(
            f'"{text}" is not an E2B date (YYYY, YYYYMM, YYYYMMDD or YYYYMMDDhhmmss, '
            "with an optional +hhmm or -hhmm offset)"
        )
    digits = match["digits"]
    parts = [int(digits[:4])] + [int(digits[i : i + 2]) for i in range(4, len(digits), 2)]
    month = parts[1] if len(parts) > 1 else 1
    day = parts[2] if len(parts) > 2 else 1
    try:
        dt.date(parts[0], month, day)
    except ValueError:
        raise ValueError(f'"{text}" is not a real calendar date') from None
    limits = (23, 59, 59)
    if any(part > limit for part, limit in zip(parts[3:], limits, strict=False)):
        raise ValueError(f'"{text}" has a time of day out of range')
    if match["fraction"] and len(digits) < 14:
        raise ValueError(f'"{text}" has a fraction of a second without the seconds')
    zone = match["zone"]
    if zone and (int(zone[1:3]) > 14 or int(zone[3:5]) > 59):
        raise ValueError(f'"{text}" has an impossible UTC offset')


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number with its UCUM unit (``Quantity(Decimal("48"), "a")``: 48 years)."""

    value: Decimal
    unit: str


@dataclass(frozen=True, slots=True)
class Coded:
    """A code of an external code system, with its display name when given."""

    code: str
    display: str | None = None


# --- code lists --------------------------------------------------------------------------------


class ReportType(StrEnum):
    """C.1.3 Type of report."""

    SPONTANEOUS = "1"
    STUDY = "2"
    OTHER = "3"
    NOT_AVAILABLE = "4"


class FirstSender(StrEnum):
    """C.1.8.2 First sender of this case."""

    REGULATOR = "1"
    OTHER = "2"


class Nullification(StrEnum):
    """C.1.11.1 Report nullification / amendment."""

    NULLIFICATION = "1"
    AMENDMENT = "2"


class Qualification(StrEnum):
    """C.2.r.4 Qualification of the primary source."""

    PHYSICIAN = "1"
    PHARMACIST = "2"
    OTHER_HEALTH_PROFESSIONAL = "3"
    LAWYER = "4"
    CONSUMER = "5"


class Sex(StrEnum):
    """D.5 Sex (ISO 5218)."""

    MALE = "1"
    FEMALE = "2"


class Outcome(StrEnum):
    """E.i.7 Outcome of the reaction at the time of last observation."""

    UNKNOWN = "0"
    RECOVERED = "1"
    RECOVERING = "2"
    NOT_RECOVERED = "3"
    RECOVERED_WITH_SEQUELAE = "4"
    FATAL = "5"


class DrugRole(StrEnum):
    """G.k.1 Characterisation of the drug's role."""

    SUSPECT = "1"
    CONCOMITANT = "2"
    INTERACTING = "3"
    NOT_ADMINISTERED = "4"


class ActionTaken(StrEnum):
    """G.k.8 Action taken with the drug."""

    UNKNOWN = "0"
    WITHDRAWN = "1"
    DOSE_REDUCED = "2"
    DOSE_INCREASED = "3"
    DOSE_NOT_CHANGED = "4"
    NOT_APPLICABLE = "9"


# --- the ICSR ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchHeader:
    """N.1: the batch wrapper of one transmission."""

    batch_id: str  # N.1.2
    sender_id: str  # N.1.3
    receiver_id: str  # N.1.4
    created_at: PartialDate  # N.1.5
    message_type: str = "1"  # N.1.1: 1 = ichicsr


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageHeader:
    """N.2.r: the message wrapping one ICSR."""

    message_id: str  # N.2.r.1
    sender_id: str  # N.2.r.2
    receiver_id: str  # N.2.r.3
    created_at: PartialDate  # N.2.r.4


@dataclass(frozen=True, slots=True, kw_only=True)
class OtherCaseId:
    """C.1.9.1.r: an identifier another organisation gave the case."""

    source: str  # C.1.9.1.r.1
    case_id: str  # C.1.9.1.r.2


@dataclass(frozen=True, slots=True, kw_only=True)
class PrimarySource:
    """C.2.r: a reporter of the case (a person, their organisation and address)."""

    title: str | NullFlavor | None = None  # C.2.r.1.1
    given_name: str | NullFlavor | None = None  # C.2.r.1.2
    middle_name: str | NullFlavor | None = None  # C.2.r.1.3
    family_name: str | NullFlavor | None = None  # C.2.r.1.4
    organisation: str | NullFlavor | None = None  # C.2.r.2.1
    department: str | NullFlavor | None = None  # C.2.r.2.2
    street: str | NullFlavor | None = None  # C.2.r.2.3
    city: str | NullFlavor | None = None  # C.2.r.2.4
    state: str | NullFlavor | None = None  # C.2.r.2.5
    postcode: str | NullFlavor | None = None  # C.2.r.2.6
    telephone: str | NullFlavor | None = None  # C.2.r.2.7
    email: str | None = None  # FDA.C.2.r.2.8
    country: str | None = None  # C.2.r.3 (ISO 3166-1 alpha-2)
    qualification: Qualification | NullFlavor | None = None  # C.2.r.4
    primary_for_regulatory: bool = False  # C.2.r.5


@dataclass(frozen=True, slots=True, kw_only=True)
class Sender:
    """C.3: the organisation sending the report and its contact person."""

    sender_type: str  # C.3.1: 1 pharmaceutical company, 2 regulatory authority...
    organisation: str | None = None  # C.3.2
    department: str | None = None  # C.3.3.1
    title: str | None = None  # C.3.3.2
    given_name: str | None = None  # C.3.3.3
    middle_name: str | None = None  # C.3.3.4
    family_name: str | None = None  # C.3.3.5
    street: str | None = None  # C.3.4.1
    city: str | None = None  # C.3.4.2
    state: str | None = None  # C.3.4.3
    postcode: str | None = None  # C.3.4.4
    country: str | None = None  # C.3.4.5
    telephone: str | None = None  # C.3.4.6
    fax: str | None = None  # C.3.4.7
    email: str | None = None  # C.3.4.8


@dataclass(frozen=True, slots=True, kw_only=True)
class StudyRegistration:
    """C.5.1.r: a registration number of the study and its country."""

    number: str | NullFlavor
    country: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Study:
    """C.5: the study in which the reactions were observed."""

    registrations: tuple[StudyRegistration, ...] = ()  # C.5.1.r
    name: str | NullFlavor | None = None  # C.5.2
    sponsor_number: str | NullFlavor | None = None  # C.5.3
    study_type: str | None = None  # C.5.4: 1 clinical trial, 2 individual patient use, 3 other
    fda_ind_number: str | None = None  # FDA.C.5.5a: IND where the AE occurred
    fda_pre_anda_number: str | None = None  # FDA.C.5.5b
    fda_cross_reported_inds: tuple[str, ...] = ()  # FDA.C.5.6.r


@dataclass(frozen=True, slots=True, kw_only=True)
class MeddraTerm:
    """A MedDRA code (LLT, 8 digits) with the version it was coded in, and the text if any."""

    code: str
    version: str
    text: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Death:
    """D.9: the patient's death."""

    date: PartialDate | NullFlavor | None = None  # D.9.1
    reported_causes: tuple[MeddraTerm, ...] = ()  # D.9.2.r
    autopsy: bool | NullFlavor | None = None  # D.9.3
    autopsy_causes: tuple[MeddraTerm, ...] = ()  # D.9.4.r


@dataclass(frozen=True, slots=True, kw_only=True)
class Patient:
    """D: the patient. ``masked`` writes the name as nullFlavor MSK whatever ``name`` holds."""

    name: str | NullFlavor | None = None  # D.1 (initials or name)
    masked: bool = False
    birth_date: PartialDate | NullFlavor | None = None  # D.2.1
    age: Quantity | None = None  # D.2.2a/b (unit: a, mo, wk, d, h, 10.a)
    age_group: str | NullFlavor | None = None  # D.2.3: 0 foetus ... 5 adult, 6 elderly
    weight_kg: Decimal | None = None  # D.3
    height_cm: Decimal | None = None  # D.4
    sex: Sex | NullFlavor | None = None  # D.5
    medical_history: str | None = None  # D.7.2
    concomitant_therapies: bool | None = None  # D.7.3
    death: Death | None = None  # D.9
    fda_races: tuple[Coded, ...] = ()  # FDA.D.11.r (NCI codes)
    fda_ethnicity: Coded | None = None  # FDA.D.12


@dataclass(frozen=True, slots=True, kw_only=True)
class Reaction:
    """E.i: one reaction or event, coded in MedDRA (LLT) by pharmacovigilance.

    ``id`` is the XML identifier drug-reaction assessments point at; the
    writer makes a stable one when it is None, shared or not an HL7 UID.
    """

    id: str | None = None
    verbatim: str | None = None  # E.i.1.1a, as reported in the native language
    language: str | None = None  # E.i.1.1b (ISO 639-2, "eng")
    translation: str | None = None  # E.i.1.2
    meddra_version: str  # E.i.2.1a
    meddra_code: str  # E.i.2.1b (LLT, 8 digits)
    highlighted: str | None = None  # E.i.3.1: 1-4
    results_in_death: bool = False  # E.i.3.2a
    life_threatening: bool = False  # E.i.3.2b
    hospitalisation: bool = False  # E.i.3.2c
    disabling: bool = False  # E.i.3.2d
    congenital_anomaly: bool = False  # E.i.3.2e
    other_medically_important: bool = False  # E.i.3.2f
    fda_required_intervention: bool = False  # FDA.E.i.3.2h
    start: PartialDate | NullFlavor | None = None  # E.i.4
    end: PartialDate | NullFlavor | None = None  # E.i.5
    duration: Quantity | None = None  # E.i.6a/b
    outcome: Outcome | None = None  # E.i.7
    medically_confirmed: bool | None = None  # E.i.8
    country: str | None = None  # E.i.9

    @property
    def serious(self) -> bool:
        return (
            self.results_in_death
            or self.life_threatening
            or self.hospitalisation
            or self.disabling
            or self.congenital_anomaly
            or self.other_medically_important
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Substance:
    """G.k.2.3.r: an active ingredient and its strength."""

    name: str  # G.k.2.3.r.1
    strength: Quantity | None = None  # G.k.2.3.r.3a/b


@dataclass(frozen=True, slots=True, kw_only=True)
class Dosage:
    """G.k.4.r: one course of a drug.

    ``frequency`` is the interval between doses (``Quantity(1, "d")``: daily;
    G.k.4.r.2 and .3). A period wholly unknown reads as ``start`` holding the
    null flavor and no ``end``.
    """

    dose: Quantity | None = None  # G.k.4.r.1a/b
    frequency: Quantity | None = None  # G.k.4.r.2, G.k.4.r.3
    start: PartialDate | NullFlavor | None = None  # G.k.4.r.4
    end: PartialDate | NullFlavor | None = None  # G.k.4.r.5
    duration: Quantity | None = None  # G.k.4.r.6a/b
    batch_number: str | None = None  # G.k.4.r.7
    text: str | None = None  # G.k.4.r.8
    dose_form: str | None = None  # G.k.4.r.9.1
    route: str | None = None  # G.k.4.r.10.1 (free text)
    route_code: str | None = None  # G.k.4.r.10.2b (EDQM term id)
    route_code_version: str | None = None  # G.k.4.r.10.2a


@dataclass(frozen=True, slots=True, kw_only=True)
class Indication:
    """G.k.7.r: what the drug was given for."""

    text: str | None = None  # G.k.7.r.1
    meddra_version: str | None = None  # G.k.7.r.2a
    meddra_code: str | None = None  # G.k.7.r.2b


@dataclass(frozen=True, slots=True, kw_only=True)
class Assessment:
    """G.k.9.i.2.r: a drug-reaction relatedness assessment."""

    reaction_id: str  # the Reaction.id it is about
    source: str | None = None  # G.k.9.i.2.r.1
    method: str | None = None  # G.k.9.i.2.r.2
    result: str | None = None  # G.k.9.i.2.r.3


@dataclass(frozen=True, slots=True, kw_only=True)
class ProductCode:
    """G.k.2.1: the product identifier (in the FDA examples, an NDC)."""

    code: str
    system: str
    version: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Drug:
    """G.k: one drug of the case. ``id`` as for :class:`Reaction`."""

    id: str | None = None
    role: DrugRole  # G.k.1
    product_name: str  # G.k.2.2
    product_code: ProductCode | None = None  # G.k.2.1
    substances: tuple[Substance, ...] = ()  # G.k.2.3.r
    country_obtained: str | None = None  # G.k.2.4
    authorisation_number: str | None = None  # G.k.3.1
    authorisation_country: str | None = None  # G.k.3.2
    authorisation_holder: str | None = None  # G.k.3.3
    dosages: tuple[Dosage, ...] = ()  # G.k.4.r
    indications: tuple[Indication, ...] = ()  # G.k.7.r
    action_taken: ActionTaken | None = None  # G.k.8
    assessments: tuple[Assessment, ...] = ()  # G.k.9.i.2.r

    @property
    def batch_numbers(self) -> tuple[str, ...]:
        return tuple(dosage.batch_number for dosage in self.dosages if dosage.batch_number)


@dataclass(frozen=True, slots=True, kw_only=True)
class Icsr:
    """One individual case safety report (C to H), with the message that carried it.

    ``message`` is the N.2.r header as read (None for a report built in code).
    The writer never copies it: it writes N.2.r.1 = C.1.1 and N.2.r.4 = C.1.2,
    as the ICH IG asks, with the sender and receiver of the new batch.
    """

    message: MessageHeader | None = None  # N.2.r
    report_id: str  # C.1.1
    created_at: PartialDate  # C.1.2
    report_type: ReportType  # C.1.3
    received_at: PartialDate  # C.1.4 (Day 0 of the sender)
    most_recent_at: PartialDate  # C.1.5
    additional_documents: bool = False  # C.1.6.1
    expedited: bool | None = None  # C.1.7 (None: nullFlavor NI)
    worldwide_id: str  # C.1.8.1
    first_sender: FirstSender = FirstSender.OTHER  # C.1.8.2
    other_case_ids: tuple[OtherCaseId, ...] = ()  # C.1.9.1.r
    linked_reports: tuple[str, ...] = ()  # C.1.10.r
    nullification: Nullification | None = None  # C.1.11.1
    nullification_reason: str | None = None  # C.1.11.2
    primary_sources: tuple[PrimarySource, ...] = ()  # C.2.r
    sender: Sender | None = None  # C.3
    literature: tuple[str, ...] = ()  # C.4.r.1
    study: Study | None = None  # C.5
    patient: Patient = Patient()  # D
    reactions: tuple[Reaction, ...] = ()  # E.i
    drugs: tuple[Drug, ...] = ()  # G.k
    narrative: str = ""  # H.1
    reporter_comments: str | None = None  # H.2
    sender_diagnoses: tuple[MeddraTerm, ...] = ()  # H.3.r
    sender_comments: str | None = None  # H.4
    fda_report_type: Coded | None = None  # FDA.C.1.7.1 local criteria report type
    fda_combination_product: bool | None = None  # FDA.C.1.12


@dataclass(frozen=True, slots=True, kw_only=True)
class IcsrBatch:
    """An ``MCCI_IN200100UV01`` batch as read: its header (None for a bare message) and ICSRs."""

    header: BatchHeader | None
    icsrs: tuple[Icsr, ...]


# --- acknowledgements -------------------------------------------------------------------------


class AckCode(StrEnum):
    """HL7 acknowledgement codes: ACK.A.4 for the batch (AA/AE/AR), ACK.B.r.6 per message (CA/CR).

    AE on a batch means some of its ICSRs were not loaded: see each message's code.
    """

    APPLICATION_ACCEPT = "AA"
    APPLICATION_ERROR = "AE"
    APPLICATION_REJECT = "AR"
    COMMIT_ACCEPT = "CA"
    COMMIT_ERROR = "CE"
    COMMIT_REJECT = "CR"

    @property
    def accepted(self) -> bool:
        return self in (AckCode.APPLICATION_ACCEPT, AckCode.COMMIT_ACCEPT)


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageAck:
    """ACK.B.r: the receiver's answer about one ICSR message.

    ``target_id`` is ACK.B.r.1 as written. The FDA writes there the message
    number and the safety report id separated by a space; ``message_id`` and
    ``report_id`` are those two parts (``report_id`` None when there is one).
    """

    target_id: str  # ACK.B.r.1
    local_report_number: str | None = None  # ACK.B.r.2: the receiver's id for the report
    receiver_id: str | None = None  # ACK.B.r.3
    sender_id: str | None = None  # ACK.B.r.4
    icsr_created_at: PartialDate | None = None  # ACK.B.r.5
    code: AckCode  # ACK.B.r.6
    text: str | None = None  # ACK.B.r.7: error, warning or comment

    @property
    def message_id(self) -> str:
        return self.target_id.split()[0] if self.target_id.split() else self.target_id

    @property
    def report_id(self) -> str | None:
        parts = self.target_id.split()
        return " ".join(parts[1:]) if len(parts) > 1 else None

    @property
    def accepted(self) -> bool:
        return self.code.accepted


@dataclass(frozen=True, slots=True, kw_only=True)
class Ack:
    """An ``MCCI_IN200101UV01`` acknowledgement of one ICSR batch."""

    ack_id: str  # ACK.M.1
    sender_id: str | None = None  # ACK.M.2
    receiver_id: str | None = None  # ACK.M.3
    created_at: PartialDate  # ACK.M.4
    icsr_batch_id: str  # ACK.A.1
    local_message_number: str | None = None  # ACK.A.2
    icsr_batch_sent_at: PartialDate | None = None  # ACK.A.3
    code: AckCode  # ACK.A.4
    text: str | None = None  # ACK.A.5: batch validation error or comment
    messages: tuple[MessageAck, ...] = ()  # ACK.B.r

    @property
    def accepted(self) -> bool:
        """The whole batch was loaded (AA); with AE, see each message."""
        return self.code.accepted
