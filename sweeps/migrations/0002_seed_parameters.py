from django.db import migrations

from geo.seeding import seed_parameters

ROWS = [
    ("sweep.focus_income_factor", "1.5", "SPEC §7.3 (design): focus groups are checked up to F × the line"),
    ("sweep.exit_ready_months", 3, "SPEC §7.3 FC-GAP-MISSED-AID-02 (design)"),
    ("sweep.market_drop_share", 20, "SPEC §7.3 FC-LOSS-MARKET-01 (design, %)"),
    ("sweep.scale_risk_share", 5, "SPEC §7.3 FC-LOSS-SCALE-01 (design, %)"),
    ("sweep.vulnerable_share", 30, "SPEC §7.3 FC-WEAK-INCOME-02 (design, %)"),
    ("sweep.policy_income_share", 50, "SPEC §7.3 FC-WEAK-INCOME-03 (design, %)"),
    ("sweep.annual_deadline", "12-01", "SPEC §7.4 NR-FC-01 (design): warn from this day when no centralized sweep"),
    ("warning.repeat_threshold", 2, "SPEC §6.7 (design)"),
    ("warning.upload_due_days", 15, "SPEC §6.2 (design): days after quarter end"),
    ("warning.feedback_days", 15, "SPEC §6.5 (design)"),
    ("rect.deadline_days", {"household": 30, "village": 90, "county": 180}, "SPEC §7.5 (design)"),
    ("rect.escalate_after_days", 15, "SPEC §7.5 (design)"),
]


def seed(apps, schema_editor):
    seed_parameters(apps, ROWS)


class Migration(migrations.Migration):
    dependencies = [("sweeps", "0001_sweeps"), ("geo", "0004_calendar_override")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
