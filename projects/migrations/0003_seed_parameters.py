from django.db import migrations

from geo.seeding import seed_parameters

ROWS = [
    ("asset.distribution_due_days", 180, "SPEC §7.3 FC-GAP-MISSED-AID-06: income distributed within this many days"),
]


def seed(apps, schema_editor):
    seed_parameters(apps, ROWS)


class Migration(migrations.Migration):
    dependencies = [("projects", "0002_seed_categories"), ("geo", "0005_former_poor_village")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
