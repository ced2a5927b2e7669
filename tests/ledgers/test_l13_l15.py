"""The self-migrants' special ledger (L-13, 自主迁徙居民专项台账) and the dropout-control ledger (L-15, 控辍保学台账):
exported through the pages by a township cadre and by the county, read back with python-calamine and LibreOffice
against the database; ID numbers masked unless the role may see them; nothing of another place; compulsory-school age
from the 6th birthday to the day before the 16th (``school.compulsory_age`` 6–15); streamed as a task with progress,
frozen and signed off like every ledger."""

import datetime
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.xlsx import Kind
from geo.models import AdminArea
from households import rules
from households.choices import IN_SCHOOL, EducationLevel, HouseholdFlagKind, MemberStatus, MigrantType, SchoolingStatus
from households.facts import facts_refresh_households
from households.masking import mask_id_number
from households.models import Household, HouseholdFacts, HouseholdFlag, HouseholdMember, Visit
from ledgers.catalogue import LEDGERS
from ledgers.freezing import freeze, frozen_bytes, period_dates, sign
from ledgers.models import ExportStatus, LedgerExport
from ledgers.tasks import ledger_export_task
from monitoring.models import AssistanceMeasure
from sweeps.models import Problem, ScreeningBatch, ScreeningWarning
from tests.factories import HouseholdFactory, MemberFactory, MonitoringSubjectFactory, VillageFactory
from tests.worlds.excel import calamine_sheets, export, libreoffice_sheets

pytestmark = pytest.mark.django_db

HEADER_ROWS = 3
LEFT = (SchoolingStatus.DROPOUT, SchoolingStatus.LEFT_SCHOOL)


def _data(rows: list[list[Any]]) -> list[list[Any]]:
    assert rows[-1][0].startswith("合计 ")
    return rows[HEADER_ROWS:-1]


def _records(content: bytes) -> list[dict[str, Any]]:
    """Every data row of every sheet, header → cell."""
    out = []
    for sheet in calamine_sheets(content).values():
        headers = sheet[HEADER_ROWS - 1]
        out += [dict(zip(headers, row, strict=True)) for row in _data(sheet)]
    return out


def _born(years: int, *, days: int = 0) -> datetime.date:
    """The birth date of someone ``years`` old today, moved ``days`` later (a birthday still to come)."""
    today = timezone.localdate()
    try:
        day = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        day = today.replace(year=today.year - years, day=28)
    return day + datetime.timedelta(days=days)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return float(value)
    return value


# ------------------------------------------------------------------------------------------------- L-15 data


def _village(user: User) -> AdminArea:
    return AdminArea.objects.filter(code__startswith=user.area.prefix, level="village").order_by("code").first()


def _children(user: User) -> dict[str, HouseholdMember]:
    """Children in a village of the township cadre's township, at the boundaries of the ledger's rows, and children
    elsewhere: another township of the county, another province."""
    village = _village(user)
    household = HouseholdFactory(managing_area=village, head_name="控辍户主")

    def child(name: str, birth: datetime.date, status: str, **fields: Any) -> HouseholdMember:
        return MemberFactory(household=household, name=name, birth_date=birth, schooling_status=status,
                             relationship="son", labour_capacity="none_age", **fields)  # fmt: skip

    made = {
        "辍学十二岁": child(
            "辍学十二岁",
            _born(12),
            SchoolingStatus.DROPOUT,
            school_name="城关中学",
            education_level=EducationLevel.PRIMARY,
        ),
        "今天满六岁": child("今天满六岁", _born(6), SchoolingStatus.NOT_SCHOOL_AGE),
        "明天满六岁": child("明天满六岁", _born(6, days=1), SchoolingStatus.NOT_SCHOOL_AGE),
        "明天满十六": child("明天满十六", _born(16, days=1), SchoolingStatus.LEFT_SCHOOL),
        "今天满十六": child("今天满十六", _born(16), SchoolingStatus.LEFT_SCHOOL),
        "一直在校": child("一直在校", _born(10), SchoolingStatus.PRIMARY),
        "已迁出辍学": child("已迁出辍学", _born(11), SchoolingStatus.DROPOUT, member_status=MemberStatus.MOVED_OUT),
    }
    back = child("劝返复学", _born(10), SchoolingStatus.DROPOUT, school_name="城关小学")
    back.schooling_status = SchoolingStatus.PRIMARY
    back.save()  # a new version in the member's history: back in school today
    exempt = child("辍学后缓学", _born(9), SchoolingStatus.DROPOUT)
    exempt.schooling_status = SchoolingStatus.EXEMPT_PHYSICAL
    exempt.save()
    made |= {"劝返复学": back, "辍学后缓学": exempt}

    sibling = AdminArea.objects.filter(parent=user.area.parent, level="township").exclude(pk=user.area.pk).first()
    elsewhere = AdminArea.objects.filter(code__startswith=sibling.prefix, level="village").first()
    made["邻乡辍学"] = MemberFactory(household=HouseholdFactory(managing_area=elsewhere), name="邻乡辍学",
                                  birth_date=_born(13), schooling_status=SchoolingStatus.DROPOUT)  # fmt: skip
    made["外省辍学"] = MemberFactory(household=HouseholdFactory(managing_area=VillageFactory()), name="外省辍学",
                                  birth_date=_born(13), schooling_status=SchoolingStatus.DROPOUT)  # fmt: skip
    return made


