import django.db.models.deletion
from django.db import migrations, models

from geo.seeding import seed_parameters


def seed(apps, schema_editor):
    seed_parameters(
        apps,
        [
            ("notice.elimination_village_days", 5, "SPEC §4.14 (design): EL-2 village notice, calendar days"),
            ("notice.elimination_township_days", 5, "SPEC §4.14 (design): EL-4 township notice, calendar days"),
            ("notice.elimination_county_days", 5, "SPEC §4.14 (design): EL-6 county announcement, calendar days"),
            ("exit.guarantee_check_max_age_days", 90, "SPEC §4.8 precondition 2 (design)"),
            ("exit.min_months_in_monitoring", 0, "SPEC §4.8 precondition 6: the seeds give none"),
            ("exit.spot_check_pct", 10, "SPEC §4.8 EL-5 (design): share of cases the county spot-checks"),
            ("exit.hold_scope", "whole_household", "SPEC §4.9 (003 L238–L240, 004 L211)"),
            ("exit.weak_counts_as_labour", True, "SPEC §4.9 (design)"),
            ("exit.lookback_months", 6, "SPEC §4.10, §4.14 (design)"),
            ("elimination.step_days", 5, "Design: working days per elimination step before the queue turns red"),
        ],
    )


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0009_elimination"), ("households", "0005_elimination")]

    operations = [
        migrations.AlterField(
            model_name="democraticreview",
            name="household",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="households.household",
                verbose_name="农户",
            ),
        ),
        migrations.AlterField(
            model_name="publicnotice",
            name="household",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="households.household",
                verbose_name="农户",
            ),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
