# Every negative-list hit is answered by its own county override (SPEC §4.7), step 1 of 3: the hit gets the
# override's fields (who, when, why).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0013_seed_trigger_profile"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="negativelisthit",
            options={
                "default_permissions": ("view",),
                "ordering": ["application", "recorded_at", "pk"],
                "verbose_name": "负面清单命中",
                "verbose_name_plural": "负面清单命中",
            },
        ),
        migrations.AddField(
            model_name="negativelisthit",
            name="overridden_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="放行时间"),
        ),
        migrations.AddField(
            model_name="negativelisthit",
            name="overridden_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="放行人",
            ),
        ),
        migrations.AddField(
            model_name="negativelisthit",
            name="override_reason",
            field=models.TextField(blank=True, verbose_name="放行理由"),
        ),
    ]