IN_LEDGER = {"辍学十二岁", "今天满六岁", "明天满十六", "劝返复学", "辍学后缓学"}
NEVER = {"明天满六岁", "今天满十六", "一直在校", "已迁出辍学", "外省辍学"}


def _expected_children(user: User) -> set[tuple[Any, ...]]:
    """What the database says L-15 holds for ``user``, read from the models: present members of open households
    aged 6–15 today who are out of school now or whose history records them leaving it."""
    today = timezone.localdate()
    members = HouseholdMember.objects.visible_to(user).filter(
        member_status=MemberStatus.PRESENT, household__closed_on__isnull=True
    )
    out = set()
    for m in members.select_related("household"):
        if not 6 <= rules.age_on(m.birth_date, today) <= 15:
            continue
        left = m.history.filter(schooling_status__in=LEFT).exists()  # type: ignore[attr-defined]
        if m.schooling_status in IN_SCHOOL and not left:
            continue
        out.add((m.household.household_no, m.name, m.id_number, m.school_name, m.get_schooling_status_display()))
    return out


def _plan_and_list(member: HouseholdMember, user: User) -> None:
    """The child's four-checks problem with its rectification, and the education department's list naming it."""
    household = member.household
    Problem.objects.create(
        rule_id="FC-GAP-MISSED-ITEM-01", rule_version=1, category="gap", gap_type="missed_item",
        title="义务教育阶段适龄儿童少年失学辍学", subject_kind="member", subject_key=f"member:{member.pk}",
        household=household, member=member, area=household.managing_area, township=household.managing_area.parent,
        area_code=household.managing_area.code, detected_on=timezone.localdate(), last_seen_on=timezone.localdate(),
        deadline=timezone.localdate() + datetime.timedelta(days=30), responsible_unit="城关中学",
        measures_taken="班主任每周家访劝返",
    )  # fmt: skip
    batch = ScreeningBatch.objects.create(
        department="education", area=household.managing_area.parent.parent, period="2026-Q3", uploaded_by=user,
        original_name="辍学名单.xlsx", file="sweeps/screening/x.xlsx",
    )  # fmt: skip
    ScreeningWarning.objects.create(
        batch=batch, department="education", period="2026-Q3", member=member, household=household,
        event_type="dropout", event_label="义务教育阶段失学辍学", match_kind="exact",
        issued_on=timezone.localdate(), feedback_due_on=timezone.localdate() + datetime.timedelta(days=10),
    )  # fmt: skip


