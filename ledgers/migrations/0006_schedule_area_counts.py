"""Every ten minutes: recount every area's numbers (home counters, dashboards) from the household facts."""

import json

from django.db import migrations


def schedule(apps, schema_editor):
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = interval_model.objects.get_or_create(every=10, period="minutes")
    task_model.objects.get_or_create(
        name="统计各村农户数据",
        defaults={"task": "ledgers.tasks.area_counts_refresh_task", "interval": every, "args": json.dumps([])},
    )


class Migration(migrations.Migration):
    dependencies = [("ledgers", "0005_area_counts"), ("django_celery_beat", "0019_alter_periodictasks_options")]

    operations = [migrations.RunPython(schedule, migrations.RunPython.noop)]
