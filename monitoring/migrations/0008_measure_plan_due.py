import datetime

from django.db import migrations


def seed(apps, schema_editor):
    apps.get_model("geo", "PolicyParameter").objects.get_or_create(
        key="measure.plan_due_days",
        area_code="",
        valid_from=datetime.date(2021, 1, 1),
        defaults={"value": 15, "basis": "SPEC §4.14 (design): first measure within 15 days of entry"},
    )


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0007_assistance_measures")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
