"""The review of insights, their comments and their tags.

An insights lead (or an administrator) moves an insight along ``new`` →
``reviewed`` → ``actioned``, one step at a time, with a comment: optional when
marking it reviewed, required when marking it actioned (what was done) and when
sending it a step back (why). Whoever sees an insight comments on it; its
author and its reviewers set its tags. Every change is audited in the
transaction that writes it. Creating and editing an insight's content is
``services.capture``'s.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from liaison.core import audit, policy
from liaison.core.errors import LiaisonError, NotFound, PermissionDenied
from liaison.core.models import User
from liaison.engagement.models import Insight, InsightComment, InsightStatus

#: The statuses each status may move to.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    InsightStatus.NEW: (InsightStatus.REVIEWED,),
    InsightStatus.REVIEWED: (InsightStatus.ACTIONED, InsightStatus.NEW),
    InsightStatus.ACTIONED: (InsightStatus.REVIEWED,),
}
#: Moves that need a comment saying what was done, or why the step back.
COMMENT_REQUIRED: frozenset[tuple[str, str]] = frozenset(
    {
        (InsightStatus.REVIEWED, InsightStatus.ACTIONED),
        (InsightStatus.REVIEWED, InsightStatus.NEW),
        (InsightStatus.ACTIONED, InsightStatus.REVIEWED),
    }
)
MAX_COMMENT = 5000
MAX_TAGS = 20
MAX_TAG_LENGTH = 40


def _label(status: str) -> str:
    return str(InsightStatus(status).label).lower()


def next_statuses(insight: Insight) -> tuple[str, ...]:
    """The statuses a reviewer may move ``insight`` to now."""
    return TRANSITIONS.get(insight.status, ())


def _add_comment(*, actor: User, insight: Insight, text: str) -> InsightComment:
    comment = InsightComment(insight=insight, author=actor, text=text)
    audit.create_record(actor=actor, instance=comment)
    return comment


def _clean_comment(text: str, field: str = "comment") -> str:
    text = text.strip()
    if len(text) > MAX_COMMENT:
        raise LiaisonError(
            f"{field}: at most {MAX_COMMENT:,} characters (this one has {len(text):,})",
            field=field,
        )
    return text


def review_insight(
    *, actor: User, insight: Insight, status: str, comment: str = ""
) -> InsightComment | None:
    """Move ``insight`` to ``status`` (one step of :data:`TRANSITIONS`), with
    ``comment`` added to its thread; returns the comment (None when none was given).

    Only insights leads and administrators review (the policy's ``review``)."""
    policy.require(actor, "review", insight)
    if status not in InsightStatus.values:
        raise LiaisonError(
            f"status: {status!r} is not a status (new, reviewed or actioned)", field="status"
        )
    text = _clean_comment(comment)
    current = insight.status
    if status == current:
        raise LiaisonError(f"status: the insight is {_label(current)} already", field="status")
    if status not in TRANSITIONS.get(current, ()):
        allowed = " or ".join(_label(value) for value in TRANSITIONS.get(current, ()))
        raise LiaisonError(
            f"status: a {_label(current)} insight moves to {allowed}, not {_label(status)}",
            field="status",
        )
    if (current, status) in COMMENT_REQUIRED and not text:
        reason = (
            "say what was done about it"
            if status == InsightStatus.ACTIONED
            else "say why it goes back"
        )
        raise LiaisonError(
            f"comment: marking the insight {_label(status)} needs a comment: {reason}",
            field="comment",
        )
    with transaction.atomic():
        locked = Insight.objects.select_for_update().get(pk=insight.pk)
        if locked.status != current:
            raise LiaisonError(
                f"status: someone marked the insight {_label(locked.status)} meanwhile; "
                "reload the page",
                field="status",
            )
        audit.update_record(actor=actor, instance=insight, values={"status": status}, reason=text)
        made = _add_comment(actor=actor, insight=insight, text=text) if text else None
    return made


def comment_on_insight(*, actor: User, insight: Insight, text: str) -> InsightComment:
    """Add ``text`` to the comment thread of ``insight`` (whoever sees it comments)."""
    policy.require(actor, "comment", insight)
    policy.require(actor, "add", InsightComment)
    text = _clean_comment(text, "text")
    if not text:
        raise LiaisonError("text: write the comment first", field="text")
    with transaction.atomic():
        return _add_comment(actor=actor, insight=insight, text=text)


def clean_tags(tags: Iterable[str], field: str = "tags") -> list[str]:
    """Tags as stored: trimmed, lower case, single-spaced, each once, in the order given."""
    cleaned: list[str] = []
    for raw in tags:
        tag = " ".join(str(raw).split()).lower()
        if not tag or tag in cleaned:
            continue
        if len(tag) > MAX_TAG_LENGTH:
            raise LiaisonError(
                f"{field}: the tag “{tag[:MAX_TAG_LENGTH]}…” is longer than "
                f"{MAX_TAG_LENGTH} characters",
                field=field,
            )
        cleaned.append(tag)
    if len(cleaned) > MAX_TAGS:
        raise LiaisonError(f"{field}: at most {MAX_TAGS} tags (got {len(cleaned)})", field=field)
    return cleaned


def may_tag(user: User, insight: Insight) -> bool:
    """Its author (``change``) and its reviewers set an insight's tags."""
    return policy.can(user, "change", insight) or policy.can(user, "review", insight)


def set_tags(*, actor: User, insight: Insight, tags: Iterable[str]) -> list[str]:
    """Replace the tags of ``insight`` (its author's or a reviewer's); returns them."""
    if not may_tag(actor, insight):
        if not policy.can(actor, "view", insight):
            raise NotFound("no such insight")
        raise PermissionDenied("only the insight's author and its reviewers change its tags")
    cleaned = clean_tags(tags)
    with transaction.atomic():
        audit.update_record(actor=actor, instance=insight, values={"tags": cleaned})
    return cleaned
