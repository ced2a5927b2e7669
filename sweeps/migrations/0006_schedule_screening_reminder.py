"""The daily check that reminds departments of their quarterly screening list (SPEC §6.2)."""

import json

from django.db import migrations


def schedule(apps, schema_editor):
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    daily, _ = crontab_model.objects.get_or_create(
        minute="40", hour="8", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    task_model.objects.get_or_create(
        name="部门季度筛查提醒",
        defaults={"task": "sweeps.tasks.screening_reminders_task", "crontab": daily, "args": json.dumps([])},
    )


class Migration(migrations.Migration):
    dependencies = [("sweeps", "0005_screening"), ("django_celery_beat", "0019_alter_periodictasks_options")]

    operations = [migrations.RunPython(schedule, migrations.RunPython.noop)]
