"""The microcredit policy values (SPEC §11.1, §14 NR-LOAN-02…13), read with ``geo.parameters``."""

from django.db import migrations

from geo.seeding import seed_parameters

ROWS = [
    ("loan.max_amount", 50000, "SPEC §11.1 NR-LOAN-02 (003 L1538): per contract, inclusive"),
    ("loan.max_term_years", 3, "SPEC §11.1 NR-LOAN-03 (003 L1540): inclusive"),
    ("loan.borrower_age", [18, 65], "SPEC §11.1 NR-LOAN-08 (003 L1554): age on the signing day, inclusive"),
    ("loan.household_max_total", 100000, "SPEC §11.1 NR-LOAN-09 (003 L1560): active loans of a household"),
    ("loan.subsidised_cap", 50000, "SPEC §11.1 NR-LOAN-09 (003 L1560): the part above carries no subsidy"),
    (
        "loan.subsidy_schedule",
        [[2021, 100], [2022, 100], [2023, 100], [2024, 80], [2025, 80]],
        "SPEC §11.1 NR-LOAN-06 (003 L1548): [year, % of the interest subsidised]",
    ),
    ("loan.valid_from", "2021-01-01", "SPEC §11.1 NR-LOAN-12 (design: the transition period begins)"),
    ("loan.valid_to", "2025-12-31", "SPEC §11.1 NR-LOAN-12 (003 L1556)"),
    ("loan.extension_ratio_alert", 20, "SPEC §7.3 FC-GAP-MISSED-AID-05, §14 NR-LOAN-13: extended / matured, %"),
]


def seed(apps, schema_editor):
    seed_parameters(apps, ROWS)


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_credit"), ("geo", "0004_calendar_override")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
