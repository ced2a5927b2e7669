"""The routine sweep (monthly on the 1st by default, SPEC §7.4 ``sweep.routine_schedule``) and the job that resumes
stalled runs, as django-celery-beat rows administrators can change; existing rows are left as they set them."""

import json

from django.db import migrations


def schedule(apps, schema_editor):
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    monthly, _ = crontab_model.objects.get_or_create(
        minute="30", hour="1", day_of_week="*", day_of_month="1", month_of_year="*", timezone="Asia/Shanghai"
    )
    task_model.objects.get_or_create(
        name="四查四补常态化排查",
        defaults={"task": "sweeps.tasks.sweeps_routine_task", "crontab": monthly, "args": json.dumps([])},
    )
    every_ten, _ = interval_model.objects.get_or_create(every=10, period="minutes")
    task_model.objects.get_or_create(
        name="续跑中断的排查",
        defaults={"task": "sweeps.tasks.sweeps_resume_stalled_task", "interval": every_ten, "args": json.dumps([])},
    )


class Migration(migrations.Migration):
    dependencies = [("sweeps", "0002_seed_parameters"), ("django_celery_beat", "0019_alter_periodictasks_options")]

    operations = [migrations.RunPython(schedule, migrations.RunPython.noop)]
