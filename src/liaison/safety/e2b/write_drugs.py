"""Writing section G.k of an ICSR: the drugs, and their roles and assessments.

The drugs go in ``primaryRole`` (an organizer of ``substanceAdministration``);
their roles (G.k.1) and drug-reaction assessments (G.k.9.i.2.r) go in the
``adverseEventAssessment`` as ``causalityAssessment`` components pointing at
each drug's id, as the ICH reference instance and the FDA examples write them.
"""

from __future__ import annotations

from . import codes
from ._build import (
    Element,
    code,
    country,
    free_text,
    number,
    observation,
    quantity,
    sub,
    text,
    time,
    typed,
)
from .records import Dosage, Drug
from .write_patient import write_timing


def write_drugs(role: Element, drugs: tuple[Drug, ...], ids: list[str]) -> None:
    """G.k into ``primaryRole``, each drug with the id ``ids`` gives it."""
    if not drugs:
        return
    holder = sub(role, "subjectOf2", typeCode="SBJ")
    organizer = sub(holder, "organizer", classCode="CATEGORY", moodCode="EVN")
    code(organizer, codes.DRUG_INFORMATION, codes.ORGANIZER, "drugInformation")
    for drug, drug_id in zip(drugs, ids, strict=True):
        component = sub(organizer, "component", typeCode="COMP")
        node = sub(component, "substanceAdministration", classCode="SBADM", moodCode="EVN")
        sub(node, "id", root=drug_id)
        _product(node, drug)
        for dosage in drug.dosages:
            relation = sub(node, "outboundRelationship2", typeCode="COMP")
            _dosage(relation, dosage)
        for indication in drug.indications:
            found = observation(
                node,
                "inboundRelationship",
                codes.INDICATION,
                display="indication",
                type_code="RSON",
            )
            value = typed(
                found,
                "value",
                "CE",
                code=indication.meddra_code,
                codeSystem=codes.MEDDRA,
                codeSystemVersion=indication.meddra_version if indication.meddra_code else None,
            )
            text(value, "originalText", indication.text)
            performer = sub(found, "performer", typeCode="PRF")
            entity = sub(performer, "assignedEntity", classCode="ASSIGNED")
            code(entity, codes.AUTHOR_REPORTER, codes.AUTHOR_ROLE, "sourceReporter")
        if drug.action_taken is not None:
            relation = sub(node, "inboundRelationship", typeCode="CAUS")
            act = sub(relation, "act", classCode="ACT", moodCode="EVN")
            code(act, drug.action_taken.value, codes.ACTION_TAKEN)


def _product(node: Element, drug: Drug) -> None:
    consumable = sub(node, "consumable", typeCode="CSM")
    instance = sub(consumable, "instanceOfKind", classCode="INST")
    product = sub(instance, "kindOfProduct", classCode="MMAT", determinerCode="KIND")
    if drug.product_code is not None:
        sub(
            product,
            "code",
            code=drug.product_code.code,
            codeSystem=drug.product_code.system,
            codeSystemVersion=drug.product_code.version,
        )
    text(product, "name", drug.product_name)
    if drug.authorisation_number or drug.authorisation_holder or drug.authorisation_country:
        manufactured = sub(product, "asManufacturedProduct", classCode="MANU")
        subject = sub(manufactured, "subjectOf", typeCode="SBJ")
        approval = sub(subject, "approval", classCode="CNTRCT", moodCode="EVN")
        if drug.authorisation_number:
            sub(
                approval, "id", root=codes.AUTHORISATION_NUMBER, extension=drug.authorisation_number
            )
        if drug.authorisation_holder:
            holder = sub(approval, "holder", typeCode="HLD")
            holder_role = sub(holder, "role", classCode="HLD")
            organisation = sub(
                holder_role, "playingOrganization", classCode="ORG", determinerCode="INSTANCE"
            )
            text(organisation, "name", drug.authorisation_holder)
        if drug.authorisation_country:
            author = sub(approval, "author", typeCode="AUT")
            authority = sub(author, "territorialAuthority", classCode="TERR")
            territory = sub(authority, "territory", classCode="NAT", determinerCode="INSTANCE")
            country(territory, drug.authorisation_country)
    for substance in drug.substances:
        ingredient = sub(product, "ingredient", classCode="ACTI")
        if substance.strength is not None:
            amount = sub(ingredient, "quantity")
            quantity(amount, "numerator", substance.strength)
            sub(amount, "denominator", value="1", unit="1")
        ingredient_substance = sub(
            ingredient, "ingredientSubstance", classCode="MMAT", determinerCode="KIND"
        )
        text(ingredient_substance, "name", substance.name)
    if drug.country_obtained:
        subject = sub(instance, "subjectOf", typeCode="SBJ")
        event = sub(subject, "productEvent", classCode="ACT", moodCode="EVN")
        code(event, "1", codes.PRODUCT_EVENT, "retailSupply")
        performer = sub(event, "performer", typeCode="PRF")
        entity = sub(performer, "assignedEntity", classCode="ASSIGNED")
        organisation = sub(
            entity, "representedOrganization", classCode="ORG", determinerCode="INSTANCE"
        )
        address = sub(organisation, "addr")
        text(address, "country", drug.country_obtained)


