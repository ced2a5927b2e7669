"""The insurance programme's policy values (SPEC §11.2, §12, §15.2)."""

from django.db import migrations

from geo.seeding import seed_parameters

ROWS = [
    ("insurance.ci_tier_mode", "progressive", "SPEC §11.2, §15.2: progressive (design default) or flat"),
    ("insurance.limit_year", "policy_year", "SPEC §11.2, §15.2: policy_year (design default) or calendar_year"),
    ("insurance.ci_tiers", [[20000, 20], [40000, 30], [None, 40]], "SPEC §11.2 (001 L170–L206): upper (incl.), %"),
    ("insurance.ci_limit", 50000, "SPEC §11.2 (001 L170–L206): cumulative per person per year"),
    ("insurance.accident_medical_rate_pct", 80, "SPEC §11.2 (001 L170–L206)"),
    ("insurance.accident_medical_limit", 3000, "SPEC §11.2 (001 L170–L206): per person per year"),
    ("insurance.accident_limit", 50000, "SPEC §11.2 (001 L170–L206; 003 L1626): death, disability"),
    (
        "insurance.premiums",
        {"accident": 40, "critical_illness": 30, "accident_medical": 0},
        "SPEC §11.2 (001 L170–L206): accident 40; critical-illness supplement 30 with accident medical",
    ),
    (
        "insurance.sums_insured",
        {"accident": 50000, "critical_illness": 50000, "accident_medical": 3000},
        "SPEC §11.2 (001 L170–L206)",
    ),
    (
        "insurance.premium_split",
        {"individual": 20, "county": 50},
        "SPEC §11.2 (001 L192): 70 = 20 individual + 50 county finance for 脱贫户 and monitoring subjects",
    ),
    ("insurance.simple_claim_close_days", 5, "SPEC §11.2 (001 L204): simple cases closed within 5 working days"),
    ("insurance.report_due_day", 10, "SPEC §12 (001 L206): the insurer reports last month before the 10th"),
    ("insurance.report_remind_day", 8, "SPEC §12: design, the county is reminded from the 8th"),
]


def seed(apps, schema_editor):
    seed_parameters(apps, ROWS)


class Migration(migrations.Migration):
    dependencies = [("insurance", "0001_insurance"), ("geo", "0005_former_poor_village")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
