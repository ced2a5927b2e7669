import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from accounts.grants import household_grant_to_cadre
from accounts.roles import Role
from core.errors import DomainError
from households import selectors
from households.choices import (
    ClosedReason,
    HouseholdFlagKind,
    HousingSafety,
    MemberStatus,
    Relationship,
    SchoolingStatus,
)
from households.models import GuaranteeCheck, Household, HouseholdFlag, IncomeRecord, MonitoringThreshold, VisitPhoto
from households.rules import LinePosition
from households.services import (
    MemberInput,
    PhotoUpload,
    VisitInput,
    household_change_head,
    household_close,
    household_flag_end,
    household_flag_set,
    household_register,
    household_update,
    income_record_save,
    member_add,
    member_leave,
    member_update,
    visit_record,
)
from tests.factories import HouseholdFactory, MemberFactory, UserFactory, VillageFactory, valid_id_number

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


@pytest.fixture
def village():
    return VillageFactory(
        code="640324100201",
        parent__code="640324100000",
        parent__parent__code="640324000000",
        parent__parent__parent__code="640300000000",
        parent__parent__parent__parent__code="640000000000",
    )


@pytest.fixture
def cadre(village):
    return UserFactory(roles=[Role.TOWNSHIP_CADRE], area=village.parent)


def _member(name, relationship, birth=datetime.date(1980, 1, 1), male=True, **extra):
    return MemberInput(name=name, id_number=valid_id_number(birth, male=male), relationship=relationship, extra=extra)


# ------------------------------------------------------------------------------------------------ registration


def test_register_sets_head_and_dual_management(cadre, village):
    hukou = VillageFactory(parent=village.parent, code="640324100299")
    household = household_register(
        actor=cadre,
        household_no="640324100201-0001",
        residence_area=village,
        hukou_area=hukou,
        members=[_member("马福海", Relationship.HEAD), _member("李秀兰", Relationship.SPOUSE, male=False)],
        flags=[(HouseholdFlagKind.EXITED_POOR, datetime.date(2019, 12, 31))],
    )
    assert household.head.name == "马福海"
    assert household.head_name == "马福海"
    assert household.co_managing_area == hukou
    assert household.hukou_residence_split
    assert household.flags.get().kind == HouseholdFlagKind.EXITED_POOR
    spouse = household.members.get(relationship=Relationship.SPOUSE)
    assert spouse.gender == "female"  # derived from the ID number, never typed


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ([], "有且只有一名户主，当前为 0 名"),
        (["head", "head"], "有且只有一名户主，当前为 2 名"),
        (["bad-id"], "校验位错误"),
    ],
)
def test_register_refuses_bad_input_and_saves_nothing(cadre, village, members, message):
    built = []
    for kind in members:
        if kind == "bad-id":
            good = valid_id_number()
            built.append(
                MemberInput(
                    name="马", id_number=good[:-1] + ("0" if good[-1] != "0" else "1"), relationship=Relationship.HEAD
                )
            )
        else:
            built.append(_member("马", Relationship.HEAD))
    with pytest.raises(DomainError, match=message):
        household_register(actor=cadre, household_no="X-1", residence_area=village, members=built)
    assert not Household.objects.filter(household_no="X-1").exists()


def test_a_person_present_elsewhere_cannot_be_registered_twice(cadre, village):
    other = HouseholdFactory(managing_area=village)
    with pytest.raises(DomainError, match=f"已在户 {other.household_no}"):
        household_register(
            actor=cadre,
            household_no="X-2",
            residence_area=village,
            members=[MemberInput(name="马", id_number=other.head.id_number, relationship=Relationship.HEAD)],
        )
    assert not Household.objects.filter(household_no="X-2").exists()


def test_registration_outside_the_jurisdiction_or_without_the_role_is_refused(cadre, village):
    elsewhere = VillageFactory()
    with pytest.raises(PermissionDenied):
        household_register(
            actor=cadre, household_no="X-3", residence_area=elsewhere, members=[_member("马", Relationship.HEAD)]
        )
    officer = UserFactory(roles=[Role.REPORTING_OFFICER], area=village.parent)
    with pytest.raises(PermissionDenied):
        household_register(
            actor=officer, household_no="X-3", residence_area=village, members=[_member("马", Relationship.HEAD)]
        )


# ---------------------------------------------------------------------------------------------- edits and history


