"""What every reader of E2B elements needs: XPath lookups, typed values and the failing place.

Values are read leniently where E2B is loose (whitespace, an absent optional
element) and strictly where a wrong value would be stored (a date, a code out
of its list, a number): those raise :class:`E2BError` naming the line and the
E2B data element.
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import NoReturn, TypeVar

from lxml import etree

from . import codes
from .errors import E2BError
from .records import Coded, MeddraTerm, NullFlavor, PartialDate, Quantity

Element = etree._Element
_Code = TypeVar("_Code", bound=StrEnum)


class Reading:
    """The file being read, for error messages, and the day dates are judged against."""

    def __init__(self, file: str, today: dt.date) -> None:
        self.file = file
        self.today = today

    def fail(self, element: Element | None, reason: str, data_element: str | None) -> NoReturn:
        line = element.sourceline if element is not None else None
        raise E2BError(reason, file=self.file, line=line, element=data_element)


@functools.lru_cache(maxsize=512)
def xpath(path: str) -> etree.XPath:
    """A compiled XPath in the HL7 namespace (prefix ``h``); ``$code``/``$system`` are variables."""
    return etree.XPath(path, namespaces=codes.NAMESPACES)


def all_of(element: Element | None, path: str, **variables: str) -> list[Element]:
    if element is None:
        return []
    result = xpath(path)(element, **variables)
    if not isinstance(result, list):
        return []
    return [node for node in result if isinstance(node, etree._Element)]


def first(element: Element | None, path: str, **variables: str) -> Element | None:
    if element is None:
        return None
    found = all_of(element, path, **variables)
    return found[0] if found else None


def coded(element: Element, path: str, code: str, system: str = codes.OBSERVATION) -> list[Element]:
    """The children at ``path`` (ending in the element kind) whose ``code`` is ``code``."""
    return all_of(
        element, f"{path}[h:code[@code=$code and @codeSystem=$system]]", code=code, system=system
    )


def text(element: Element | None, path: str = ".") -> str | None:
    """The text at ``path``, whitespace trimmed; None when absent or empty."""
    node = first(element, path)
    if node is None:
        return None
    value = "".join(node.itertext()).strip()
    return value or None


def attribute(element: Element | None, path: str, name: str, **variables: str) -> str | None:
    node = first(element, path, **variables)
    if node is None:
        return None
    value = node.get(name)
    return value.strip() if value is not None and value.strip() else None


def null_flavor(reading: Reading, node: Element, data_element: str) -> NullFlavor | None:
    value = node.get("nullFlavor")
    if value is None:
        return None
    try:
        return NullFlavor(value)
    except ValueError:
        reading.fail(node, f'the null flavor "{value}" is not one E2B allows', data_element)


def text_or_null(
    reading: Reading, element: Element | None, path: str, data_element: str
) -> str | NullFlavor | None:
    """A text element that may instead carry a nullFlavor (names, addresses)."""
    node = first(element, path)
    if node is None:
        return None
    flavor = null_flavor(reading, node, data_element)
    return flavor if flavor is not None else text(node)


def date(
    reading: Reading, node: Element | None, data_element: str
) -> PartialDate | NullFlavor | None:
    """An HL7 TS (``@value``) or its nullFlavor."""
    if node is None:
        return None
    flavor = null_flavor(reading, node, data_element)
    if flavor is not None:
        return flavor
    value = node.get("value")
    if value is None or not value.strip():
        return None
    try:
        return PartialDate(value.strip())
    except ValueError as error:
        reading.fail(node, f"the date {error}", data_element)


def required_date(
    reading: Reading, node: Element | None, what: str, data_element: str, parent: Element
) -> PartialDate:
    value = date(reading, node, data_element)
    if not isinstance(value, PartialDate):
        reading.fail(node if node is not None else parent, f"{what} is missing", data_element)
    return value


def boolean(reading: Reading, node: Element | None, data_element: str) -> bool | NullFlavor | None:
    """A BL value: ``value="true"``/``"false"``, or its nullFlavor."""
    if node is None:
        return None
    flavor = null_flavor(reading, node, data_element)
    if flavor is not None:
        return flavor
    value = node.get("value")
    if value is None:
        return None
    if value.strip() not in ("true", "false"):
        reading.fail(node, f'"{value}" is not true or false', data_element)
    return value.strip() == "true"


def flag(reading: Reading, node: Element | None, data_element: str) -> bool | None:
    """A BL where a null flavor means "not said" (None)."""
    value = boolean(reading, node, data_element)
    return value if isinstance(value, bool) else None


def number(reading: Reading, node: Element, raw: str | None, data_element: str) -> Decimal | None:
    if raw is None or not raw.strip():
        return None
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        reading.fail(node, f'"{raw}" is not a number', data_element)
    if not value.is_finite():
        reading.fail(node, f'"{raw}" is not a number', data_element)
    return value


def quantity(reading: Reading, node: Element | None, data_element: str) -> Quantity | None:
    """A PQ: ``@value`` and ``@unit``; None when there is no value."""
    if node is None:
        return None
    value = number(reading, node, node.get("value"), data_element)
    if value is None:
        return None
    return Quantity(value, (node.get("unit") or "1").strip())


def code_of(
    reading: Reading, node: Element | None, kind: type[_Code], what: str, data_element: str
) -> _Code | None:
    """The ``@code`` of ``node`` as a member of the code list ``kind``."""
    if node is None or node.get("code") is None:
        return None
    value = (node.get("code") or "").strip()
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        reading.fail(node, f'{what} "{value}" is not one of {allowed}', data_element)


def code_or_null(
    reading: Reading, node: Element | None, kind: type[_Code], what: str, data_element: str
) -> _Code | NullFlavor | None:
    if node is None:
        return None
    return null_flavor(reading, node, data_element) or code_of(
        reading, node, kind, what, data_element
    )


def plain_coded(node: Element | None) -> Coded | None:
    if node is None or not node.get("code"):
        return None
    return Coded((node.get("code") or "").strip(), node.get("displayName"))


def meddra_code(reading: Reading, node: Element, what: str, data_element: str) -> str:
    """An 8-digit MedDRA code from ``@code``."""
    value = (node.get("code") or "").strip()
    if not value:
        reading.fail(node, f"{what} has no MedDRA code", data_element)
    if len(value) != 8 or not value.isdigit():
        reading.fail(node, f'{what}\'s MedDRA code "{value}" is not 8 digits', data_element)
    return value


def meddra_term(reading: Reading, node: Element, what: str, data_element: str) -> MeddraTerm | None:
    """A MedDRA-coded CE value (code, version, original text); None when it holds only text."""
    if not node.get("code"):
        return None
    return MeddraTerm(
        code=meddra_code(reading, node, what, data_element),
        version=(node.get("codeSystemVersion") or "").strip(),
        text=text(node, "h:originalText"),
    )
