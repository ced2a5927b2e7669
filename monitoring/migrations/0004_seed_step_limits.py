"""Time limits of the entry steps (SPEC §4.14 design defaults, §15.2), in days; administrators override them per
province or county. EN-2, the notice posting and EN-6 have no SPEC figure: the defaults keep the whole procedure
within ``entry.total_target_days``."""

from django.db import migrations

from geo.seeding import seed_parameters

DEFAULTS = [
    ("entry.verify_within_days", 3, "SPEC §4.14 (design)"),
    ("entry.review_within_days", 3, "design, within entry.total_target_days"),
    ("entry.notice_post_within_days", 2, "design, within entry.total_target_days"),
    ("entry.township_review_days", 3, "SPEC §4.14 (design)"),
    ("entry.county_approval_days", 5, "SPEC §4.14 (design)"),
    ("entry.register_within_days", 2, "design"),
    ("entry.total_target_days", 15, "SPEC §4.14 (design)"),
]


def seed(apps, schema_editor):
    seed_parameters(apps, DEFAULTS)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0003_schedule_notice_job")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
