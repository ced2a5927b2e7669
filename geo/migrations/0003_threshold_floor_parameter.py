import datetime

from django.db import migrations


def seed(apps, schema_editor):
    apps.get_model("geo", "PolicyParameter").objects.get_or_create(
        key="threshold.floor_factor",
        area_code="",
        valid_from=datetime.date(2021, 1, 1),
        defaults={"value": "1.5", "basis": "003 L216: 以脱贫攻坚期国家扶贫标准的1.5倍为底线"},
    )


class Migration(migrations.Migration):
    dependencies = [("geo", "0002_seed_parameters")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