@pytest.mark.parametrize("username", ["township01", "report"])
def test_the_dropout_ledger_holds_the_compulsory_age_children_out_of_school_or_back_in_it(username, login, client):
    """A township cadre (full ID numbers) and the county's reporting officer (masked) export L-15: the children the
    database has, from the 6th birthday to the day before the 16th, and nothing of another place."""
    user = login(username)
    cadre = User.objects.get(username="township01")
    made = _children(cadre)
    if username == "report":
        in_ledger, absent = IN_LEDGER | {"邻乡辍学"}, NEVER
    else:
        in_ledger, absent = IN_LEDGER, NEVER | {"邻乡辍学"}

    record, content = export(client, "L-15")
    rows = _records(content)
    assert record.total == len(rows)
    shown = {(r["户编号"], r["姓名"], r["身份证号"], r["就读学校"], r["状态"]) for r in rows}
    # Back at school after dropping out: the test's own child and the demo county's pupil who came back.
    dropped = HouseholdMember.history.filter(schooling_status="dropout").values("id")
    back = set(
        HouseholdMember.objects.filter(pk__in=dropped, schooling_status__in=["primary", "junior"]).values_list(
            "name", flat=True
        )
    )
    expected = {
        (no, name, number if record.full_ids else mask_id_number(number), school,
         f"已复学（{status}）" if name in back else status)
        for no, name, number, school, status in _expected_children(user)
    }  # fmt: skip
    assert shown == expected
    names = {r["姓名"] for r in rows}
    assert names >= in_ledger
    assert not names & absent
    assert record.full_ids is (username == "township01")
    ids = [r["身份证号"] for r in rows]
    assert all(("*" * 10 in i) is (username == "report") for i in ids)

    by_name = {r["姓名"]: r for r in rows if r["姓名"] in made}
    assert by_name["劝返复学"]["复学日期"] == timezone.localdate()
    assert by_name["劝返复学"]["学段"] == "小学"
    assert by_name["辍学后缓学"]["状态"] == "因身体原因不具备学习条件"
    assert by_name["辍学后缓学"]["复学日期"] == ""
    assert by_name["辍学十二岁"]["学段"] == "小学"  # out of school: the education level reached
    assert by_name["辍学十二岁"]["复学日期"] == ""
    assert by_name["明天满十六"]["状态"] == "已离校"
    for sheet in calamine_sheets(content).values():
        assert sheet[-1][0] == f"合计 {len(_data(sheet))} 人"


def test_the_childs_case_plan_and_school_list_are_its_problem_and_the_education_departments_list(login, client):
    """一人一案 and 一校一帐 are not fields of the registry: the ledger shows the child's four-checks problem with its
    rectification, and the education department's list that named the child."""
    user = login("township01")
    made = _children(user)
    _plan_and_list(made["辍学十二岁"], user)
    subject = MonitoringSubjectFactory(household=made["辍学十二岁"].household)
    AssistanceMeasure.objects.create(
        subject=subject, measure_type="education", subtype="home_teaching", timing="remedial",
        funding_source="sector_policy", responsible_department="education", started_on=timezone.localdate(),
        description="每周两次送教", status="in_progress", recorded_by=user,
    )  # fmt: skip
    MemberFactory(household=HouseholdFactory(managing_area=_village(user)), name="别户辍学", birth_date=_born(11),
                  schooling_status=SchoolingStatus.DROPOUT)  # fmt: skip
    _record, content = export(client, "L-15")
    row = next(r for r in _records(content) if r["姓名"] == "辍学十二岁")
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    assert row["一人一案"] == (
        f"班主任每周家访劝返（城关中学，期限 {deadline:%Y-%m-%d}，待交办）；送教上门：每周两次送教（实施中）"
    )
    assert row["一校一帐"] == "2026-Q3 义务教育阶段失学辍学（待核实）"
    sibling = next(r for r in _records(content) if r["姓名"] == "今天满六岁")  # the household's measures are hers too
    assert (sibling["一人一案"], sibling["一校一帐"]) == ("送教上门：每周两次送教（实施中）", "")
    other = next(r for r in _records(content) if r["姓名"] == "别户辍学")
    assert other["一人一案"] == other["一校一帐"] == ""


def test_a_filter_on_the_schooling_status_narrows_the_dropout_ledger(login, client):
    user = login("township01")
    _children(user)
    _record, content = export(client, "L-15", category=SchoolingStatus.DROPOUT)
    names = {r["姓名"] for r in _records(content)}
    assert "辍学十二岁" in names
    assert not names & {"劝返复学", "辍学后缓学", "明天满十六", "今天满六岁"}


# ------------------------------------------------------------------------------------------------- L-13


def _self_migrants(user: User) -> set[tuple[Any, ...]]:
    """What the database says L-13 holds: the open households of migrant type 自主迁徙 the user sees, with the
    flag 脱贫户 in force, the last visit and the per-capita income of the household facts."""
    today = timezone.localdate()
    households = Household.objects.visible_to(user).filter(
        migrant_type=MigrantType.SELF_MIGRANT, closed_on__isnull=True
    )
    out = set()
    for h in households.select_related("head"):
        exited = (
            HouseholdFlag.objects.filter(household=h, kind=HouseholdFlagKind.EXITED_POOR, valid_from__lte=today)
            .exclude(valid_to__lt=today)
            .exists()
        )
        last = Visit.objects.filter(household=h).aggregate(last=Max("visited_on"))["last"]
        facts = HouseholdFacts.objects.get(household=h)
        out.add(
            (
                h.household_no,
                h.head_name,
                h.head.id_number,
                "是" if h.hukou_moved else "否",
                "是" if h.has_residence_permit else "否",
                "是" if exited else "否",
                _cell(facts.per_capita),
                _cell(last),
            )
        )
    return out


