"""Bad E2B input: each refusal names the file, line and E2B element; nothing is half-read."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from liaison.safety.e2b import E2BError, PartialDate, Patient, read_icsrs, sniff

from .e2b_factories import NS, ack_xml, batch_xml, full_icsr, minimal_icsr, negative_ack

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<MCCI_IN200100UV01 xmlns="urn:hl7-org:v3">&lol9;</MCCI_IN200100UV01>
"""


def line_of(xml: bytes, needle: bytes, occurrence: int = 1) -> int:
    """The line of the ``occurrence``-th line holding ``needle``."""
    lines = [number for number, text in enumerate(xml.splitlines(), 1) if needle in text]
    return lines[occurrence - 1]


def refusal(xml: bytes, name: str = "case.xml", **options: object) -> E2BError:
    with pytest.raises(E2BError) as caught:
        read_icsrs(io.BytesIO(xml), name=name, **options)  # type: ignore[arg-type]
    return caught.value


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "not XML: the file is empty"),
        (b"patient initials,reaction\nJD,rash\n", "not XML"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "not XML"),
    ],
)
def test_what_is_not_xml_is_refused(content: bytes, reason: str) -> None:
    error = refusal(content, name="upload.csv")

    assert str(error).startswith(f"upload.csv: {reason}")


