"""RIS (Research Information Systems) tagged files: EndNote, Zotero, Mendeley, Lens, Scopus, Ovid, Rayyan.

A record runs from ``TY  - JOUR`` to ``ER  -``; each line is a two-character
tag, two spaces, a hyphen, a space and the value. Tolerated: a UTF-8 BOM, CRLF
line ends, Ovid's numbered lines (``1.``) before ``TY``, values continued on
untagged lines. The PMID comes from ``AN`` (digits), a ``PMID: ...`` note, a
Scopus ``C2`` of digits or a PubMed link; the DOI from ``DO`` (bare or as a
doi.org link) or a doi.org link in ``UR``/``L1``-``L4``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import IO

from liaison.literature.reference_formats.model import (
    ErrorHandler,
    Reference,
    ReferenceFormatError,
    ReferenceType,
    check_lengths,
    clean,
    decode_text,
    doi_from_url,
    join_pages,
    normalise_doi,
    normalise_issn,
    normalise_pmid,
    parse_month,
    parse_year,
    pmcid_from_text,
    pmid_from_text,
    pmid_from_url,
    report,
    split_name,
    split_pages,
)

_TAG = re.compile(r"^([A-Z][A-Z0-9])  ?-(?: (.*))?$")
_OVID_NUMBER = re.compile(r"^\s*\d+\.\s*$")
_WOS_HEADER = re.compile(r"^(FN|VR|PT) ")

_TYPES_IN = {
    "JOUR": ReferenceType.ARTICLE,
    "JFULL": ReferenceType.ARTICLE,
    "EJOUR": ReferenceType.ARTICLE,
    "ABST": ReferenceType.ARTICLE,
    "INPR": ReferenceType.ARTICLE,
    "MGZN": ReferenceType.ARTICLE,
    "NEWS": ReferenceType.ARTICLE,
    "BOOK": ReferenceType.BOOK,
    "EBOOK": ReferenceType.BOOK,
    "EDBOOK": ReferenceType.BOOK,
    "CHAP": ReferenceType.CHAPTER,
    "ECHAP": ReferenceType.CHAPTER,
    "CONF": ReferenceType.CONFERENCE,
    "CPAPER": ReferenceType.CONFERENCE,
    "THES": ReferenceType.THESIS,
    "RPRT": ReferenceType.REPORT,
    "CASE": ReferenceType.CASE,
    "PAT": ReferenceType.PATENT,
}
_TYPES_OUT = {
    ReferenceType.ARTICLE: "JOUR",
    ReferenceType.BOOK: "BOOK",
    ReferenceType.CHAPTER: "CHAP",
    ReferenceType.CONFERENCE: "CPAPER",
    ReferenceType.THESIS: "THES",
    ReferenceType.REPORT: "RPRT",
    ReferenceType.CASE: "CASE",
    ReferenceType.PATENT: "PAT",
    ReferenceType.GENERIC: "GEN",
}
_RECORD_TAGS = frozenset({"TI", "T1", "AU", "A1", "DO", "PY", "Y1", "JF", "T2", "AB"})
_URL_TAGS = ("UR", "L1", "L2", "L3", "L4", "LK")
_NOTE_TAGS = ("AN", "C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "M1", "M2", "N1")


def read_ris(
    stream: IO[bytes], name: str, *, on_error: ErrorHandler | None = None
) -> Iterator[Reference]:
    """The references of a RIS file, in file order.

    A file that is not RIS (no ``TY`` before the first other line, e.g. a Web
    of Science tagged export) raises :class:`ReferenceFormatError` at once;
    a bad record is reported (raised, or passed to ``on_error`` and skipped),
    a record with a text past :data:`~.model.FIELD_LIMITS` too, named by its
    number and first line.
    """
    text = decode_text(stream.read(), name)
    record: list[tuple[str, str, int]] | None = None
    seen_record = False
    records = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _TAG.match(line)
        if match is None:
            if record:
                tag, value, at = record[-1]
                record[-1] = (tag, f"{value} {line.strip()}", at)
            elif _OVID_NUMBER.match(line):
                continue
            elif not seen_record:
                raise _not_ris(name, number, line)
            continue
        tag, value = match.group(1), (match.group(2) or "").strip()
        if tag == "TY":
            if record is not None:
                _report(name, record[0][2], "record has no ER line before the next TY", on_error)
            record = [(tag, value, number)]
            seen_record = True
            records += 1
        elif tag == "ER":
            if record is None:
                _report(name, number, "ER without a TY line opening the record", on_error)
                continue
            try:
                place = f"record {records} (line {record[0][2]})"
                yield check_lengths(_reference(record, name), name, place)
            except ReferenceFormatError as error:
                report(error, on_error)
            record = None
        elif record is None:
            if not seen_record:
                raise _not_ris(name, number, line)
            # Ovid writes NL and link lines after ER; only a record's own tags
            # out here mean a record lost its TY line.
            if tag in _RECORD_TAGS:
                _report(name, number, f"tag {tag} outside a record (no TY before it)", on_error)
        else:
            record.append((tag, value, number))
    if record is not None:
        _report(name, record[0][2], "record ends without an ER line (truncated file?)", on_error)


def _not_ris(name: str, number: int, line: str) -> ReferenceFormatError:
    if _WOS_HEADER.match(line.lstrip("\ufeff")):
        reason = (
            "this is a Web of Science tagged export (FN/VR/PT lines), not RIS; "
            "export the records from Web of Science as RIS instead"
        )
    else:
        reason = (
            f"not a RIS file: expected a 'TY  - ' line to open a record, found {_shorten(line)!r}"
        )
    return ReferenceFormatError(name, f"line {number}", reason)


def _shorten(line: str) -> str:
    line = line.strip()
    return line if len(line) <= 60 else line[:57] + "..."


def _report(name: str, number: int, reason: str, on_error: ErrorHandler | None) -> None:
    report(ReferenceFormatError(name, f"line {number}", reason), on_error)


def _reference(record: list[tuple[str, str, int]], name: str) -> Reference:
    fields: dict[str, list[str]] = {}
    for tag, value, _number in record:
        if value:
            fields.setdefault(tag, []).append(value)

    def first(*tags: str) -> str | None:
        for tag in tags:
            for value in fields.get(tag, ()):
                if cleaned := clean(value):
                    return cleaned
        return None

    start = record[0][2]
    type_code = record[0][1].upper()
    urls = [url for tag in _URL_TAGS for url in fields.get(tag, ())]
    notes = [value for tag in _NOTE_TAGS for value in fields.get(tag, ())]

    doi = normalise_doi(first("DO", "DI"))
    if doi is None:
        doi = next((found for url in urls if (found := doi_from_url(url))), None)
    pmid = _pmid(fields, notes, urls)
    pmcid = next((found for text in [*notes, *urls] if (found := pmcid_from_text(text))), None)
    title = first("TI", "T1", "CT")
    if title is None and doi is None and pmid is None:
        raise ReferenceFormatError(
            name, f"line {start}", "record has no title (TI or T1), DOI or PMID"
        )
    journal = first("JF", "T2", "JO", "BT")
    abbreviation = first("J2", "JA", "J1") or (first("JO") if journal != first("JO") else None)
    start_page, end_page = first("SP"), first("EP")
    if (start_page, end_page) == ("No", "Specified"):  # Ovid's "No Specified"
        start_page = end_page = None
    url = next((u.strip() for u in fields.get("UR", ()) if u.strip().startswith("http")), None)
    return Reference(
        type=_TYPES_IN.get(type_code, ReferenceType.GENERIC),
        title=title,
        authors=tuple(
            author
            for tag, value, _number in record
            if tag in ("AU", "A1") and (author := split_name(value)) is not None
        ),
        journal=journal,
        abbreviation=abbreviation if abbreviation != journal else None,
        year=next((y for tag in ("PY", "Y1", "DA", "Y2") if (y := parse_year(first(tag)))), None),
        month=_month(first("DA"), first("PY"), first("Y1")),
        volume=first("VL"),
        issue=first("IS", "CP"),
        pages=join_pages(start_page, end_page),
        doi=doi,
        pmid=pmid,
        pmcid=pmcid,
        issn=normalise_issn(first("SN")),
        abstract=clean(" ".join(fields.get("AB", []) or fields.get("N2", []))),
        keywords=tuple(k for value in fields.get("KW", ()) if (k := clean(value))),
        url=url,
        language=first("LA"),
        publisher=first("PB"),
        notes=clean("; ".join(fields.get("N1", []))),
        key=first("ID"),
    )


def _pmid(fields: dict[str, list[str]], notes: list[str], urls: list[str]) -> str | None:
    for value in fields.get("AN", []) + fields.get("C2", []):
        if pmid := normalise_pmid(value):
            return pmid
    for text in notes:
        if pmid := pmid_from_text(text):
            return pmid
    for url in urls:
        if pmid := pmid_from_url(url):
            return pmid
    return None


def _month(*dates: str | None) -> int | None:
    for date in dates:
        if not date:
            continue
        parts = date.split("/")
        if len(parts) >= 2 and parts[1].strip():
            return parse_month(parts[1])
        if parse_year(date) is None and (month := parse_month(date)):
            return month
    return None


def write_ris(references: Iterable[Reference], stream: IO[str]) -> None:
    """Write ``references`` as RIS (CRLF line ends, as the specification asks).

    Tags as Zotero writes them, which EndNote and Mendeley read: ``T2`` for the
    journal, ``J2`` its abbreviation, ``AN`` the PMID, ``C2`` the PMCID.
    """
    for reference in references:
        lines: list[tuple[str, str | None]] = [
            ("TY", _TYPES_OUT[reference.type]),
            ("TI", reference.title),
        ]
        lines += [("AU", author.display()) for author in reference.authors]
        lines += [
            ("PY", str(reference.year) if reference.year else None),
            ("DA", _ris_date(reference)),
            ("T2", reference.journal),
            ("J2", reference.abbreviation),
            ("VL", reference.volume),
            ("IS", reference.issue),
        ]
        first, last = split_pages(reference.pages)
        lines += [
            ("SP", first),
            ("EP", last),
            ("SN", reference.issn),
            ("DO", reference.doi),
            ("AN", reference.pmid),
            ("C2", f"PMCID: {reference.pmcid}" if reference.pmcid else None),
            ("AB", reference.abstract),
        ]
        lines += [("KW", keyword) for keyword in reference.keywords]
        lines += [
            ("UR", reference.url),
            ("LA", reference.language),
            ("PB", reference.publisher),
            ("N1", reference.notes),
            ("ID", reference.key),
        ]
        for tag, value in lines:
            if value := clean(value):
                stream.write(f"{tag}  - {value}\r\n")
        stream.write("ER  - \r\n\r\n")


def _ris_date(reference: Reference) -> str | None:
    if not reference.year:
        return None
    month = f"{reference.month:02d}" if reference.month else ""
    return f"{reference.year}/{month}//"
