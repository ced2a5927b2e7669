from django.db import migrations

from geo.seeding import seed_parameters


def seed(apps, schema_editor):
    seed_parameters(apps, [("entry.negative_list_mode", "override", "003 L236; 002 L299; SPEC §15 C-05")])


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0005_negative_list")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
