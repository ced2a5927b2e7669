"""The registry pages through HTTP: field-level Chinese errors, nothing half saved, history shown."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from households.choices import HouseholdFlagKind
from households.facts import facts_refresh_area
from households.models import Household, HouseholdFlag
from tests.factories import (
    HouseholdFactory,
    IncomeFactory,
    MemberFactory,
    UserFactory,
    VillageFactory,
    valid_id_number,
)

pytestmark = pytest.mark.django_db


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
def cadre_client(client, village):
    client.force_login(UserFactory(roles=[Role.TOWNSHIP_CADRE], area=village.parent))
    return client


def test_creating_a_household_names_the_bad_field(cadre_client, village):
    url = reverse("households:household-create")
    good_id = valid_id_number()
    bad_id = good_id[:-1] + ("0" if good_id[-1] != "0" else "1")
    form = {
        "household_no": "640324100201-0009",
        "village": village.pk,
        "head_name": "马福海",
        "head_id_number": bad_id,
        "head_labour_capacity": "ordinary",
        "head_schooling_status": "left_school",
        "phone": "1391234",
    }
    response = cadre_client.post(url, form)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-field="head_id_number">身份证号校验位错误，请核对号码' in page
    assert 'data-field="phone">手机号应为 11 位数字' in page
    assert not Household.objects.exists()

    response = cadre_client.post(
        url, {**form, "head_id_number": good_id, "phone": "13912345678", "exited_poor_year": 2019}
    )
    household = Household.objects.get()
    assert response.status_code == 302
    assert response["Location"] == household.get_absolute_url()
    assert HouseholdFlag.objects.get(household=household).kind == HouseholdFlagKind.EXITED_POOR


def test_a_duplicate_household_number_is_a_field_error(cadre_client, village):
    existing = HouseholdFactory(managing_area=village)
    response = cadre_client.post(
        reverse("households:household-create"),
        {
            "household_no": existing.household_no,
            "village": village.pk,
            "head_name": "马",
            "head_id_number": valid_id_number(),
            "head_labour_capacity": "ordinary",
            "head_schooling_status": "left_school",
        },
    )
    assert f'data-field="household_no">户编号“{existing.household_no}”已存在' in response.content.decode()


def test_edits_show_in_the_change_history_with_before_and_after(cadre_client, village):
    household = HouseholdFactory(managing_area=village, address="旧址")
    form = {
        "address": "同心县豫海镇南关村3组",
        "phone": household.phone,
        "housing_safety": "safe",
        "migrant_type": "none",
    }
    response = cadre_client.post(reverse("households:household-edit", args=[household.pk]), form)
    assert response.status_code == 302
    page = cadre_client.get(household.get_absolute_url()).content.decode()
    assert "住址：旧址 → 同心县豫海镇南关村3组" in page


def test_a_member_is_added_and_leaves_with_a_date(cadre_client, village):
    household = HouseholdFactory(managing_area=village)
    response = cadre_client.post(
        reverse("households:member-create", args=[household.pk]),
        {
            "name": "马小花",
            "id_number": valid_id_number(male=False),
            "relationship": "daughter",
            "labour_capacity": "none_age",
            "schooling_status": "primary",
            "health_status": "healthy",
            "self_care": "independent",
            "child_status": "none",
            "employment_months_this_year": 0,
            "counts_in_household": "on",
            "medical_insurance_enrolled": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    member = household.members.get(name="马小花")
    response = cadre_client.post(
        reverse("households:member-leave", args=[member.pk]),
        {"status": "married_out", "on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.member_status == "married_out"


def test_income_form_records_and_shows_the_line(cadre_client, village):
    household = HouseholdFactory(managing_area=village)
    year = timezone.localdate().year - 1
    amounts = {
        "wage_income": "12000",
        "business_income": "8000",
        "business_expense": "2500",
        "property_income": "300",
        "transfer_income": "3600",
        "policy_transfer_income": "0",
        "medical_self_pay": "0",
        "schooling_expense": "0",
    }
    response = cadre_client.post(
        reverse("households:income-edit", args=[household.pk]), {"year": year, **amounts, "wage_income": "-1"}
    )
    assert 'data-field="wage_income">不能为负数' in response.content.decode()
    cadre_client.post(reverse("households:income-edit", args=[household.pk]), {"year": year, **amounts})
    assert household.incomes.get().wage_income == 12000
    page = cadre_client.get(household.get_absolute_url()).content.decode()
    assert "人均纯收入" in page


def test_a_reporting_officer_reads_but_cannot_open_the_forms(client, village):
    household = HouseholdFactory(managing_area=village)
    client.force_login(UserFactory(roles=[Role.REPORTING_OFFICER], area=village.parent.parent))
    assert client.get(household.get_absolute_url()).status_code == 200
    assert client.get(reverse("households:household-edit", args=[household.pk])).status_code == 403
    assert client.get(reverse("households:visit-create", args=[household.pk])).status_code == 403


@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.parametrize("params", [{}, {"risk": "overdue"}, {"q": "户主"}, {"flag": "exited_poor", "sort": "-size"}])
def test_the_list_page_issues_at_most_ten_queries(cadre_client, village, size, params, django_assert_max_num_queries):
    for _ in range(size):
        MemberFactory(household=HouseholdFactory(managing_area=village))
    facts_refresh_area(village.parent)  # the facts as the nightly job and the services keep them
    with django_assert_max_num_queries(10):
        response = cadre_client.get(reverse("households:household-list"), params)
    assert response.status_code == 200


def test_the_home_pages_to_do_lists_list_the_households_without_last_years_income_or_a_head(cadre_client, village):
    last_year = timezone.localdate().year - 1
    recorded, unrecorded = HouseholdFactory(managing_area=village), HouseholdFactory(managing_area=village)
    IncomeFactory(household=recorded, year=last_year)
    headless = HouseholdFactory(managing_area=village, with_head=False)
    MemberFactory(household=headless)
    IncomeFactory(household=headless, year=last_year)
    facts_refresh_area(village.parent)
    # written by a path that gives no facts: listed once the counts' refresh has given it its facts, as counted
    HouseholdFactory(managing_area=village)

    def listed(params):
        response = cadre_client.get(reverse("households:household-list"), params)
        return {household.pk for household in response.context["object_list"]}

    assert listed({"income": "missing"}) == {unrecorded.pk}
    assert listed({"head": "missing"}) == {headless.pk}


def test_a_household_without_facts_yet_gets_them_on_the_list(cadre_client, village):
    household = HouseholdFactory(managing_area=village)
    MemberFactory(household=household)
    rows = cadre_client.get(reverse("households:household-list")).context["object_list"]
    assert [(h.pk, h.facts.size) for h in rows] == [(household.pk, 2)]


def test_search_by_member_name_counts_members_once(cadre_client, village):
    household = HouseholdFactory(managing_area=village, head_name="马福海")
    MemberFactory(household=household, name="马小军")
    MemberFactory(household=household, name="马小花")
    response = cadre_client.get(reverse("households:household-list"), {"q": "马"})
    rows = list(response.context["object_list"])
    assert [h.pk for h in rows] == [household.pk]
    assert rows[0].facts.size == 3
    by_id = cadre_client.get(reverse("households:household-list"), {"q": household.head.id_number})
    assert [h.pk for h in by_id.context["object_list"]] == [household.pk]
    other_village = cadre_client.get(reverse("households:household-list"), {"area": "640324100299"})
    assert list(other_village.context["object_list"]) == []


@pytest.mark.parametrize("read_ahead", [20_000, 1])
def test_a_search_lists_the_same_households_with_its_matches_read_ahead_or_not(
    cadre_client, village, monkeypatch, read_ahead
):
    """The matches of a name are read ahead as ids up to ``SEARCH_IDS_MAX``, and left a subquery past it: the same
    households, in the same order and count, inside the territory only, closed ones only when asked."""
    from households import selectors

    monkeypatch.setattr(selectors, "SEARCH_IDS_MAX", read_ahead)
    by_head = [HouseholdFactory(managing_area=village, head_name=f"马{n}", household_no=f"9-{n}") for n in range(3)]
    by_member = HouseholdFactory(managing_area=village, head_name="李四", household_no="1-member")
    MemberFactory(household=by_member, name="马小军")
    HouseholdFactory(managing_area=village, head_name="马关", household_no="5-closed", closed_on="2026-01-01",
                     closed_reason="moved_out")  # fmt: skip
    HouseholdFactory(managing_area=VillageFactory(), head_name="马外")  # another township's
    HouseholdFactory(managing_area=village, head_name="王五")

    response = cadre_client.get(reverse("households:household-list"), {"q": "马"})
    closed_too = cadre_client.get(reverse("households:household-list"), {"q": "马", "closed": "1"})

    assert [h.household_no for h in response.context["object_list"]] == ["1-member", "9-0", "9-1", "9-2"]
    assert response.context["paginator"].count == 4
    assert {h.pk for h in response.context["object_list"]} == {by_member.pk, *(h.pk for h in by_head)}
    assert [h.household_no for h in closed_too.context["object_list"]] == ["1-member", "5-closed", "9-0", "9-1", "9-2"]


def test_an_admin_cannot_set_a_line_below_the_floor(client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_superuser("root", password="x"))
    url = reverse("admin:households_monitoringthreshold_add")
    response = client.post(url, {"area_code": "640000000000", "year": 2026, "amount": "5999", "national_line": "4000"})
    assert "监测标准不得低于国家扶贫标准的 1.5 倍（6000.00 元）" in response.content.decode()
    response = client.post(url, {"area_code": "640000000000", "year": 2026, "amount": "7000", "national_line": "4000"})
    assert response.status_code == 302


def test_rigid_expenses_are_recorded_and_compared_with_last_years_income(cadre_client, village):
    from decimal import Decimal

    from households.models import IncomeRecord

    household = HouseholdFactory(managing_area=village)
    last_year = timezone.localdate().year - 1
    IncomeRecord.objects.create(household=household, year=last_year, wage_income=20000)
    IncomeRecord.objects.create(household=household, year=last_year + 1, wage_income=20000)
    url = reverse("households:rigid-expense-create", args=[household.pk])
    today = timezone.localdate().isoformat()

    refused = cadre_client.post(
        url, {"incurred_on": today, "kind": "medical_out_of_pocket", "gross_amount": "100", "reimbursed_amount": "200"}
    )
    assert refused.status_code == 200
    assert refused.context["form"].errors["reimbursed_amount"] == ["报销金额须在 0 与总金额之间"]
    assert not household.rigid_expenses.exists()

    cadre_client.post(
        url,
        {"incurred_on": today, "kind": "medical_out_of_pocket", "gross_amount": "30000", "reimbursed_amount": "9000"},
    )

    expense = household.rigid_expenses.get()
    assert expense.gross_amount - expense.reimbursed_amount == Decimal("21000")
    page = cadre_client.get(household.get_absolute_url()).content.decode()
    assert "超过上年度家庭纯收入" in page  # 21,000 > 20,000 (SPEC §3.3 rigid_exceeds_income)
