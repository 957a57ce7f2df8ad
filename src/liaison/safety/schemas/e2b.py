"""API schemas of E2B(R3) files: the export's options, a file marked sent, and what
an import or an acknowledgement changed."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from liaison.lib.api import InputSchema


class E2BExportQuery(InputSchema):
    regional: str = Field(
        "", max_length=10, description="fda: add the FDA regional elements; empty: ICH only"
    )
    unmask_patient: bool = Field(
        False, description="Write the patient's initials (masked with nullFlavor MSK by default)"
    )


class SubmissionSentIn(InputSchema):
    sent_at: dt.datetime | None = Field(
        None, description="When the file went to the regulator (now when not given)"
    )


class ImportedCaseOut(Schema):
    case: int = Field(description="The new case's id")
    report_id: str = Field(description="Its safety report id (C.1.1)")


class AckedCaseOut(Schema):
    case: int
    report_id: str
    status: str = Field(description="accepted or rejected")


class AckOut(Schema):
    batch_id: str = Field(description="The ICSR batch the acknowledgement answers")
    accepted: bool = Field(description="The batch's answer")
    updated: list[AckedCaseOut]
    unknown: list[str] = Field(description="Messages it names that Liaison never sent")
