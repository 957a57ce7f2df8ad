"""Writing ICSRs as an E2B(R3) ``MCCI_IN200100UV01`` batch that validates against the ICH schemas.

Example::

    with open("export.xml", "wb") as stream:
        write_batch([icsr], stream, batch_id="LIAISON-42", sender_id="ACME",
                    receiver_id="ZZFDA", created_at=timezone.now(), regional="fda")

Each ICSR becomes one ``PORR_IN049016UV`` message whose header follows the
ICH rules (N.2.r.1 is C.1.1, N.2.r.4 is C.1.2; sender and receiver are the
batch's). ``regional="fda"`` adds the FDA regional elements the records hold
(FDA.C.1.7.1, FDA.C.1.12, FDA.C.2.r.2.8, FDA.C.5.5a/b, FDA.C.5.6.r,
FDA.D.11.r, FDA.D.12, FDA.E.i.3.2h), as the FDA FAERS examples write them. A
masked patient name is written as nullFlavor MSK.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import IO

from lxml import etree

from . import codes
from ._build import (
    Element,
    boolean,
    code,
    device_id,
    free_text,
    make_id,
    observation,
    sub,
    text,
    text_or_null,
    time,
    typed,
)
from .records import Icsr, NullFlavor, PartialDate, PrimarySource, Sender
from .write_drugs import write_drugs, write_roles_and_assessments
from .write_patient import write_patient, write_reactions

REGIONS = (None, "fda")
_UID = re.compile(
    r"[0-2](\.(0|[1-9][0-9]*))*"  # OID
    r"|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"  # UUID
    r"|[A-Za-z][A-Za-z0-9\-]*"  # RUID
)


def write_batch(
    icsrs: Iterable[Icsr],
    stream: IO[bytes],
    *,
    batch_id: str,
    sender_id: str,
    receiver_id: str,
    created_at: dt.datetime,
    regional: str | None = None,
) -> None:
    """Write the ICSRs as one batch: N.1.2 ``batch_id``, N.1.3 and N.1.4 the sender's and
    receiver's ids, N.1.5 ``created_at``. ``ValueError`` for ICSRs that cannot be written."""
    if regional not in REGIONS:
        raise ValueError(f"unknown regional elements {regional!r}: use None or 'fda'")
    reports = list(icsrs)
    if not reports:
        raise ValueError("an E2B batch holds at least one ICSR")
    root = etree.Element(
        f"{{{codes.HL7}}}MCCI_IN200100UV01", nsmap={None: codes.HL7, "xsi": codes.XSI}
    )
    root.set("ITSVersion", "XML_1.0")
    sub(root, "id", root=codes.BATCH_ID, extension=batch_id)
    sub(root, "creationTime", value=PartialDate.from_datetime(created_at).value)
    sub(root, "responseModeCode", code="D")
    sub(root, "interactionId", root=codes.INTERACTION, extension="MCCI_IN200100UV01")
    sub(root, "name", code="1", codeSystem=codes.MESSAGE_TYPE, displayName="ichicsr")
    for icsr in reports:
        _message(root, icsr, sender_id=sender_id, receiver_id=receiver_id, fda=regional == "fda")
    device_id(root, "receiver", "RCV", codes.BATCH_RECEIVER, receiver_id)
    device_id(root, "sender", "SND", codes.BATCH_SENDER, sender_id)
    etree.indent(root, space="\t")
    stream.write(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _message(root: Element, icsr: Icsr, *, sender_id: str, receiver_id: str, fda: bool) -> None:
    message = sub(root, "PORR_IN049016UV")
    sub(message, "id", root=codes.MESSAGE_ID, extension=icsr.report_id)
    sub(message, "creationTime", value=icsr.created_at.value)
    sub(message, "interactionId", root=codes.INTERACTION, extension="PORR_IN049016UV")
    sub(message, "processingCode", code="P")
    sub(message, "processingModeCode", code="T")
    sub(message, "acceptAckCode", code="AL")
    device_id(message, "receiver", "RCV", codes.MESSAGE_RECEIVER, receiver_id)
    device_id(message, "sender", "SND", codes.MESSAGE_SENDER, sender_id)
    process = sub(message, "controlActProcess", classCode="CACT", moodCode="EVN")
    sub(process, "code", code="PORR_TE049016UV", codeSystem=codes.TRIGGER_EVENT)
    sub(process, "effectiveTime", value=icsr.created_at.value)
    subject = sub(process, "subject", typeCode="SUBJ")
    _investigation(
        sub(subject, "investigationEvent", classCode="INVSTG", moodCode="EVN"), icsr, fda=fda
    )


def _investigation(event: Element, icsr: Icsr, *, fda: bool) -> None:
    sub(event, "id", root=codes.REPORT_ID, extension=icsr.report_id)
    sub(event, "id", root=codes.WORLDWIDE_ID, extension=icsr.worldwide_id)
    sub(event, "code", code="PAT_ADV_EVNT", codeSystem="2.16.840.1.113883.5.4")
    text(event, "text", icsr.narrative or None)
    sub(event, "statusCode", code="active")
    time(sub(event, "effectiveTime"), "low", icsr.received_at)
    time(event, "availabilityTime", icsr.most_recent_at)
    for reference in icsr.literature:
        holder = sub(event, "reference", typeCode="REFR")
        document = sub(holder, "document", classCode="DOC", moodCode="EVN")
        code(document, "2", "2.16.840.1.113883.3.989.2.1.1.27", "literatureReference")
        text(document, "bibliographicDesignationText", reference)
    _assessment(
        sub(
            sub(event, "component", typeCode="COMP"),
            "adverseEventAssessment",
            classCode="INVSTG",
            moodCode="EVN",
        ),
        icsr,
        fda=fda,
    )
    flags: list[tuple[str, str, str, bool | None]] = [
        (
            codes.ADDITIONAL_DOCUMENTS,
            codes.OBSERVATION,
            "additionalDocumentsAvailable",
            icsr.additional_documents,
        ),
        (codes.EXPEDITED, codes.OBSERVATION, "localCriteriaForExpedited", icsr.expedited),
    ]
    for observation_code, system, display, value in flags:
        node = observation(
            event,
            "component",
            observation_code,
            system,
            display=display,
            type_code="COMP",
            kind="observationEvent",
        )
        boolean(node, value)
    if fda and icsr.fda_report_type is not None:
        node = observation(
            event,
            "component",
            codes.FDA_REPORT_TYPE_OBSERVATION,
            codes.NCI,
            display="localCriteriaReportType",
            type_code="COMP",
            kind="observationEvent",
        )
        typed(
            node,
            "value",
            "CE",
            code=icsr.fda_report_type.code,
            codeSystem=codes.FDA_REPORT_TYPE,
            displayName=icsr.fda_report_type.display,
        )
    if fda and icsr.fda_combination_product is not None:
        node = observation(
            event,
            "component",
            codes.FDA_COMBINATION_PRODUCT,
            codes.NCI,
            display="Combination Product Report Indicator",
            type_code="COMP",
            kind="observationEvent",
        )
        boolean(node, icsr.fda_combination_product)
    _relations(event, icsr, fda=fda)
    if icsr.sender is not None:
        _sender(event, icsr.sender)
    for other in icsr.other_case_ids:
        holder = sub(event, "subjectOf1", typeCode="SUBJ")
        act = sub(holder, "controlActEvent", classCode="CACT", moodCode="EVN")
        sub(
            act,
            "id",
            root=codes.OTHER_CASE_ID,
            extension=other.case_id,
            assigningAuthorityName=other.source or None,
        )
    node = _characteristic(event, codes.CHARACTERISTIC_REPORT_TYPE, "ichReportType")
    typed(node, "value", "CE", code=icsr.report_type.value, codeSystem=codes.REPORT_TYPE)
    boolean(
        _characteristic(event, codes.CHARACTERISTIC_OTHER_CASE_IDS, "otherCaseIds"),
        True if icsr.other_case_ids else None,
    )
    if icsr.nullification is not None:
        node = _characteristic(
            event, codes.CHARACTERISTIC_NULLIFICATION, "nullificationAmendmentCode"
        )
        typed(node, "value", "CE", code=icsr.nullification.value, codeSystem=codes.NULLIFICATION)
    if icsr.nullification_reason is not None:
        node = _characteristic(
            event, codes.CHARACTERISTIC_NULLIFICATION_REASON, "nullificationAmendmentReason"
        )
        text(typed(node, "value", "CE"), "originalText", icsr.nullification_reason)


def _characteristic(event: Element, code_value: str, display: str) -> Element:
    holder = sub(event, "subjectOf2", typeCode="SUBJ")
    node = sub(holder, "investigationCharacteristic", classCode="OBS", moodCode="EVN")
    code(node, code_value, codes.CHARACTERISTIC, display)
    return node


def _assessment(assessment: Element, icsr: Icsr, *, fda: bool) -> None:
    role = sub(sub(assessment, "subject1", typeCode="SBJ"), "primaryRole", classCode="INVSBJ")
    reaction_ids = _ids(icsr.report_id, "reaction", [reaction.id for reaction in icsr.reactions])
    drug_ids = _ids(icsr.report_id, "drug", [drug.id for drug in icsr.drugs])
    by_record = {
        reaction.id: written
        for reaction, written in reversed(list(zip(icsr.reactions, reaction_ids, strict=True)))
        if reaction.id is not None
    }
    for drug in icsr.drugs:
        for item in drug.assessments:
            if item.reaction_id not in by_record:
                raise ValueError(
                    f'drug "{drug.product_name}": an assessment names the reaction '
                    f'"{item.reaction_id}", which the ICSR does not hold'
                )
    write_patient(role, icsr.patient, icsr.study, fda=fda)
    write_reactions(role, icsr.reactions, reaction_ids, fda=fda)
    write_drugs(role, icsr.drugs, drug_ids)
    write_roles_and_assessments(assessment, icsr.drugs, drug_ids, by_record)
    _comment(assessment, icsr.reporter_comments, codes.AUTHOR_REPORTER, "sourceReporter")
    for diagnosis in icsr.sender_diagnoses:
        node = observation(
            assessment,
            "component1",
            codes.DIAGNOSIS,
            display="diagnosis",
            type_code="COMP",
            kind="observationEvent",
        )
        typed(
            node,
            "value",
            "CE",
            code=diagnosis.code,
            codeSystem=codes.MEDDRA,
            codeSystemVersion=diagnosis.version,
        )
        _author(node, codes.AUTHOR_SENDER, "sender")
    _comment(assessment, icsr.sender_comments, codes.AUTHOR_SENDER, "sender")


def _ids(report_id: str, kind: str, given: list[str | None]) -> list[str]:
    """The ids written: each record's own when it is an HL7 UID no other record shares, else
    a made one (a database key such as ``"12"`` is no UID)."""
    return [
        value
        if value and given.count(value) == 1 and _UID.fullmatch(value)
        else make_id(report_id, kind, str(index))
        for index, value in enumerate(given)
    ]


def _comment(assessment: Element, value: str | None, author: str, display: str) -> None:
    if value is None:
        return
    node = observation(
        assessment,
        "component1",
        codes.COMMENT,
        display="comment",
        type_code="COMP",
        kind="observationEvent",
    )
    free_text(node, value)
    _author(node, author, display)


def _author(node: Element, author: str, display: str) -> None:
    holder = sub(node, "author", typeCode="AUT")
    entity = sub(holder, "assignedEntity", classCode="ASSIGNED")
    code(entity, author, codes.AUTHOR_ROLE, display)


def _relations(event: Element, icsr: Icsr, *, fda: bool) -> None:
    """C.1.8.2, C.1.10.r and C.2.r: the reports this one relates to, and its sources."""
    investigation = _related(event)
    code(investigation, codes.INITIAL_REPORT, codes.REPORT_RELATION, "initialReport")
    entity = _author_entity(investigation)
    code(entity, icsr.first_sender.value, codes.FIRST_SENDER)
    for linked in icsr.linked_reports:
        investigation = _related(event)
        sub(investigation, "code", nullFlavor=NullFlavor.NA.value)
        act = sub(
            sub(investigation, "subjectOf2", typeCode="SUBJ"),
            "controlActEvent",
            classCode="CACT",
            moodCode="EVN",
        )
        sub(act, "id", root=codes.WORLDWIDE_ID, extension=linked)
    for source in icsr.primary_sources:
        investigation = _related(event, priority="1" if source.primary_for_regulatory else None)
        code(investigation, codes.SOURCE_REPORT, codes.REPORT_RELATION, "sourceReport")
        _primary_source(_author_entity(investigation), source, fda=fda)


def _related(event: Element, priority: str | None = None) -> Element:
    relation = sub(event, "outboundRelationship", typeCode="SPRT")
    if priority is not None:
        sub(relation, "priorityNumber", value=priority)
    return sub(relation, "relatedInvestigation", classCode="INVSTG", moodCode="EVN")


def _author_entity(investigation: Element) -> Element:
    act = sub(
        sub(investigation, "subjectOf2", typeCode="SUBJ"),
        "controlActEvent",
        classCode="CACT",
        moodCode="EVN",
    )
    author = sub(act, "author", typeCode="AUT")
    return sub(author, "assignedEntity", classCode="ASSIGNED")


def _address(
    entity: Element,
    street: str | NullFlavor | None,
    city: str | NullFlavor | None,
    state: str | NullFlavor | None,
    postcode: str | NullFlavor | None,
) -> None:
    if street is None and city is None and state is None and postcode is None:
        return
    address = sub(entity, "addr")
    text_or_null(address, "streetAddressLine", street)
    text_or_null(address, "city", city)
    text_or_null(address, "state", state)
    text_or_null(address, "postalCode", postcode)


def _telecoms(entity: Element, **addresses: str | NullFlavor | None) -> None:
    for scheme, value in addresses.items():
        if isinstance(value, NullFlavor):
            sub(entity, "telecom", nullFlavor=value.value)
        elif value:
            sub(entity, "telecom", value=f"{scheme}:{value}")


def _name(person: Element, *parts: tuple[str, str | NullFlavor | None]) -> None:
    if all(value is None for _, value in parts):
        return
    name = sub(person, "name")
    for index, (tag, value) in enumerate(parts):
        later = [other for other_tag, other in parts[index + 1 :] if other_tag == tag]
        if value is None and any(other is not None for other in later):
            sub(name, tag)  # keeps the middle name second (C.2.r.1.3 is the second given)
        else:
            text_or_null(name, tag, value)


def _organisation(
    entity: Element, department: str | NullFlavor | None, organisation: str | NullFlavor | None
) -> None:
    if department is None and organisation is None:
        return
    represented = sub(entity, "representedOrganization", classCode="ORG", determinerCode="INSTANCE")
    text_or_null(represented, "name", department)
    if organisation is not None:
        assigned = sub(represented, "assignedEntity", classCode="ASSIGNED")
        inner = sub(assigned, "representedOrganization", classCode="ORG", determinerCode="INSTANCE")
        text_or_null(inner, "name", organisation)


def _located(person: Element, country_code: str | None) -> None:
    if country_code:
        located = sub(person, "asLocatedEntity", classCode="LOCE")
        location = sub(located, "location", classCode="COUNTRY", determinerCode="INSTANCE")
        sub(location, "code", code=country_code, codeSystem=codes.COUNTRY)


def _primary_source(entity: Element, source: PrimarySource, *, fda: bool) -> None:
    _address(entity, source.street, source.city, source.state, source.postcode)
    _telecoms(entity, tel=source.telephone, mailto=source.email if fda else None)
    person = sub(entity, "assignedPerson", classCode="PSN", determinerCode="INSTANCE")
    _name(
        person,
        ("prefix", source.title),
        ("given", source.given_name),
        ("given", source.middle_name),
        ("family", source.family_name),
    )
    if isinstance(source.qualification, NullFlavor):
        qualified = sub(person, "asQualifiedEntity", classCode="QUAL")
        sub(qualified, "code", nullFlavor=source.qualification.value)
    elif source.qualification is not None:
        qualified = sub(person, "asQualifiedEntity", classCode="QUAL")
        code(qualified, source.qualification.value, codes.QUALIFICATION)
    _located(person, source.country)
    _organisation(entity, source.department, source.organisation)


def _sender(event: Element, sender: Sender) -> None:
    act = sub(
        sub(event, "subjectOf1", typeCode="SUBJ"),
        "controlActEvent",
        classCode="CACT",
        moodCode="EVN",
    )
    entity = sub(sub(act, "author", typeCode="AUT"), "assignedEntity", classCode="ASSIGNED")
    code(entity, sender.sender_type, codes.SENDER_TYPE)
    _address(entity, sender.street, sender.city, sender.state, sender.postcode)
    _telecoms(entity, tel=sender.telephone, fax=sender.fax, mailto=sender.email)
    person = sub(entity, "assignedPerson", classCode="PSN", determinerCode="INSTANCE")
    _name(
        person,
        ("prefix", sender.title),
        ("given", sender.given_name),
        ("given", sender.middle_name),
        ("family", sender.family_name),
    )
    _located(person, sender.country)
    _organisation(entity, sender.department, sender.organisation)
