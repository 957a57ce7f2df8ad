"""Reading section G.k of an ICSR: the drugs, their doses, indications, roles and assessments.

A drug's role (G.k.1) and its drug-reaction assessments (G.k.9.i.2.r) are not
inside the drug: they are ``causalityAssessment`` components of the
``adverseEventAssessment`` that point at the drug's id, so they are gathered
first and joined to each drug by that id.

Where the ids are broken (FDA example 5-3 writes one drug id twice and gives a
role to an id no drug has), roles are joined in order and an assessment whose
drug or reaction id matches nothing is left out: its target cannot be known.
Where the ids are sound, such an assessment is an error.
"""

from __future__ import annotations

from collections import defaultdict

from . import codes
from ._read import (
    Element,
    Reading,
    all_of,
    attribute,
    code_of,
    coded,
    date,
    first,
    meddra_code,
    quantity,
    text,
)
from .records import (
    ActionTaken,
    Assessment,
    Dosage,
    Drug,
    DrugRole,
    Indication,
    ProductCode,
    Substance,
)

_CAUSALITY = "h:component/h:causalityAssessment"
_DRUG_REFERENCE = "h:subject2/h:productUseReference/h:id"


def read_drugs(
    reading: Reading, assessment: Element, role: Element, reaction_ids: set[str]
) -> tuple[Drug, ...]:
    """G.k from ``primaryRole`` (the drugs) and ``adverseEventAssessment`` (roles, assessments)."""
    nodes = [
        node
        for organizer in coded(
            role, "h:subjectOf2/h:organizer", codes.DRUG_INFORMATION, codes.ORGANIZER
        )
        for node in all_of(organizer, "h:component/h:substanceAdministration")
    ]
    ids = [attribute(node, "h:id", "root") for node in nodes]
    roles, ids_sound = _roles(reading, assessment, nodes, ids)
    assessments: dict[str, list[Assessment]] = defaultdict(list)
    for named, item, node in _assessments(reading, assessment):
        missing = (
            f'the drug "{named}"'
            if named not in ids
            else f'the reaction "{item.reaction_id}"'
            if item.reaction_id not in reaction_ids
            else None
        )
        if missing is None:
            assessments[named].append(item)
        elif ids_sound:
            reading.fail(
                node,
                f"a drug-reaction assessment names {missing}, not in the report",
                "G.k.9.i.2.r",
            )
    taken: set[str] = set()
    drugs: list[Drug] = []
    for node, drug_id, drug_role in zip(nodes, ids, roles, strict=True):
        # An id written twice (as in an FDA example) gets its assessments once.
        mine = assessments.get(drug_id, []) if drug_id and drug_id not in taken else []
        taken.add(drug_id or "")
        drugs.append(_drug(reading, node, drug_id, drug_role, tuple(mine)))
    return tuple(drugs)


def _roles(
    reading: Reading, assessment: Element, nodes: list[Element], ids: list[str | None]
) -> tuple[list[DrugRole], bool]:
    """G.k.1 of each drug, and whether the ids were sound enough to join them by id.

    When the ids do not tell the drugs apart but there is one characterisation
    per drug, they are joined in order, which is how every example writes them.
    """
    entries: list[tuple[str | None, DrugRole, Element]] = []
    for node in coded(assessment, _CAUSALITY, codes.DRUG_ROLE_OBSERVATION):
        drug_role = code_of(reading, first(node, "h:value"), DrugRole, "the drug's role", "G.k.1")
        if drug_role is None:
            reading.fail(node, "a drug characterisation gives no role", "G.k.1")
        entries.append((attribute(node, _DRUG_REFERENCE, "root"), drug_role, node))
    by_id = {drug_id: drug_role for drug_id, drug_role, _ in entries}
    if (
        len(set(ids)) == len(ids)
        and len(by_id) == len(entries)
        and all(drug_id in by_id for drug_id in ids)
    ):
        return [by_id[drug_id] for drug_id in ids], True
    if len(entries) == len(nodes):
        return [drug_role for _, drug_role, _ in entries], False
    for node, drug_id in zip(nodes, ids, strict=True):
        if drug_id not in by_id:
            reading.fail(
                node, "the drug has no characterisation (suspect, concomitant...)", "G.k.1"
            )
    reading.fail(assessment, "the drug characterisations do not match the drugs", "G.k.1")


