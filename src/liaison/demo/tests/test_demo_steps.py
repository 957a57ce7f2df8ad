"""build_demo runs the steps the installed apps declare: by their order, with one
context, and clears them in reverse order on --force."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps

from liaison.core import demo as core_demo
from liaison.core.demo import DemoContext, Slot
from liaison.core.models import User
from liaison.core.registry import DemoStep
from liaison.demo.world import build_demo, demo_steps
from liaison.directory.models import HCP

#: What the throw-away step saw, in call order: (event, HCPs, demo users).
SEEN: list[tuple[str, int, int]] = []
PROBE = Slot[str]("probe")


def probe_build(context: DemoContext) -> None:
    users = context.take(core_demo.USERS)  # core's step (100) ran before this one (150)
    SEEN.append(("build", HCP.objects.count(), len(users)))
    context.leave(PROBE, "left by the probe")


def probe_clear(context: DemoContext) -> None:
    demo_users = User.objects.filter(username__in=core_demo.DEMO_USERNAMES).count()
    SEEN.append(("clear", HCP.objects.count(), demo_users))


@pytest.fixture
def probe_step(monkeypatch: pytest.MonkeyPatch, settings: Any) -> DemoStep:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    SEEN.clear()
    step = DemoStep("probe", 150, f"{__name__}.probe_build", clear=f"{__name__}.probe_clear")
    # Declared by an installed app (the demo app declares no step of its own).
    monkeypatch.setattr(apps.get_app_config("demo"), "demo_steps", (step,))
    return step


def test_steps_come_in_their_declared_order(probe_step: DemoStep) -> None:
    names = [step.name for step in demo_steps()]
    assert names[:3] == ["users", "probe", "directory"]
    orders = [step.order for step in demo_steps()]
    assert orders == sorted(orders)


@pytest.mark.django_db
def test_a_registered_step_runs_between_its_neighbours(
    probe_step: DemoStep, tmp_path: Path
) -> None:
    world = build_demo(seed=42, hcps=20, data_dir=tmp_path)
    # After core's users (100), before the directory's HCPs (200).
    assert [("build", 0, len(core_demo.DEMO_USERS))] == SEEN
    assert world.hcps == HCP.objects.count() == 20


@pytest.mark.django_db
def test_force_clears_in_reverse_order(probe_step: DemoStep, tmp_path: Path) -> None:
    build_demo(seed=42, hcps=20, data_dir=tmp_path)
    SEEN.clear()
    build_demo(seed=42, hcps=10, data_dir=tmp_path, force=True)
    # The probe's clear ran after the directory's (no HCP left) and before core's
    # (the demo users still there); then the probe built again.
    assert [
        ("clear", 0, len(core_demo.DEMO_USERS)),
        ("build", 0, len(core_demo.DEMO_USERS)),
    ] == SEEN
    assert HCP.objects.count() == 10


def test_a_step_reading_what_no_earlier_step_left_says_so() -> None:
    context = DemoContext(
        rng=random.Random(1),
        seed=1,
        hcps=1,
        data_dir=Path("."),
        progress=lambda step, done, total: None,
    )
    with pytest.raises(LookupError, match="'probe'"):
        context.take(PROBE)
    assert context.get(PROBE, "default") == "default"
    context.leave(PROBE, "value")
    assert context.take(PROBE) == "value"
