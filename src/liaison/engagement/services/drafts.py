"""Drafts of the interaction form, saved on the server as the MSL types.

A draft keeps the form's fields exactly as typed (strings, and lists of strings
for the pickers and the inline insights and follow-ups): it is never validated,
so a mistake is kept until fixed. Drafts are unfinished typing and not audited;
the interaction they become is. Logging the interaction deletes its draft.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils import timezone

from liaison.core import policy
from liaison.core.errors import LiaisonError
from liaison.core.models import User
from liaison.directory.models import HCP
from liaison.engagement.models import InteractionDraft, Meeting

#: A draft is a form's typing, not a document store.
MAX_DRAFT_BYTES = 200_000


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise LiaisonError("a draft holds the form's fields by name", field="data")
    try:
        size = len(json.dumps(data, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    except (TypeError, ValueError):
        raise LiaisonError("a draft holds text only", field="data") from None
    if size > MAX_DRAFT_BYTES:
        raise LiaisonError(
            f"this draft is too long to keep (more than {MAX_DRAFT_BYTES // 1000} kB)",
            field="data",
        )
    return data


def save_draft(
    *,
    actor: User,
    data: dict[str, Any],
    draft: InteractionDraft | None = None,
    hcp: HCP | None = None,
    meeting: Meeting | None = None,
) -> InteractionDraft:
    """Keep what ``actor`` typed: a new draft, or ``draft`` replaced."""
    data = _plain(data)
    now = timezone.now()
    if draft is None:
        policy.require(actor, "add", InteractionDraft)
        return InteractionDraft.objects.create(
            owner=actor, data=data, hcp=hcp, meeting=meeting, updated_at=now
        )
    policy.require(actor, "change", draft)
    draft.data = data
    draft.updated_at = now
    fields = ["data", "updated_at"]
    if hcp is not None:
        draft.hcp = hcp
        fields.append("hcp")
    if meeting is not None:
        draft.meeting = meeting
        fields.append("meeting")
    draft.save(update_fields=fields)
    return draft


def delete_draft(*, actor: User, draft: InteractionDraft) -> None:
    """Throw a draft away (its owner's alone)."""
    policy.require(actor, "delete", draft)
    draft.delete()
