"""Fill ``Trial.condition_text`` for trials loaded before it existed (reversible: the
reverse leaves the key, which 0002's reverse drops)."""

from typing import Any

from django.db import migrations

from liaison.lib.text import fold


def backfill(apps: Any, schema_editor: Any) -> None:
    Trial = apps.get_model("trials", "Trial")
    batch = []
    for trial in Trial.objects.only("pk", "conditions", "condition_mesh").iterator(chunk_size=1000):
        names = [
            fold(name)
            for name in [
                *(trial.conditions or []),
                *((t or {}).get("term") or "" for t in trial.condition_mesh or []),
            ]
            if isinstance(name, str) and name and fold(name)
        ]
        trial.condition_text = f" {' | '.join(names)} " if names else ""
        batch.append(trial)
        if len(batch) >= 1000:
            Trial.objects.bulk_update(batch, ["condition_text"])
            batch = []
    Trial.objects.bulk_update(batch, ["condition_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("trials", "0002_trial_condition_text"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
