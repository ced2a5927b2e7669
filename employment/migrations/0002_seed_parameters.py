from django.db import migrations

from geo.seeding import seed_parameters

ROWS = [
    ("employment.transport_subsidy", {"cross_county": 200, "cross_province": 800}, "SPEC §11.3 NR-EMP-01; 003 L660"),
    ("employment.transport_min_months", 6, "SPEC §11.3 NR-EMP-01; 003 L660"),
    (
        "employment.workshop_tiers",
        [[11, 20, 20000], [21, 30, 30000], [31, 100, 60000], [101, None, 100000]],
        "SPEC §11.3 NR-EMP-02; §15 C-13; 003 L660",
    ),
    ("employment.disabled_workshop", {"min_people": 10, "amount": 20000}, "SPEC §11.3 NR-EMP-03; 003 L958–L960"),
    ("employment.services_required", {"guidance": 1, "job_offer": 3, "training": 1}, "SPEC §11.3 NR-EMP-04; 003 L662"),
    ("employment.working_age", [16, 59], "SPEC §11.3 劳动年龄 (design)"),
    ("employment.stable_months", 6, "SPEC §7.3 FC-WEAK-RELOC-01, §11.3 NR-EMP-06 (design)"),
]


def seed(apps, schema_editor):
    seed_parameters(apps, ROWS)


class Migration(migrations.Migration):
    dependencies = [("employment", "0001_initial"), ("geo", "0002_seed_parameters")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
