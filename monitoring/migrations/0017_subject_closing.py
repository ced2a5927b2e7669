# A monitoring subject ended for another reason (SPEC §4.11 closed_other: the household left the registry) keeps the
# day and the reason.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0016_negative_override_off_application")]

    operations = [
        migrations.AddField(
            model_name="monitoringsubject",
            name="closed_on",
            field=models.DateField(blank=True, null=True, verbose_name="退出日期"),
        ),
        migrations.AddField(
            model_name="monitoringsubject",
            name="closing_reason",
            field=models.TextField(blank=True, verbose_name="退出原因"),
        ),
    ]
