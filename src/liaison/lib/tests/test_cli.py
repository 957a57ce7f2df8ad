"""The CLI's ``--as`` user, looked up once for every command."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from liaison.core.models import User
from liaison.lib.cli import acting_user

pytestmark = pytest.mark.django_db


def test_the_named_active_user_acts(msl: User) -> None:
    assert acting_user(msl.get_username()) == msl


@pytest.mark.parametrize("username", [None, ""])
def test_a_missing_username_says_as_is_required(username: str | None) -> None:
    with pytest.raises(CommandError, match="--as USERNAME is required"):
        acting_user(username)


def test_an_unknown_user_is_named(db: None) -> None:
    with pytest.raises(CommandError, match="--as: no active user named 'nobody'"):
        acting_user("nobody")


def test_a_deactivated_user_cannot_act(msl: User) -> None:
    msl.is_active = False
    msl.save(update_fields=["is_active"])
    with pytest.raises(CommandError, match=f"no active user named '{msl.get_username()}'"):
        acting_user(msl.get_username())


@pytest.mark.parametrize(
    "command",
    [
        ["trials", "load", __file__, "--as", ""],
        ["trials", "fetch", "--condition", "asthma", "--as", ""],
    ],
    ids=["trials load", "trials fetch"],
)
def test_trials_commands_look_the_user_up_the_same_way(command: list[str]) -> None:
    with pytest.raises(CommandError, match="--as USERNAME is required"):
        call_command(*command)