def test_an_edit_is_recorded_with_who_and_why(cadre, village):
    household = HouseholdFactory(managing_area=village, phone="13900000000")
    household_update(actor=cadre, household=household, changes={"phone": "13911112222"}, reason="电话变更")
    latest = household.history.latest()
    assert latest.phone == "13911112222"
    assert latest.history_change_reason == "电话变更"
    with pytest.raises(DomainError, match="联系电话“123”格式不正确"):
        household_update(actor=cadre, household=household, changes={"phone": "123"})
    with pytest.raises(DomainError, match="不能在此修改"):
        household_update(actor=cadre, household=household, changes={"managing_area": village})


def test_a_head_who_dies_hands_over_and_stays_in_history(cadre, village):
    household = HouseholdFactory(managing_area=village)
    son = MemberFactory(household=household, relationship=Relationship.SON, name="马小军")
    with pytest.raises(DomainError, match="须指定一名在户成员为新户主"):
        member_leave(actor=cadre, member=household.head, status=MemberStatus.DECEASED, on=TODAY)
    former = household.head
    member_leave(actor=cadre, member=former, status=MemberStatus.DECEASED, on=TODAY, new_head=son)
    household.refresh_from_db()
    former.refresh_from_db()
    assert household.head == son
    assert household.head_name == "马小军"
    assert former.member_status == MemberStatus.DECEASED
    assert not former.counts_in_household
    assert household.members.count() == 2  # nobody is deleted


def test_member_rules(cadre, village):
    household = HouseholdFactory(managing_area=village)
    with pytest.raises(DomainError, match="新增成员不能登记为户主"):
        member_add(actor=cadre, household=household, data=_member("马", Relationship.HEAD))
    child = member_add(
        actor=cadre,
        household=household,
        data=_member("马小花", Relationship.DAUGHTER, birth=datetime.date(2015, 5, 1), male=False),
    )
    with pytest.raises(DomainError, match="须填写残疾等级"):
        member_update(actor=cadre, member=child, changes={"health_status": "disabled"})
    member_update(
        actor=cadre,
        member=child,
        changes={"health_status": "disabled", "disability_grade": 2, "disability_category": "physical"},
    )
    with pytest.raises(DomainError, match="户主不能在此变更"):
        member_update(actor=cadre, member=child, changes={"relationship": Relationship.HEAD})
    household_change_head(actor=cadre, household=household, new_head=child, reason="原户主外出务工")
    household.refresh_from_db()
    assert household.head == child


def test_closing_keeps_everything_and_ends_the_flags(cadre, village):
    household = HouseholdFactory(managing_area=village)
    household_flag_set(
        actor=cadre,
        household=household,
        kind=HouseholdFlagKind.SUBSISTENCE_ALLOWANCE,
        valid_from=datetime.date(2024, 1, 1),
    )
    household_close(actor=cadre, household=household, reason=ClosedReason.MOVED_OUT, on=TODAY)
    household.refresh_from_db()
    assert household.closed_reason == ClosedReason.MOVED_OUT
    assert HouseholdFlag.objects.get(household=household).valid_to == TODAY
    with pytest.raises(DomainError, match="已于 2026-11-23 注销"):
        household_update(actor=cadre, household=household, changes={"address": "x"})


def test_flags_are_effective_dated_and_not_duplicated(cadre, village):
    household = HouseholdFactory(managing_area=village)
    flag = household_flag_set(
        actor=cadre, household=household, kind=HouseholdFlagKind.EXITED_POOR, valid_from=datetime.date(2019, 12, 31)
    )
    with pytest.raises(DomainError, match="已有有效的“脱贫户”标识"):
        household_flag_set(
            actor=cadre, household=household, kind=HouseholdFlagKind.EXITED_POOR, valid_from=datetime.date(2020, 1, 1)
        )
    with pytest.raises(DomainError, match="不能早于起始日期"):
        household_flag_end(actor=cadre, flag=flag, valid_to=datetime.date(2019, 1, 1))
    household_flag_end(actor=cadre, flag=flag, valid_to=datetime.date(2025, 12, 31))
    household_flag_set(
        actor=cadre, household=household, kind=HouseholdFlagKind.EXITED_POOR, valid_from=datetime.date(2026, 1, 1)
    )
    assert household.flags.count() == 2


# ----------------------------------------------------------------------------------------------------- income


