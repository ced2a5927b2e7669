"""The project library's own policy values (they were seeded by the funds app; ``get_or_create`` keeps a database
that already has them as it is)."""

from django.db import migrations

from geo.seeding import seed_parameters

ROWS = [
    ("project.work_relief_min_pct", 15, "SPEC §8.6 NR-PRJ-07/08 (003 L660; 004 L615)"),
    ("notice.project_days", 7, "SPEC §8.8 (design)"),
]


def seed(apps, schema_editor):
    seed_parameters(apps, ROWS)


class Migration(migrations.Migration):
    dependencies = [("projects", "0004_schedule_reminders"), ("geo", "0005_former_poor_village")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
