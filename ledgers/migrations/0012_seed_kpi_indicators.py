"""The indicators of SPEC §13.3 with their targets: the Yonghe 14th FYP main indicators (004 L155–L187, 2025
targets), the Ningxia health indicators at the end of the 14th FYP (003 L540–L548) and the dashboard's basic
medical insurance enrolment (001 L382). The five the registry computes name their computation; the others are
entered. Targets are default rows (no area): an administrator overrides them per province or county and year."""

from django.db import migrations
from django.utils.translation import gettext_noop

YH = "004 L155–L187"
NX = "003 L540–L548"
CONSOLIDATION, INDUSTRY, CONSTRUCTION, HEALTH = (
    gettext_noop("巩固脱贫成果"),
    gettext_noop("乡村产业振兴"),
    gettext_noop("乡村建设"),
    gettext_noop("健康帮扶"),
)
B, IND = "binding", "indicative"

# code, category, name, unit, comparator, target, attribute, computation, on the dashboard
COUNTY = [
    (
        "YH-01",
        CONSOLIDATION,
        gettext_noop("返贫人口"),
        gettext_noop("人"),
        "dynamic_zero",
        gettext_noop("动态清零"),
        B,
        "returned_people",
        True,
    ),
    ("YH-02", CONSOLIDATION, gettext_noop("农村脱贫人口及“三类户”巩固率"), "%", "gte", "100", B, "", True),
    ("YH-03", CONSOLIDATION, gettext_noop("农村居民人均可支配收入"), gettext_noop("元"), "gte", "10000", IND, "", True),
    (
        "YH-04",
        CONSOLIDATION,
        gettext_noop("监测标准为国家扶贫标准的倍数"),
        "",
        "gte",
        "1.5",
        B,
        "monitoring_line_multiple",
        True,
    ),
    (
        "YH-05",
        CONSOLIDATION,
        gettext_noop("九年义务教育巩固率"),
        "%",
        "gte",
        "100",
        B,
        "compulsory_education_retention",
        True,
    ),
    ("YH-06", CONSOLIDATION, gettext_noop("基本医保、大病保险、医疗救助覆盖率"), "%", "gte", "100", B, "", True),
    ("YH-07", CONSOLIDATION, gettext_noop("易地扶贫搬迁入住率"), "%", "gte", "100", B, "", True),
    ("YH-08", CONSOLIDATION, gettext_noop("农村集中供水率"), "%", "gt", "95", B, "centralized_water", True),
    ("YH-09", INDUSTRY, gettext_noop("GDP 增长率"), "%", "gt", "8.5", IND, "", False),
    ("YH-10", INDUSTRY, gettext_noop("粮食综合生产能力"), gettext_noop("万吨"), "gte", "5.1", B, "", False),
    ("YH-11", INDUSTRY, gettext_noop("家庭农场"), gettext_noop("个"), "gte", "30", IND, "", False),
    ("YH-12", INDUSTRY, gettext_noop("农业生产托管面积"), gettext_noop("万亩"), "gte", "15", IND, "", False),
    ("YH-13", INDUSTRY, gettext_noop("农业综合机械化水平"), "%", "gte", "80", IND, "", False),
    ("YH-14", INDUSTRY, gettext_noop("优质牧草种植面积"), gettext_noop("万亩"), "gte", "2", IND, "", False),
    ("YH-15", INDUSTRY, gettext_noop("年均扶持培育农民合作社"), gettext_noop("个"), "gt", "5", IND, "", False),
    ("YH-16", INDUSTRY, gettext_noop("行政村益农信息社覆盖率"), "%", "gte", "100", IND, "", False),
    ("YH-17", INDUSTRY, gettext_noop("旅游业总收入"), gettext_noop("万元"), "gte", "381", IND, "", False),
    ("YH-18", INDUSTRY, gettext_noop("森林覆盖率"), "%", "gte", "31.5", B, "", False),
    ("YH-19", INDUSTRY, gettext_noop("土地出让收益用于农业农村比例"), "%", "gte", "50", B, "", False),
    ("YH-20", CONSTRUCTION, gettext_noop("农村自来水普及率"), "%", "gt", "92", IND, "", False),
    ("YH-21", CONSTRUCTION, gettext_noop("农村动力电覆盖率"), "%", "gte", "100", IND, "", False),
    ("YH-22", CONSTRUCTION, gettext_noop("新改建“四好农村路”"), gettext_noop("公里"), "gte", "202", IND, "", False),
    (
        "YH-23",
        CONSTRUCTION,
        gettext_noop("5G 网络覆盖"),
        "%",
        "full_coverage",
        gettext_noop("全部乡镇区域"),
        IND,
        "",
        False,
    ),
    ("YH-24", CONSTRUCTION, gettext_noop("完成生活污水治理村庄数"), gettext_noop("个"), "gte", "31", IND, "", False),
    ("YH-25", CONSTRUCTION, gettext_noop("农村卫生厕所普及率"), "%", "gt", "65", IND, "", False),
    ("YH-26", CONSTRUCTION, gettext_noop("生活垃圾集中收运处置覆盖率"), "%", "gt", "90", IND, "", False),
    ("YH-27", CONSTRUCTION, gettext_noop("农膜回收利用率"), "%", "gte", "100", IND, "", False),
    ("YH-28", CONSTRUCTION, gettext_noop("村综合性文化服务中心覆盖率"), "%", "gte", "100", IND, "", False),
    ("YH-29", CONSTRUCTION, gettext_noop("城乡居民县域内就诊率"), "%", "gt", "90", IND, "", False),
]
PROVINCE = [
    (
        "NX-H1",
        HEALTH,
        gettext_noop("乡村两级医疗卫生机构和人员“空白点”"),
        gettext_noop("个"),
        "dynamic_zero",
        gettext_noop("动态清零"),
        B,
    ),
    (
        "NX-H2",
        HEALTH,
        gettext_noop("10万人以上脱贫县至少1所县医院达到二级医院服务能力"),
        "%",
        "full_coverage",
        gettext_noop("全部脱贫县"),
        B,
    ),
    ("NX-H3", HEALTH, gettext_noop("乡镇卫生院达到国家基本标准的比例"), "%", "gte", "60", B),
    (
        "NX-H4",
        HEALTH,
        gettext_noop("低收入人口签约患者高血压、糖尿病、结核病、严重精神障碍规范管理率"),
        "%",
        "gte",
        "90",
        IND,
    ),
    ("NX-H5", HEALTH, gettext_noop("大病专项救治病种"), gettext_noop("种"), "gte", "37", B),
    ("NX-H6", HEALTH, gettext_noop("脱贫地区居民健康素养水平较 2020 年提高"), gettext_noop("百分点"), "gte", "5", B),
]
# The dashboard's fifth computed indicator: not in a plan table; 100 % for exited and monitored people (001 L382).
ENROLMENT = (
    "DB-01",
    CONSOLIDATION,
    gettext_noop("基本医疗保险参保率"),
    "%",
    "gte",
    "100",
    B,
    "medical_insurance_enrolment",
    True,
)


