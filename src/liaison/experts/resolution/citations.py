"""Mentions from parsed PubMed records (``literature.pubmed``'s ``Citation``): what the
evaluation and the training read; the database side builds the same fields from
stored authorships."""

from __future__ import annotations

import re
from collections.abc import Iterable

from liaison.experts.resolution.mentions import Mention
from liaison.experts.resolution.names import name_key
from liaison.literature.pubmed.records import Author, Citation

#: How much of an abstract a mention keeps (its opening carries most distinctive words).
ABSTRACT_CHARS = 1500

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def email_in(affiliations: Iterable[str]) -> str:
    """The first e-mail address written in an affiliation ("...; jdoe@uni.edu."), lower-case."""
    for text in affiliations:
        found = _EMAIL.search(text)
        if found:
            return found.group(0).rstrip(".").lower()
    return ""


def coauthor_keys(people: Iterable[Author], skip: int | None = None) -> tuple[str, ...]:
    """``"family i"`` of every person in ``people`` but the one at index ``skip``."""
    keys = []
    for index, person in enumerate(people):
        if index == skip or not person.family:
            continue
        keys.append(name_key(person.family, person.given or "", person.initials or ""))
    return tuple(dict.fromkeys(keys))


def topics_of(citation: Citation) -> tuple[str, ...]:
    """MeSH descriptors and author keywords, lower-case: what the paper is about."""
    names = [heading.name.lower() for heading in citation.mesh]
    names += [keyword.lower() for keyword in citation.keywords]
    names += [chemical.name.lower() for chemical in citation.chemicals]
    return tuple(dict.fromkeys(names))


def mention_of(citation: Citation, index: int, *, investigator: bool = False) -> Mention:
    """The mention of ``citation``'s author (or investigator) at 0-based ``index``;
    its key is ``"<pmid>:<position>"`` (``"<pmid>:i<position>"`` for an investigator)."""
    people = citation.investigators if investigator else citation.authors
    person = people[index]
    journal = citation.journal
    published = citation.published
    affiliations = tuple(person.affiliations)
    return Mention(
        key=f"{citation.pmid}:{'i' if investigator else ''}{index + 1}",
        family=person.family or "",
        given=person.given or "",
        initials=person.initials or "",
        orcid=person.orcid or "",
        affiliations=affiliations,
        coauthors=coauthor_keys(citation.authors, None if investigator else index),
        mesh=topics_of(citation),
        journal=((journal.iso_abbreviation or journal.title or "") if journal else "").lower(),
        year=published.year if published else None,
        title=citation.title or "",
        abstract=" ".join(section.text or "" for section in citation.abstract)[:ABSTRACT_CHARS],
        email=email_in(affiliations),
    )
