"""The settings of SPEC §15.2 that monitoring entry reads, as national defaults (design values, §4.14)."""

from django.db import migrations

from geo.seeding import seed_parameters

DEFAULTS = [
    ("notice.entry_days", 5, "SPEC §4.14 (design): minimum entry notice, calendar days"),
    ("monitoring.marginal_excludes_exited", True, "SPEC §15 C-23 (design)"),
    ("entry.final_approver_level", "county", "SPEC §15 C-11 (003 L232)"),
]


def seed(apps, schema_editor):
    seed_parameters(apps, DEFAULTS)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial"), ("geo", "0003_threshold_floor_parameter")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
