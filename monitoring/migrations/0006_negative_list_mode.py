import datetime

from django.db import migrations


def seed(apps, schema_editor):
    apps.get_model("geo", "PolicyParameter").objects.get_or_create(
        key="entry.negative_list_mode",
        area_code="",
        valid_from=datetime.date(2021, 1, 1),
        defaults={"value": "override", "basis": "003 L236; 002 L299; SPEC §15 C-05"},
    )


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0005_negative_list")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
