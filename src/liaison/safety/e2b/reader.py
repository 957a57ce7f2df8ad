"""Reading E2B(R3) files: ICSR batches and acknowledgements, safely and whole or not at all.

Example::

    with open("FAERS2022Scenario1.xml", "rb") as stream:
        for icsr in read_icsrs(stream, name="FAERS2022Scenario1.xml"):
            print(icsr.report_id, [reaction.meddra_code for reaction in icsr.reactions])

The kind of file is told from its root element before anything is parsed
(:func:`sniff`): an acknowledgement given as an ICSR, an E2B(R2) ``<ichicsr>``
file, another HL7 message or something that is not XML is refused with a
sentence saying what it is. A DOCTYPE is refused outright (E2B files never
have one; it is how XML bombs and external entities begin); DTDs are never
loaded, entities never resolved, the network never used, and libxml2's limits
stay on. The reader streams (``iterparse``, each message freed once read) but
returns only when the whole file has been read: a file with one bad message
raises :class:`E2BError` and the caller has nothing half-read to store.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from typing import IO, Literal

from lxml import etree

from . import codes
from ._read import Element, Reading, attribute
from .errors import E2BError
from .read_ack import read_ack_root
from .read_case import read_message
from .records import Ack, BatchHeader, Icsr, IcsrBatch, PartialDate

Kind = Literal["icsr", "ack"]

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
_HEAD_SIZE = 64 * 1024
_ICSR_BATCH = "MCCI_IN200100UV01"
_ICSR_MESSAGE = "PORR_IN049016UV"
_ACK_BATCH = "MCCI_IN200101UV01"
_KINDS: dict[str, Kind] = {_ICSR_BATCH: "icsr", _ICSR_MESSAGE: "icsr", _ACK_BATCH: "ack"}


def sniff(stream: IO[bytes], *, name: str) -> Kind:
    """Whether the file is an ICSR batch or an acknowledgement, from its root element.

    Reads the first 64 KB and puts the stream back where it was (it must be
    seekable). Raises :class:`E2BError` for anything else, saying what it is.
    """
    start = stream.tell()
    head = stream.read(_HEAD_SIZE)
    stream.seek(start)
    return _kind(head, name)


def read_batch(
    stream: IO[bytes],
    *,
    name: str,
    today: dt.date | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> IcsrBatch:
    """The batch header and every ICSR of an ``MCCI_IN200100UV01`` file (or a bare message).

    ``today`` is the day dates of birth are checked against (default: today);
    a file larger than ``max_bytes`` is refused before it is parsed.
    """
    data = _read_limited(stream, name, max_bytes)
    kind = _kind(data[:_HEAD_SIZE], name)
    if kind == "ack":
        raise E2BError(
            "this is an acknowledgement file (MCCI_IN200101UV01), not an ICSR batch: "
            "use import-ack",
            file=name,
        )
    reading = Reading(name, today or dt.date.today())
    header: dict[str, Element] = {}
    icsrs: list[Icsr] = []
    root_tag = ""
    for event, element in _events(data, name):
        if event == "start":
            root_tag = root_tag or _local(element)
            continue
        parent = element.getparent()
        top = parent is None or parent.getparent() is None
        if top and _local(element) == _ICSR_MESSAGE:
            icsrs.append(read_message(reading, element))
            _free(element)
        elif top and parent is not None:
            header.setdefault(_local(element), element)
    return IcsrBatch(
        header=_batch_header(reading, header) if root_tag == _ICSR_BATCH else None,
        icsrs=tuple(icsrs),
    )


def read_icsrs(
    stream: IO[bytes],
    *,
    name: str,
    today: dt.date | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> list[Icsr]:
    """Every ICSR of the file, in order (see :func:`read_batch`)."""
    return list(read_batch(stream, name=name, today=today, max_bytes=max_bytes).icsrs)


def read_ack(stream: IO[bytes], *, name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Ack:
    """The acknowledgement of an ``MCCI_IN200101UV01`` file; an ICSR batch is refused."""
    data = _read_limited(stream, name, max_bytes)
    if _kind(data[:_HEAD_SIZE], name) == "icsr":
        raise E2BError(
            "this is an ICSR file (MCCI_IN200100UV01), not an acknowledgement: use import-e2b",
            file=name,
        )
    reading = Reading(name, dt.date.today())
    root: Element | None = None
    for event, element in _events(data, name):
        if event == "start" and root is None:
            root = element
    if root is None:
        reading.fail(None, "not XML: no root element", None)
    return read_ack_root(reading, root)


def _read_limited(stream: IO[bytes], name: str, max_bytes: int) -> bytes:
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise E2BError(f"the file is larger than the limit of {_size(max_bytes)}", file=name)
    return data


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / 1024 / 1024:.0f} MB"
    return f"{count / 1024:.0f} KB" if count >= 1024 else f"{count} bytes"


def _events(data: bytes, name: str) -> Iterator[tuple[str, Element]]:
    """``start`` of the root, then ``end`` of every element; syntax errors become E2BError."""
    events = etree.iterparse(
        io.BytesIO(data),
        events=("start", "end"),
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    depth = 0
    try:
        for event, element in events:
            if event == "start":
                depth += 1
                if depth == 1:
                    yield event, element
            else:
                depth -= 1
                yield event, element
    except etree.XMLSyntaxError as error:
        line = error.lineno if error.lineno else None
        said = (error.msg or "").split(", line ")[0]
        if line is not None and line >= _last_line(data):
            reason = "the file ends before the XML is complete (truncated?)"
        else:
            reason = "not well-formed XML"
        raise E2BError(f"{reason}; the parser said: {said}", file=name, line=line) from None


def _last_line(data: bytes) -> int:
    return data.count(b"\n") + (0 if data.endswith(b"\n") else 1)


def _free(element: Element) -> None:
    """Drop a message once read, and the message before it, to keep memory flat."""
    element.clear()
    parent = element.getparent()
    previous = element.getprevious()
    while parent is not None and previous is not None and _local(previous) == _ICSR_MESSAGE:
        parent.remove(previous)
        previous = element.getprevious()


def _local(element: Element) -> str:
    return etree.QName(element).localname


def _batch_header(reading: Reading, header: dict[str, Element]) -> BatchHeader:
    created = header.get("creationTime")
    value = created.get("value") if created is not None else None
    try:
        created_at = PartialDate((value or "").strip())
    except ValueError as error:
        reading.fail(created, f"the date of batch transmission {error}", "N.1.5")
    return BatchHeader(
        batch_id=(header["id"].get("extension") or "") if "id" in header else "",
        sender_id=attribute(header.get("sender"), "h:device/h:id", "extension") or "",
        receiver_id=attribute(header.get("receiver"), "h:device/h:id", "extension") or "",
        created_at=created_at,
        message_type=attribute(header.get("name"), ".", "code") or "1",
    )


def _kind(head: bytes, name: str) -> Kind:
    tag, namespace = _root(head, name)
    if tag in _KINDS and namespace == codes.HL7:
        return _KINDS[tag]
    if tag.lower() in ("ichicsr", "ichicsrack"):
        raise E2BError(
            f"this is an E2B(R2) file (<{tag}>), not E2B(R3): ask the sender for an E2B(R3) "
            "export (an HL7 v3 MCCI_IN200100UV01 batch)",
            file=name,
        )
    if tag in _KINDS:
        raise E2BError(
            f"the root element <{tag}> is not in the HL7 v3 namespace ({codes.HL7})", file=name
        )
    if namespace == codes.HL7:
        raise E2BError(
            f"this is another HL7 v3 message (<{tag}>), not an E2B(R3) ICSR batch "
            "(MCCI_IN200100UV01) or acknowledgement (MCCI_IN200101UV01)",
            file=name,
        )
    raise E2BError(f"not an E2B(R3) file: the root element is <{tag}>", file=name)


def _root(head: bytes, name: str) -> tuple[str, str | None]:
    """The root element's local name and namespace, read from the prolog without parsing it.

    Refuses a DOCTYPE: E2B(R3) files never have one, and entity declarations
    (billion laughs, external entities) live there.
    """
    if not head.strip():
        raise E2BError("not XML: the file is empty", file=name)
    position = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    length = len(head)
    while True:
        while position < length and head[position] in b" \t\r\n":
            position += 1
        if position >= length:
            raise E2BError("not XML: no root element in the first 64 KB", file=name)
        if head.startswith(b"<!DOCTYPE", position):
            raise E2BError(
                "refused: the file declares a DOCTYPE (a possible XML bomb or external "
                "entity); E2B(R3) files never do",
                file=name,
                line=head.count(b"\n", 0, position) + 1,
            )
        if head.startswith(b"<?", position):
            end, skip = head.find(b"?>", position), 2
        elif head.startswith(b"<!--", position):
            end, skip = head.find(b"-->", position), 3
        elif head.startswith(b"<", position) and not head.startswith(b"<!", position):
            return _tag_and_namespace(head, position)
        else:
            raise E2BError("not XML: the file does not start with an XML element", file=name)
        if end == -1:
            raise E2BError("not XML: the prolog never ends", file=name)
        position = end + skip


def _tag_and_namespace(head: bytes, position: int) -> tuple[str, str | None]:
    end = head.find(b">", position)
    opening = head[position + 1 : end if end != -1 else len(head)].decode("utf-8", "replace")
    parts = opening.split()
    qualified = parts[0].rstrip("/") if parts else ""
    prefix, _, local = qualified.rpartition(":")
    declaration = re.escape(f"xmlns:{prefix}" if prefix else "xmlns")
    found = re.search(rf"""(?:^|\s){declaration}\s*=\s*(["'])(.*?)\1""", opening)
    return local, found.group(2) if found else None
