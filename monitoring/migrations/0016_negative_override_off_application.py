# Every negative-list hit is answered by its own county override (SPEC §4.7), step 3 of 3: the application's single
# override is gone (its words live on the hits it answered, and in the application's events), and an override on a
# hit is whole or absent.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0015_negative_override_copy")]

    operations = [
        migrations.RemoveField(model_name="entryapplication", name="negative_override_at"),
        migrations.RemoveField(model_name="entryapplication", name="negative_override_by"),
        migrations.RemoveField(model_name="entryapplication", name="negative_override_reason"),
        migrations.AddConstraint(
            model_name="negativelisthit",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("overridden_at__isnull", True), ("overridden_by__isnull", True), ("override_reason", "")),
                    models.Q(
                        ("overridden_at__isnull", False),
                        ("overridden_by__isnull", False),
                        models.Q(("override_reason", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="monitoring_negative_override_whole",
            ),
        ),
    ]
