"""A literature reference as the citation line a letter prints (Vancouver style,
as the ICMJE recommends for medical letters).

The letter's references and their RIS export come from the same
:class:`~liaison.literature.reference_formats.Reference` values: this module
gives the printed line, ``liaison.literature.reference_formats.write_ris`` the
RIS file, so the two cannot disagree::

    lines = tuple(citation(reference) for reference in references)
    write_ris(references, stream)
"""

from __future__ import annotations

import re

from liaison.literature.reference_formats import Author, Reference, ReferenceType

#: Vancouver lists six authors, then "et al.".
MAX_AUTHORS = 6

_NAME_PARTS = re.compile(r"[\s.\-]+")


def citation(reference: Reference) -> str:
    """``Öberg B, Martin Z. Renal dosing of X. Lancet. 2020;395(3):1-9. doi:10.1/x``.

    Parts the reference lacks are left out; a reference with no title falls
    back to its DOI or PMID so that the line still identifies it.
    """
    parts = [_authors(reference.authors), _sentence(reference.title)]
    if reference.type in (ReferenceType.BOOK, ReferenceType.REPORT, ReferenceType.THESIS):
        parts.append(_book_source(reference))
    else:
        parts.append(_journal_source(reference))
    if reference.doi:
        parts.append(f"doi:{reference.doi}")
    if reference.pmid:
        parts.append(f"PMID: {reference.pmid}")
    return " ".join(part for part in parts if part)


def initials(given: str) -> str:
    """``Björn Erik`` -> ``BE``; ``J.-P.`` -> ``JP``; already initials (``JP``) kept."""
    if given.isupper() and len(given) <= 3 and given.isalpha():
        return given
    return "".join(part[0].upper() for part in _NAME_PARTS.split(given) if part)


def _authors(authors: tuple[Author, ...]) -> str:
    if not authors:
        return ""
    names = [
        f"{author.family} {initials(author.given)}" if author.given else author.family
        for author in authors[:MAX_AUTHORS]
    ]
    if len(authors) > MAX_AUTHORS:
        names.append("et al")
    return _sentence(", ".join(names))


def _journal_source(reference: Reference) -> str:
    journal = _sentence(reference.abbreviation or reference.journal)
    detail = str(reference.year) if reference.year else ""
    if reference.volume:
        detail += f";{reference.volume}"
    if reference.issue:
        detail += f"({reference.issue})"
    if reference.pages:
        detail += f":{reference.pages}"
    return " ".join(part for part in (journal, _sentence(detail)) if part)


def _book_source(reference: Reference) -> str:
    published = "; ".join(part for part in (reference.publisher, str(reference.year or "")) if part)
    return _sentence(published)


def _sentence(text: str | None) -> str:
    """``text`` ending in a full stop (unless it ends in one already, or ? or !)."""
    text = " ".join((text or "").split())
    if not text:
        return ""
    return text if text[-1] in ".?!" else f"{text}."
