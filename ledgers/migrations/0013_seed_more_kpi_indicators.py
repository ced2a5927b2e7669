"""The remaining indicator tables of SPEC §13.3: Ningxia's "四好农村路" rural roads targets for 2022 and 2025 (003
L562–L564) and the other 2025 targets (003 L158–L168, 002 L53–L159). All entered, at province level (Longde's own
figures of 002 are the same indicators: a county administrator overrides the province's target for its county).
Targets are default rows (no area), like those of 0012."""

from django.db import migrations
from django.utils.translation import gettext_noop

ROADS, LIVING, GOVERNANCE, EMPLOYMENT = (
    gettext_noop("四好农村路"),
    gettext_noop("乡村建设"),
    gettext_noop("乡村治理"),
    gettext_noop("就业帮扶"),
)
B, IND = "binding", "indicative"

# code, category, name, unit, comparator, target, attribute, year, basis
ROWS = [
    ("NX-R01", ROADS, gettext_noop("具备条件的建制村通等级公路比例"), "%", "gte", "100", B, 2022, "003 L562"),
    ("NX-R02", ROADS, gettext_noop("农村公路管养责任落实率"), "%", "gte", "100", B, 2022, "003 L562"),
    ("NX-R03", ROADS, gettext_noop("农村公路管理机构经费纳入财政预算比例"), "%", "gte", "100", B, 2022, "003 L562"),
    ("NX-R04", ROADS, gettext_noop("建制村将爱路护路写入村规民约比例"), "%", "gte", "100", B, 2022, "003 L562"),
    ("NX-R05", ROADS, gettext_noop("农村公路养护资金纳入财政预算比例"), "%", "gte", "100", B, 2022, "003 L562"),
    ("NX-R06", ROADS, gettext_noop("农村公路列养率"), "%", "gte", "100", B, 2022, "003 L562"),
    ("NX-R07", ROADS, gettext_noop("年均养护工程比例"), "%", "gte", "5", B, 2022, "003 L562"),
    ("NX-R08", ROADS, gettext_noop("路长制"), "", "full_coverage", gettext_noop("全面建立"), B, 2022, "003 L562"),
    ("NX-R09", ROADS, gettext_noop("新建农村公路一次交工验收合格率"), "%", "gte", "100", B, 2025, "003 L564"),
    ("NX-R10", ROADS, gettext_noop("农村公路优良中等路比例"), "%", "gte", "80", B, 2025, "003 L564"),
    (
        "NX-R11",
        ROADS,
        gettext_noop("城乡交通运输一体化发展水平达到 AAAA 级以上的县"),
        "",
        "full_coverage",
        gettext_noop("全部县（区）"),
        IND,
        2025,
        "003 L564",
    ),
    (
        "NX-R12",
        ROADS,
        gettext_noop("县乡村三级物流体系"),
        "",
        "full_coverage",
        gettext_noop("基本建成"),
        IND,
        2025,
        "003 L564",
    ),
    ("NX-L01", LIVING, gettext_noop("农村卫生厕所普及率"), "%", "gte", "85", B, 2025, "003 L164; 002 L149"),
    (
        "NX-L02",
        LIVING,
        gettext_noop("农村生活垃圾分类和资源化利用覆盖率"),
        "%",
        "gte",
        "35",
        B,
        2025,
        "003 L164; 002 L149",
    ),
    ("NX-L03", LIVING, gettext_noop("农村生活污水治理率"), "%", "gte", "40", B, 2025, "003 L164; 002 L149"),
    (
        "NX-G01",
        GOVERNANCE,
        gettext_noop("电信“村村享”"),
        "",
        "full_coverage",
        gettext_noop("全部行政村"),
        IND,
        2025,
        "003 L158; 002 L133",
    ),
    (
        "NX-G02",
        GOVERNANCE,
        gettext_noop("乡村治理中心"),
        "",
        "full_coverage",
        gettext_noop("全部乡镇"),
        IND,
        2025,
        "003 L168; 002 L159",
    ),
    (
        "NX-E01",
        EMPLOYMENT,
        gettext_noop("有劳动能力的搬迁户至少有 1 个稳定增收产业或 1 人稳定就业的比例"),
        "%",
        "gte",
        "100",
        B,
        2025,
        "003 L126; 002 L53",
    ),
]


def seed(apps, schema_editor):
    indicator_model = apps.get_model("ledgers", "KpiIndicator")
    target_model = apps.get_model("ledgers", "KpiTarget")
    order = (indicator_model.objects.order_by("-order").values_list("order", flat=True).first() or 0) + 10
    for code, category, name, unit, comparator, target, attribute, year, basis in ROWS:
        indicator, _created = indicator_model.objects.update_or_create(
            code=code,
            defaults={
                "name": name, "category": category, "unit": unit, "comparator": comparator, "level": "province",
                "attribute": attribute, "source": "entered", "computation": "", "basis": basis,
                "on_dashboard": False, "order": order,
            },
        )  # fmt: skip
        target_model.objects.update_or_create(indicator=indicator, year=year, area=None, defaults={"value": target})
        order += 10


def unseed(apps, schema_editor):
    codes = [row[0] for row in ROWS]
    apps.get_model("ledgers", "KpiTarget").objects.filter(indicator__code__in=codes).delete()
    apps.get_model("ledgers", "KpiIndicator").objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("ledgers", "0012_seed_kpi_indicators")]

    operations = [migrations.RunPython(seed, unseed)]