def _dosage(relation: Element, dosage: Dosage) -> None:
    node = sub(relation, "substanceAdministration", classCode="SBADM", moodCode="EVN")
    text(node, "text", dosage.text)
    if dosage.frequency is not None and (
        dosage.start is not None or dosage.end is not None or dosage.duration is not None
    ):
        timing = typed(node, "effectiveTime", "SXPR_TS")
        period = typed(timing, "comp", "PIVL_TS")
        quantity(period, "period", dosage.frequency)
        _operand(timing, dosage)
    elif dosage.frequency is not None:
        quantity(typed(node, "effectiveTime", "PIVL_TS"), "period", dosage.frequency)
    else:
        write_timing(node, dosage.start, dosage.end, dosage.duration)
    if dosage.route or dosage.route_code:
        route = sub(
            node,
            "routeCode",
            code=dosage.route_code,
            codeSystem=codes.ROUTE if dosage.route_code else None,
            codeSystemVersion=dosage.route_code_version if dosage.route_code else None,
        )
        text(route, "originalText", dosage.route)
    if dosage.dose is not None:
        sub(node, "doseQuantity", value=number(dosage.dose.value), unit=dosage.dose.unit)
    if dosage.batch_number or dosage.dose_form:
        consumable = sub(node, "consumable", typeCode="CSM")
        instance = sub(consumable, "instanceOfKind", classCode="INST")
        if dosage.batch_number:
            lot = sub(
                instance, "productInstanceInstance", classCode="MMAT", determinerCode="INSTANCE"
            )
            text(lot, "lotNumberText", dosage.batch_number)
        if dosage.dose_form:
            product = sub(instance, "kindOfProduct", classCode="MMAT", determinerCode="KIND")
            form = sub(product, "formCode", codeSystem=codes.DOSE_FORM)
            text(form, "originalText", dosage.dose_form)


def _operand(timing: Element, dosage: Dosage) -> None:
    """The period of a dosage given with a frequency: components intersected with it."""
    if dosage.start is not None or dosage.end is not None:
        period = typed(timing, "comp", "IVL_TS", operator="A")
        time(period, "low", dosage.start)
        time(period, "high", dosage.end)
    if dosage.duration is not None:
        width = typed(timing, "comp", "IVL_TS", operator="A")
        quantity(width, "width", dosage.duration)


def write_roles_and_assessments(
    assessment: Element, drugs: tuple[Drug, ...], ids: list[str], reaction_ids: dict[str, str]
) -> None:
    """G.k.1 and G.k.9.i.2.r as ``causalityAssessment`` components of ``adverseEventAssessment``.

    ``reaction_ids`` maps the reaction ids the records use to those written.
    """
    for drug, drug_id in zip(drugs, ids, strict=True):
        node = observation(
            assessment,
            "component",
            codes.DRUG_ROLE_OBSERVATION,
            display="interventionCharacterization",
            type_code="COMP",
            kind="causalityAssessment",
        )
        typed(node, "value", "CE", code=drug.role.value, codeSystem=codes.DRUG_ROLE)
        _drug_reference(node, drug_id)
    for drug, drug_id in zip(drugs, ids, strict=True):
        for item in drug.assessments:
            node = observation(
                assessment,
                "component",
                codes.CAUSALITY,
                display="causality",
                type_code="COMP",
                kind="causalityAssessment",
            )
            free_text(node, item.result, "ST")
            if item.method is not None:
                method = sub(node, "methodCode")
                text(method, "originalText", item.method)
            if item.source is not None:
                author = sub(node, "author", typeCode="AUT")
                entity = sub(author, "assignedEntity", classCode="ASSIGNED")
                source = sub(entity, "code")
                text(source, "originalText", item.source)
            subject = sub(node, "subject1", typeCode="SUBJ")
            reference = sub(subject, "adverseEffectReference", classCode="OBS", moodCode="EVN")
            sub(reference, "id", root=reaction_ids[item.reaction_id])
            _drug_reference(node, drug_id)


def _drug_reference(node: Element, drug_id: str) -> None:
    subject = sub(node, "subject2", typeCode="SUBJ")
    reference = sub(subject, "productUseReference", classCode="SBADM", moodCode="EVN")
    sub(reference, "id", root=drug_id)
