"""Cases as ICH E2B(R3) files: export, import, and acknowledgements.

* :func:`export_case`: pharmacovigilance writes a case as an ``MCCI_IN200100UV01``
  batch (one ``PORR_IN049016UV`` message), optionally with the FDA regional
  elements; the file is validated against the ICH schema set when
  ``LIAISON_E2B_SCHEMA_DIR`` names it, and recorded (audited) as an exported
  submission with its batch and message ids, which its acknowledgement will name,
  the case version it reports and whether the patient's initials went unmasked.
  Exporting is not submitting: the case and its clocks are left alone until the
  file is marked sent (:mod:`liaison.safety.services.submissions`).
* :func:`import_e2b`: every ICSR of a file becomes a case (all or none); an
  acknowledgement file is refused and pointed to :func:`import_ack`. A value the
  case cannot keep is refused naming the file, the ICSR and the field.
* :func:`import_ack`: a positive or negative acknowledgement updates the
  submissions of the batch it acknowledges; an ICSR file is refused. An
  acknowledgement never creates a case, and never touches another batch's files.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from liaison.core import audit, policy
from liaison.core.errors import LiaisonError
from liaison.core.models import User
from liaison.directory.models import Product
from liaison.lib.validation import validation_error
from liaison.safety.e2b import reader, schema, writer
from liaison.safety.e2b import records as e2b
from liaison.safety.e2b.errors import E2BError
from liaison.safety.e2b_mapping import case_data, elements_of, to_icsr
from liaison.safety.models import Case, CaseStatus, CaseVersion, SourceKind, Submission
from liaison.safety.services.cases import (
    refusal,
    report_case,
    sender_id,
    update_case,
    version_values,
)
from liaison.safety.services.data import CaseData, Source
from liaison.safety.services.submissions import acknowledge_submission

REGIONALS = ("fda",)


def receiver_id(regional: str | None) -> str:
    if regional == "fda":
        return "ZZFDA"
    return str(getattr(settings, "LIAISON_E2B_RECEIVER_ID", "ICHTEST"))


def schema_dir() -> Path | None:
    """The ICH E2B(R3) schema set (``LIAISON_E2B_SCHEMA_DIR``): not shipped (its terms are ICH's)."""
    configured = getattr(settings, "LIAISON_E2B_SCHEMA_DIR", None)
    if not configured:
        return None
    path = Path(configured)
    return path if path.is_dir() else None


@dataclass(frozen=True)
class Export:
    """An exported case: the file's bytes and name, its submission, and what
    validation said (``valid`` None: no schema set configured)."""

    content: bytes
    file_name: str
    submission: Submission
    valid: bool | None
    errors: tuple[str, ...]


def export_problems(case: Case) -> dict[str, str]:
    """What keeps a case from a valid ICSR (each reason by its field)."""
    problems: dict[str, str] = {}
    for index, reaction in enumerate(case.reactions.all()):
        if not reaction.meddra_code or not reaction.meddra_version:
            problems[f"reactions.{index}.meddra_code"] = (
                f"“{reaction.verbatim}” has no MedDRA code yet: code it before the export"
            )
    if not case.reactions.exists():
        problems["reactions"] = "the case has no reaction: an ICSR reports at least one"
    if not case.products.exists():
        problems["products"] = "the case has no product: an ICSR names at least one drug"
    return problems


def export_case(
    *,
    actor: User,
    case: Case,
    regional: str | None = None,
    unmask_patient: bool = False,
) -> Export:
    """Write ``case`` as an E2B(R3) batch and record it as an exported submission (the
    case is not submitted until the file is marked sent)."""
    policy.require(actor, "export", case)
    if regional is not None and regional not in REGIONALS:
        raise LiaisonError(
            f"unknown regional profile {regional!r} (known: {', '.join(REGIONALS)})",
            field="regional",
        )
    problems = export_problems(case)
    if problems:
        raise refusal(problems)
    now = timezone.now()
    stamp = now.strftime("%Y%m%d%H%M%S")
    batch_id = f"{sender_id()}-B-{stamp}-{case.pk}-{uuid.uuid4().hex[:6]}"
    # The writer numbers the message with the safety report id (N.2.r.1 = C.1.1, as
    # the ICH guide says); the batch id tells one submission of a case from another.
    message_id = case.safety_report_id
    icsr = to_icsr(
        case,
        case.reactions.all(),
        case.products.all(),
        created_at=now,
        mask_patient=not unmask_patient,
    )
    stream = io.BytesIO()
    writer.write_batch(
        [icsr],
        stream,
        batch_id=batch_id,
        sender_id=sender_id(),
        receiver_id=receiver_id(regional),
        created_at=now,
        regional=regional,
    )
    content = stream.getvalue()
    directory = schema_dir()
    errors: tuple[str, ...] = ()
    valid: bool | None = None
    if directory is not None:
        errors = tuple(schema.validate(content, directory, kind="icsr"))
        valid = not errors
    # Unmasked only when there were initials to write: otherwise the file says UNK.
    unmasked = unmask_patient and bool(case.patient_initials)
    submission = Submission(
        case=case,
        version_number=case.version_number,
        message_id=message_id,
        batch_id=batch_id,
        regional=regional or "",
        exported_by=actor,
        exported_at=now,
        valid=valid,
        initials_unmasked=unmasked,
    )
    reason = "the patient's initials written unmasked, as asked" if unmasked else ""
    with transaction.atomic():
        audit.create_record(actor=actor, instance=submission, reason=reason)
    file_name = f"{case.safety_report_id}-{stamp}.xml"
    return Export(content, file_name, submission, valid, errors)


def _products_by_name() -> dict[str, Product]:
    found: dict[str, Product] = {}
    for product in Product.objects.all():
        found.setdefault(product.name.casefold(), product)
        if product.generic_name:
            found.setdefault(product.generic_name.casefold(), product)
    return found


def import_e2b(*, actor: User, stream: IO[bytes], name: str) -> list[Case]:
    """Every ICSR of the file as a case of pharmacovigilance (all or none).

    A safety report id already in Liaison makes the ICSR the next version of that
    case (follow-up, amendment or nullification); an acknowledgement file is
    refused with the way to import it. A value the case cannot keep (a safety
    report id over 100 characters, an age of 300 years) is refused naming the
    file, the ICSR, the field and its E2B element."""
    policy.require(actor, "import", Case)
    if reader.sniff(stream, name=name) == "ack":
        raise E2BError(
            "this is an acknowledgement file, not a case: import it with "
            "“liaison safety import-ack” (or the acknowledgement upload)",
            file=name,
        )
    icsrs = reader.read_icsrs(stream, name=name)
    if not icsrs:
        raise E2BError("the file holds no ICSR message", file=name)
    products = _products_by_name()
    cases: list[Case] = []
    with transaction.atomic():
        for index, icsr in enumerate(icsrs, start=1):
            where = f"{name}, ICSR {index} ({_shortened(icsr.report_id)})"
            try:
                cases.append(_import_icsr(actor, icsr, products, name))
            except ValidationError as error:
                raise _import_refusal(where, validation_error(error, model=Case)) from None
            except LiaisonError as error:
                raise _import_refusal(where, error) from None
    return cases


def _shortened(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else f"{value[: limit - 1]}…"


def _import_refusal(where: str, error: LiaisonError) -> LiaisonError:
    """A refusal of one ICSR, naming the file, the ICSR and the E2B elements at fault."""
    elements = elements_of(error.details)
    tail = f" (E2B {', '.join(elements)})" if elements else ""
    return LiaisonError(f"{where}: {error.message}{tail}", field="file")


def _import_icsr(actor: User, icsr: e2b.Icsr, products: dict[str, Product], name: str) -> Case:
    """One ICSR as a new case in review, or as the next version of its case."""
    data = case_data(icsr, products)
    if "day_zero" not in data:
        raise LiaisonError(
            "the date the sender first received the report is not precise to the day",
            field="day_zero",
        )
    if not data.get("country"):
        raise LiaisonError(
            "no country is given for the reporter, the reactions or the sender", field="country"
        )
    existing = Case.objects.filter(safety_report_id=icsr.report_id).first()
    if existing is not None:
        return _follow_up(actor, existing, icsr, data, name)
    case = report_case(
        actor=actor,
        data=data,
        source=Source(kind=SourceKind.IMPORT, title=name[:300]),
        forward=True,
    )
    audit.update_record(
        actor=actor,
        instance=case,
        values={
            "safety_report_id": icsr.report_id,
            "worldwide_id": icsr.worldwide_id,
            "status": CaseStatus.IN_REVIEW,
        },
    )
    return case


def _follow_up(actor: User, case: Case, icsr: e2b.Icsr, data: CaseData, name: str) -> Case:
    """A report id already in Liaison: the file is the next version of that case
    (a follow-up, or the amendment or nullification its C.1.11 says); a follow-up's or
    an amendment's information was received on its C.1.5 date, its clock's start."""
    if not policy.can(actor, "work", case):
        raise LiaisonError("a case with this safety report id is already in Liaison, not yours")
    # Numbered from the locked row (the import's transaction holds it): a version made
    # on the case's page meanwhile takes its own number.
    case = Case.objects.select_for_update().get(pk=case.pk)
    reason = f"new version imported from {name}"
    update_case(actor=actor, case=case, data=data, reason=reason)
    kind: str = CaseVersion.FOLLOW_UP
    why, received_on = reason, icsr.most_recent_at.to_date()
    if icsr.nullification == e2b.Nullification.NULLIFICATION:
        kind, received_on = CaseVersion.NULLIFICATION, None
        why = icsr.nullification_reason or reason
    elif icsr.nullification == e2b.Nullification.AMENDMENT:
        kind = CaseVersion.AMENDMENT
    if kind != CaseVersion.NULLIFICATION and received_on is None:
        raise LiaisonError(
            "the date of the most recent information is not precise to the day",
            field="received_on",
        )
    values = version_values(case, kind, why, received_on)
    audit.update_record(actor=actor, instance=case, values=values, reason=reason)
    return case


@dataclass(frozen=True)
class AckResult:
    """What an acknowledgement changed: per message, the case and its new status."""

    batch_id: str
    accepted: bool
    updated: tuple[tuple[Case, str], ...]
    unknown: tuple[str, ...]


def import_ack(*, actor: User, stream: IO[bytes], name: str) -> AckResult:
    """Update the submissions of the acknowledged batch it names (accepted or rejected).

    A message line matches a submission of that batch only, by its message id or its
    safety report id; a line naming anything else is listed in ``unknown``."""
    policy.require(actor, "import", Case)
    if reader.sniff(stream, name=name) == "icsr":
        raise E2BError(
            "this is an ICSR file, not an acknowledgement: import it with "
            "“liaison safety import-e2b”",
            file=name,
        )
    ack = reader.read_ack(stream, name=name)
    updated: list[tuple[Case, str]] = []
    unknown: list[str] = []
    now = timezone.now()
    reason = f"acknowledgement {ack.ack_id} ({name})"
    in_batch = Submission.objects.filter(batch_id=ack.icsr_batch_id).select_related("case")
    with transaction.atomic():
        answers: list[tuple[Submission, bool, str]] = []
        for message in ack.messages:
            submission = _submission_for(in_batch, message.message_id, message.report_id)
            if submission is None:
                unknown.append(message.target_id)
            else:
                answers.append((submission, message.accepted, message.text or ack.text or ""))
        if not ack.messages:
            # A batch-level answer with no message lines: it answers every message of the batch.
            answers = [(submission, ack.accepted, ack.text or "") for submission in in_batch]
        for submission, accepted, text in answers:
            status = acknowledge_submission(
                actor=actor,
                submission=submission,
                accepted=accepted,
                text=text,
                reason=reason,
                at=now,
            )
            updated.append((submission.case, status))
    if not updated:
        raise LiaisonError(
            f"{name}: the acknowledgement names no submission of Liaison "
            f"(batch {ack.icsr_batch_id}; messages {', '.join(unknown) or 'none'})",
            field="file",
        )
    return AckResult(ack.icsr_batch_id, ack.accepted, tuple(updated), tuple(unknown))


def _submission_for(
    in_batch: QuerySet[Submission], message_id: str, report_id: str | None
) -> Submission | None:
    """The submission of the acknowledged batch an acknowledgement line names: by its
    message id, else by its case's safety report id. Never one of another batch."""
    found = in_batch.filter(message_id=message_id).first()
    if found is None and report_id:
        found = in_batch.filter(case__safety_report_id=report_id).first()
    return found
