"""0003 fills the condition key of trials stored before it existed, and reverses."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("trials", "0002_trial_condition_text")]
AFTER = [("trials", "0003_backfill_condition_text")]


@pytest.mark.django_db(transaction=True)
def test_backfill_folds_conditions_and_mesh_terms() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_trial = executor.loader.project_state(BEFORE).apps.get_model("trials", "Trial")
    old_trial.objects.create(
        nct_id="NCT01234567",
        conditions=["Müller Syndrome"],
        condition_mesh=[{"id": "D008175", "term": "Lung Neoplasms"}, {"id": "D0", "term": None}],
        content_hash="x",
    )
    old_trial.objects.create(nct_id="NCT01234568", content_hash="y")
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new_trial = executor.loader.project_state(AFTER).apps.get_model("trials", "Trial")
    keys = dict(new_trial.objects.values_list("nct_id", "condition_text"))
    assert keys == {"NCT01234567": " muller syndrome | lung neoplasms ", "NCT01234568": ""}
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)  # reversible
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
