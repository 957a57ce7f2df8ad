"""BibTeX written: UTF-8, braced values, LaTeX's special characters escaped, stable keys.

biblatex, Zotero, JabRef and Mendeley read UTF-8, so letters stay as they are;
``\\ { } % & # $ _ ~ ^`` are escaped except in ``doi`` and ``url``, which
biblatex reads verbatim. Citation keys are stable and unique:
``mueller2024oncology``, then ``mueller2024oncologya``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import IO

from liaison.lib.text import fold
from liaison.literature.reference_formats.model import (
    Author,
    Reference,
    ReferenceType,
    split_pages,
)

_TYPES_OUT = {
    ReferenceType.ARTICLE: "article",
    ReferenceType.BOOK: "book",
    ReferenceType.CHAPTER: "incollection",
    ReferenceType.CONFERENCE: "inproceedings",
    ReferenceType.THESIS: "phdthesis",
    ReferenceType.REPORT: "techreport",
    ReferenceType.CASE: "misc",
    ReferenceType.PATENT: "patent",
    ReferenceType.GENERIC: "misc",
}
_CONTAINED = {ReferenceType.CHAPTER, ReferenceType.CONFERENCE}

# Characters LaTeX reads as commands; a value keeps them as text.
_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "$": r"\$",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIAL = re.compile(r"[\\{}%&#$_~^]")


def escape_latex(value: str) -> str:
    """``value`` safe inside a braced BibTeX field, UTF-8 letters kept as they are."""
    return _SPECIAL.sub(lambda match: _ESCAPES[match.group(0)], " ".join(value.split()))


def _verbatim(value: str) -> str:
    """A URL or DOI: read verbatim by biblatex, so only braces (which would unbalance it) change."""
    return value.replace("{", "%7B").replace("}", "%7D").replace(" ", "%20")


_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "by",
        "de",
        "der",
        "des",
        "die",
        "du",
        "el",
        "en",
        "et",
        "for",
        "from",
        "in",
        "into",
        "is",
        "la",
        "le",
        "les",
        "of",
        "on",
        "or",
        "the",
        "to",
        "und",
        "with",
    ]
)
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def citation_key(reference: Reference) -> str:
    """``mueller2024oncology``: first author's family name, year, first significant title word."""
    family = reference.authors[0].family if reference.authors else ""
    name = fold(family.translate(_GERMAN)).replace(" ", "") or "anon"
    words = [word for word in fold(reference.title or "").split() if word not in _STOP_WORDS]
    word = next((w for w in words if w.isalpha()), words[0] if words else "")
    return f"{name[:30]}{reference.year or ''}{word[:20]}"


def unique_keys(references: Iterable[Reference]) -> Iterator[tuple[str, Reference]]:
    """Each reference with its key; a repeated key gets ``a``, ``b``, ... ``z``, ``aa``..."""
    taken: set[str] = set()
    for reference in references:
        base = citation_key(reference)
        key, counter = base, 0
        while key in taken:
            counter += 1
            key = base + _suffix(counter)
        taken.add(key)
        yield key, reference


def _suffix(counter: int) -> str:
    letters = ""
    while counter > 0:
        counter, rest = divmod(counter - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def write_bibtex(references: Iterable[Reference], stream: IO[str]) -> None:
    """Write ``references`` as UTF-8 BibTeX entries with stable, unique citation keys."""
    for key, reference in unique_keys(references):
        container = "booktitle" if reference.type in _CONTAINED else "journal"
        fields: list[tuple[str, str | None]] = [
            ("author", " and ".join(_bibtex_name(author) for author in reference.authors)),
            ("title", escape_latex(reference.title or "")),
            (container, escape_latex(reference.journal or "")),
            ("shortjournal", escape_latex(reference.abbreviation or "")),
            ("year", str(reference.year) if reference.year else None),
            ("volume", escape_latex(reference.volume or "")),
            ("number", escape_latex(reference.issue or "")),
            ("pages", _bibtex_pages(reference.pages)),
            ("publisher", escape_latex(reference.publisher or "")),
            ("issn", reference.issn),
            ("doi", _verbatim(reference.doi) if reference.doi else None),
            ("pmid", reference.pmid),
            ("pmcid", reference.pmcid),
            ("url", _verbatim(reference.url) if reference.url else None),
            ("language", escape_latex(reference.language or "")),
            ("keywords", escape_latex(", ".join(reference.keywords))),
            ("abstract", escape_latex(reference.abstract or "")),
            ("note", escape_latex(reference.notes or "")),
        ]
        stream.write(f"@{_TYPES_OUT[reference.type]}{{{key},\n")
        month = _MONTH_MACROS[reference.month - 1] if reference.month else None
        for field, value in fields:
            if value:
                stream.write(f"  {field} = {{{value}}},\n")
            if field == "year" and month:
                stream.write(f"  month = {month},\n")
        stream.write("}\n\n")


_MONTH_MACROS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _bibtex_name(author: Author) -> str:
    """``Family, Given``; a group name in braces, so that BibTeX keeps it whole."""
    if author.given is None:
        return f"{{{escape_latex(author.family)}}}"
    return escape_latex(author.display())


def _bibtex_pages(pages: str | None) -> str | None:
    first, last = split_pages(pages)
    if first and last:
        return f"{escape_latex(first)}--{escape_latex(last)}"
    return escape_latex(first) if first else None
