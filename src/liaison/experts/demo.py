"""The experts' part of the demo world: resolve the demo corpus's authors and
investigators, then score every therapeutic area (order 650, after the
publications, the trials and the watches; before engagement)."""

from __future__ import annotations

from liaison.core.demo import DemoContext


def build(context: DemoContext) -> None:
    """The ``experts`` step."""


def clear(context: DemoContext) -> None:
    """Remove what the step made."""
