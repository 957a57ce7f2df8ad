"""Validating E2B(R3) XML against the ICH schema set, which callers point at (it is not shipped).

The set (``coreschemas/`` and ``multicacheschemas/`` of the ICH E2B(R3) IG
package) is licensed apart from Liaison, so the caller passes its directory.
Each entry schema is loaded once per directory and kept; the network is never
used. XSD validity covers structure and datatypes only, not the ICH or FDA
business rules.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal

from lxml import etree

from .errors import E2BError

_ENTRIES = {
    "icsr": "multicacheschemas/MCCI_IN200100UV01.xsd",
    "ack": "multicacheschemas/MCCI_IN200101UV01.xsd",
}


def validate(xml: bytes, schema_dir: Path, *, kind: Literal["icsr", "ack"] = "icsr") -> list[str]:
    """The schema errors of ``xml``, one readable line each (``line 12: ...``); [] when valid.

    Raises :class:`E2BError` when the schema set is not in ``schema_dir``.
    """
    schema = load_schema(Path(schema_dir).resolve(), kind)
    parser = etree.XMLParser(
        resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False
    )
    try:
        document = etree.fromstring(xml, parser).getroottree()
    except etree.XMLSyntaxError as error:
        return [f"line {error.lineno}: not well-formed XML: {error.msg}"]
    if schema.validate(document):
        return []
    return [f"line {error.line}: {_plain(error.message)}" for error in schema.error_log]


@functools.cache
def load_schema(schema_dir: Path, kind: Literal["icsr", "ack"]) -> etree.XMLSchema:
    """The entry schema of ``kind`` in ``schema_dir``, parsed once per directory."""
    path = schema_dir / _ENTRIES[kind]
    if not path.is_file():
        raise E2BError(
            f"the ICH E2B(R3) schema set is not here (expected {_ENTRIES[kind]})",
            file=str(schema_dir),
        )
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    try:
        return etree.XMLSchema(etree.parse(str(path), parser))
    except (etree.XMLSchemaParseError, etree.XMLSyntaxError) as error:
        raise E2BError(f"the schema set cannot be loaded: {error}", file=str(path)) from None


def _plain(message: str) -> str:
    """libxml2's message with the namespace spelt once: ``{urn:hl7-org:v3}name`` -> ``name``."""
    return message.replace("{urn:hl7-org:v3}", "")
