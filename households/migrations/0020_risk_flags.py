"""Typed risks (SPEC §4.3): ``RiskFlag`` with its event trail replaces the single ``Household.risk_flagged_on`` date
and ``risk_note``. The facts table gains the derived fact ``risk_open_since`` (the earliest open risk's date).

Carrying the data over: every household with a ``risk_flagged_on`` gets one open risk of type ``other`` (其他): the
old flag was set by a visit with a free-text note and no type, and guessing a type from the words would put a
cadre's judgement in a migration. Its source is the visit (the only writer of the flag), linked when a visit that
found a risk on that day exists; the note becomes the evidence; an ``opened`` event says it was carried over so
that a cadre retypes it (resolve as "类型更正" and open the right type). The stored facts get the same date, so the
read model is true before the next refresh. Reversing restores the columns empty (``noop``), as data migrations do.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

CARRIED_OVER = "由原“发现风险日期”转入，原记录未分风险类型，请核实后更正类型"
NO_NOTE = "走访发现返贫致贫风险（原记录未说明情况）"


def flags_to_risks(apps, schema_editor):
    household_model = apps.get_model("households", "Household")
    visit_model = apps.get_model("households", "Visit")
    risk_model = apps.get_model("households", "RiskFlag")
    event_model = apps.get_model("households", "RiskFlagEvent")
    facts_model = apps.get_model("households", "HouseholdFacts")
    flagged = household_model.objects.filter(risk_flagged_on__isnull=False).values_list(
        "pk", "risk_flagged_on", "risk_note"
    )
    for household_id, flagged_on, note in flagged.iterator(chunk_size=2000):
        visit = (
            visit_model.objects.filter(household_id=household_id, risk_found=True, visited_on=flagged_on)
            .order_by("-pk")
            .first()
        )
        risk = risk_model.objects.create(
            household_id=household_id,
            risk_type="other",
            source="visit",
            visit=visit,
            found_on=flagged_on,
            evidence=(note or "").strip() or NO_NOTE,
            opened_by_id=visit.recorded_by_id if visit else None,
        )
        event_model.objects.create(risk=risk, kind="opened", on=flagged_on, note=CARRIED_OVER)
        facts_model.objects.filter(household_id=household_id).update(risk_open_since=flagged_on)


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0019_household_life"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="RiskFlag",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "risk_type",
                    models.CharField(
                        choices=[
                            ("illness", "因病"),
                            ("disability", "因残"),
                            ("education", "因学"),
                            ("disaster", "因灾"),
                            ("accident", "因意外事故"),
                            ("epidemic", "因疫"),
                            ("major_change", "突发重大变故"),
                            ("business_failure", "因经营亏损"),
                            ("unstable_employment", "因务工就业不稳"),
                            ("weak_motivation", "内生动力不足"),
                            ("market_fluctuation", "因市场波动"),
                            ("lack_of_labour", "因缺劳动力"),
                            ("housing", "因住房安全问题"),
                            ("drinking_water", "因饮水安全问题"),
                            ("compulsory_education", "因义务教育保障问题"),
                            ("medical_security", "医疗保障风险"),
                            ("other", "其他"),
                        ],
                        max_length=32,
                        verbose_name="风险类型",
                    ),
                ),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("visit", "走访发现"),
                            ("department_warning", "部门预警核实"),
                            ("sweep", "排查发现"),
                            ("self_report", "农户自报"),
                        ],
                        max_length=24,
                        verbose_name="发现渠道",
                    ),
                ),
                ("source_ref", models.PositiveIntegerField(blank=True, null=True, verbose_name="来源编号")),
                ("source_label", models.CharField(blank=True, max_length=200, verbose_name="来源")),
                ("found_on", models.DateField(verbose_name="发现日期")),
                ("evidence", models.TextField(verbose_name="风险情况")),
                ("measure_id", models.PositiveIntegerField(blank=True, null=True, verbose_name="帮扶措施编号")),
                ("measure_label", models.CharField(blank=True, max_length=200, verbose_name="应对措施")),
                ("resolved_on", models.DateField(blank=True, null=True, verbose_name="消除日期")),
                ("resolution", models.TextField(blank=True, verbose_name="消除情况")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="登记时间")),
                (
                    "household",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="risks",
                        to="households.household",
                        verbose_name="农户",
                    ),
                ),
                (
                    "opened_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="登记人",
                    ),
                ),
                (
                    "resolved_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="消除登记人",
                    ),
                ),
                (
                    "visit",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="risks",
                        to="households.visit",
                        verbose_name="发现走访",
                    ),
                ),
            ],
            options={
                "verbose_name": "返贫致贫风险",
                "verbose_name_plural": "返贫致贫风险",
                "ordering": ["household", "-found_on", "-pk"],
                "default_permissions": ("view",),
            },
        ),
        migrations.CreateModel(
            name="RiskFlagEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("opened", "发现"),
                            ("found_again", "再次发现"),
                            ("answered", "安排帮扶措施"),
                            ("resolved", "消除"),
                        ],
                        max_length=16,
                        verbose_name="步骤",
                    ),
                ),
                ("on", models.DateField(verbose_name="日期")),
                ("note", models.TextField(blank=True, verbose_name="说明")),
                ("at", models.DateTimeField(auto_now_add=True, verbose_name="登记时间")),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="经办人",
                    ),
                ),
                (
                    "risk",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="events",
                        to="households.riskflag",
                        verbose_name="风险",
                    ),
                ),
            ],
            options={
                "verbose_name": "风险记录",
                "verbose_name_plural": "风险记录",
                "ordering": ["risk", "at", "pk"],
                "default_permissions": ("view",),
            },
        ),
        migrations.AddIndex(
            model_name="riskflag",
            index=models.Index(fields=["measure_id"], name="households_risk_measure"),
        ),
        migrations.AddConstraint(
            model_name="riskflag",
            constraint=models.UniqueConstraint(
                condition=models.Q(("resolved_on__isnull", True)),
                fields=("household", "risk_type"),
                name="households_one_open_risk_per_type",
            ),
        ),
        migrations.AddConstraint(
            model_name="riskflag",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("resolution", ""), ("resolved_on__isnull", True)),
                    models.Q(("resolved_on__isnull", False), models.Q(("resolution", ""), _negated=True)),
                    _connector="OR",
                ),
                name="households_risk_resolved_needs_reason",
            ),
        ),
        migrations.AddConstraint(
            model_name="riskflag",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("resolved_on__isnull", True), ("resolved_on__gte", models.F("found_on")), _connector="OR"
                ),
                name="households_risk_resolved_after_found",
            ),
        ),
        migrations.AddField(
            model_name="householdfacts",
            name="risk_open_since",
            field=models.DateField(null=True, verbose_name="最早未消除风险发现日期"),
        ),
        migrations.RunPython(flags_to_risks, migrations.RunPython.noop),
        migrations.RemoveField(model_name="historicalhousehold", name="risk_flagged_on"),
        migrations.RemoveField(model_name="historicalhousehold", name="risk_note"),
        migrations.RemoveField(model_name="household", name="risk_flagged_on"),
        migrations.RemoveField(model_name="household", name="risk_note"),
    ]