def _migrant(village: AdminArea, hukou: AdminArea | None, **fields: Any) -> Household:
    return HouseholdFactory(managing_area=village, residence_area=village, hukou_area=hukou,
                            migrant_type=MigrantType.SELF_MIGRANT, **fields)  # fmt: skip


@pytest.mark.parametrize("username", ["township01", "report"])
def test_the_self_migrant_ledger_holds_every_self_migrant_household_the_user_sees(username, login, client):
    user = login(username)
    cadre = User.objects.get(username="township01")
    village = _village(cadre)
    hukou = AdminArea.objects.filter(level="village").exclude(code__startswith=cadre.area.prefix).first()
    here = _migrant(village, hukou, head_name="迁入户主", hukou_moved=True)
    far = _migrant(VillageFactory(), None, head_name="外省迁徙户", hukou_area_text="甘肃省会宁县")
    not_migrant = HouseholdFactory(managing_area=village, head_name="本地户主")

    record, content = export(client, "L-13")
    rows = _records(content)
    assert record.total == len(rows) > 0
    shown = {
        (r["户编号"], r["户主"], r["身份证号"], r["户籍已迁入"], r["持有居住证"], r["脱贫户"], r["人均纯收入（元）"],
         r["最近走访日期"])
        for r in rows
    }  # fmt: skip
    expected = {
        (no, head, number if record.full_ids else mask_id_number(number), *rest)
        for no, head, number, *rest in _self_migrants(user)
    }
    assert shown == expected
    numbers = {r["户编号"] for r in rows}
    assert here.household_no in numbers
    assert far.household_no not in numbers  # another province's
    assert not_migrant.household_no not in numbers
    row = next(r for r in rows if r["户编号"] == here.household_no)
    assert row["户籍地"].endswith(hukou.name)
    assert row["居住地"].endswith(village.name)
    assert row["户籍已迁入"] == "是"
    assert row["两不愁三保障及饮水安全"] == "均有保障"
    assert all(("*" * 10 in r["身份证号"]) is (username == "report") for r in rows)
    for sheet in calamine_sheets(content).values():
        assert sheet[-1][0] == f"合计 {len(_data(sheet))} 户"


def test_a_self_migrant_seen_by_its_hukou_place_is_in_the_hukou_townships_ledger(login, client):
    """Dual management (SPEC §1.5): a household living in another township, co-managed by the cadre's township
    where its hukou is, is on that township's ledger too, with the guarantee the registry finds missing."""
    user = login("township01")
    hukou = _village(user)
    sibling = AdminArea.objects.filter(parent=user.area.parent, level="township").exclude(pk=user.area.pk).first()
    lives = AdminArea.objects.filter(code__startswith=sibling.prefix, level="village").first()
    household = _migrant(lives, hukou, co_managing_area=hukou, head_name="双重管理户", has_residence_permit=True,
                         housing_safety="unsafe_d")  # fmt: skip
    # The registry's services compute a household's facts when they write it; a factory does not, and an export
    # heals only the households its place manages.
    facts_refresh_households([household.pk])
    _record, content = export(client, "L-13")
    row = next(r for r in _records(content) if r["户编号"] == household.household_no)
    assert row["协同管理地"] == hukou.name
    assert row["持有居住证"] == "是"
    assert row["两不愁三保障及饮水安全"] == "未保障：住房安全"


# ----------------------------------------------------------------------------------------- LibreOffice, print


