from django.db import migrations

from geo.seeding import seed_parameters


def seed(apps, schema_editor):
    seed_parameters(apps, [("threshold.floor_factor", "1.5", "003 L216: 以脱贫攻坚期国家扶贫标准的1.5倍为底线")])


class Migration(migrations.Migration):
    dependencies = [("geo", "0002_seed_parameters")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
