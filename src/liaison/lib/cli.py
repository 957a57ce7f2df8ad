"""What the command line shares: the acting user of `--as` and a progress adapter for rich."""

from __future__ import annotations

from collections.abc import Callable

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


class BarProgress:
    """Feeds a ``(step, done, total)`` progress callback from import progress."""

    def __init__(self, report: Callable[[str, int, int], None], step: str) -> None:
        self.report = report
        self.step = step
        self.total = 0
        self.done = 0

    def set_total(self, total: int) -> None:
        self.total = total
        self.report(self.step, self.done, max(self.total, self.done))

    def advance(self, step: int = 1, **counts: int) -> None:
        self.done += step
        self.report(self.step, self.done, max(self.total, self.done))
