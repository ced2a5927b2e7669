from django.db import migrations

from geo.seeding import seed_parameters


def seed(apps, schema_editor):
    seed_parameters(
        apps,
        [("monitoring.trigger_profile", "ningxia", "SPEC §4.2, §15.2: 003 L218–L224 (Ningxia); longde = 002 L295–L299")],
    )


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0012_triggers")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
