"""Medical information's access rules: who sees, forwards and works inquiries, who
reads, changes (a draft's author alone) and approves response documents."""

from __future__ import annotations

import pytest

from liaison.core import policy
from liaison.core.models import Role, User
from liaison.medinfo.models import (
    Answer,
    Handoff,
    Inquiry,
    InquiryStatus,
    ResponseVersion,
    StandardResponse,
    VersionStatus,
)
from liaison.medinfo.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(
    msl: User,
    other_msl: User,
    field_manager: User,
    medinfo: User,
    pv: User,
    compliance: User,
    insights_lead: User,
    admin_user: User,
    outsider: User,
) -> dict[str, User]:
    return {
        "msl": msl,
        "other_msl": other_msl,
        "field_manager": field_manager,
        "medinfo": medinfo,
        "pv": pv,
        "compliance": compliance,
        "insights_lead": insights_lead,
        "admin": admin_user,
        "outsider": outsider,
    }


def agrees(user: User, verb: str, record: Inquiry | ResponseVersion | StandardResponse) -> bool:
    """``can`` and ``scope`` give one answer (the policy's promise), returned."""
    model = type(record)
    answer = policy.can(user, verb, record)
    assert answer == policy.scope(user, verb, model).filter(pk=record.pk).exists()
    return answer


# Inquiries


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("msl", True),
        ("other_msl", False),
        ("field_manager", True),
        ("medinfo", True),
        ("pv", True),
        ("compliance", True),
        ("insights_lead", False),
        ("admin", True),
        ("outsider", False),
    ],
)
def test_who_sees_an_msls_inquiry(users: dict[str, User], who: str, sees: bool) -> None:
    inquiry = factories.inquiry(users["msl"])

    assert agrees(users[who], "view", inquiry) is sees


@pytest.mark.parametrize(
    ("who", "works"),
    [("msl", False), ("medinfo", True), ("pv", False), ("compliance", False), ("admin", True)],
)
def test_only_medical_information_works_inquiries(
    users: dict[str, User], who: str, works: bool
) -> None:
    inquiry = factories.inquiry(users["msl"])

    assert agrees(users[who], "work", inquiry) is works


def test_receiver_forwards_and_changes_only_while_it_is_with_them(users: dict[str, User]) -> None:
    kept = factories.inquiry(users["msl"], status=InquiryStatus.RECEIVED)
    handed = factories.inquiry(users["msl"], status=InquiryStatus.FORWARDED)

    assert agrees(users["msl"], "forward", kept)
    assert agrees(users["msl"], "change", kept)
    assert not agrees(users["msl"], "forward", handed)
    assert not agrees(users["msl"], "change", handed)
    assert not agrees(users["other_msl"], "forward", kept)
    assert not agrees(users["medinfo"], "forward", kept)


@pytest.mark.parametrize(
    ("who", "adds"), [("msl", True), ("medinfo", True), ("pv", True), ("outsider", False)]
)
def test_every_member_takes_inquiries(users: dict[str, User], who: str, adds: bool) -> None:
    assert policy.can(users[who], "add", Inquiry) is adds


@pytest.mark.parametrize(
    ("who", "reports"),
    [
        ("medinfo", True),
        ("compliance", True),
        ("field_manager", True),
        ("msl", False),
        ("pv", False),
        ("outsider", False),
    ],
)
def test_who_reads_the_turnaround_report(users: dict[str, User], who: str, reports: bool) -> None:
    assert policy.can(users[who], "report", Inquiry) is reports


def test_handoffs_and_answers_are_seen_with_their_inquiry(users: dict[str, User]) -> None:
    inquiry = factories.inquiry(users["msl"])
    handoff = Handoff.objects.create(inquiry=inquiry, from_user=users["msl"])
    version = factories.version(users["medinfo"], status=VersionStatus.APPROVED)
    answer = Answer.objects.create(inquiry=inquiry, version=version, prepared_by=users["medinfo"])

    for record in (handoff, answer):
        assert policy.can(users["msl"], "view", record)
        assert policy.can(users["pv"], "view", record)
        assert not policy.can(users["other_msl"], "view", record)
        assert not policy.can(users["outsider"], "view", record)
    assert policy.can(users["medinfo"], "change", answer)
    assert not policy.can(users["msl"], "change", answer)


# Response documents


@pytest.mark.parametrize(
    ("who", "sees"),
    [("medinfo", True), ("compliance", True), ("msl", False), ("pv", False), ("outsider", False)],
)
def test_who_reads_standard_responses(users: dict[str, User], who: str, sees: bool) -> None:
    document = factories.standard_response(users["medinfo"])
    draft = factories.version(users["medinfo"], standard=document)

    assert agrees(users[who], "view", document) is sees
    assert agrees(users[who], "view", draft) is sees


def test_only_medical_information_writes_response_documents(users: dict[str, User]) -> None:
    document = factories.standard_response(users["medinfo"])
    draft = factories.version(users["medinfo"], standard=document)

    assert policy.can(users["medinfo"], "add", StandardResponse)
    assert not policy.can(users["compliance"], "add", StandardResponse)
    assert agrees(users["medinfo"], "change", draft)
    assert not agrees(users["compliance"], "change", draft)


@pytest.mark.parametrize("who", ["colleague", "admin", "compliance"])
def test_only_its_author_changes_a_draft(users: dict[str, User], who: str) -> None:
    people = {**users, "colleague": factories.user("max", Role.MEDICAL_INFORMATION)}
    draft = factories.version(users["medinfo"])

    assert agrees(users["medinfo"], "change", draft)
    assert not agrees(people[who], "change", draft)


def test_a_version_in_review_is_no_longer_changed(users: dict[str, User]) -> None:
    reviewed = factories.version(users["medinfo"], status=VersionStatus.IN_REVIEW)

    assert not agrees(users["medinfo"], "change", reviewed)


@pytest.mark.parametrize(
    ("who", "approves"),
    [
        ("medinfo", False),  # the author
        ("compliance", True),
        ("admin", True),
        ("pv", False),
        ("msl", False),
    ],
)
def test_anyone_but_the_author_approves(users: dict[str, User], who: str, approves: bool) -> None:
    reviewed = factories.version(users["medinfo"], status=VersionStatus.IN_REVIEW)

    assert agrees(users[who], "approve", reviewed) is approves


def test_another_member_of_medical_information_approves(users: dict[str, User]) -> None:
    colleague = factories.user("max", Role.MEDICAL_INFORMATION)
    reviewed = factories.version(users["medinfo"], status=VersionStatus.IN_REVIEW)
    draft = factories.version(users["medinfo"])

    assert agrees(colleague, "approve", reviewed)
    assert not agrees(colleague, "approve", draft)


def test_msl_sees_an_approved_custom_response_of_their_inquiry_only(
    users: dict[str, User],
) -> None:
    own = factories.inquiry(users["msl"])
    others = factories.inquiry(users["other_msl"])
    approved = factories.version(users["medinfo"], inquiry=own, status=VersionStatus.APPROVED)
    draft = factories.version(users["medinfo"], inquiry=own, number=2)
    elsewhere = factories.version(users["medinfo"], inquiry=others, status=VersionStatus.APPROVED)

    assert agrees(users["msl"], "view", approved)
    assert not agrees(users["msl"], "view", draft)
    assert not agrees(users["msl"], "view", elsewhere)
