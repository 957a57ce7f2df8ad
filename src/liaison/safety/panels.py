"""Safety's panels on other apps' record pages (``record_panels`` in ``apps.py``):
on an interaction and on a medical inquiry, the adverse-event flags raised by its
text (with confirm and dismiss for whoever may handle them), the cases reported
from it, and a link to report one. Four queries at most, whatever the number of
flags."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.urls import reverse

from liaison.core import policy
from liaison.core.models import User
from liaison.safety import selectors
from liaison.safety.models import Case, Flag


@dataclass(frozen=True)
class FlagRow:
    flag: Flag
    #: The sentence cut into ``(text, is_a_word_found)`` parts, for ``<mark>``.
    parts: list[tuple[str, bool]]
    can_handle: bool


def sentence_parts(sentence: str, terms: str) -> list[tuple[str, bool]]:
    """``sentence`` split around the words found (``terms``, comma-separated),
    matched without regard to case."""
    words = sorted({term.strip() for term in terms.split(",") if term.strip()}, key=len)
    if not words:
        return [(sentence, False)]
    pattern = re.compile("|".join(re.escape(word) for word in reversed(words)), re.IGNORECASE)
    parts: list[tuple[str, bool]] = []
    position = 0
    for match in pattern.finditer(sentence):
        if match.start() > position:
            parts.append((sentence[position : match.start()], False))
        parts.append((match.group(0), True))
        position = match.end()
    if position < len(sentence):
        parts.append((sentence[position:], False))
    return parts


def _panel(user: User, label: str, record: models.Model, param: str) -> dict[str, Any] | None:
    if not policy.grants_any(user, "view", Flag) and not policy.can(user, "add", Case):
        return None
    flags = selectors.flags_of(user, label, int(record.pk))
    handled = set(
        policy.scope(user, "handle", Flag)
        .filter(pk__in=[flag.pk for flag in flags])
        .values_list("pk", flat=True)
        if flags
        else []
    )
    cases = list(
        policy.scope(user, "view", Case)
        .filter(source_label=label, source_id=record.pk)
        .order_by("pk")
    )
    may_add = policy.can(user, "add", Case)
    return {
        "flags": [
            FlagRow(flag, sentence_parts(flag.sentence, flag.terms), flag.pk in handled)
            for flag in flags
        ],
        "cases": cases,
        "report_url": f"{reverse('safety:case-create')}?{param}={record.pk}" if may_add else "",
    }


def interaction_panel(user: User, interaction: models.Model) -> dict[str, Any] | None:
    """ "Adverse events" on an interaction's page."""
    return _panel(user, "engagement.Interaction", interaction, "interaction")


def inquiry_panel(user: User, inquiry: models.Model) -> dict[str, Any] | None:
    """ "Adverse events" on a medical inquiry's page."""
    return _panel(user, "medinfo.Inquiry", inquiry, "inquiry")
