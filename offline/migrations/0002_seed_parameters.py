"""How long households taken offline may stay on a phone (issue "Visits without signal"; a policy value an
administrator may change per area and period, SPEC §15.2)."""

from django.db import migrations

from geo.seeding import seed_parameters

ROWS = [
    ("offline.keep_days", 7, "Design: households taken offline are deleted from the phone after this many days"),
]


def seed(apps, schema_editor):
    seed_parameters(apps, ROWS)


class Migration(migrations.Migration):
    dependencies = [("offline", "0001_initial"), ("geo", "0005_former_poor_village")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
