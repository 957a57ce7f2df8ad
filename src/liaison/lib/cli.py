"""What the command line shares: the acting user of ``--as``.

The progress bar of commands is :mod:`liaison.lib.progress`'s.
"""

from __future__ import annotations

from django.core.management.base import CommandError

from liaison.core.models import User


def acting_user(username: str | None) -> User:
    """The user named by ``--as``; the command acts with their rights."""
    if not username:
        raise CommandError("--as USERNAME is required: the command acts as that user")
    user = User.objects.filter(username=username).first()
    if user is None or not user.is_active:
        raise CommandError(f"--as: no active user named {username!r}")
    return user
