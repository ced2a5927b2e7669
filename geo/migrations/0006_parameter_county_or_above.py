"""Settings are a county's at the finest (SPEC §15.2): a row for a township or a village would be read by some
readers and not by others (the facts read the county's)."""

import re

from django.db import migrations, models

COUNTY_OR_ABOVE = r"^[1-9][0-9]{5}0{6}$"


def refuse_finer_rows(apps, schema_editor):
    parameter = apps.get_model("geo", "PolicyParameter")
    finer = [
        f"{row.key} @ {row.area_code} ({row.valid_from})"
        for row in parameter.objects.exclude(area_code="").order_by("key", "area_code")
        if not re.fullmatch(COUNTY_OR_ABOVE, row.area_code)
    ]
    if finer:
        raise RuntimeError(
            "Policy parameters may be set for the country, a province, a city or a county only. Move these rows to "
            "their county (or end them) before migrating: " + "; ".join(finer)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("geo", "0005_former_poor_village"),
    ]

    operations = [
        migrations.RunPython(refuse_finer_rows, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="policyparameter",
            constraint=models.CheckConstraint(
                condition=models.Q(("area_code", ""), ("area_code__regex", COUNTY_OR_ABOVE), _connector="OR"),
                name="geo_parameter_county_or_above",
            ),
        ),
    ]
