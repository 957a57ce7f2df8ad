"""Reading one ``PORR_IN049016UV`` message into an :class:`Icsr`: N.2.r, C, H and the sections."""

from __future__ import annotations

from . import codes
from ._read import (
    Element,
    Reading,
    all_of,
    attribute,
    code_of,
    code_or_null,
    coded,
    first,
    flag,
    meddra_term,
    null_flavor,
    plain_coded,
    required_date,
    text,
    text_or_null,
)
from .read_drugs import read_drugs
from .read_patient import read_patient, read_reactions, read_study
from .records import (
    FirstSender,
    Icsr,
    MeddraTerm,
    MessageHeader,
    NullFlavor,
    Nullification,
    OtherCaseId,
    Patient,
    PrimarySource,
    Qualification,
    ReportType,
    Sender,
)

_EVENT = "h:controlActProcess/h:subject/h:investigationEvent"
_ASSESSMENT = "h:component/h:adverseEventAssessment"


def read_message(reading: Reading, message: Element) -> Icsr:
    """The ICSR of one message; raises :class:`E2BError` at the first unusable element."""
    event = first(message, _EVENT)
    if event is None:
        reading.fail(message, "the message holds no safety report (investigationEvent)", "C.1")
    report_id = attribute(event, f"h:id[@root='{codes.REPORT_ID}']", "extension")
    if report_id is None:
        reading.fail(
            event, "the safety report has no sender's safety report unique identifier", "C.1.1"
        )
    worldwide_id = attribute(event, f"h:id[@root='{codes.WORLDWIDE_ID}']", "extension")
    if worldwide_id is None:
        reading.fail(event, f'the report "{report_id}" has no worldwide unique case id', "C.1.8.1")
    assessment = first(event, _ASSESSMENT)
    role = first(assessment, "h:subject1/h:primaryRole")
    report_type = code_of(
        reading,
        _characteristic(event, codes.CHARACTERISTIC_REPORT_TYPE),
        ReportType,
        "the type of report",
        "C.1.3",
    )
    if report_type is None:
        reading.fail(event, f'the report "{report_id}" has no type of report', "C.1.3")
    comments = _comments(assessment)
    reactions = read_reactions(reading, role) if role is not None else ()
    reason = _characteristic(event, codes.CHARACTERISTIC_NULLIFICATION_REASON)
    return Icsr(
        message=_header(reading, message),
        report_id=report_id,
        created_at=required_date(
            reading,
            first(message, "h:controlActProcess/h:effectiveTime"),
            "the date of creation",
            "C.1.2",
            message,
        ),
        report_type=report_type,
        received_at=required_date(
            reading,
            first(event, "h:effectiveTime/h:low"),
            "the date the report was first received",
            "C.1.4",
            event,
        ),
        most_recent_at=required_date(
            reading,
            first(event, "h:availabilityTime"),
            "the date of the most recent information",
            "C.1.5",
            event,
        ),
        additional_documents=_component_flag(reading, event, codes.ADDITIONAL_DOCUMENTS, "C.1.6.1")
        is True,
        expedited=_component_flag(reading, event, codes.EXPEDITED, "C.1.7"),
        worldwide_id=worldwide_id,
        first_sender=code_of(
            reading,
            first(
                event,
                "h:outboundRelationship/h:relatedInvestigation[h:code/@code=$code]/h:subjectOf2"
                "/h:controlActEvent/h:author/h:assignedEntity/h:code",
                code=codes.INITIAL_REPORT,
            ),
            FirstSender,
            "the first sender",
            "C.1.8.2",
        )
        or FirstSender.OTHER,
        other_case_ids=tuple(
            OtherCaseId(source=node.get("assigningAuthorityName") or "", case_id=value)
            for node in all_of(
                event, f"h:subjectOf1/h:controlActEvent/h:id[@root='{codes.OTHER_CASE_ID}']"
            )
            if (value := (node.get("extension") or "").strip())
        ),
        linked_reports=tuple(
            value
            for node in all_of(
                event,
                "h:outboundRelationship/h:relatedInvestigation/h:subjectOf2/h:controlActEvent/h:id",
            )
            if (value := (node.get("extension") or "").strip())
        ),
        nullification=code_of(
            reading,
            _characteristic(event, codes.CHARACTERISTIC_NULLIFICATION),
            Nullification,
            "the nullification or amendment code",
            "C.1.11.1",
        ),
        nullification_reason=text(reason, "h:originalText"),
        primary_sources=_primary_sources(reading, event),
        sender=_sender(reading, event),
        literature=tuple(
            reference
            for node in all_of(event, "h:reference/h:document/h:bibliographicDesignationText")
            if (reference := text(node))
        ),
        study=read_study(reading, role) if role is not None else None,
        patient=read_patient(reading, role) if role is not None else Patient(),
        reactions=reactions,
        drugs=read_drugs(
            reading, assessment, role, {reaction.id for reaction in reactions if reaction.id}
        )
        if assessment is not None and role is not None
        else (),
        narrative=text(event, "h:text") or "",
        reporter_comments=comments.get(codes.AUTHOR_REPORTER),
        sender_diagnoses=_diagnoses(reading, assessment),
        sender_comments=comments.get(codes.AUTHOR_SENDER),
        fda_report_type=plain_coded(
            first(_component(event, codes.FDA_REPORT_TYPE_OBSERVATION, codes.NCI), "h:value")
        ),
        fda_combination_product=flag(
            reading,
            first(_component(event, codes.FDA_COMBINATION_PRODUCT, codes.NCI), "h:value"),
            "FDA.C.1.12",
        ),
    )


