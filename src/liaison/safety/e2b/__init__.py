"""ICH E2B(R3) individual case safety reports as HL7 v3 XML: pure format code (no ORM, no settings).

* :func:`sniff` tells an ICSR batch from an acknowledgement (and names what
  anything else is: E2B(R2), another HL7 message, not XML);
* :func:`read_batch` / :func:`read_icsrs` read an ``MCCI_IN200100UV01`` batch
  into :class:`Icsr` records, whole or not at all; :func:`read_ack` reads an
  ``MCCI_IN200101UV01`` acknowledgement into an :class:`Ack`;
* :func:`write_batch` writes ICSRs as a batch (``regional="fda"`` adds the FDA
  regional elements); :func:`write_ack` writes an acknowledgement;
* :func:`validate` checks XML against the ICH schema set, whose directory the
  caller gives (the set is not shipped).

Every reading error is an :class:`E2BError` naming the file, the line and the
E2B data element.
"""

from __future__ import annotations

from .errors import E2BError
from .reader import read_ack, read_batch, read_icsrs, sniff
from .records import (
    Ack,
    AckCode,
    ActionTaken,
    Assessment,
    BatchHeader,
    Coded,
    Death,
    Dosage,
    Drug,
    DrugRole,
    FirstSender,
    Icsr,
    IcsrBatch,
    Indication,
    MeddraTerm,
    MessageAck,
    MessageHeader,
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
)
from .schema import validate
from .write_ack import write_ack
from .writer import write_batch

__all__ = [
    "Ack",
    "AckCode",
    "ActionTaken",
    "Assessment",
    "BatchHeader",
    "Coded",
    "Death",
    "Dosage",
    "Drug",
    "DrugRole",
    "E2BError",
    "FirstSender",
    "Icsr",
    "IcsrBatch",
    "Indication",
    "MeddraTerm",
    "MessageAck",
    "MessageHeader",
    "NullFlavor",
    "Nullification",
    "OtherCaseId",
    "Outcome",
    "PartialDate",
    "Patient",
    "PrimarySource",
    "ProductCode",
    "Qualification",
    "Quantity",
    "Reaction",
    "ReportType",
    "Sender",
    "Sex",
    "Study",
    "StudyRegistration",
    "Substance",
    "read_ack",
    "read_batch",
    "read_icsrs",
    "sniff",
    "validate",
    "write_ack",
    "write_batch",
]
