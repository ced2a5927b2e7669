"""The daily job that tells the level above of the workflow steps past their time limit (SPEC §4.14; a
django-celery-beat row, so administrators can change its time; an existing row is left as they set it). The task
lives in monitoring, which owns the steps; the row sits here, with the notifications it writes."""

import json

from django.db import migrations


def schedule(apps, schema_editor):
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    morning, _ = crontab_model.objects.get_or_create(
        minute="30", hour="7", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    task_model.objects.get_or_create(
        name="超时环节提醒上级",
        defaults={"task": "monitoring.tasks.overdue_steps_escalate_task", "crontab": morning, "args": json.dumps([])},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_notification_key"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, migrations.RunPython.noop)]
