from django.db import migrations

from geo.seeding import seed_parameters


def seed(apps, schema_editor):
    seed_parameters(
        apps,
        [
            ("income.sharp_drop_pct", 30, "SPEC §3.3 (design): 收入大幅缩减 has no figure in the seeds (003 L214)"),
            ("income.large_medical_oop_ratio", "0.5", "SPEC §3.3 (design): 个人自费开支较大 (003 L222)"),
        ],
    )


class Migration(migrations.Migration):
    dependencies = [("households", "0005_elimination"), ("geo", "0004_calendar_override")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
