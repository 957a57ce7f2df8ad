"""Exporting is not submitting: a submission is exported first (the new default) and
marked sent later, by whom and when; the case's submission status knows "exported"."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("safety", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="sent_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="sent"),
        ),
        migrations.AddField(
            model_name="submission",
            name="sent_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="case",
            name="submission_status",
            field=models.CharField(
                choices=[
                    ("not_submitted", "Not submitted"),
                    ("exported", "Exported, not yet sent"),
                    ("sent", "Sent, awaiting acknowledgement"),
                    ("accepted", "Acknowledged: accepted"),
                    ("rejected", "Acknowledged: rejected"),
                ],
                default="not_submitted",
                max_length=16,
            ),
        ),
        migrations.AlterField(
            model_name="submission",
            name="status",
            field=models.CharField(
                choices=[
                    ("not_submitted", "Not submitted"),
                    ("exported", "Exported, not yet sent"),
                    ("sent", "Sent, awaiting acknowledgement"),
                    ("accepted", "Acknowledged: accepted"),
                    ("rejected", "Acknowledged: rejected"),
                ],
                default="exported",
                max_length=16,
            ),
        ),
    ]
