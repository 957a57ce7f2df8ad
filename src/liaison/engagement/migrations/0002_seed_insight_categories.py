"""The seeded insight taxonomy (administrators add, rename or retire categories after)."""

from django.db import migrations

CATEGORIES = (
    ("unmet_medical_need", "Unmet medical need"),
    ("treatment_patterns", "Treatment patterns"),
    ("safety_perception", "Safety perception"),
    ("efficacy_perception", "Efficacy perception"),
    ("competitor_activity", "Competitor activity"),
    ("access_and_reimbursement", "Access and reimbursement"),
    ("clinical_trial_feedback", "Clinical trial feedback"),
    ("guideline_and_practice_change", "Guideline and practice change"),
)


def seed(apps, schema_editor):
    InsightCategory = apps.get_model("engagement", "InsightCategory")
    for order, (code, name) in enumerate(CATEGORIES, start=1):
        InsightCategory.objects.get_or_create(code=code, defaults={"name": name, "order": order})


def unseed(apps, schema_editor):
    apps.get_model("engagement", "InsightCategory").objects.filter(
        code__in=[code for code, _ in CATEGORIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("engagement", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
