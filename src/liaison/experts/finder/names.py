"""People's names as registries write them: titles and degrees dropped, word
order ignored (:func:`name_key`), placeholders told from people
(:func:`is_person`), and which site contacts are investigators."""

from __future__ import annotations

import re
from typing import Any

from liaison.lib.text import fold

#: Roles of a site contact that make them an investigator of the site.
INVESTIGATOR_ROLES = frozenset(
    {"PRINCIPAL_INVESTIGATOR", "SUB_INVESTIGATOR", "STUDY_CHAIR", "STUDY_DIRECTOR"}
)
ROLE_WORDS = {
    "PRINCIPAL_INVESTIGATOR": "principal investigator",
    "SUB_INVESTIGATOR": "sub-investigator",
    "STUDY_CHAIR": "study chair",
    "STUDY_DIRECTOR": "study director",
}


_NOT_NAME = frozenset(
    {"dr", "prof", "professor", "md", "phd", "mph", "msc", "ms", "mr", "mrs", "med", "pd"}
    | {"priv", "doz", "mba", "facp", "frcp", "frcpc", "mbbs", "do", "dphil", "mbchb", "rn"}
    | {"pharmd", "facs", "frcs", "mrcp", "bsc", "ma", "univ"}
)


def _name_words(name: str) -> list[str]:
    """The words of a person's name as written, without titles and degrees."""
    words = re.sub(r"[^a-z0-9]+", " ", fold(name)).split()
    return [word for word in words if word not in _NOT_NAME]


def name_key(name: str) -> str:
    """A person's name without titles and degrees, word order ignored:
    "Prof. Dr. Anna Schmidt, MD" and "Schmidt, Anna" are both "anna schmidt"."""
    return " ".join(sorted(_name_words(name)))


#: Words of the placeholders registries write where a person's name belongs
#: ("Medical Director", "Clinical Trials", "Call 1-877-...", "Acme GmbH").
_NOT_A_PERSON = frozenset(
    {"director", "medical", "clinical", "trial", "trials", "study", "studies", "sponsor"}
    | {"center", "centre", "team", "department", "call", "information", "inc", "gmbh"}
    | {"ltd", "llc", "pharma", "pharmaceuticals", "corporation", "hospital", "research"}
    | {"contact", "site", "investigator", "investigators", "officer", "manager", "office"}
    | {"transparency", "disclosure", "plc", "group", "unit", "foundation", "institute"}
)


def is_person(name: str) -> bool:
    """A person's name: at least two words, no digits, no placeholder words."""
    words = _name_words(name)
    return (
        len(words) >= 2
        and not any(word.isdigit() or word in _NOT_A_PERSON for word in words)
        and not any(char.isdigit() for char in name)
    )


def search_names(name: str) -> set[str]:
    """The directory's ``search_name`` ("family given", folded) the name may have:
    each rotation of its words ("Anna Maria Schmidt" -> "schmidt anna maria", ...)."""
    words = _name_words(name)
    return {" ".join(words[index:] + words[:index]) for index in range(len(words))}


def is_investigator(contact: Any) -> bool:
    """A site contact (a registry's JSON object) who is a person in an investigator's role."""
    return (
        isinstance(contact, dict)
        and str(contact.get("role") or "") in INVESTIGATOR_ROLES
        and is_person(str(contact.get("name") or ""))
    )