def seed(apps, schema_editor):
    indicator_model = apps.get_model("ledgers", "KpiIndicator")
    target_model = apps.get_model("ledgers", "KpiTarget")
    order = 0

    def add(code, category, name, unit, comparator, target, attribute, computation, on_dashboard, *, level, basis,
            year, baseline=None, baseline_year=None):  # fmt: skip
        nonlocal order
        order += 10
        indicator, _created = indicator_model.objects.update_or_create(
            code=code,
            defaults={
                "name": name, "category": category, "unit": unit, "comparator": comparator, "level": level,
                "attribute": attribute, "source": "computed" if computation else "entered",
                "computation": computation, "basis": basis, "on_dashboard": on_dashboard, "order": order,
                "baseline": baseline, "baseline_year": baseline_year,
            },
        )  # fmt: skip
        target_model.objects.update_or_create(indicator=indicator, year=year, area=None, defaults={"value": target})

    for row in COUNTY:
        baseline = (5815, 2020) if row[0] == "YH-03" else (None, None)  # rural income 2020 (004 L65, L111)
        add(*row, level="county", basis=YH, year=2025, baseline=baseline[0], baseline_year=baseline[1])
        if row[0] == "YH-08":
            add(*ENROLMENT, level="county", basis="001 L382", year=2022)
    for row in PROVINCE:
        add(*row, "", False, level="province", basis=NX, year=2025)


def unseed(apps, schema_editor):
    codes = [row[0] for row in COUNTY] + [row[0] for row in PROVINCE] + [ENROLMENT[0]]
    apps.get_model("ledgers", "KpiTarget").objects.filter(indicator__code__in=codes).delete()
    apps.get_model("ledgers", "KpiIndicator").objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("ledgers", "0011_kpi_indicators")]

    operations = [migrations.RunPython(seed, unseed)]