def test_income_is_saved_corrected_and_validated(cadre, village):
    household = HouseholdFactory(managing_area=village)
    record, created = income_record_save(
        actor=cadre, household=household, year=2025, month=None, amounts={"wage_income": Decimal("12000.50")}
    )
    assert created
    record, created = income_record_save(
        actor=cadre, household=household, year=2025, month=None, amounts={"wage_income": Decimal("13000")}
    )
    assert not created
    assert IncomeRecord.objects.filter(household=household).count() == 1
    assert [h.wage_income for h in record.history.order_by("history_date")] == [
        Decimal("12000.50"),
        Decimal("13000.00"),
    ]
    for amounts, year, month, message in [
        ({"wage_income": Decimal("-1")}, 2025, None, "工资性收入不能为负数"),
        ({"wage_income": Decimal("1.005")}, 2025, None, "最多保留两位小数"),
        (
            {"transfer_income": Decimal("10"), "policy_transfer_income": Decimal("20")},
            2025,
            None,
            "政策性转移收入不能大于转移性收入",
        ),
        ({}, 2027, None, "年度须在 2014 至 2026 之间"),
        ({}, 2026, 12, "不能录入未来月份"),
    ]:
        with pytest.raises(DomainError, match=message):
            income_record_save(actor=cadre, household=household, year=year, month=month, amounts=amounts)


def test_the_income_summary_uses_the_rolling_window_and_the_years_line(cadre, village):
    # SPEC §3.7 example 1 numbers, four members, yearly records prorated into the window 2025-11 … 2026-10.
    household = HouseholdFactory(managing_area=village)
    for relationship in (Relationship.SPOUSE, Relationship.SON, Relationship.DAUGHTER):
        MemberFactory(household=household, relationship=relationship)
    figures = {
        "wage_income": Decimal("12000"),
        "business_income": Decimal("8000"),
        "business_expense": Decimal("2500"),
        "property_income": Decimal("300"),
        "transfer_income": Decimal("3600"),
    }
    for year in (2025, 2026):
        income_record_save(actor=cadre, household=household, year=year, month=None, amounts=figures)
    summary = selectors.household_income_summary(Household.objects.get(pk=household.pk), on=TODAY)
    assert summary.window.label == "2025-11 … 2026-10"
    assert summary.months_covered == 12
    assert summary.net_income == Decimal("21400.00")
    assert summary.per_capita == Decimal("5350.00")
    assert summary.threshold.amount == Decimal("6000.00")  # 2021 Ningxia line, carried forward visibly
    assert summary.threshold.carried_forward
    assert summary.exit_line == Decimal("6600.00")
    assert summary.position is LinePosition.BELOW


def test_a_county_line_of_the_year_wins_over_the_province(village):
    MonitoringThreshold.objects.create(area_code="640000000000", year=2026, amount=Decimal("7000"))
    MonitoringThreshold.objects.create(area_code="640324000000", year=2026, amount=Decimal("7200"))
    choice = selectors.threshold_for(area_code=village.code, year=2026)
    assert (choice.amount, choice.carried_forward) == (Decimal("7200.00"), False)
    assert selectors.threshold_for(area_code=village.code, year=2025).amount == Decimal("6000.00")
    with pytest.raises(DomainError, match="2020 年及以前的监测标准均未设置"):
        selectors.threshold_for(area_code=village.code, year=2020)


# ------------------------------------------------------------------------------------------------------ visits


def test_a_visit_records_the_checklist_photos_and_a_risk(cadre, village):
    household = HouseholdFactory(managing_area=village)
    MemberFactory(
        household=household,
        relationship=Relationship.SON,
        birth_date=datetime.date(2014, 3, 1),
        schooling_status=SchoolingStatus.DROPOUT,
    )
    visit = visit_record(
        actor=cadre,
        household=household,
        data=VisitInput(
            visited_on=TODAY,
            housing_safety=HousingSafety.UNSAFE_C,
            water_quality_ok=False,
            risk_found=True,
            risk_note="户主住院，医疗费用高",
            next_visit_on=TODAY + datetime.timedelta(days=30),
        ),
        photos=[PhotoUpload("门前.jpg", JPEG)],
    )
    check = GuaranteeCheck.objects.get(visit=visit)
    assert (check.education_ok, check.medical_ok, check.housing_ok, check.water_ok) == (False, True, False, False)
    household.refresh_from_db()
    risk = household.risks.get()  # found without a type: opened as "其他"
    assert (risk.risk_type, risk.source, risk.visit, risk.found_on) == ("other", "visit", visit, TODAY)
    assert household.housing_safety == HousingSafety.UNSAFE_C
    photo = VisitPhoto.objects.get(visit=visit)
    assert photo.content_type == "image/jpeg"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"visited_on": TODAY + datetime.timedelta(days=1)}, "不能晚于今天"),
        ({"next_visit_on": TODAY}, "下次走访日期须晚于本次"),
        ({"risk_found": True}, "发现风险时须说明风险情况"),
    ],
)
def test_bad_visits_save_nothing(cadre, village, change, message):
    household = HouseholdFactory(managing_area=village)
    with pytest.raises(DomainError, match=message):
        visit_record(actor=cadre, household=household, data=VisitInput(**{"visited_on": TODAY, **change}), photos=[])
    assert not household.visits.exists()


