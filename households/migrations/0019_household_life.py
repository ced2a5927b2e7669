import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """A household's life (SPEC §2.1, §2.6, §15 C-20): transfers and area changes, splits and merges as
    HouseholdEvent rows, and the county step that moves a merged village's households (VillageMerge)."""

    dependencies = [
        ("geo", "0005_former_poor_village"),
        ("households", "0018_pairings_from_grants"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="VillageMerge",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("households", models.PositiveIntegerField(default=0, verbose_name="迁转户数")),
                ("reason", models.TextField(verbose_name="原因")),
                ("at", models.DateTimeField(auto_now_add=True, verbose_name="办理时间")),
                (
                    "actor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="办理人",
                    ),
                ),
                (
                    "successor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="geo.adminarea",
                        verbose_name="并入村",
                    ),
                ),
                (
                    "village",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="household_merges",
                        to="geo.adminarea",
                        verbose_name="撤并村",
                    ),
                ),
            ],
            options={
                "verbose_name": "撤并村农户迁转",
                "verbose_name_plural": "撤并村农户迁转",
                "ordering": ["-at", "-pk"],
                "default_permissions": ("view",),
            },
        ),
        migrations.CreateModel(
            name="HouseholdEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("area_change", "区划变更"),
                            ("transfer", "迁转（变更管理地）"),
                            ("split_out", "分户：分出新户"),
                            ("split_from", "分户：由原户分出"),
                            ("merged_in", "并户：并入本户"),
                            ("absorbed", "并户：并入他户"),
                        ],
                        max_length=16,
                        verbose_name="事项",
                    ),
                ),
                (
                    "area_field",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("managing_area", "管理地"),
                            ("residence_area", "居住地"),
                            ("hukou_area", "户籍地"),
                            ("co_managing_area", "协同管理地"),
                        ],
                        max_length=20,
                        verbose_name="变更区划",
                    ),
                ),
                ("from_text", models.CharField(blank=True, max_length=200, verbose_name="原区划（区外）")),
                ("to_text", models.CharField(blank=True, max_length=200, verbose_name="新区划（区外）")),
                ("detail", models.JSONField(blank=True, default=dict, verbose_name="明细")),
                ("reason", models.TextField(verbose_name="原因")),
                ("at", models.DateTimeField(auto_now_add=True, verbose_name="办理时间")),
                (
                    "actor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="办理人",
                    ),
                ),
                (
                    "from_area",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="geo.adminarea",
                        verbose_name="原区划",
                    ),
                ),
                (
                    "household",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="events",
                        to="households.household",
                        verbose_name="农户",
                    ),
                ),
                (
                    "other_household",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="households.household",
                        verbose_name="相关农户",
                    ),
                ),
                (
                    "to_area",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="geo.adminarea",
                        verbose_name="新区划",
                    ),
                ),
                (
                    "village_merge",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="events",
                        to="households.villagemerge",
                        verbose_name="撤并村迁转",
                    ),
                ),
            ],
            options={
                "verbose_name": "农户变动记录",
                "verbose_name_plural": "农户变动记录",
                "ordering": ["-at", "-pk"],
                "default_permissions": ("view",),
                "indexes": [
                    models.Index(fields=["household", "-at"], name="households_event_household"),
                    models.Index(
                        condition=models.Q(("kind", "transfer")),
                        fields=["from_area", "household"],
                        name="households_event_left_area",
                    ),
                ],
            },
        ),
    ]