def _as_shown(value: Any, kind: Kind) -> str:
    if value == "":
        return ""
    if kind in (Kind.MONEY, Kind.PER_CAPITA):
        return f"{value:,.2f}"
    if kind == Kind.DATE:
        return value.isoformat()
    if kind in (Kind.INT, Kind.DAYS):
        return str(int(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@pytest.mark.parametrize(("code", "username"), [("L-13", "report"), ("L-15", "township01")])
def test_libreoffice_shows_what_calamine_reads_ids_as_text(code, username, login, client, tmp_path):
    user = login(username)
    _children(User.objects.get(username="township01"))
    _record, content = export(client, code)
    ledger = LEDGERS[code]
    values = calamine_sheets(content)
    texts = libreoffice_sheets(content, tmp_path)
    assert len(values) == len(texts)
    for name, rows in values.items():
        shown = texts[name] if len(texts) > 1 else next(iter(texts.values()))
        assert shown[2] == rows[2] == [c.header for c in ledger.columns]
        for row, text in zip(rows[HEADER_ROWS:-1], shown[HEADER_ROWS:-1], strict=True):
            assert text == [_as_shown(v, c.kind) for v, c in zip(row, ledger.columns, strict=True)]
        ids = [text[[c.header for c in ledger.columns].index("身份证号")] for text in shown[HEADER_ROWS:-1]]
        if user.username == "township01":
            assert all(len(i) == 18 and i[:17].isdigit() for i in ids)
        else:
            assert all("*" * 10 in i for i in ids)


def test_both_print_across_a4_with_the_place_columns_first():
    for code in ("L-13", "L-15"):
        ledger = LEDGERS[code]
        assert [c.header for c in ledger.columns[:3]] == ["乡镇", "村", "区划代码"]
        assert ledger.page_setup.landscape
        assert ledger.page_setup.paper.name == "A4"
        assert not {c.header for c in ledger.columns if c.totalled} - {"家庭人口"}


# ----------------------------------------------------------------------------------- a task, frozen, signed


def test_a_large_dropout_export_runs_as_a_task_with_progress(login, client, settings,
                                                               django_capture_on_commit_callbacks):  # fmt: skip
    settings.LEDGER_SYNC_MAX_ROWS = 0
    user = login("report")
    _children(User.objects.get(username="township01"))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("ledgers:export-start"), {"ledger": "L-15"})
    record = LedgerExport.objects.get(owner=user)
    assert len(callbacks) == 1
    assert record.status == ExportStatus.QUEUED
    assert record.total >= len(IN_LEDGER) + 1
    assert ledger_export_task(record.pk) == record.total
    record.refresh_from_db()
    assert (record.status, record.done) == (ExportStatus.DONE, record.total)


def _last_month() -> str:
    first = timezone.localdate().replace(day=1)
    return f"{first - datetime.timedelta(days=1):%Y-%m}"


@pytest.mark.parametrize("code", ["L-13", "L-15"])
def test_frozen_for_a_township_masked_and_signed_township_then_county(code, login):
    cadre = login("township01")
    _children(cadre)
    _migrant(_village(cadre), None, hukou_area_text="甘肃省会宁县")
    period = _last_month()
    # A stock ledger frozen for a month holds the households registered by its end: these were, two months ago.
    Household.objects.filter(created_at__gte=timezone.now() - datetime.timedelta(days=1)).update(
        created_at=timezone.now() - datetime.timedelta(days=62)
    )
    frozen = freeze(actor=cadre, code=code, period=period, area=cadre.area)
    rows = _records(frozen_bytes(frozen))
    assert rows
    assert frozen.export.full_ids is False
    assert all("*" * 10 in r["身份证号"] for r in rows)
    assert period_dates(period)[1] == frozen.end
    sign(actor=cadre, frozen=frozen, note="已核对")
    sign(actor=User.objects.get(username="county"), frozen=frozen, note="")
    assert Counter(s.level for s in frozen.signoffs.all()) == Counter({"township": 1, "county": 1})


def test_the_queries_do_not_grow_with_the_rows(login):
    """Both ledgers read their rows in a fixed number of queries (prefetches, no query per row)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ledgers.base import Context, Filters

    user = login("report")
    cadre = User.objects.get(username="township01")

    def queries(code: str) -> tuple[int, int]:
        ledger = LEDGERS[code]
        ledger.heal(user.area.prefix)
        ctx = Context(user=user, full_ids=False, today=timezone.localdate())
        with CaptureQueriesContext(connection) as captured:
            rows = [ledger.row(obj, ctx) for obj in ledger.rows(user, Filters()).iterator(chunk_size=2000)]
        return len(rows), len(captured)

    _children(cadre)
    _migrant(_village(cadre), None, hukou_area_text="甘肃省会宁县")
    before = {code: queries(code) for code in ("L-13", "L-15")}
    _children(cadre)
    for n in range(3):
        _migrant(_village(cadre), None, hukou_area_text=f"甘肃省会宁县{n}")
    after = {code: queries(code) for code in ("L-13", "L-15")}
    for code in ("L-13", "L-15"):
        assert after[code][0] > before[code][0]
        assert after[code][1] <= before[code][1] <= 12, code  # a cached lookup may save one the second time
