"""How the audit trail records field engagement (see :func:`liaison.core.audit.register_fields`).

An interaction's other attendees and the name of whoever asked an unsolicited
question are people's names: personal, erasable. A calendar feed's token is a
secret: recorded as a keyed hash. An insight's ``search_text`` is derived from
its statement and never recorded. Drafts are unfinished typing, saved as the
MSL types: they are not audited (the interaction they become is).
"""

from __future__ import annotations

from liaison.core.audit import register_fields
from liaison.engagement.models import (
    CalendarFeed,
    EngagementPlan,
    FollowUp,
    Insight,
    InsightCategory,
    InsightComment,
    Interaction,
    InteractionDraft,
    Meeting,
    PlanTarget,
    StrategicQuestion,
    Theme,
)

register_fields(Interaction, personal=("other_attendees", "unsolicited_requested_by"))
register_fields(Meeting, never=("sequence",), personal=("other_attendees",))
register_fields(FollowUp)
register_fields(Insight, never=("search_text",))
register_fields(InsightComment)
register_fields(InsightCategory)
register_fields(StrategicQuestion)
register_fields(Theme, never=("top_terms", "representative_ids", "size", "computed_at"))
register_fields(EngagementPlan)
register_fields(PlanTarget)
# Declared for completeness: the services never audit a draft, but an administrator's
# change through another path would follow these rules (what was typed is personal).
register_fields(InteractionDraft, personal=("data",))
register_fields(CalendarFeed, redacted=("token",), never=("last_read_at",))
