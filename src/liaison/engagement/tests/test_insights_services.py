"""The review of insights (new -> reviewed -> actioned, with comments), comments and tags:
who may, which steps, what is kept, and that every change is audited."""

from __future__ import annotations

import pytest

from liaison.core.errors import LiaisonError, NotFound, PermissionDenied
from liaison.core.models import AuditEvent, User
from liaison.engagement.models import Insight, InsightComment, InsightStatus
from liaison.engagement.services.insights import (
    clean_tags,
    comment_on_insight,
    review_insight,
    set_tags,
)
from liaison.engagement.tests import factories


@pytest.fixture
def insight(msl: User) -> Insight:
    return factories.insight(msl)


def events_of(insight: Insight) -> list[str]:
    return list(
        AuditEvent.objects.filter(record_id=str(insight.pk), record_type="engagement.insight")
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_an_insights_lead_marks_a_new_insight_reviewed_with_a_comment(
    insight: Insight, insights_lead: User
) -> None:
    comment = review_insight(
        actor=insights_lead, insight=insight, status="reviewed", comment="Shared with the TA lead."
    )
    insight.refresh_from_db()
    assert insight.status == InsightStatus.REVIEWED
    assert comment is not None and comment.author == insights_lead
    assert list(insight.comments.values_list("text", flat=True)) == ["Shared with the TA lead."]


def test_the_review_is_audited_with_the_comment_as_reason(
    insight: Insight, insights_lead: User
) -> None:
    review_insight(actor=insights_lead, insight=insight, status="reviewed", comment="Seen.")
    event = AuditEvent.objects.filter(
        record_type="engagement.insight", record_id=str(insight.pk), action="update"
    ).get()
    assert event.changes["status"] == ["new", "reviewed"]
    assert event.reason == "Seen."
    assert (
        AuditEvent.objects.filter(record_type="engagement.insightcomment", action="create").count()
        == 1
    )


def test_marking_reviewed_needs_no_comment(insight: Insight, insights_lead: User) -> None:
    assert review_insight(actor=insights_lead, insight=insight, status="reviewed") is None
    insight.refresh_from_db()
    assert insight.status == InsightStatus.REVIEWED
    assert not insight.comments.exists()


def test_a_new_insight_cannot_skip_to_actioned(insight: Insight, insights_lead: User) -> None:
    with pytest.raises(LiaisonError) as refused:
        review_insight(actor=insights_lead, insight=insight, status="actioned", comment="Done.")
    assert refused.value.field == "status"
    assert "moves to reviewed" in refused.value.message
    insight.refresh_from_db()
    assert insight.status == InsightStatus.NEW
    assert not InsightComment.objects.exists()


def test_marking_actioned_needs_a_comment_saying_what_was_done(
    insight: Insight, insights_lead: User
) -> None:
    review_insight(actor=insights_lead, insight=insight, status="reviewed")
    with pytest.raises(LiaisonError) as refused:
        review_insight(actor=insights_lead, insight=insight, status="actioned", comment="  ")
    assert refused.value.field == "comment"
    insight.refresh_from_db()
    assert insight.status == InsightStatus.REVIEWED
    review_insight(
        actor=insights_lead, insight=insight, status="actioned", comment="Added to the plan."
    )
    insight.refresh_from_db()
    assert insight.status == InsightStatus.ACTIONED


def test_sending_an_insight_back_needs_a_reason(insight: Insight, insights_lead: User) -> None:
    review_insight(actor=insights_lead, insight=insight, status="reviewed")
    with pytest.raises(LiaisonError) as refused:
        review_insight(actor=insights_lead, insight=insight, status="new")
    assert refused.value.field == "comment"
    review_insight(actor=insights_lead, insight=insight, status="new", comment="Reopened.")
    insight.refresh_from_db()
    assert insight.status == InsightStatus.NEW


def test_the_same_status_again_is_refused(insight: Insight, insights_lead: User) -> None:
    with pytest.raises(LiaisonError, match="new already"):
        review_insight(actor=insights_lead, insight=insight, status="new", comment="x")


def test_an_unknown_status_is_refused_naming_it(insight: Insight, insights_lead: User) -> None:
    with pytest.raises(LiaisonError) as refused:
        review_insight(actor=insights_lead, insight=insight, status="closed")
    assert refused.value.field == "status"


@pytest.mark.parametrize("who", ["msl", "field_manager", "compliance", "other_msl", "medinfo"])
def test_only_insights_leads_and_administrators_review(
    insight: Insight, who: str, request: pytest.FixtureRequest
) -> None:
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        review_insight(actor=actor, insight=insight, status="reviewed")
    insight.refresh_from_db()
    assert insight.status == InsightStatus.NEW


def test_an_administrator_reviews(insight: Insight, admin_user: User) -> None:
    review_insight(actor=admin_user, insight=insight, status="reviewed")
    insight.refresh_from_db()
    assert insight.status == InsightStatus.REVIEWED


def test_whoever_sees_the_insight_comments(
    insight: Insight, field_manager: User, compliance: User
) -> None:
    comment_on_insight(actor=field_manager, insight=insight, text="Heard the same in Munich.")
    comment_on_insight(actor=compliance, insight=insight, text="Noted.")
    assert [c.author for c in insight.comments.all()] == [field_manager, compliance]
    assert (
        AuditEvent.objects.filter(record_type="engagement.insightcomment", action="create").count()
        == 2
    )


def test_who_does_not_see_the_insight_does_not_comment(insight: Insight, other_msl: User) -> None:
    with pytest.raises(PermissionDenied):
        comment_on_insight(actor=other_msl, insight=insight, text="Me too.")
    assert not InsightComment.objects.exists()


def test_an_empty_comment_is_refused(insight: Insight, msl: User) -> None:
    with pytest.raises(LiaisonError) as refused:
        comment_on_insight(actor=msl, insight=insight, text="   ")
    assert refused.value.field == "text"


def test_the_author_sets_tags_cleaned_and_audited(insight: Insight, msl: User) -> None:
    tags = set_tags(actor=msl, insight=insight, tags=["Elderly ", "dosing", "elderly", ""])
    assert tags == ["elderly", "dosing"]
    insight.refresh_from_db()
    assert insight.tags == ["elderly", "dosing"]
    event = AuditEvent.objects.filter(
        record_type="engagement.insight", record_id=str(insight.pk), action="update"
    ).get()
    assert event.changes["tags"] == [[], ["elderly", "dosing"]]


def test_a_reviewer_sets_tags(insight: Insight, insights_lead: User) -> None:
    set_tags(actor=insights_lead, insight=insight, tags=["priority"])
    insight.refresh_from_db()
    assert insight.tags == ["priority"]


def test_the_authors_manager_does_not_set_tags(insight: Insight, field_manager: User) -> None:
    with pytest.raises(PermissionDenied):
        set_tags(actor=field_manager, insight=insight, tags=["x"])
    insight.refresh_from_db()
    assert insight.tags == []


def test_who_does_not_see_the_insight_is_told_it_does_not_exist(
    insight: Insight, other_msl: User
) -> None:
    with pytest.raises(NotFound):
        set_tags(actor=other_msl, insight=insight, tags=["x"])


def test_too_long_a_tag_is_refused_naming_tags() -> None:
    with pytest.raises(LiaisonError) as refused:
        clean_tags(["x" * 41])
    assert refused.value.field == "tags"


def test_too_many_tags_are_refused() -> None:
    with pytest.raises(LiaisonError, match="at most 20 tags"):
        clean_tags([f"tag {index}" for index in range(21)])
