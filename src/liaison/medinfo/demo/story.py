"""The frame the medical information demo works in: the users and products it needs,
the generator, what it has used, and the story's times.

The services date their changes when they run; the story's times (received,
forwarded, assigned, answered, delivered, closed; a version written, submitted,
approved and signed) are then set on the records with :func:`set_times`, as the
safety step dates its flags: the audit trail says the demo wrote them today, the
records say when it happened.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone

from liaison.core.models import User
from liaison.directory.models import HCP, Product
from liaison.engagement.models import Interaction
from liaison.medinfo.models import ResponseVersion

#: The demo users who write and answer (medical information) and who approve (compliance).
MEDICAL_INFORMATION = "medinfo"
REVIEWER = "compliance"


@dataclass
class World:
    """What the step works with, and what it has used (an HCP or interaction asks once)."""

    rng: random.Random
    now: dt.datetime
    medinfo: User
    reviewer: User
    password: str
    products: dict[str, Product]
    #: The MSLs, for a field inquiry without an interaction (a small world).
    msls: list[User] = field(default_factory=list)
    sendable: dict[str, ResponseVersion] = field(default_factory=dict)
    interactions: dict[str, list[Interaction]] = field(default_factory=dict)
    hcps: dict[str, list[HCP]] = field(default_factory=dict)
    used: set[tuple[str, int]] = field(default_factory=set)

    def clamp(self, moment: dt.datetime) -> dt.datetime:
        """``moment``, but not later than a few minutes ago."""
        return min(moment, self.now - dt.timedelta(minutes=5))

    def later(self, moment: dt.datetime, low: int, high: int) -> dt.datetime:
        """A moment ``low`` to ``high`` minutes after ``moment`` (never in the future)."""
        return self.clamp(moment + dt.timedelta(minutes=self.rng.randint(low, high)))


def set_times(instance: models.Model, **values: Any) -> None:
    """Put the story's times on a saved record (see the module's docstring)."""
    type(instance)._default_manager.filter(pk=instance.pk).update(**values)
    for name, value in values.items():
        setattr(instance, name, value)


def days_ago(world: World, days: int, hour: int) -> dt.datetime:
    """A moment of the day ``days`` before today, at ``hour`` (never in the future)."""
    day = timezone.localdate(world.now) - dt.timedelta(days=days)
    moment = dt.datetime.combine(day, dt.time(hour, world.rng.randint(0, 59)))
    return world.clamp(timezone.make_aware(moment))
