"""The daily job that moves cases whose notice period ended to the township queue (django-celery-beat row, so
administrators can change its time; an existing row is left as they set it)."""

import json

from django.db import migrations


def schedule(apps, schema_editor):
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    early, _ = crontab_model.objects.get_or_create(
        minute="10", hour="0", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    task_model.objects.get_or_create(
        name="公示期满转乡镇审核",
        defaults={"task": "monitoring.tasks.entry_notices_complete_task", "crontab": early, "args": json.dumps([])},
    )


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0002_seed_parameters"), ("django_celery_beat", "0019_alter_periodictasks_options")]

    operations = [migrations.RunPython(schedule, migrations.RunPython.noop)]