def _header(reading: Reading, message: Element) -> MessageHeader:
    return MessageHeader(
        message_id=attribute(message, "h:id", "extension") or "",
        sender_id=attribute(message, "h:sender/h:device/h:id", "extension") or "",
        receiver_id=attribute(message, "h:receiver/h:device/h:id", "extension") or "",
        created_at=required_date(
            reading,
            first(message, "h:creationTime"),
            "the date of message creation",
            "N.2.r.4",
            message,
        ),
    )


def _characteristic(event: Element, code: str) -> Element | None:
    found = coded(event, "h:subjectOf2/h:investigationCharacteristic", code, codes.CHARACTERISTIC)
    return first(found[0], "h:value") if found else None


def _component(event: Element, code: str, system: str = codes.OBSERVATION) -> Element | None:
    found = coded(event, "h:component/h:observationEvent", code, system)
    return found[0] if found else None


def _component_flag(reading: Reading, event: Element, code: str, data_element: str) -> bool | None:
    return flag(reading, first(_component(event, code), "h:value"), data_element)


def _comments(assessment: Element | None) -> dict[str, str]:
    """H.2 and H.4: comments told apart by their author (sender or reporter)."""
    comments: dict[str, str] = {}
    if assessment is None:
        return comments
    for node in coded(assessment, "h:component1/h:observationEvent", codes.COMMENT):
        author = attribute(node, "h:author/h:assignedEntity/h:code", "code")
        value = text(node, "h:value")
        if author and value and author not in comments:
            comments[author] = value
    return comments


def _diagnoses(reading: Reading, assessment: Element | None) -> tuple[MeddraTerm, ...]:
    if assessment is None:
        return ()
    terms = (
        meddra_term(reading, value, "the sender's diagnosis", "H.3.r.1b")
        for node in coded(assessment, "h:component1/h:observationEvent", codes.DIAGNOSIS)
        if (value := first(node, "h:value")) is not None
    )
    return tuple(term for term in terms if term is not None)


