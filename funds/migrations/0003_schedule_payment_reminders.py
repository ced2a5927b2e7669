"""The payment milestones get a daily job of their own (SPEC §8.7): they were sent by the project calendar's job,
which now sends only the project deadlines and is renamed to say so."""

import json

from django.db import migrations

PROJECT_JOB = "projects.tasks.project_reminders_task"


def schedule(apps, schema_editor):
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    daily, _ = crontab_model.objects.get_or_create(
        minute="50", hour="8", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    task_model.objects.get_or_create(
        name="衔接资金支付进度提醒",
        defaults={"task": "funds.tasks.payment_reminders_task", "crontab": daily, "args": json.dumps([])},
    )
    task_model.objects.filter(task=PROJECT_JOB, name="项目计划和资金支付进度提醒").update(name="项目计划时限提醒")


def unschedule(apps, schema_editor):
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    task_model.objects.filter(task="funds.tasks.payment_reminders_task").delete()
    task_model.objects.filter(task=PROJECT_JOB, name="项目计划时限提醒").update(name="项目计划和资金支付进度提醒")


class Migration(migrations.Migration):
    dependencies = [
        ("funds", "0002_seed_parameters"),
        ("projects", "0004_schedule_reminders"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
