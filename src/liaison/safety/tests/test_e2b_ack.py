"""Reading E2B(R3) acknowledgements: the FDA's positive example and negative ones built here."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from liaison.safety.e2b import AckCode, E2BError, MessageAck, read_ack, validate

from .e2b_factories import NS, ack_xml, batch_xml, negative_ack

ACK_BATCH = "/h:MCCI_IN200101UV01"
ACK_MESSAGE = f"{ACK_BATCH}/h:MCCI_IN000002UV01"


def texts(tree: etree._ElementTree, path: str) -> list[str]:
    found = tree.xpath(path, namespaces=NS)
    assert isinstance(found, list)
    return [str(item).strip() for item in found]


@pytest.mark.shared_data
def test_the_fda_positive_acknowledgement_reads_as_accepted(shared_data: Path) -> None:
    path = shared_data / "e2b" / "r3" / "R3ack-positive.xml"
    tree = etree.parse(str(path))

    ack = read_ack(path.open("rb"), name=path.name)

    assert ack.accepted
    assert ack.code.value == texts(tree, f"{ACK_BATCH}/h:acknowledgement/@typeCode")[0]
    assert (
        ack.icsr_batch_id
        == texts(tree, f"{ACK_BATCH}/h:acknowledgement/h:targetBatch/h:id/@extension")[0]
    )
    assert (
        ack.text
        == texts(tree, f"{ACK_BATCH}/h:acknowledgement/h:acknowledgementDetail/h:text/text()")[0]
    )
    assert len(ack.messages) == len(texts(tree, f"{ACK_MESSAGE}/h:id/@extension"))
    message = ack.messages[0]
    target = texts(tree, f"{ACK_MESSAGE}/h:acknowledgement/h:targetMessage/h:id/@extension")[0]
    assert message.accepted
    assert message.target_id == target
    assert (message.message_id, message.report_id) == tuple(target.split(" ", 1))
    assert message.local_report_number == texts(tree, f"{ACK_MESSAGE}/h:id/@extension")[0]


@pytest.mark.shared_data
def test_the_fda_acknowledgement_rewritten_validates_and_reads_the_same(shared_data: Path) -> None:
    path = shared_data / "e2b" / "r3" / "R3ack-positive.xml"
    ack = read_ack(path.open("rb"), name=path.name)

    xml = ack_xml(ack)

    assert validate(xml, shared_data / "e2b" / "schema", kind="ack") == []
    assert read_ack(io.BytesIO(xml), name="again.xml") == ack


@pytest.mark.shared_data
def test_a_negative_acknowledgement_validates(shared_data: Path) -> None:
    assert validate(ack_xml(negative_ack()), shared_data / "e2b" / "schema", kind="ack") == []


def test_a_negative_acknowledgement_reads_as_rejected_with_its_reason() -> None:
    built = negative_ack("US-LIAISON-0042")

    ack = read_ack(io.BytesIO(ack_xml(built)), name="negative.xml")

    assert ack == built
    assert not ack.accepted
    assert not ack.messages[0].accepted
    assert ack.messages[0].message_id == "US-LIAISON-0042"
    assert ack.messages[0].report_id is None
    assert ack.messages[0].text == built.messages[0].text


def test_a_rejected_batch_without_message_answers_reads() -> None:
    built = replace(negative_ack(), code=AckCode.APPLICATION_REJECT, messages=())

    ack = read_ack(io.BytesIO(ack_xml(built)), name="rejected.xml")

    assert ack.code == AckCode.APPLICATION_REJECT
    assert ack.messages == ()


def test_an_unknown_acknowledgement_code_is_refused_with_its_place() -> None:
    xml = ack_xml(negative_ack()).replace(b'typeCode="AE"', b'typeCode="ZZ"')
    line = next(
        number for number, text in enumerate(xml.splitlines(), 1) if b'typeCode="ZZ"' in text
    )

    with pytest.raises(E2BError) as caught:
        read_ack(io.BytesIO(xml), name="odd.xml")

    assert str(caught.value).startswith(f'odd.xml, line {line}: the acknowledgement code "ZZ"')
    assert caught.value.element == "ACK.A.4"


def test_an_acknowledgement_naming_no_batch_is_refused() -> None:
    tree = etree.fromstring(ack_xml(negative_ack()))
    target = tree.find("h:acknowledgement/h:targetBatch", namespaces=NS)
    assert target is not None
    target.clear()

    with pytest.raises(E2BError, match=r"names no ICSR batch \(ACK\.A\.1\)"):
        read_ack(io.BytesIO(etree.tostring(tree)), name="nobatch.xml")


def test_an_icsr_batch_given_as_an_acknowledgement_is_refused() -> None:
    with pytest.raises(E2BError, match="not an acknowledgement: use import-e2b"):
        read_ack(io.BytesIO(batch_xml()), name="icsr.xml")


def test_a_message_id_alone_names_no_report() -> None:
    answer = MessageAck(target_id="  MSG-1  ", code=AckCode.COMMIT_ACCEPT)

    assert (answer.message_id, answer.report_id, answer.accepted) == ("MSG-1", None, True)
