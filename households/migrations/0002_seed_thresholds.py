"""The one monitoring line the documents give for the default (Ningxia) profile: 6000 yuan per person for 2021
(003 L216, SPEC §3.4). Later years are entered by an administrator."""

from decimal import Decimal

from django.db import migrations


def seed(apps, schema_editor):
    threshold_model = apps.get_model("households", "MonitoringThreshold")
    threshold_model.objects.get_or_create(
        area_code="640000000000",
        year=2021,
        defaults={
            "amount": Decimal("6000.00"),
            "national_line": Decimal("4000.00"),
            "basis_text": "2021年自治区参考值6000元（脱贫攻坚期国家扶贫标准的1.5倍为底线）",
            "document_ref": "宁党农发〔2021〕6号",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("households", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
