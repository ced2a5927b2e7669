"""Seed one group per role with the capabilities of SPEC §1.3 (accounts.roles.MATRIX), and the default periodic
jobs. Admins' later edits to the periodic tasks survive (get_or_create by name, STYLE rule 16)."""

import json

from django.db import migrations


def seed_roles(apps, schema_editor):
    from accounts.roles import sync_role_groups

    sync_role_groups(apps)


def seed_periodic_tasks(apps, schema_editor):
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    nightly, _ = crontab_model.objects.get_or_create(
        minute="30", hour="2", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    task_model.objects.get_or_create(
        name="清理过期登录会话",
        defaults={"task": "accounts.tasks.sessions_cleanup_task", "crontab": nightly, "args": json.dumps([])},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(seed_roles, migrations.RunPython.noop),
        migrations.RunPython(seed_periodic_tasks, migrations.RunPython.noop),
    ]
