"""Nightly: every township's household facts as of the new day."""

import json

from django.db import migrations


def schedule(apps, schema_editor):
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    nightly, _ = crontab_model.objects.get_or_create(
        minute="10", hour="1", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    task_model.objects.get_or_create(
        name="刷新农户派生数据",
        defaults={"task": "households.tasks.facts_refresh_all_task", "crontab": nightly, "args": json.dumps([])},
    )


class Migration(migrations.Migration):
    dependencies = [("households", "0009_facts_school_age"), ("django_celery_beat", "0019_alter_periodictasks_options")]

    operations = [migrations.RunPython(schedule, migrations.RunPython.noop)]
