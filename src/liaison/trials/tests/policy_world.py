"""Trials' records in the policy's world (``tests/test_policy_agreement.py``): two
studies loaded as a load stores them, one loaded again with a new status (a status
change)."""

from __future__ import annotations

from liaison.core.tests.authorization import World
from liaison.trials.services import load_files
from liaison.trials.tests.factories import study_json, write_jsonl


def build(world: World) -> None:
    first = world.media_root / "trials-1.jsonl"
    write_jsonl(first, [study_json("NCT09300001"), study_json("NCT09300002", title="Second")])
    load_files(actor=world.users["admin"], paths=[first])
    again = world.media_root / "trials-2.jsonl"
    write_jsonl(again, [study_json("NCT09300001", status="COMPLETED", last_update="2025-01-10")])
    load_files(actor=world.users["admin"], paths=[again])
