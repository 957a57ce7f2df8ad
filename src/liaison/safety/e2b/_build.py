"""Small builders of HL7 v3 elements for the writers: one call per element, nothing for None."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

from lxml import etree

from . import codes
from .records import NullFlavor, PartialDate, Quantity

Element = etree._Element

_IDS = uuid.UUID("6f1c2d1e-8f4b-4f39-9a55-3e1d2c6b7a10")  # the namespace of the ids we make


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(value: str) -> str:
    """The text without the control characters XML 1.0 cannot hold (pasted form feeds...)."""
    return _NOT_XML.sub("", value)


def sub(parent: Element, tag: str, /, **attributes: str | None) -> Element:
    """A child in the HL7 namespace; attributes given None are left out."""
    child = etree.SubElement(parent, f"{{{codes.HL7}}}{tag}")
    for name, value in attributes.items():
        if value is not None:
            child.set(name, clean(value))
    return child


def typed(parent: Element, tag: str, xsi_type: str, /, **attributes: str | None) -> Element:
    """A child with its ``xsi:type`` (``value`` elements of observations)."""
    child = sub(parent, tag)
    child.set(codes.XSI_TYPE, xsi_type)
    for name, value in attributes.items():
        if value is not None:
            child.set(name, clean(value))
    return child


def text(
    parent: Element, tag: str, value: str | None, /, **attributes: str | None
) -> Element | None:
    if value is None:
        return None
    child = sub(parent, tag, **attributes)
    child.text = clean(value)
    return child


def text_or_null(parent: Element, tag: str, value: str | NullFlavor | None) -> Element | None:
    """A text element, or the element empty with its nullFlavor."""
    if isinstance(value, NullFlavor):
        return sub(parent, tag, nullFlavor=value.value)
    return text(parent, tag, value)


def time(parent: Element, tag: str, value: PartialDate | NullFlavor | None) -> Element | None:
    """A TS: ``value="2014..."`` or ``nullFlavor``."""
    if value is None:
        return None
    if isinstance(value, NullFlavor):
        return sub(parent, tag, nullFlavor=value.value)
    return sub(parent, tag, value=value.value)


def quantity(
    parent: Element, tag: str, value: Quantity | None, xsi_type: str | None = None
) -> Element | None:
    if value is None:
        return None
    if xsi_type:
        return typed(parent, tag, xsi_type, value=number(value.value), unit=value.unit)
    return sub(parent, tag, value=number(value.value), unit=value.unit)


def number(value: Decimal) -> str:
    """A decimal as HL7 REAL text: ``48``, ``48.2`` (never ``4.82E+1``)."""
    return format(value, "f")


def free_text(parent: Element, value: str | None, xsi_type: str = "ED") -> Element | None:
    """An observation's text ``value`` (ED, or ST where the schema says so)."""
    if value is None:
        return None
    node = typed(parent, "value", xsi_type)
    node.text = clean(value)
    return node


def boolean(
    parent: Element, value: bool | NullFlavor | None, *, unknown: NullFlavor | None = NullFlavor.NI
) -> Element | None:
    """A BL ``value``; None is written as the ``unknown`` null flavor (or left out)."""
    if isinstance(value, bool):
        return typed(parent, "value", "BL", value="true" if value else "false")
    flavor = value if isinstance(value, NullFlavor) else unknown
    if flavor is None:
        return None
    return typed(parent, "value", "BL", nullFlavor=flavor.value)


def code(parent: Element, code_value: str, system: str, display: str | None = None) -> Element:
    return sub(parent, "code", code=code_value, codeSystem=system, displayName=display)


def observation(
    parent: Element,
    relation: str,
    code_value: str,
    system: str = codes.OBSERVATION,
    *,
    display: str | None = None,
    type_code: str | None = None,
    identifier: str | None = None,
    kind: str = "observation",
) -> Element:
    """``<relation typeCode><observation><id/><code/>`` ready for its value."""
    holder = sub(parent, relation, typeCode=type_code)
    node = sub(holder, kind, classCode="OBS", moodCode="EVN")
    if identifier is not None:
        sub(node, "id", root=identifier)
    code(node, code_value, system, display)
    return node


def device_id(parent: Element, tag: str, type_code: str, root: str, extension: str) -> None:
    """``<receiver|sender typeCode><device><id/>``: who sends or receives a batch or message."""
    holder = sub(parent, tag, typeCode=type_code)
    device = sub(holder, "device", classCode="DEV", determinerCode="INSTANCE")
    sub(device, "id", root=root, extension=extension)


def country(parent: Element, value: str | None, tag: str = "code") -> None:
    if value:
        sub(parent, tag, code=value, codeSystem=codes.COUNTRY)


def make_id(*parts: str) -> str:
    """A stable UUID for an element that needs one (a reaction, a drug): same input, same id."""
    return str(uuid.uuid5(_IDS, "\x1f".join(parts)))
