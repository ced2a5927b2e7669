"""A daily job's notification is sent once: the key it carries is unique per recipient (empty keys are free)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_notification"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="key",
            field=models.CharField(blank=True, default="", max_length=80, verbose_name="去重标识"),
        ),
        migrations.AddConstraint(
            model_name="notification",
            constraint=models.UniqueConstraint(
                condition=models.Q(("key", ""), _negated=True),
                fields=("recipient", "key"),
                name="notification_once_per_key",
            ),
        ),
    ]
