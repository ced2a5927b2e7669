"""A starting classification (SPEC §8.2, the draft top level "to verify before seeding") with second-level types for
the rules: industry types count towards the industry share; business-entity support needs a benefit linkage
(NR-PRJ-03); 美化、绿化、亮化 is banned (NR-PRJ-04). Administrators replace it with the provincial list; rows they
have changed are left alone."""

from django.db import migrations

TREE = [
    ("01", "产业发展", True, False, False, [
        ("0101", "种植养殖加工", True, False, False),
        ("0102", "扶持新型经营主体（须带贫益贫）", True, True, False),
        ("0103", "产业配套基础设施", True, False, False),
        ("0104", "休闲农业和乡村旅游", True, False, False),
    ]),
    ("02", "就业项目", False, False, False, [
        ("0201", "就业帮扶车间", False, False, False),
        ("0202", "以工代赈", False, False, False),
        ("0203", "公益性岗位", False, False, False),
    ]),
    ("03", "乡村建设行动", False, False, False, [
        ("0301", "农村道路", False, False, False),
        ("0302", "农村供水", False, False, False),
        ("0303", "农村人居环境整治", False, False, False),
        ("0304", "美化、绿化、亮化工程", False, False, True),
    ]),
    ("04", "易地搬迁后扶", False, False, False, [("0401", "安置区配套设施", False, False, False)]),
    ("05", "巩固三保障成果", False, False, False, [("0501", "住房安全保障", False, False, False)]),
    ("06", "乡村治理和精神文明建设", False, False, False, [("0601", "村级综合服务设施", False, False, False)]),
    ("07", "项目管理费", False, False, False, [("0701", "项目管理费", False, False, False)]),
    ("08", "其他", False, False, False, [("0801", "其他", False, False, False)]),
]  # fmt: skip


def seed(apps, schema_editor):
    category = apps.get_model("projects", "ProjectCategory")
    for code, name, industry, linkage, banned, children in TREE:
        parent, _ = category.objects.get_or_create(
            code=code, defaults={"name": name, "is_industry": industry, "requires_benefit_linkage": linkage, "banned": banned}
        )
        for child_code, child_name, child_industry, child_linkage, child_banned in children:
            category.objects.get_or_create(
                code=child_code,
                defaults={
                    "name": child_name,
                    "parent": parent,
                    "is_industry": child_industry,
                    "requires_benefit_linkage": child_linkage,
                    "banned": child_banned,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_projects")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