def _primary_sources(reading: Reading, event: Element) -> tuple[PrimarySource, ...]:
    sources: list[PrimarySource] = []
    for relation in all_of(event, "h:outboundRelationship"):
        investigation = coded(
            relation, "h:relatedInvestigation", codes.SOURCE_REPORT, codes.REPORT_RELATION
        )
        entity = first(
            investigation[0] if investigation else None,
            "h:subjectOf2/h:controlActEvent/h:author/h:assignedEntity",
        )
        if entity is None:
            continue
        person = first(entity, "h:assignedPerson")
        name = first(person, "h:name")
        telecoms = _telecoms(reading, entity)
        qualification = first(person, "h:asQualifiedEntity/h:code")
        sources.append(
            PrimarySource(
                title=text_or_null(reading, name, "h:prefix", "C.2.r.1.1"),
                given_name=text_or_null(reading, name, "h:given[1]", "C.2.r.1.2"),
                middle_name=text_or_null(reading, name, "h:given[2]", "C.2.r.1.3"),
                family_name=text_or_null(reading, name, "h:family", "C.2.r.1.4"),
                organisation=text_or_null(
                    reading,
                    entity,
                    "h:representedOrganization/h:assignedEntity/h:representedOrganization/h:name",
                    "C.2.r.2.1",
                ),
                department=text_or_null(
                    reading, entity, "h:representedOrganization/h:name", "C.2.r.2.2"
                ),
                street=_street(reading, entity),
                city=text_or_null(reading, entity, "h:addr/h:city", "C.2.r.2.4"),
                state=text_or_null(reading, entity, "h:addr/h:state", "C.2.r.2.5"),
                postcode=text_or_null(reading, entity, "h:addr/h:postalCode", "C.2.r.2.6"),
                telephone=telecoms.get("tel"),
                email=_plain(telecoms.get("mailto")),
                country=attribute(person, "h:asLocatedEntity/h:location/h:code", "code"),
                qualification=code_or_null(
                    reading, qualification, Qualification, "the qualification", "C.2.r.4"
                ),
                primary_for_regulatory=attribute(relation, "h:priorityNumber", "value") == "1",
            )
        )
    return tuple(sources)


def _street(reading: Reading, entity: Element) -> str | NullFlavor | None:
    """C.2.r.2.3 or C.3.4.1: the lines joined, or the one line's null flavor."""
    nodes = all_of(entity, "h:addr/h:streetAddressLine")
    if len(nodes) == 1 and (flavor := null_flavor(reading, nodes[0], "C.2.r.2.3")):
        return flavor
    lines = [value for node in nodes if (value := text(node))]
    return ", ".join(lines) or None


def _telecoms(reading: Reading, entity: Element) -> dict[str, str | NullFlavor]:
    """``tel:``, ``fax:`` and ``mailto:`` addresses by scheme (the first of each).

    A telecom with only a null flavor is the telephone's (C.2.r.2.7), the one
    ICH element a sender may mask.
    """
    found: dict[str, str | NullFlavor] = {}
    for node in all_of(entity, "h:telecom"):
        scheme, _, address = (node.get("value") or "").partition(":")
        flavor = null_flavor(reading, node, "C.2.r.2.7")
        if flavor is not None and "tel" not in found:
            found["tel"] = flavor
        elif address.strip() and scheme not in found:
            found[scheme] = address.strip()
    return found


def _sender(reading: Reading, event: Element) -> Sender | None:
    entity = first(event, "h:subjectOf1/h:controlActEvent/h:author/h:assignedEntity")
    if entity is None:
        return None
    name = first(entity, "h:assignedPerson/h:name")
    telecoms = _telecoms(reading, entity)
    return Sender(
        sender_type=attribute(entity, "h:code", "code") or "",
        organisation=text(
            entity,
            "h:representedOrganization/h:assignedEntity/h:representedOrganization/h:name",
        ),
        department=text(entity, "h:representedOrganization/h:name"),
        title=text(name, "h:prefix"),
        given_name=text(name, "h:given[1]"),
        middle_name=text(name, "h:given[2]"),
        family_name=text(name, "h:family"),
        street=_plain(_street(reading, entity)),
        city=text(entity, "h:addr/h:city"),
        state=text(entity, "h:addr/h:state"),
        postcode=text(entity, "h:addr/h:postalCode"),
        country=attribute(entity, "h:assignedPerson/h:asLocatedEntity/h:location/h:code", "code"),
        telephone=_plain(telecoms.get("tel")),
        fax=_plain(telecoms.get("fax")),
        email=_plain(telecoms.get("mailto")),
    )


def _plain(value: str | NullFlavor | None) -> str | None:
    """Where E2B allows no null flavor (the sender, an e-mail), one reads as nothing."""
    return value if isinstance(value, str) and not isinstance(value, NullFlavor) else None
