"""The employment ledger L-11 (SPEC §13.1): exported through the ledgers page, read back with python-calamine and
LibreOffice with the database's values; ID numbers masked unless the role may see them; a township exports its own."""

from django.urls import reverse

from accounts.roles import Role
from employment.choices import EmploymentStatus, ServiceKind
from households.masking import mask_id_number
from ledgers.catalogue import LEDGERS
from tests.employment.factories import TODAY, YEAR
from tests.factories import UserFactory
from tests.worlds.excel import calamine_sheets, export, libreoffice_sheets

HEADER_ROWS = 3


def _rows(content):
    rows = [row for sheet in calamine_sheets(content).values() for row in sheet[HEADER_ROWS:-1]]
    return rows, LEDGERS["L-11"].columns


def _column(rows, columns, header):
    index = [c.header for c in columns].index(header)
    return [row[index] for row in rows]


def _world(world):
    from employment import services

    world.record(world.worker_a, skills="电焊", certificate="焊工证（初级）", wish_to_train=True)
    world.serve(world.worker_a, ServiceKind.TRAINING, n=2)
    services.transport_subsidy_grant(actor=world.worker, member=world.worker_a, year=YEAR, granted_on=TODAY)
    world.record(world.far_member, actor=world.other_cadre, status=EmploymentStatus.LOCAL, months_employed=3,
                 labour_contract=False, social_insurance=False)  # fmt: skip


def test_the_county_ledger_holds_every_record_with_masked_ids(world, client):
    _world(world)
    client.force_login(world.reporter)  # reads the county, sees ID numbers masked
    _record, content = export(client, "L-11")
    rows, columns = _rows(content)
    assert sorted(_column(rows, columns, "姓名")) == sorted(["王务工", "乙外务工"])
    mine = rows[_column(rows, columns, "姓名").index("王务工")]
    value = dict(zip([c.header for c in columns], mine, strict=True))
    assert value["身份证号"] == mask_id_number(world.worker_a.id_number)
    assert value["人员类别"] == "脱贫人口"
    assert value["就业状态"] == "跨省务工"
    assert value["务工月数"] == 8.0
    assert (value["劳动合同"], value["社会保险"], value["稳定就业"]) == ("是", "是", "是")
    assert value["参加培训（次）"] == 2.0
    assert value["享受补贴（元）"] == 800.0
    assert (value["技能证书"], value["就业意愿"], value["培训意愿"]) == ("焊工证（初级）", "是", "是")


def test_a_township_exports_its_own_with_full_ids_and_libreoffice_reads_them(world, client, tmp_path):
    _world(world)
    client.force_login(world.cadre)  # a township cadre sees full ID numbers
    _record, content = export(client, "L-11")
    rows, columns = _rows(content)
    assert _column(rows, columns, "姓名") == ["王务工"]
    assert _column(rows, columns, "身份证号") == [world.worker_a.id_number]
    shown = [row for sheet in libreoffice_sheets(content, tmp_path).values() for row in sheet]
    assert any(world.worker_a.id_number in row for row in shown)  # whole, as text, never 6.4E+17
    assert any("800.00" in row for row in shown)


def test_roles_without_the_programmes_capability_cannot_export_it(world, client):
    client.force_login(UserFactory(area=world.county, roles=[Role.COUNTY_FINANCE]))
    response = client.post(reverse("ledgers:export-start"), {"ledger": "L-11"})
    assert response.status_code in (302, 403)
    from ledgers.models import LedgerExport

    assert not LedgerExport.objects.filter(ledger="L-11").exists()
