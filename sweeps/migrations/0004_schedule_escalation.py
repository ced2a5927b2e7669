"""The daily escalation of overdue problems (SPEC §7.5), a django-celery-beat row administrators can change."""

import json

from django.db import migrations


def schedule(apps, schema_editor):
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    daily, _ = crontab_model.objects.get_or_create(
        minute="20", hour="0", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    task_model.objects.get_or_create(
        name="整改逾期督办",
        defaults={"task": "sweeps.tasks.problems_escalate_task", "crontab": daily, "args": json.dumps([])},
    )


class Migration(migrations.Migration):
    dependencies = [("sweeps", "0003_schedule_jobs")]

    operations = [migrations.RunPython(schedule, migrations.RunPython.noop)]
