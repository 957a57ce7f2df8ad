"""Submissions recorded before exporting and sending were told apart were taken as
sent when exported (and their case's regulatory clock stopped then): give them that
sending time and sender (reversible: the reverse leaves the values, which 0002's
reverse drops)."""

from typing import Any

from django.db import migrations
from django.db.models import F


def backfill(apps: Any, schema_editor: Any) -> None:
    Submission = apps.get_model("safety", "Submission")
    Submission.objects.exclude(status="exported").filter(sent_at__isnull=True).update(
        sent_at=F("exported_at"), sent_by=F("exported_by")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("safety", "0002_submission_sent"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
