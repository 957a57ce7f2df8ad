"""Reading an ``MCCI_IN200101UV01`` acknowledgement: the batch's answer and each message's."""

from __future__ import annotations

from ._read import Element, Reading, all_of, attribute, date, first, text
from .records import Ack, AckCode, MessageAck, PartialDate

_ATTENTION = "h:attentionLine[h:keyWordText/@code=$code]/h:value"


def read_ack_root(reading: Reading, root: Element) -> Ack:
    """The :class:`Ack` of a parsed acknowledgement root element."""
    acknowledgement = first(root, "h:acknowledgement")
    if acknowledgement is None:
        reading.fail(root, "the acknowledgement has no acknowledgement code", "ACK.A.4")
    batch_id = attribute(acknowledgement, "h:targetBatch/h:id", "extension")
    if batch_id is None:
        reading.fail(acknowledgement, "the acknowledgement names no ICSR batch", "ACK.A.1")
    created_at = date(reading, first(root, "h:creationTime"), "ACK.M.4")
    if not isinstance(created_at, PartialDate):
        reading.fail(root, "the acknowledgement has no date of transmission", "ACK.M.4")
    sent_at = date(reading, first(root, _ATTENTION, code="3"), "ACK.A.3")
    return Ack(
        ack_id=attribute(root, "h:id", "extension") or "",
        sender_id=attribute(root, "h:sender/h:device/h:id", "extension"),
        receiver_id=attribute(root, "h:receiver/h:device/h:id", "extension"),
        created_at=created_at,
        icsr_batch_id=batch_id,
        local_message_number=attribute(root, _ATTENTION, "extension", code="2"),
        icsr_batch_sent_at=sent_at if isinstance(sent_at, PartialDate) else None,
        code=_code(reading, acknowledgement, "ACK.A.4"),
        text=_details(acknowledgement),
        messages=tuple(
            _message(reading, message) for message in all_of(root, "h:MCCI_IN000002UV01")
        ),
    )


def _message(reading: Reading, message: Element) -> MessageAck:
    acknowledgement = first(message, "h:acknowledgement")
    if acknowledgement is None:
        reading.fail(message, "the message acknowledgement has no code", "ACK.B.r.6")
    target = attribute(acknowledgement, "h:targetMessage/h:id", "extension")
    if target is None:
        reading.fail(acknowledgement, "the message acknowledgement names no ICSR", "ACK.B.r.1")
    created = date(reading, first(message, _ATTENTION, code="1"), "ACK.B.r.5")
    return MessageAck(
        target_id=target,
        local_report_number=attribute(message, "h:id", "extension"),
        receiver_id=attribute(message, "h:receiver/h:device/h:id", "extension"),
        sender_id=attribute(message, "h:sender/h:device/h:id", "extension"),
        icsr_created_at=created if isinstance(created, PartialDate) else None,
        code=_code(reading, acknowledgement, "ACK.B.r.6"),
        text=_details(acknowledgement),
    )


def _code(reading: Reading, acknowledgement: Element, data_element: str) -> AckCode:
    value = (acknowledgement.get("typeCode") or "").strip()
    try:
        return AckCode(value)
    except ValueError:
        allowed = ", ".join(code.value for code in AckCode)
        reading.fail(
            acknowledgement,
            f'the acknowledgement code "{value}" is not one of {allowed}',
            data_element,
        )


def _details(acknowledgement: Element) -> str | None:
    texts = [
        value
        for node in all_of(acknowledgement, "h:acknowledgementDetail/h:text")
        if (value := text(node))
    ]
    return "\n".join(texts) or None
