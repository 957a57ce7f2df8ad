"""The leaf readers of a PubMed record: authors, dates, abstract, MeSH, grants, links.

Speed matters here (millions of records): each element's children are
iterated directly instead of searched with XPath or ``findtext``, and taken
as a list (``element[:]``, one call into lxml) rather than through an
iterator, which costs lxml an iterator and a tag matcher object per loop.
"""

from __future__ import annotations

from lxml import etree

from .records import (
    AbstractSection,
    Author,
    Chemical,
    CommentCorrection,
    Grant,
    MeshHeading,
    MeshQualifier,
    PartialDate,
)


class RecordError(Exception):
    """A well-formed record that cannot be used (no PMID); the reader adds the place."""

    def __init__(self, reason: str, pmid: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.pmid = pmid


_Element = etree._Element

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}


_ORCID_CHARACTERS = frozenset("0123456789Xx")


def _text(element: _Element) -> str | None:
    """The element's own text, stripped; None when empty."""
    text = element.text
    if text is None:
        return None
    text = text.strip()
    return text or None


def _flat(element: _Element) -> str | None:
    """All text inside the element (inline <i>, <sub>, MathML...), whitespace normalised.

    Runs of whitespace (any Unicode space) become one space and the ends are
    stripped. Most text is so already once stripped, and checking costs a
    fraction of splitting and joining (abstracts run to thousands of
    characters). The check is exact: of the ASCII whitespace, XML 1.0 admits
    only space, tab, newline and carriage return (libxml2 refuses the other
    control characters), and a printable string holds no whitespace but the
    ASCII space (``str.isprintable`` is False for every other character
    ``str.split`` splits on). The no-break space, frequent in abstracts (between
    "p", "<" and "0.05"), is made a space first: as whitespace it becomes one anyway.
    """
    text = "".join(element.itertext()) if len(element) else element.text
    if text is None:
        return None
    text = text.strip()
    if text.isascii():
        plain = "\n" not in text and "\t" not in text and "\r" not in text
    else:
        text = text.replace("\xa0", " ")
        plain = text.isprintable()
    if plain and "  " not in text:
        return text or None
    return " ".join(text.split()) or None


def _number(text: str | None) -> int | None:
    if text and text.isascii() and text.isdigit():
        return int(text)
    return None


def read_pmid(element: _Element) -> int:
    """The PMID in a ``PMID`` element; :class:`RecordError` when it is not a number."""
    text = _text(element)
    if text is None or not (text.isascii() and text.isdigit()):
        raise RecordError(f"PMID {text!r} is not a number")
    return int(text)


def _month(text: str | None) -> int | None:
    if not text:
        return None
    if text.isascii() and text.isdigit():
        month = int(text)
        return month if 1 <= month <= 12 else None
    return _MONTHS.get(text[:3].lower())


def _medline_date(text: str) -> PartialDate:
    """The first date a free-text ``MedlineDate`` names ("2019 Nov-Dec" -> 2019, 11)."""
    year = month = day = None
    for token in text.replace("-", " ").replace("/", " ").replace(",", " ").split():
        if year is None:
            if len(token) == 4 and token.isascii() and token.isdigit():
                year = int(token)
            continue
        if month is None:
            month = _MONTHS.get(token[:3].lower())
            if month is None:
                break
            continue
        if len(token) <= 2 and token.isascii() and token.isdigit() and 1 <= int(token) <= 31:
            day = int(token)
        break
    return PartialDate(year, month, day, text)


def _date(element: _Element) -> PartialDate:
    """A PubDate/ArticleDate: Year, Month, Day or Season, or a free-text MedlineDate."""
    year = month = day = None
    parts: list[str] = []
    for child in element[:]:
        text = child.text
        if text is None:
            continue
        text = text.strip()
        if not text:
            continue
        tag = child.tag
        if tag == "MedlineDate":
            return _medline_date(" ".join(text.split()))
        parts.append(text)
        if tag == "Year":
            year = int(text) if text.isascii() and text.isdigit() else None
        elif tag == "Month":
            month = _month(text)
        elif tag == "Day":
            day = int(text) if text.isascii() and text.isdigit() else None
        elif tag == "Season":
            # "May-Jun" names months; "Spring" or "Winter" does not, so the month stays None.
            month = _MONTHS.get(text[:3].lower())
    return PartialDate(year, month, day, " ".join(parts) or None)


def _orcid(raw: str) -> str | None:
    """``0000-0002-1825-0097`` from any spelling: URL, no hyphens, spaces, lower-case x."""
    value = "".join(
        char for char in raw.lower().rpartition("orcid.org/")[2] if char in _ORCID_CHARACTERS
    )
    value = value.upper()
    if len(value) != 16 or "X" in value[:15]:
        return None
    return f"{value[:4]}-{value[4:8]}-{value[8:12]}-{value[12:]}"