def test_a_truncated_file_names_the_line_where_it_stops() -> None:
    whole = batch_xml(full_icsr())
    cut = whole[: len(whole) // 2]

    error = refusal(cut, name="cut.xml")

    assert error.line == cut.count(b"\n") + 1
    assert "truncated" in error.reason


def test_xml_that_is_not_well_formed_names_its_line() -> None:
    xml = batch_xml().replace(b"<statusCode", b"<status Code", 1)

    error = refusal(xml)

    assert error.line == line_of(xml, b"<status Code")
    assert error.reason.startswith("not well-formed XML")


def test_an_e2b_r2_file_is_not_taken_for_r3() -> None:
    xml = b'<?xml version="1.0"?>\n<ichicsr lang="en"><safetyreport/></ichicsr>'

    assert "E2B(R2) file (<ichicsr>), not E2B(R3)" in str(refusal(xml))


@pytest.mark.shared_data
def test_the_shared_e2b_r2_file_is_refused(shared_data: Path) -> None:
    path = shared_data / "e2b" / "r2" / "openfda_faers_event.xml"

    with pytest.raises(E2BError, match=r"not E2B\(R3\)"):
        sniff(path.open("rb"), name=path.name)


def test_another_hl7_message_is_named_for_what_it_is() -> None:
    xml = b'<PRPA_IN201305UV02 xmlns="urn:hl7-org:v3" ITSVersion="XML_1.0"/>'

    assert "another HL7 v3 message (<PRPA_IN201305UV02>)" in str(refusal(xml))


def test_an_e2b_root_outside_the_hl7_namespace_is_refused() -> None:
    assert "not in the HL7 v3 namespace" in str(refusal(b"<MCCI_IN200100UV01/>"))


def test_an_acknowledgement_given_as_icsrs_points_to_import_ack() -> None:
    error = refusal(ack_xml(negative_ack()), name="ack.xml")

    assert str(error) == (
        "ack.xml: this is an acknowledgement file (MCCI_IN200101UV01), not an ICSR batch: "
        "use import-ack"
    )


def test_a_report_without_its_safety_report_id_names_c_1_1() -> None:
    icsr = minimal_icsr()
    xml = batch_xml(icsr).replace(
        f'<id root="2.16.840.1.113883.3.989.2.1.3.1" extension="{icsr.report_id}"/>'.encode(), b""
    )

    error = refusal(xml)

    assert error.element == "C.1.1"
    assert error.line == line_of(xml, b"<investigationEvent")


def test_a_meddra_code_not_8_digits_is_refused_at_its_line() -> None:
    xml = batch_xml(minimal_icsr(llt="1003784"))

    error = refusal(xml, name="FAERS.xml")

    line = line_of(xml, b'code="1003784"')
    assert str(error) == (
        f'FAERS.xml, line {line}: the reaction\'s MedDRA code "1003784" is not 8 digits (E.i.2.1b)'
    )


def test_an_indication_code_not_8_digits_is_refused() -> None:
    xml = batch_xml(full_icsr()).replace(b'code="10050576"', b'code="A0050576"')

    error = refusal(xml)

    assert (error.element, error.line) == ("G.k.7.r.2b", line_of(xml, b'code="A0050576"'))


@pytest.mark.parametrize("born", ["20300101", "2030"])
def test_a_date_of_birth_in_the_future_is_refused(born: str) -> None:
    xml = batch_xml(replace(minimal_icsr(), patient=Patient(birth_date=PartialDate(born))))

    error = refusal(xml, today=dt.date(2029, 12, 31))

    assert str(error).endswith(f'the date of birth "{born}" is in the future (D.2.1)')
    assert error.line == line_of(xml, b"<birthTime")


@pytest.mark.parametrize(
    ("written", "reason"),
    [("2024-02-20", "is not an E2B date"), ("20240230", "is not a real calendar date")],
)
def test_a_bad_date_is_refused_with_its_element(written: str, reason: str) -> None:
    xml = batch_xml(full_icsr()).replace(
        b'<low value="20240220"/>', f'<low value="{written}"/>'.encode()
    )

    error = refusal(xml)

    assert (error.element, error.line) == ("E.i.4", line_of(xml, written.encode()))
    assert f'"{written}" {reason}' in error.reason


def test_a_code_outside_its_list_is_refused() -> None:
    xml = batch_xml().replace(
        b'code="1" codeSystem="2.16.840.1.113883.3.989.2.1.1.13"',
        b'code="7" codeSystem="2.16.840.1.113883.3.989.2.1.1.13"',
    )

    error = refusal(xml)

    assert error.element == "G.k.1"
    assert 'the drug\'s role "7" is not one of 1, 2, 3, 4' in error.reason


def test_a_weight_that_is_no_number_is_refused() -> None:
    xml = batch_xml(full_icsr()).replace(b'value="71.5" unit="kg"', b'value="heavy" unit="kg"')

    assert refusal(xml).element == "D.3"


def test_an_unknown_null_flavor_is_refused() -> None:
    xml = batch_xml(full_icsr()).replace(b'nullFlavor="ASKU"', b'nullFlavor="MAYBE"', 1)

    assert '"MAYBE" is not one E2B allows' in refusal(xml).reason


def test_one_bad_message_refuses_the_whole_batch() -> None:
    xml = batch_xml(
        minimal_icsr("US-LIAISON-0001"),
        minimal_icsr("US-LIAISON-0002", llt="123"),
        minimal_icsr("US-LIAISON-0003"),
    )

    error = refusal(xml)

    assert error.line == line_of(xml, b'code="123"')
    assert error.line > line_of(xml, b"<PORR_IN049016UV", occurrence=2)


def test_a_billion_laughs_is_refused_before_any_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("the parser was reached")

    monkeypatch.setattr(etree, "iterparse", no_parsing)

    error = refusal(BILLION_LAUGHS, name="bomb.xml")

    assert error.line == 2
    assert "DOCTYPE" in error.reason
    assert "XML bomb" in error.reason


def test_an_external_entity_is_refused() -> None:
    xxe = (
        b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        b'<MCCI_IN200100UV01 xmlns="urn:hl7-org:v3">&x;</MCCI_IN200100UV01>'
    )

    assert "DOCTYPE" in refusal(xxe).reason


def test_a_file_over_the_size_limit_is_refused_unread() -> None:
    xml = batch_xml()

    error = refusal(xml, max_bytes=len(xml) - 1)

    assert error.reason == f"the file is larger than the limit of {(len(xml) - 1) / 1024:.0f} KB"


def test_an_unreadable_file_of_an_unknown_kind_is_named() -> None:
    with pytest.raises(E2BError, match="the root element is <html>"):
        sniff(io.BytesIO(b"<!-- page -->\n<html><body/></html>"), name="page.html")


def _assessment_references(tree: etree._Element, kind: str) -> list[etree._Element]:
    found = tree.xpath(f"//h:causalityAssessment[h:code/@code='39']//h:{kind}/h:id", namespaces=NS)
    assert isinstance(found, list)
    return [node for node in found if isinstance(node, etree._Element)]


def test_an_assessment_of_an_unknown_reaction_is_refused_where_ids_are_sound() -> None:
    tree = etree.fromstring(batch_xml(full_icsr()))
    _assessment_references(tree, "adverseEffectReference")[0].set("root", "nowhere")
    xml = etree.tostring(tree)

    error = refusal(xml)

    assert error.element == "G.k.9.i.2.r"
    assert 'names the reaction "nowhere"' in error.reason


def test_where_drug_ids_are_broken_roles_join_in_order_and_lost_assessments_are_left_out() -> None:
    """As in FDA example 5-3: one drug id written twice, a role naming an id no drug has."""
    tree = etree.fromstring(batch_xml(full_icsr()))
    drugs = tree.xpath(
        "//h:organizer[h:code/@code='4']/h:component/h:substanceAdministration/h:id",
        namespaces=NS,
    )
    roles = tree.xpath(
        "//h:causalityAssessment[h:code/@code='20']//h:productUseReference/h:id", namespaces=NS
    )
    assert isinstance(drugs, list) and isinstance(roles, list)
    for node in [*drugs, roles[0]]:
        assert isinstance(node, etree._Element)
        node.set("root", "shared-id" if node in drugs else "no-such-drug")
    _assessment_references(tree, "productUseReference")[0].set("root", "no-such-drug")

    icsr = read_icsrs(io.BytesIO(etree.tostring(tree)), name="broken-ids.xml")[0]

    assert [drug.role for drug in icsr.drugs] == [drug.role for drug in full_icsr().drugs]
    assert [drug.assessments for drug in icsr.drugs] == [(), ()]