def test_photos_are_checked_by_content_size_and_count(cadre, village, settings):
    household = HouseholdFactory(managing_area=village)
    settings.VISIT_PHOTO_MAX_BYTES = 200
    with pytest.raises(DomainError, match=r"“a\.jpg”不是 JPEG、PNG 或 WebP"):
        visit_record(
            actor=cadre,
            household=household,
            data=VisitInput(visited_on=TODAY),
            photos=[PhotoUpload("a.jpg", b"%PDF-1.4 not an image")],
        )
    with pytest.raises(DomainError, match="超过"):
        visit_record(
            actor=cadre,
            household=household,
            data=VisitInput(visited_on=TODAY),
            photos=[PhotoUpload("b.jpg", JPEG + b"\x00" * 300)],
        )
    with pytest.raises(DomainError, match="最多上传 6 张"):
        visit_record(
            actor=cadre,
            household=household,
            data=VisitInput(visited_on=TODAY),
            photos=[PhotoUpload(f"{i}.jpg", JPEG) for i in range(7)],
        )
    assert not household.visits.exists()
    assert not VisitPhoto.objects.exists()


def test_a_paired_cadre_visits_only_granted_households(village):
    mine, other = HouseholdFactory(managing_area=village), HouseholdFactory(managing_area=village)
    cadre = UserFactory(roles=[Role.ASSISTANCE_CADRE], area=VillageFactory())
    household_grant_to_cadre(household=mine, cadre=cadre)
    visit_record(actor=cadre, household=mine, data=VisitInput(visited_on=TODAY), photos=[])
    with pytest.raises(PermissionDenied):
        visit_record(actor=cadre, household=other, data=VisitInput(visited_on=TODAY), photos=[])
    officer = UserFactory(roles=[Role.REPORTING_OFFICER], area=village.parent)
    with pytest.raises(PermissionDenied):
        visit_record(actor=officer, household=mine, data=VisitInput(visited_on=TODAY), photos=[])


def test_overdue_visits_follow_the_interval_of_each_class(cadre, village):
    exited_recent, exited_old, plain, risky, planned = (HouseholdFactory(managing_area=village) for _ in range(5))
    for household in (exited_recent, exited_old):
        HouseholdFlag.objects.create(
            household=household, kind=HouseholdFlagKind.EXITED_POOR, valid_from=datetime.date(2019, 12, 31)
        )
    visit_record(
        actor=cadre, household=exited_recent, data=VisitInput(visited_on=TODAY - datetime.timedelta(days=20)), photos=[]
    )
    visit_record(
        actor=cadre, household=exited_old, data=VisitInput(visited_on=TODAY - datetime.timedelta(days=89)), photos=[]
    )
    visit_record(  # a risk found 40 days ago, not visited since: the risk interval is 30 days
        actor=cadre,
        household=risky,
        data=VisitInput(visited_on=TODAY - datetime.timedelta(days=40), risk_found=True, risk_note="务工中断"),
        photos=[],
    )
    visit_record(
        actor=cadre,
        household=planned,
        data=VisitInput(
            visited_on=TODAY - datetime.timedelta(days=10), next_visit_on=TODAY - datetime.timedelta(days=1)
        ),
        photos=[],
    )
    overdue = set(selectors.overdue_visits(user=cadre, on=TODAY))
    assert overdue == {risky, planned}
    later = set(selectors.overdue_visits(user=cadre, on=TODAY + datetime.timedelta(days=2)))
    assert exited_old in later  # 91 days since its last visit (exited: 90)
    assert plain not in later  # no class, no interval


def test_an_incomplete_window_falls_back_to_the_latest_complete_year(cadre, village):
    household = HouseholdFactory(managing_area=village)
    income_record_save(
        actor=cadre, household=household, year=2025, month=None, amounts={"wage_income": Decimal("9000")}
    )
    summary = selectors.household_income_summary(Household.objects.get(pk=household.pk), on=TODAY)
    assert summary.calendar_year_fallback
    assert summary.window.label == "2025-01 … 2025-12"
    assert summary.per_capita == Decimal("9000.00")
    assert summary.position is LinePosition.SAFE


def test_without_any_complete_period_the_household_is_not_compared(cadre, village):
    household = HouseholdFactory(managing_area=village)
    income_record_save(actor=cadre, household=household, year=2026, month=10, amounts={"wage_income": Decimal("900")})
    summary = selectors.household_income_summary(Household.objects.get(pk=household.pk), on=TODAY)
    assert summary.months_covered == 1
    assert summary.per_capita is None
    assert summary.position is LinePosition.UNKNOWN
