"""The funds' policy values. The project values once seeded here (the work-relief share, the notice length) are
the projects app's own: ``projects/migrations/0005_seed_project_values.py``."""

from django.db import migrations

from geo.seeding import seed_parameters

ROWS = [
    ("fund.industry_share_min_pct", 50, "SPEC §9.5 NR-FUND-07, §15 C-14 (003 L1488): per year, at least 50"),
    ("fund.non_poor_village_max_pct", 30, "SPEC §9.5 NR-FUND-02 (003 L1402–L1404)"),
    ("fund.management_fee_max_pct", 1, "SPEC §9.5 NR-FUND-03 (003 L1414)"),
    (
        "fund.payment_milestones",
        [["06-30", 50], ["09-30", 75], ["10-31", 85], ["11-30", 92]],
        "SPEC §8.7 NR-PRJ-09 (003 L1492)",
    ),
]


def seed(apps, schema_editor):
    seed_parameters(apps, ROWS)


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_funds"), ("geo", "0004_calendar_override")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
