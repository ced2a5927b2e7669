"""The project-library view capability (SPEC §1.3 rows of projects, funds and assets), written into the groups."""

from django.db import migrations


def sync(apps, schema_editor):
    from accounts.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_seed_roles'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='capability',
            options={'default_permissions': (), 'managed': False, 'permissions': [('browse_households', '查看辖区内农户及成员（脱敏）'), ('view_identity', '查看完整身份证号和电话'), ('edit_household', '新增或修改农户、成员、收入'), ('record_visit', '登记走访'), ('open_entry', '发起纳入监测申报'), ('village_procedure', '入户核实、民主评议、村级公示'), ('township_review', '乡镇审核纳入/风险消除'), ('county_approval', '县级批准纳入/风险消除'), ('override_negative_list', '负面清单说明理由后放行'), ('manage_measures', '新增或结束帮扶措施'), ('upload_screening', '上传部门筛查名单'), ('view_warnings', '查看筛查预警'), ('dispose_warning', '处置筛查预警'), ('start_sweep', '发起集中排查'), ('view_rectification', '查看问题整改'), ('submit_rectification', '提交整改'), ('verify_rectification', '交办、核验、销号整改'), ('view_projects', '查看项目库'), ('propose_project', '申报项目'), ('review_project', '乡镇审核项目'), ('approve_project', '县级审定项目入库'), ('view_funds', '查看资金'), ('record_funds', '登记资金下达和分配'), ('record_payments', '登记资金支付'), ('view_assets', '查看项目资产'), ('manage_assets', '登记资产、管护、收益'), ('export_ledgers', '导出台账'), ('edit_parameters', '维护监测标准、参数和分类')], 'verbose_name': '功能权限'},
        ),
        migrations.RunPython(sync, migrations.RunPython.noop),
    ]
