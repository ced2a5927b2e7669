from django.db import migrations

from geo.seeding import seed_parameters


def seed(apps, schema_editor):
    seed_parameters(apps, [("measure.plan_due_days", 15, "SPEC §4.14 (design): first measure within 15 days of entry")])


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0007_assistance_measures")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
