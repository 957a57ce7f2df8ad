"""Codes as people read them: the fallback label of a stored code.

A code with a known label is shown by that label (a model's choices, the
trials' ``STATUS_LABELS``, ...); one nobody labelled yet (a new value a registry
sends, a job kind, a field name) goes through :func:`humanize` rather than
reaching the page as it is stored: ``"EXPANDED_ACCESS"`` is "Expanded access",
``"pubmed-load"`` is "PubMed load", ``"npi_source"`` is "NPI source".
"""

from __future__ import annotations

import re

#: Words spelt as the field spells them, whatever the case of the code.
ACRONYMS: dict[str, str] = {
    word.lower(): word
    for word in (
        "API",
        "BibTeX",
        "CSV",
        "DOI",
        "E2B",
        "HCP",
        "HCPs",
        "ID",
        "IDs",
        "ISSN",
        "JSON",
        "JSONL",
        "MeSH",
        "MSL",
        "NCT",
        "NIH",
        "NPI",
        "ORCID",
        "PMC",
        "PMID",
        "PubMed",
        "RIS",
        "UK",
        "URL",
        "US",
        "XLSX",
    )
}

_SEPARATORS = re.compile(r"[\s_\-]+")


def humanize(code: str) -> str:
    """``code`` as a label: words split at ``_``, ``-`` and spaces, lower-case but
    for acronyms (:data:`ACRONYMS`) and words already in mixed case ("MeSH"),
    the first letter capital. ``""`` stays ``""``.

    >>> humanize("NOT_YET_RECRUITING"), humanize("reference-import"), humanize("hcp")
    ('Not yet recruiting', 'Reference import', 'HCP')
    """
    words = [word for word in _SEPARATORS.split(code.strip()) if word]
    shown = []
    for word in words:
        known = ACRONYMS.get(word.lower())
        if known is not None:
            shown.append(known)
        elif word.isupper() or word.islower():
            shown.append(word.lower())
        else:
            shown.append(word)
    text = " ".join(shown)
    return text[:1].upper() + text[1:]


def label_of(labels: dict[str, str], code: str, *, empty: str = "") -> str:
    """The label of ``code`` in ``labels``, else :func:`humanize` of it; ``empty`` for ``""``."""
    if not code:
        return empty
    return labels.get(code) or humanize(code)
