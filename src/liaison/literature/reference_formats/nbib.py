"""PubMed's MEDLINE display format (``.nbib``, what "Send to: Citation manager" writes).

Each line is a tag padded to four characters, ``- `` and the value; values go
on over lines indented by six spaces; records are separated by blank lines and
start with ``PMID-``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO

from liaison.literature.reference_formats.model import (
    ErrorHandler,
    Reference,
    ReferenceFormatError,
    ReferenceType,
    check_lengths,
    clean,
    decode_text,
    normalise_doi,
    normalise_issn,
    normalise_pmid,
    parse_month,
    parse_year,
    pmcid_from_text,
    report,
    split_name,
)

_LINE = re.compile(r"^([A-Z]{2,4})\s*- (.*)$")


def read_nbib(
    stream: IO[bytes], name: str, *, on_error: ErrorHandler | None = None
) -> Iterator[Reference]:
    """The references of a PubMed MEDLINE-format file, in file order; a record
    with a text past :data:`~.model.FIELD_LIMITS` is reported by its number and line."""
    text = decode_text(stream.read(), name)
    record: list[tuple[str, str]] = []
    start = 0
    records = 0
    for number, line in enumerate([*text.splitlines(), ""], start=1):
        if not line.strip():
            if record:
                records += 1
                try:
                    place = f"record {records} (line {start})"
                    yield check_lengths(_reference(record, name, start), name, place)
                except ReferenceFormatError as error:
                    report(error, on_error)
                record = []
            continue
        match = _LINE.match(line)
        if match is None:
            if record and line.startswith(" "):
                tag, value = record[-1]
                record[-1] = (tag, f"{value} {line.strip()}")
                continue
            raise ReferenceFormatError(
                name, f"line {number}", f"not a MEDLINE tag line: {line.strip()[:60]!r}"
            )
        if not record:
            start = number
        record.append((match.group(1), match.group(2).strip()))


def _reference(record: list[tuple[str, str]], name: str, start: int) -> Reference:
    fields: dict[str, list[str]] = {}
    for tag, value in record:
        fields.setdefault(tag, []).append(value)

    def first(tag: str) -> str | None:
        return clean(fields[tag][0]) if tag in fields else None

    pmid = normalise_pmid(first("PMID"))
    if pmid is None:
        raise ReferenceFormatError(name, f"line {start}", "record has no valid PMID line")
    doi = next(
        (
            normalise_doi(value)
            for value in fields.get("AID", []) + fields.get("LID", [])
            if value.endswith("[doi]")
        ),
        None,
    )
    names = fields.get("FAU") or fields.get("AU") or []
    authors = [author for value in names if (author := split_name(value))]
    authors += [author for value in fields.get("CN", []) if (author := split_name(value))]
    published = first("DP") or ""
    types = {value.lower() for value in fields.get("PT", [])}
    kind = ReferenceType.ARTICLE
    if fields.get("BTI") or "book" in " ".join(types):
        kind = ReferenceType.CHAPTER if fields.get("TI") else ReferenceType.BOOK
    return Reference(
        type=kind,
        title=first("TI") or first("BTI"),
        authors=tuple(authors),
        journal=first("JT") or first("BTI"),
        abbreviation=first("TA"),
        year=parse_year(published),
        month=parse_month(published[4:]) if len(published) > 4 else None,
        volume=first("VI"),
        issue=first("IP"),
        pages=first("PG"),
        doi=doi,
        pmid=pmid,
        pmcid=pmcid_from_text(" ".join(fields.get("PMC", []))),
        issn=normalise_issn(" ".join(fields.get("IS", []))),
        abstract=first("AB"),
        keywords=tuple(keyword for value in fields.get("OT", []) if (keyword := clean(value))),
        url=None,
        language=first("LA"),
        publisher=first("PB"),
        notes=None,
        key=pmid,
    )
