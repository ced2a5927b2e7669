"""The daily reminders of the project calendar and the payment milestones (SPEC §8.3 P-6/P-7, §8.7)."""

import json

from django.db import migrations


def schedule(apps, schema_editor):
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    daily, _ = crontab_model.objects.get_or_create(
        minute="50", hour="8", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    task_model.objects.get_or_create(
        name="项目计划和资金支付进度提醒",
        defaults={"task": "projects.tasks.project_reminders_task", "crontab": daily, "args": json.dumps([])},
    )


class Migration(migrations.Migration):
    dependencies = [("projects", "0003_seed_parameters"), ("django_celery_beat", "0019_alter_periodictasks_options")]

    operations = [migrations.RunPython(schedule, migrations.RunPython.noop)]