def _nct(raw: str) -> str | None:
    value = raw.strip().upper()
    if len(value) == 11 and value.startswith("NCT") and value[3:].isascii() and value[3:].isdigit():
        return value
    return None


def _author(element: _Element) -> Author:
    family = given = initials = suffix = collective = orcid = None
    affiliations: list[str] = []
    for child in element[:]:
        tag = child.tag
        # Names are plain text (#PCDATA) in the DTD; _text inlined (authors are the
        # most numerous elements read).
        if tag == "LastName":
            text = child.text
            family = (text.strip() or None) if text else None
        elif tag == "ForeName":
            text = child.text
            given = (text.strip() or None) if text else None
        elif tag == "Initials":
            text = child.text
            initials = (text.strip() or None) if text else None
        elif tag == "AffiliationInfo":
            for part in child[:]:
                if part.tag == "Affiliation":
                    affiliation = _flat(part)
                    if affiliation:
                        affiliations.append(affiliation)
        elif tag == "Identifier" or tag == "NameID":
            if child.get("Source") == "ORCID" and orcid is None:
                text = child.text
                if text:
                    orcid = _orcid(text)
        elif tag == "Suffix":
            suffix = _text(child)
        elif tag == "CollectiveName":
            collective = _flat(child)
        elif tag == "Affiliation":  # before 2014 the DTD put Affiliation in Author directly
            affiliation = _flat(child)
            if affiliation:
                affiliations.append(affiliation)
    return Author(
        family,
        given,
        initials,
        suffix,
        collective,
        tuple(affiliations),
        orcid,
        element.get("EqualContrib") == "Y",
        element.get("ValidYN") != "N",
    )


def _authors(element: _Element) -> list[Author]:
    return [_author(child) for child in element[:] if child.tag == "Author"]


def _investigators(element: _Element) -> list[Author]:
    """The people of an ``InvestigatorList``: the DTD gives an ``Investigator`` the
    children of a person ``Author`` (names, ``Identifier``, ``AffiliationInfo``) and
    its ``ValidYN``, so they are read alike."""
    return [_author(child) for child in element[:] if child.tag == "Investigator"]


def _abstract(element: _Element) -> list[AbstractSection]:
    sections = []
    for child in element[:]:
        if child.tag == "AbstractText":
            text = _flat(child)
            label = child.get("Label") or None
            if text is None and label is None:
                continue
            sections.append(AbstractSection(label, child.get("NlmCategory") or None, text))
    return sections


def _mesh(element: _Element) -> list[MeshHeading]:
    headings = []
    for heading in element[:]:
        if heading.tag != "MeshHeading":
            continue
        ui = name = None
        major = False
        qualifiers = []
        for child in heading[:]:
            tag = child.tag
            text = child.text  # #PCDATA: _text inlined
            if tag == "DescriptorName":
                ui = child.get("UI")
                name = (text.strip() or None) if text else None
                major = child.get("MajorTopicYN") == "Y"
            elif tag == "QualifierName" and text and (qualifier := text.strip()):
                qualifiers.append(
                    MeshQualifier(child.get("UI"), qualifier, child.get("MajorTopicYN") == "Y")
                )
        if name:
            headings.append(MeshHeading(ui, name, major, tuple(qualifiers)))
    return headings


def _chemicals(element: _Element) -> list[Chemical]:
    chemicals = []
    for chemical in element[:]:
        if chemical.tag != "Chemical":
            continue
        ui = name = registry = None
        for child in chemical[:]:
            if child.tag == "NameOfSubstance":
                ui = child.get("UI")
                name = _text(child)
            elif child.tag == "RegistryNumber":
                registry = _text(child)
        if name:
            chemicals.append(Chemical(ui, name, None if registry == "0" else registry))
    return chemicals


def _grants(element: _Element) -> list[Grant]:
    grants = []
    for grant in element[:]:
        if grant.tag != "Grant":
            continue
        grant_id = acronym = agency = country = None
        for child in grant[:]:
            tag = child.tag
            if tag == "GrantID":
                grant_id = _text(child)
            elif tag == "Acronym":
                acronym = _text(child)
            elif tag == "Agency":
                agency = _text(child)
            elif tag == "Country":
                country = _text(child)
        if grant_id or acronym or agency or country:
            grants.append(Grant(grant_id, acronym, agency, country))
    return grants


def _comments_corrections(element: _Element) -> list[CommentCorrection]:
    links = []
    for link in element[:]:
        if link.tag != "CommentsCorrections":
            continue
        kind = link.get("RefType")
        if not kind or kind == "Cites":  # cited references are not comments or corrections
            continue
        pmid = None
        for child in link[:]:
            if child.tag == "PMID":
                pmid = _number(_text(child))
        links.append(CommentCorrection(kind, pmid))
    return links
