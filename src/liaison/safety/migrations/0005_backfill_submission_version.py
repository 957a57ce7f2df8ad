"""Submissions exported before they recorded their case version report the case's
current version: acknowledgements of them still apply to the case, as they did
(reversible: the reverse leaves the values, which 0004's reverse drops)."""

from typing import Any

from django.db import migrations
from django.db.models import OuterRef, Subquery


def backfill(apps: Any, schema_editor: Any) -> None:
    Case = apps.get_model("safety", "Case")
    Submission = apps.get_model("safety", "Submission")
    current = Case.objects.filter(pk=OuterRef("case_id")).values("version_number")[:1]
    Submission.objects.update(version_number=Subquery(current))


class Migration(migrations.Migration):
    dependencies = [
        ("safety", "0004_case_versions_and_unmasked_initials"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
