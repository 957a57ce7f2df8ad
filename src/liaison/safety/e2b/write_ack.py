"""Writing an ``MCCI_IN200101UV01`` acknowledgement, positive or negative, as a regulator would.

Liaison receives acknowledgements rather than sends them; this writer builds
them for tests and for trading-partner rehearsals, in the layout of the FDA's
example ``R3ack-positive.xml``.
"""

from __future__ import annotations

from typing import IO

from lxml import etree

from . import codes
from ._build import Element, sub, text, typed
from .records import Ack, MessageAck, PartialDate


def write_ack(ack: Ack, stream: IO[bytes]) -> None:
    """Write ``ack`` (valid against ``MCCI_IN200101UV01.xsd``)."""
    root = etree.Element(
        f"{{{codes.HL7}}}MCCI_IN200101UV01", nsmap={None: codes.HL7, "xsi": codes.XSI}
    )
    root.set("ITSVersion", "XML_1.0")
    sub(root, "id", root=codes.ACK_BATCH_ID, extension=ack.ack_id)
    sub(root, "creationTime", value=ack.created_at.value)
    sub(root, "responseModeCode", code="D")
    sub(root, "interactionId", root=codes.INTERACTION, extension="MCCI_IN200101UV01")
    for message in ack.messages:
        _message(root, message, ack.created_at)
    _device(root, "receiver", "RCV", codes.ACK_BATCH_RECEIVER, ack.receiver_id)
    _device(root, "sender", "SND", codes.ACK_BATCH_SENDER, ack.sender_id)
    if ack.local_message_number is not None:
        line = _attention(root, "2", "acknowledgementLocalMessageNumber")
        typed(
            line,
            "value",
            "II",
            root=codes.ACK_LOCAL_MESSAGE_NUMBER,
            extension=ack.local_message_number,
        )
    if ack.icsr_batch_sent_at is not None:
        line = _attention(root, "3", "dateOfIcsrBatchTransmission")
        typed(line, "value", "TS", value=ack.icsr_batch_sent_at.value)
    acknowledgement = sub(root, "acknowledgement", typeCode=ack.code.value)
    target = sub(acknowledgement, "targetBatch")
    sub(target, "id", root=codes.BATCH_ID, extension=ack.icsr_batch_id)
    _detail(acknowledgement, ack.text)
    etree.indent(root, space="\t")
    stream.write(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _message(root: Element, message: MessageAck, created_at: PartialDate) -> None:
    node = sub(root, "MCCI_IN000002UV01")
    if message.local_report_number is not None:
        sub(
            node,
            "id",
            root=codes.ACK_LOCAL_REPORT_NUMBER,
            extension=message.local_report_number,
        )
    else:
        sub(node, "id", nullFlavor="NI")
    sub(node, "creationTime", value=created_at.value)
    sub(node, "interactionId", root=codes.INTERACTION, extension="MCCI_IN000002UV01")
    sub(node, "processingCode", code="P")
    sub(node, "processingModeCode", code="T")
    sub(node, "acceptAckCode", code="NE")
    _device(node, "receiver", "RCV", codes.ACK_MESSAGE_RECEIVER, message.receiver_id)
    _device(node, "sender", "SND", codes.ACK_MESSAGE_SENDER, message.sender_id)
    if message.icsr_created_at is not None:
        line = _attention(node, "1", "dateOfIcsrMessageCreation")
        typed(line, "value", "TS", value=message.icsr_created_at.value)
    acknowledgement = sub(node, "acknowledgement", typeCode=message.code.value)
    target = sub(acknowledgement, "targetMessage")
    sub(target, "id", root=codes.MESSAGE_ID, extension=message.target_id)
    _detail(acknowledgement, message.text)


def _device(parent: Element, tag: str, type_code: str, root: str, extension: str | None) -> None:
    holder = sub(parent, tag, typeCode=type_code)
    device = sub(holder, "device", classCode="DEV", determinerCode="INSTANCE")
    if extension is None:
        sub(device, "id", nullFlavor="NI")
    else:
        sub(device, "id", root=root, extension=extension)


def _attention(parent: Element, code_value: str, display: str) -> Element:
    line = sub(parent, "attentionLine")
    sub(
        line,
        "keyWordText",
        code=code_value,
        codeSystem=codes.ACK_ATTENTION,
        codeSystemVersion="1.0",
        displayName=display,
    )
    return line


def _detail(acknowledgement: Element, value: str | None) -> None:
    if value is not None:
        text(sub(acknowledgement, "acknowledgementDetail"), "text", value)
