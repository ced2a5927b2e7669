"""National defaults of the settings of SPEC §15.2 that the code reads today. Administrators override them per
province or county and per period in the admin ("政策参数"); this migration never overwrites an existing row."""

from django.db import migrations

from geo.seeding import seed_parameters

DEFAULTS = [
    ("income.measure", "net", "SPEC §3.2, §15 C-02 (design)"),
    ("income.window_mode", {"entry": "rolling_12m", "exit": "rolling_12m"}, "002 L295; SPEC §3.5"),
    ("exit.income_margin_pct", 10, "003 L238: 超过监测标准10%以上"),
    ("exit.margin_inclusive", True, "003 L238: “以上”含本数"),
    ("visit.interval_days", {"monitored": 30, "hold": 30, "exited": 90, "eliminated": 90, "risk_flagged": 30},
     "SPEC §4.13 design defaults"),
    ("guarantee.max_age_days", 365, "SPEC §7.3 FC-GAP-MISSED-ITEM-06 (design)"),
    ("school.compulsory_age", [6, 15], "SPEC §15.2 (design)"),
    ("person.elderly_age", 60, "SPEC §2.4 (design)"),
]


def seed(apps, schema_editor):
    seed_parameters(apps, DEFAULTS)


class Migration(migrations.Migration):
    dependencies = [("geo", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
