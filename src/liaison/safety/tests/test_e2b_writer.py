"""Writing E2B(R3) batches: schema-valid, FDA examples round-tripped, FDA elements on request."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from liaison.safety.e2b import (
    Assessment,
    Drug,
    E2BError,
    Icsr,
    NullFlavor,
    Patient,
    Reaction,
    read_icsrs,
    validate,
    write_batch,
)

from .e2b_factories import CREATED, FAERS, NS, batch_xml, full_icsr, minimal_icsr


def schema(shared_data: Path) -> Path:
    return shared_data / "e2b" / "schema"


def comparable(icsr: Icsr) -> Icsr:
    """The ICSR without what the writer makes anew: the message header and the XML ids."""
    reaction_ids = {reaction.id: index for index, reaction in enumerate(icsr.reactions)}
    return replace(
        icsr,
        message=None,
        reactions=tuple(replace(reaction, id=None) for reaction in icsr.reactions),
        drugs=tuple(
            replace(
                drug,
                id=None,
                assessments=tuple(
                    replace(item, reaction_id=str(reaction_ids[item.reaction_id]))
                    for item in drug.assessments
                ),
            )
            for drug in icsr.drugs
        ),
    )


@pytest.mark.shared_data
@pytest.mark.parametrize("file_name", FAERS)
@pytest.mark.parametrize("regional", [None, "fda"])
def test_every_fda_example_re_exports_valid_and_reads_back_the_same(
    shared_data: Path, file_name: str, regional: str | None
) -> None:
    path = shared_data / "e2b" / "r3" / file_name
    original = read_icsrs(path.open("rb"), name=file_name)

    xml = batch_xml(*original, regional=regional)
    again = read_icsrs(io.BytesIO(xml), name="export.xml")

    assert validate(xml, schema(shared_data)) == []
    assert [icsr.report_id for icsr in again] == [icsr.report_id for icsr in original]
    for before, after in zip(original, again, strict=True):
        assert [(r.meddra_code, r.verbatim, r.translation) for r in after.reactions] == [
            (r.meddra_code, r.verbatim, r.translation) for r in before.reactions
        ]
        assert [(d.product_name, d.role) for d in after.drugs] == [
            (d.product_name, d.role) for d in before.drugs
        ]
        if regional == "fda":
            assert comparable(after) == comparable(before)
        else:
            assert after.patient == replace(before.patient, fda_races=(), fda_ethnicity=None)


@pytest.mark.shared_data
@pytest.mark.parametrize("regional", [None, "fda"])
def test_an_icsr_built_in_code_validates_and_reads_back(
    shared_data: Path, regional: str | None
) -> None:
    built = [minimal_icsr(), full_icsr()]

    xml = batch_xml(*built, regional=regional)

    assert validate(xml, schema(shared_data)) == []
    again = read_icsrs(io.BytesIO(xml), name="built.xml")
    assert comparable(again[0]) == comparable(built[0])
    if regional == "fda":
        assert comparable(again[1]) == comparable(built[1])


@pytest.mark.shared_data
def test_a_broken_batch_gives_readable_errors_with_lines(shared_data: Path) -> None:
    tree = etree.fromstring(batch_xml(minimal_icsr()))
    event = tree.find(".//h:investigationEvent", namespaces=NS)
    assert event is not None
    code = event.find("h:code", namespaces=NS)
    assert code is not None
    event.remove(code)
    etree.SubElement(tree, "{urn:hl7-org:v3}unexpected")
    broken = etree.tostring(tree)
    lines = {
        etree.QName(element).localname: element.sourceline
        for element in etree.fromstring(broken).iter()
        if etree.QName(element).localname in ("text", "unexpected")
    }

    errors = validate(broken, schema(shared_data))

    assert errors == [
        f"line {lines['text']}: Element 'text': This element is not expected. "
        "Expected is one of ( id, code ).",
        f"line {lines['unexpected']}: Element 'unexpected': This element is not expected. "
        "Expected is ( attentionLine ).",
    ]


@pytest.mark.shared_data
def test_validation_of_xml_that_is_not_well_formed_names_the_line(shared_data: Path) -> None:
    errors = validate(b"<MCCI_IN200100UV01>\n<id>\n</MCCI_IN200100UV01>", schema(shared_data))

    assert len(errors) == 1
    assert errors[0].startswith("line 3: not well-formed XML")


def test_validation_without_the_schema_set_says_where_it_looked(tmp_path: Path) -> None:
    with pytest.raises(E2BError, match=r"MCCI_IN200100UV01\.xsd"):
        validate(batch_xml(), tmp_path)


def test_a_masked_patient_name_is_written_as_msk_and_never_in_clear() -> None:
    icsr = replace(minimal_icsr(), patient=Patient(name="QZXJ", masked=True))

    xml = batch_xml(icsr)

    assert b"QZXJ" not in xml
    player = etree.fromstring(xml).find(".//h:player1/h:name", namespaces=NS)
    assert player is not None
    assert player.get("nullFlavor") == NullFlavor.MSK.value


def test_fda_elements_are_written_only_when_asked() -> None:
    icsr = full_icsr()
    race = icsr.patient.fda_races[0].code.encode()
    ind = (icsr.study.fda_ind_number or "").encode() if icsr.study else b""

    plain = batch_xml(icsr)
    fda = batch_xml(icsr, regional="fda")

    for marker in (race, ind, b"C54588", b"C156384", b"mailto:ada@example.org"):
        assert marker not in plain
        assert marker in fda


def test_seriousness_is_true_or_no_information_never_false() -> None:
    xml = batch_xml(minimal_icsr())
    values = etree.fromstring(xml).xpath(
        "//h:observation[h:code/@code='34']/h:value", namespaces=NS
    )

    assert isinstance(values, list)
    assert [(value.get("value"), value.get("nullFlavor")) for value in values] == [(None, "NI")]


def test_control_characters_xml_cannot_hold_are_dropped() -> None:
    icsr = replace(minimal_icsr(), narrative="Rash\x0con day 2.\x00", reporter_comments="ok\x1b")

    again = read_icsrs(io.BytesIO(batch_xml(icsr)), name="pasted.xml")[0]

    assert (again.narrative, again.reporter_comments) == ("Rashon day 2.", "ok")


def test_the_same_icsrs_give_the_same_bytes() -> None:
    assert batch_xml(full_icsr(), minimal_icsr()) == batch_xml(full_icsr(), minimal_icsr())


def test_ids_that_are_no_hl7_uid_are_replaced_and_assessments_follow() -> None:
    reaction = Reaction(id="12", meddra_version="26.1", meddra_code="10037844")
    drug = Drug(
        id="12",
        role=minimal_icsr().drugs[0].role,
        product_name="Liaisonib",
        assessments=(Assessment(reaction_id="12", result="Related"),),
    )
    xml = batch_xml(replace(minimal_icsr(), reactions=(reaction,), drugs=(drug,)))

    again = read_icsrs(io.BytesIO(xml), name="ids.xml")[0]

    assert again.reactions[0].id != "12"
    assert again.drugs[0].assessments[0].reaction_id == again.reactions[0].id


def test_an_assessment_of_a_reaction_not_in_the_report_is_refused() -> None:
    drug = replace(
        minimal_icsr().drugs[0], assessments=(Assessment(reaction_id="missing", result="Related"),)
    )

    with pytest.raises(ValueError, match='"missing"'):
        batch_xml(replace(minimal_icsr(), drugs=(drug,)))


def test_a_batch_needs_icsrs_and_a_known_region() -> None:
    with pytest.raises(ValueError, match="at least one ICSR"):
        write_batch(
            [], io.BytesIO(), batch_id="B", sender_id="S", receiver_id="R", created_at=CREATED
        )
    with pytest.raises(ValueError, match="'ema'"):
        batch_xml(minimal_icsr(), regional="ema")
