"""The public JSON layout of a PubMed record (one object per line; see docs/pubmed-jsonl.md)."""

from __future__ import annotations

from typing import Any

from .records import Citation, Deletion, PartialDate


def _date_json(date: PartialDate | None) -> dict[str, Any] | None:
    if date is None:
        return None
    return {"year": date.year, "month": date.month, "day": date.day, "text": date.text}


def to_json(record: Citation | Deletion) -> dict[str, Any]:
    """The record as the documented JSON object (``docs/pubmed-jsonl.md``).

    Absent values are ``null`` or ``[]``, never ``""``.
    """
    if isinstance(record, Deletion):
        return {"pmid": record.pmid, "deleted": True}
    journal = record.journal
    return {
        "pmid": record.pmid,
        "version": record.version,
        "kind": record.kind,
        "title": record.title,
        "abstract": [
            {"label": section.label, "category": section.category, "text": section.text}
            for section in record.abstract
        ],
        "journal": None
        if journal is None
        else {
            "title": journal.title,
            "iso_abbreviation": journal.iso_abbreviation,
            "issn": journal.issn,
            "volume": journal.volume,
            "issue": journal.issue,
            "pages": journal.pages,
        },
        "published": _date_json(record.published),
        "languages": list(record.languages),
        "publication_types": [
            {"ui": item.ui, "name": item.name} for item in record.publication_types
        ],
        "authors": [
            {
                "family": author.family,
                "given": author.given,
                "initials": author.initials,
                "suffix": author.suffix,
                "collective": author.collective,
                "affiliations": list(author.affiliations),
                "orcid": author.orcid,
                "equal_contribution": author.equal_contribution,
            }
            for author in record.authors
        ],
        "investigators": [
            {
                "family": person.family,
                "given": person.given,
                "initials": person.initials,
                "suffix": person.suffix,
                "affiliations": list(person.affiliations),
                "orcid": person.orcid,
            }
            for person in record.investigators
        ],
        "mesh": [
            {
                "ui": heading.ui,
                "name": heading.name,
                "major": heading.major,
                "qualifiers": [
                    {"ui": qualifier.ui, "name": qualifier.name, "major": qualifier.major}
                    for qualifier in heading.qualifiers
                ],
            }
            for heading in record.mesh
        ],
        "keywords": list(record.keywords),
        "chemicals": [
            {"ui": item.ui, "name": item.name, "registry_number": item.registry_number}
            for item in record.chemicals
        ],
        "grants": [
            {"id": item.id, "acronym": item.acronym, "agency": item.agency, "country": item.country}
            for item in record.grants
        ],
        "article_ids": {
            "doi": record.article_ids.doi,
            "pmc": record.article_ids.pmc,
            "pii": record.article_ids.pii,
        },
        "trial_ids": list(record.trial_ids),
        "comments_corrections": [
            {"type": item.type, "pmid": item.pmid} for item in record.comments_corrections
        ],
    }