def _assessments(reading: Reading, assessment: Element) -> list[tuple[str, Assessment, Element]]:
    """G.k.9.i.2.r: each assessment with the drug id it names and its element."""
    found: list[tuple[str, Assessment, Element]] = []
    for node in coded(assessment, _CAUSALITY, codes.CAUSALITY):
        drug_id = attribute(node, _DRUG_REFERENCE, "root")
        reaction_id = attribute(node, "h:subject1/h:adverseEffectReference/h:id", "root")
        if drug_id is None or reaction_id is None:
            reading.fail(
                node, "a drug-reaction assessment names no drug or no reaction", "G.k.9.i.2.r"
            )
        item = Assessment(
            reaction_id=reaction_id,
            source=text(node, "h:author/h:assignedEntity/h:code/h:originalText"),
            method=text(node, "h:methodCode/h:originalText"),
            result=text(node, "h:value"),
        )
        found.append((drug_id, item, node))
    return found


def _drug(
    reading: Reading,
    node: Element,
    drug_id: str | None,
    role: DrugRole,
    assessments: tuple[Assessment, ...],
) -> Drug:
    product = first(node, "h:consumable/h:instanceOfKind/h:kindOfProduct")
    name = text(product, "h:name")
    if name is None:
        reading.fail(node, "the drug has no product name", "G.k.2.2")
    approval = first(product, "h:asManufacturedProduct/h:subjectOf/h:approval")
    action = first(node, "h:inboundRelationship[@typeCode='CAUS']/h:act/h:code")
    return Drug(
        id=drug_id,
        role=role,
        product_name=name,
        product_code=_product_code(first(product, "h:code")),
        substances=tuple(
            _substance(reading, ingredient) for ingredient in all_of(product, "h:ingredient")
        ),
        country_obtained=text(
            node,
            "h:consumable/h:instanceOfKind/h:subjectOf/h:productEvent/h:performer"
            "/h:assignedEntity/h:representedOrganization/h:addr/h:country",
        ),
        authorisation_number=attribute(approval, "h:id", "extension"),
        authorisation_country=attribute(
            approval, "h:author/h:territorialAuthority/h:territory/h:code", "code"
        ),
        authorisation_holder=text(approval, "h:holder/h:role/h:playingOrganization/h:name"),
        dosages=tuple(
            _dosage(reading, dosage)
            for dosage in all_of(
                node, "h:outboundRelationship2[@typeCode='COMP']/h:substanceAdministration"
            )
        ),
        indications=tuple(
            _indication(reading, indication)
            for indication in coded(node, "h:inboundRelationship/h:observation", codes.INDICATION)
        ),
        action_taken=code_of(reading, action, ActionTaken, "the action taken", "G.k.8"),
        assessments=assessments,
    )


def _product_code(node: Element | None) -> ProductCode | None:
    if node is None or not node.get("code"):
        return None
    return ProductCode(
        code=(node.get("code") or "").strip(),
        system=(node.get("codeSystem") or "").strip(),
        version=node.get("codeSystemVersion"),
    )


def _substance(reading: Reading, ingredient: Element) -> Substance:
    name = text(ingredient, "h:ingredientSubstance/h:name")
    if name is None:
        reading.fail(ingredient, "the drug's substance has no name", "G.k.2.3.r.1")
    return Substance(
        name=name,
        strength=quantity(reading, first(ingredient, "h:quantity/h:numerator"), "G.k.2.3.r.3"),
    )


def _dosage(reading: Reading, node: Element) -> Dosage:
    timing = first(node, "h:effectiveTime")
    start = date(reading, first(timing, ".//h:low"), "G.k.4.r.4")
    if start is None and timing is not None and len(timing) == 0:
        start = date(reading, timing, "G.k.4.r.4")  # the whole period's null flavor
    route = first(node, "h:routeCode")
    return Dosage(
        dose=quantity(reading, first(node, "h:doseQuantity"), "G.k.4.r.1"),
        frequency=quantity(reading, first(timing, ".//h:period"), "G.k.4.r.2"),
        start=start,
        end=date(reading, first(timing, ".//h:high"), "G.k.4.r.5"),
        duration=quantity(reading, first(timing, ".//h:width"), "G.k.4.r.6"),
        batch_number=text(
            node, "h:consumable/h:instanceOfKind/h:productInstanceInstance/h:lotNumberText"
        ),
        text=text(node, "h:text"),
        dose_form=text(
            node, "h:consumable/h:instanceOfKind/h:kindOfProduct/h:formCode/h:originalText"
        ),
        route=text(route, "h:originalText"),
        route_code=route.get("code") if route is not None else None,
        route_code_version=route.get("codeSystemVersion") if route is not None else None,
    )


def _indication(reading: Reading, node: Element) -> Indication:
    value = first(node, "h:value")
    code = (
        meddra_code(reading, value, "the indication", "G.k.7.r.2b")
        if value is not None and value.get("code")
        else None
    )
    return Indication(
        text=text(value, "h:originalText") if value is not None else None,
        meddra_version=value.get("codeSystemVersion") if code and value is not None else None,
        meddra_code=code,
    )
