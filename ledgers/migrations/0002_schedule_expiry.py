"""Hourly: delete ledger files kept past ``LEDGER_EXPORT_KEEP_HOURS`` (the audit rows stay)."""

import json

from django.db import migrations


def schedule(apps, schema_editor):
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    hourly, _ = crontab_model.objects.get_or_create(
        minute="15", hour="*", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    task_model.objects.get_or_create(
        name="清理过期台账文件",
        defaults={"task": "ledgers.tasks.ledger_exports_expire_task", "crontab": hourly, "args": json.dumps([])},
    )


class Migration(migrations.Migration):
    dependencies = [("ledgers", "0001_ledger_exports"), ("django_celery_beat", "0019_alter_periodictasks_options")]

    operations = [migrations.RunPython(schedule, migrations.RunPython.noop)]
