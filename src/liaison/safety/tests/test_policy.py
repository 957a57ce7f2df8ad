"""Safety's access rules: who sees a case and its patient, who works, exports,
changes and forwards it, who imports and reconciles, and who handles a flag."""

from __future__ import annotations

import pytest

from liaison.core import policy
from liaison.core.models import User
from liaison.safety.models import Case, CaseStatus, Flag, FlagStatus, Reaction
from liaison.safety.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def everyone(
    msl: User,
    other_msl: User,
    field_manager: User,
    medinfo: User,
    pv: User,
    compliance: User,
    admin_user: User,
    outsider: User,
) -> list[User]:
    return [msl, other_msl, field_manager, medinfo, pv, compliance, admin_user, outsider]


def _allowed(users: list[User], verb: str, record: Case | Flag) -> set[str]:
    """The users ``can`` allows, checked against ``scope`` (the two must agree)."""
    allowed = set()
    for user in users:
        by_record = policy.can(user, verb, record)
        in_scope = policy.scope(user, verb, type(record)).filter(pk=record.pk).exists()
        assert by_record == in_scope, f"{user.username} {verb}: can() and scope() disagree"
        if by_record:
            allowed.add(user.username)
    return allowed


def test_a_case_is_seen_by_its_reporter_their_manager_and_the_overseers(
    msl: User, everyone: list[User]
) -> None:
    case = factories.case(msl)
    assert _allowed(everyone, "view", case) == {"alice", "fiona", "victor", "carla", "ada"}


def test_the_other_msl_and_an_outsider_see_no_case(
    msl: User, other_msl: User, outsider: User
) -> None:
    factories.case(msl)
    for user in (other_msl, outsider):
        assert not policy.scope(user, "view", Case).exists(), user.username
        assert not policy.scope(user, "view", Reaction).exists(), user.username


def test_only_pharmacovigilance_reads_the_patient(msl: User, everyone: list[User]) -> None:
    at_intake = factories.case(msl, status=CaseStatus.INTAKE, forwarded_at=None)
    forwarded = factories.case(msl)
    for case in (at_intake, forwarded):
        assert _allowed(everyone, "read_patient", case) == {"victor"}


def test_pharmacovigilance_works_and_exports(msl: User, everyone: list[User]) -> None:
    case = factories.case(msl)
    assert _allowed(everyone, "work", case) == {"victor"}
    assert _allowed(everyone, "export", case) == {"victor"}


def test_the_reporter_changes_and_forwards_only_while_at_intake(
    msl: User, everyone: list[User]
) -> None:
    at_intake = factories.case(msl, status=CaseStatus.INTAKE, forwarded_at=None)
    forwarded = factories.case(msl)
    for verb in ("change", "forward"):
        assert _allowed(everyone, verb, at_intake) == {"alice"}, verb
        assert _allowed(everyone, verb, forwarded) == set(), verb


def test_no_one_deletes_a_case(msl: User, everyone: list[User]) -> None:
    assert _allowed(everyone, "delete", factories.case(msl)) == set()


def test_every_member_reports_only_pharmacovigilance_imports(everyone: list[User]) -> None:
    reporters = {user.username for user in everyone if policy.can(user, "add", Case)}
    importers = {user.username for user in everyone if policy.can(user, "import", Case)}
    assert reporters == {user.username for user in everyone} - {"oscar"}
    assert importers == {"victor"}


def test_reconciliation_is_for_pharmacovigilance_compliance_and_admin(
    everyone: list[User],
) -> None:
    allowed = {user.username for user in everyone if policy.can(user, "reconcile", Case)}
    assert allowed == {"victor", "carla", "ada"}


def test_a_flag_is_seen_by_its_author_their_manager_and_the_overseers(
    msl: User, everyone: list[User]
) -> None:
    flag = factories.flag(msl)
    assert _allowed(everyone, "view", flag) == {"alice", "fiona", "victor", "carla", "ada"}


def test_the_author_and_pharmacovigilance_handle_an_open_flag(
    msl: User, everyone: list[User]
) -> None:
    assert _allowed(everyone, "handle", factories.flag(msl)) == {"alice", "victor"}


def test_nobody_handles_a_dismissed_or_confirmed_flag(msl: User, everyone: list[User]) -> None:
    dismissed = factories.flag(msl, status=FlagStatus.DISMISSED, dismiss_reason="hypothetical")
    confirmed = factories.flag(msl, status=FlagStatus.CONFIRMED, source_id=2)
    assert _allowed(everyone, "handle", dismissed) == set()
    assert _allowed(everyone, "handle", confirmed) == set()


def test_the_other_msl_neither_sees_nor_handles_alices_flag(msl: User, other_msl: User) -> None:
    flag = factories.flag(msl)
    own = factories.flag(other_msl, source_id=2)
    assert list(policy.scope(other_msl, "view", Flag)) == [own]
    assert not policy.can(other_msl, "view", flag)
    assert not policy.can(other_msl, "handle", flag)
    assert policy.can(other_msl, "handle", own)
