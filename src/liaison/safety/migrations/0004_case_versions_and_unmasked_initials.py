"""A follow-up or an amendment records the day its information was received (C.1.5,
its regulatory clock's start); a submission records the case version it reports and
whether the patient's initials went unmasked. Files exported before keep no such
choice: theirs is left empty (not known), not said to be masked."""

from django.db import migrations, models

import liaison.safety.models


class Migration(migrations.Migration):
    dependencies = [
        ("safety", "0003_backfill_submission_sent"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="latest_received_on",
            field=models.DateField(
                blank=True,
                null=True,
                validators=[liaison.safety.models.validate_not_future],
                verbose_name="new information received",
            ),
        ),
        # Added empty for the files already exported, then False for new ones.
        migrations.AddField(
            model_name="submission",
            name="initials_unmasked",
            field=models.BooleanField(
                blank=True, null=True, verbose_name="patient's initials sent unmasked"
            ),
        ),
        migrations.AlterField(
            model_name="submission",
            name="initials_unmasked",
            field=models.BooleanField(
                blank=True,
                default=False,
                null=True,
                verbose_name="patient's initials sent unmasked",
            ),
        ),
        migrations.AddField(
            model_name="submission",
            name="version_number",
            field=models.PositiveSmallIntegerField(default=1, verbose_name="case version"),
        ),
    ]
