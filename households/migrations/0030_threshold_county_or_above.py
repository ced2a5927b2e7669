"""Monitoring lines are a province's, a city's or a county's (as the policy parameters, geo 0006): every reader inside
a county reads one line."""

import re

from django.db import migrations, models

COUNTY_OR_ABOVE = r"^[1-9][0-9]{5}0{6}$"


def refuse_finer_rows(apps, schema_editor):
    threshold = apps.get_model("households", "MonitoringThreshold")
    finer = [
        f"{row.area_code} ({row.year})"
        for row in threshold.objects.order_by("area_code", "year")
        if not re.fullmatch(COUNTY_OR_ABOVE, row.area_code)
    ]
    if finer:
        raise RuntimeError(
            "Monitoring lines may be set for a province, a city or a county only. Move these rows to their county "
            "before migrating: " + "; ".join(finer)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0029_pairing_list_newest_first"),
        ("geo", "0006_parameter_county_or_above"),
    ]

    operations = [
        migrations.RunPython(refuse_finer_rows, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="monitoringthreshold",
            constraint=models.CheckConstraint(
                condition=models.Q(("area_code__regex", COUNTY_OR_ABOVE)), name="households_threshold_county_or_above"
            ),
        ),
    ]
