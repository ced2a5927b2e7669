"""A household's life (SPEC §2.1, §1.3 rule 2, §1.5, §2.6, §15 C-20): transfers and area changes, a merged
village's households, splits (分户) and merges (并户). Each step is audited and atomic; open cases follow the
household, the place it left keeps reading its history, and no member, income or event is lost."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from core.errors import DomainError
from geo.services import area_merge
from households.choices import ClosedReason, LifeEventKind, MemberStatus, Relationship
from households.models import Household, HouseholdEvent, HouseholdFacts, HouseholdMember, IncomeRecord, VillageMerge
from households.services import member_update
from households.services.life import household_areas_change, household_merge, household_split, village_households_merge
from monitoring.choices import SubjectStatus
from monitoring.models import EntryApplication, EntryEvent, MonitoringSubject
from sweeps.models import Problem, ScreeningBatch, ScreeningWarning
from tests.factories import (
    CountyFactory,
    HouseholdFactory,
    IncomeFactory,
    MemberFactory,
    TownshipFactory,
    UserFactory,
    VillageFactory,
)

pytestmark = pytest.mark.django_db


class Place:
    """One county with two townships: 一村 and 二村 in the first, 三村 in the second; another county beside it."""

    def __init__(self) -> None:
        self.county = CountyFactory(name="本县")
        self.t1 = TownshipFactory(parent=self.county, name="甲镇")
        self.t2 = TownshipFactory(parent=self.county, name="乙镇")
        self.v1 = VillageFactory(parent=self.t1, name="一村")
        self.v2 = VillageFactory(parent=self.t1, name="二村")
        self.v3 = VillageFactory(parent=self.t2, name="三村")
        self.other_county = CountyFactory(parent=self.county.parent, name="邻县")
        self.reviewer = UserFactory(roles=[Role.COUNTY_REVIEWER], area=self.county)
        self.cadre = UserFactory(roles=[Role.TOWNSHIP_CADRE], area=self.t1)
        self.cadre_t2 = UserFactory(roles=[Role.TOWNSHIP_CADRE], area=self.t2)
        self.worker_v1 = UserFactory(roles=[Role.VILLAGE_WORKER], area=self.v1)
        self.worker_v3 = UserFactory(roles=[Role.VILLAGE_WORKER], area=self.v3)
        self.foreign_reviewer = UserFactory(roles=[Role.COUNTY_REVIEWER], area=self.other_county)

    def family(self, village, *, members=2, **fields) -> Household:
        household = HouseholdFactory(managing_area=village, **fields)
        for _n in range(members - 1):
            MemberFactory(household=household)
        return household


@pytest.fixture
def place() -> Place:
    return Place()


def _application(household: Household, state: str = "reported") -> EntryApplication:
    return EntryApplication.objects.create(
        state=state,
        household=household,
        channel="cadre_screening",
        proposed_category="marginal_at_risk",
        risk_types=["illness"],
        reason="因病",
        reported_by=UserFactory(area=None),
        reported_on=datetime.date(2026, 11, 1),
    )


def _problem(household: Household, *, member: HouseholdMember | None = None, status: str = "open") -> Problem:
    village = household.managing_area
    subject = f"member:{member.pk}" if member else f"household:{household.pk}"
    return Problem.objects.create(
        rule_id="FC-GAP-MISSED-MGMT-01",
        rule_version=1,
        category="gap_filling",
        title="漏管",
        subject_kind="member" if member else "household",
        subject_key=subject,
        household=household,
        member=member,
        area=village,
        township=village.parent,
        area_code=village.code,
        detected_on=datetime.date(2026, 11, 1),
        last_seen_on=datetime.date(2026, 11, 1),
        deadline=datetime.date(2026, 12, 30),
        status=status,
    )


def _warning(member: HouseholdMember) -> ScreeningWarning:
    batch = ScreeningBatch(
        department="health",
        area=member.household.managing_area.parent.parent,
        period="2026-Q3",
        uploaded_by=UserFactory(area=None),
        original_name="x.xlsx",
    )
    batch.file.save("x.xlsx", ContentFile(b"PK\x03\x04"), save=False)
    batch.save()
    return ScreeningWarning.objects.create(
        batch=batch,
        department="health",
        period="2026-Q3",
        member=member,
        household=member.household,
        event_type="serious_illness",
        event_label="确诊大病重病",
        match_kind="candidate",
        issued_on=datetime.date(2026, 11, 5),
        feedback_due_on=datetime.date(2026, 11, 20),
    )


def _counts() -> tuple[int, int, int]:
    """Rows of members, incomes and events: a life step only ever adds."""
    return HouseholdMember.objects.count(), IncomeRecord.objects.count(), HouseholdEvent.objects.count()


# ------------------------------------------------------------------------------------------------ transfers


def test_a_transfer_moves_open_cases_and_the_old_village_keeps_reading_the_history(place, client):
    # given: a household of 一村 with an open application, an open and a closed problem, and an income
    household = place.family(place.v1, members=3)
    IncomeFactory(household=household, year=2025, wage_income=18000)
    application = _application(household)
    open_problem = _problem(household)
    closed_problem = _problem(household, member=household.head, status="closed")

    # when: the county moves it to 三村 of the other township
    events = household_areas_change(
        actor=place.reviewer,
        household=household,
        changes={"managing_area": place.v3, "residence_area": place.v3},
        reason="整户搬迁至三村居住",
    )

    # then: one event per area, the managing one a transfer naming who, from, to and why
    household.refresh_from_db()
    assert household.managing_area == place.v3
    assert household.residence_area == place.v3
    assert sorted(e.kind for e in events) == [LifeEventKind.AREA_CHANGE, LifeEventKind.TRANSFER]
    transfer = HouseholdEvent.objects.get(household=household, kind=LifeEventKind.TRANSFER)
    assert (transfer.from_area, transfer.to_area, transfer.actor, transfer.reason) == (
        place.v1,
        place.v3,
        place.reviewer,
        "整户搬迁至三村居住",
    )
    # the field history keeps the old area with the reason
    record = household.history.first()
    assert record.managing_area_id == place.v3.pk
    assert "整户搬迁至三村居住" in record.history_change_reason
    assert household.history.all()[1].managing_area_id == place.v1.pk
    # the facts row was refreshed in the same request
    assert HouseholdFacts.objects.get(household=household).managing_area_id == place.v3.pk
    # the open problem moved to 三村 and its township, the closed one stays with 一村 as history
    open_problem.refresh_from_db()
    closed_problem.refresh_from_db()
    assert (open_problem.area, open_problem.area_code, open_problem.township) == (place.v3, place.v3.code, place.t2)
    assert (closed_problem.area, closed_problem.area_code) == (place.v1, place.v1.code)
    # the application is now 三村's to work on, no longer 一村's
    assert EntryApplication.objects.visible_to(place.worker_v3).filter(pk=application.pk).exists()
    assert not EntryApplication.objects.visible_to(place.worker_v1).filter(pk=application.pk).exists()
    assert Problem.objects.visible_to(place.worker_v3).filter(pk=open_problem.pk).exists()

    # and 一村 still reads the household, its members, its income and its events — but writes nothing
    assert Household.objects.visible_to(place.worker_v1).filter(pk=household.pk).exists()
    assert not Household.objects.current_to(place.worker_v1).filter(pk=household.pk).exists()
    assert HouseholdMember.objects.visible_to(place.worker_v1).filter(household=household).count() == 3
    assert IncomeRecord.objects.visible_to(place.worker_v1).filter(household=household).count() == 1
    client.force_login(place.worker_v1)
    page = client.get(reverse("households:household-detail", args=[household.pk]))
    assert page.status_code == 200
    assert 'data-testid="former-notice"' in page.content.decode()
    assert reverse("households:household-edit", args=[household.pk]) not in page.content.decode()
    refused = client.post(
        reverse("households:household-close", args=[household.pk]),
        {"reason": ClosedReason.MOVED_OUT, "on": timezone.localdate().isoformat()},
    )
    assert refused.status_code == 403
    with pytest.raises(PermissionDenied):
        member_update(actor=place.worker_v1, member=household.head, changes={"name": "改名"})
    household.refresh_from_db()
    assert household.closed_on is None
    assert household.head.name != "改名"
    # it leaves 一村's list, and the transfer list shows it as moved out
    listed = client.get(reverse("households:household-list"))
    assert household.household_no not in listed.content.decode()
    api = client.get("/api/v1/households/").json()  # the API's list and its count alike; its detail still reads it
    assert household.household_no not in [row["household_no"] for row in api["results"]]
    assert api["count"] == len(api["results"])
    assert client.get(f"/api/v1/households/{household.pk}/").status_code == 200
    out = client.get(reverse("households:transfer-list") + "?direction=out")
    assert household.household_no in out.content.decode()
    # the village that now manages it writes
    client.force_login(place.worker_v3)
    assert client.get(reverse("households:household-detail", args=[household.pk])).status_code == 200
    assert 'data-testid="former-notice"' not in client.get(household.get_absolute_url()).content.decode()


def test_a_township_moves_households_within_its_township_only(place):
    household = place.family(place.v1)

    household_areas_change(actor=place.cadre, household=household, changes={"managing_area": place.v2}, reason="调整")
    household.refresh_from_db()
    assert household.managing_area == place.v2

    with pytest.raises(DomainError) as refused:
        household_areas_change(
            actor=place.cadre, household=household, changes={"managing_area": place.v3}, reason="跨镇"
        )
    assert "管理地“三村”不在您的管辖范围内" in refused.value.message
    household.refresh_from_db()
    assert household.managing_area == place.v2
    assert HouseholdEvent.objects.filter(household=household).count() == 1


def test_hukou_and_co_managing_areas_change_with_events_and_may_lie_elsewhere(place):
    # given: a household of 一村 whose hukou is in the neighbouring county (a self-migrant, SPEC §1.5)
    household = place.family(place.v1)
    home = VillageFactory(parent=TownshipFactory(parent=place.other_county), name="老家村")

    household_areas_change(
        actor=place.cadre,
        household=household,
        changes={"hukou_area": home, "co_managing_area": home},
        reason="核实户籍在邻县老家村",
    )

    household.refresh_from_db()
    assert (household.hukou_area, household.co_managing_area) == (home, home)
    assert household.hukou_residence_split
    kinds = set(HouseholdEvent.objects.filter(household=household).values_list("area_field", "kind"))
    assert kinds == {("hukou_area", "area_change"), ("co_managing_area", "area_change")}
    # the co-managing county now reads the household (dual management)
    reader = UserFactory(roles=[Role.COUNTY_REVIEWER], area=place.other_county)
    assert Household.objects.visible_to(reader).filter(pk=household.pk).exists()

    # and an area outside the region is kept as text, the event saying from and to
    household_areas_change(
        actor=place.cadre,
        household=household,
        changes={"hukou_area": None, "co_managing_area": None},
        hukou_area_text="甘肃省会宁县",
        reason="户籍迁往区外",
    )
    household.refresh_from_db()
    assert household.hukou_area is None
    assert household.hukou_area_text == "甘肃省会宁县"
    last = HouseholdEvent.objects.filter(household=household, area_field="hukou_area").order_by("-pk").first()
    assert (last.from_area, last.to_area, last.to_text) == (home, None, "甘肃省会宁县")


def test_an_area_change_refused_names_every_failing_condition_and_changes_nothing(place):
    household = place.family(place.v1)
    retired = VillageFactory(parent=place.t1, name="旧村")
    area_merge(area=retired, into=place.v2, on=datetime.date(2026, 1, 1), reason="撤并")
    before = _counts()

    with pytest.raises(DomainError) as refused:
        household_areas_change(
            actor=place.reviewer,
            household=household,
            changes={"managing_area": retired, "residence_area": place.t1, "co_managing_area": retired},
            reason=" ",
        )

    message = refused.value.message
    assert "请填写变更原因" in message
    assert "管理地“旧村”已于 2026-01-01 停用，已并入“二村”" in message
    assert "居住地须为村或村民小组，“甲镇”是乡镇" in message
    assert "协同管理地不能与管理地相同（“旧村”）" in message
    household.refresh_from_db()
    assert household.managing_area == place.v1
    assert _counts() == before


def test_nothing_to_change_and_a_closed_household_are_refused(place):
    household = place.family(place.v1)
    with pytest.raises(DomainError, match="没有需要变更的区划"):
        household_areas_change(actor=place.cadre, household=household, changes={"managing_area": place.v1}, reason="无")
    Household.objects.filter(pk=household.pk).update(closed_on=datetime.date(2026, 1, 1), closed_reason="moved_out")
    with pytest.raises(DomainError, match="已于 2026-01-01 注销"):
        household_areas_change(actor=place.cadre, household=household, changes={"managing_area": place.v2}, reason="迁")


@pytest.mark.parametrize(
    ("_case", "user_of", "expected"),
    [
        ("county reviewer of the county", lambda p: p.reviewer, None),
        ("township cadre of the township", lambda p: p.cadre, None),
        ("village worker of the village", lambda p: p.worker_v1, PermissionDenied),
        ("township cadre of the other township", lambda p: p.cadre_t2, PermissionDenied),
        ("county reviewer of another county", lambda p: p.foreign_reviewer, PermissionDenied),
    ],
)
def test_who_may_change_areas(place, _case, user_of, expected):
    household = place.family(place.v1)
    call = lambda: household_areas_change(  # noqa: E731
        actor=user_of(place), household=household, changes={"residence_area": place.v2}, reason="搬家"
    )
    if expected is None:
        call()
        household.refresh_from_db()
        assert household.residence_area == place.v2
    else:
        with pytest.raises(expected):
            call()
        household.refresh_from_db()
        assert household.residence_area == place.v1
        assert not HouseholdEvent.objects.exists()


@pytest.mark.parametrize(
    ("_case", "user_of", "status"),
    [
        ("county reviewer", lambda p: p.reviewer, 200),
        ("township cadre", lambda p: p.cadre, 200),
        ("village worker of the village", lambda p: p.worker_v1, 403),
        ("township cadre of the other township", lambda p: p.cadre_t2, 404),
        ("county reviewer of another county", lambda p: p.foreign_reviewer, 404),
    ],
)
@pytest.mark.parametrize("route", ["household-areas", "household-split", "household-merge"])
def test_life_pages_by_role_and_jurisdiction(place, client, _case, user_of, status, route):
    household = place.family(place.v1)
    client.force_login(user_of(place))
    assert client.get(reverse(f"households:{route}", args=[household.pk])).status_code == status
    assert client.post(reverse(f"households:{route}", args=[household.pk]), {}).status_code == status


def test_the_transfer_page_moves_the_household_and_shows_a_refusal_in_words(place, client):
    household = place.family(place.v1)
    client.force_login(place.reviewer)
    url = reverse("households:household-areas", args=[household.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "变更区划（迁转）" in page.content.decode()

    refused = client.post(
        url,
        {
            "managing_area": place.v3.pk,
            "residence_area": place.v3.pk,
            "reason": "迁",
            "co_managing_code": place.v3.code,
        },
    )
    assert refused.status_code == 200
    assert "协同管理地不能与管理地相同" in refused.content.decode()

    done = client.post(url, {"managing_area": place.v3.pk, "residence_area": place.v3.pk, "reason": "整户搬迁"})
    assert done.status_code == 302
    household.refresh_from_db()
    assert household.managing_area == place.v3
    detail = client.get(household.get_absolute_url()).content.decode()
    assert 'data-testid="life-events"' in detail
    assert "整户搬迁" in detail


# ------------------------------------------------------------------------------------------------ village merge


def test_a_village_merge_moves_every_household_of_the_retired_village(place, client):
    # given: 一村 with three registered households and one closed, and a self-migrant of 三村 whose hukou is 一村
    registered = [place.family(place.v1) for _n in range(3)]
    closed = place.family(place.v1, closed_on=datetime.date(2025, 1, 1), closed_reason=ClosedReason.MOVED_OUT)
    migrant = place.family(place.v3, hukou_area=place.v1, co_managing_area=place.v1)
    problem = _problem(registered[0])
    area_merge(area=place.v1, into=place.v2, on=datetime.date(2026, 6, 30), reason="撤村并村")

    # when: the county moves the households of the merged village
    merge = village_households_merge(actor=place.reviewer, village=place.v1, reason="一村并入二村")

    # then: every registered household is on 二村, each with a transfer (or area) record of this merge
    assert merge.successor == place.v2
    assert merge.households == 4
    for household in registered:
        household.refresh_from_db()
        assert (household.managing_area, household.residence_area) == (place.v2, place.v2)
        transfer = HouseholdEvent.objects.get(household=household, kind=LifeEventKind.TRANSFER)
        assert (transfer.from_area, transfer.to_area, transfer.village_merge) == (place.v1, place.v2, merge)
        assert HouseholdFacts.objects.get(household=household).managing_area_id == place.v2.pk
    migrant.refresh_from_db()
    assert (migrant.managing_area, migrant.hukou_area, migrant.co_managing_area) == (place.v3, place.v2, place.v2)
    assert merge.events.count() == 3 * 2 + 2  # managing and residence for three, hukou and co-managing for one
    # the closed household keeps its historical area
    closed.refresh_from_db()
    assert closed.managing_area == place.v1
    # the open problem followed, and the history has the change
    problem.refresh_from_db()
    assert problem.area == place.v2
    assert "撤并村迁转" in registered[0].history.first().history_change_reason
    # the merge page lists it
    client.force_login(place.reviewer)
    listing = client.get(reverse("households:village-merge-list")).content.decode()
    assert "一村 → 二村" in listing


def test_a_village_not_yet_retired_is_retired_into_the_chosen_successor(place):
    households = [place.family(place.v1) for _n in range(2)]
    merge = village_households_merge(
        actor=place.reviewer, village=place.v1, successor=place.v3, reason="跨镇合并", on=datetime.date(2026, 7, 1)
    )
    place.v1.refresh_from_db()
    assert (place.v1.valid_to, place.v1.replaced_by) == (datetime.date(2026, 7, 1), place.v3)
    assert merge.households == 2
    assert {h.managing_area_id for h in Household.objects.filter(pk__in=[h.pk for h in households])} == {place.v3.pk}


def test_a_village_merge_refused_names_every_condition_and_needs_the_county(place, client):
    place.family(place.v1)
    with pytest.raises(DomainError) as refused:
        village_households_merge(actor=place.reviewer, village=place.v1, reason="")
    assert "请填写迁转原因" in refused.value.message
    assert "“一村”尚未撤并：请选择并入的村" in refused.value.message
    with pytest.raises(PermissionDenied):
        village_households_merge(actor=place.cadre, village=place.v1, successor=place.v2, reason="并村")
    with pytest.raises(PermissionDenied):
        village_households_merge(actor=place.foreign_reviewer, village=place.v1, successor=place.v2, reason="并村")
    assert not VillageMerge.objects.exists()
    client.force_login(place.cadre)
    assert client.get(reverse("households:village-merge", args=[place.v1.pk])).status_code == 403
    client.force_login(place.foreign_reviewer)
    assert client.get(reverse("households:village-merge", args=[place.v1.pk])).status_code == 404
    client.force_login(place.reviewer)
    page = client.get(reverse("households:village-merge", args=[place.v1.pk]))
    assert page.status_code == 200
    assert 'data-testid="village-households">1<' in page.content.decode()
    done = client.post(
        reverse("households:village-merge", args=[place.v1.pk]),
        {"successor": place.v2.pk, "on": "2026-07-01", "reason": "并村"},
    )
    assert done.status_code == 302
    assert VillageMerge.objects.get().households == 1


# ------------------------------------------------------------------------------------------------ split


def test_a_split_loses_no_member_income_or_event(place, client):
    # given: a household of four with two years of income, an open application and a warning about one member
    household = place.family(place.v1, members=4, household_no=f"{place.v1.code}007")
    son, daughter_in_law, _other = list(household.members.exclude(pk=household.head_id).order_by("pk"))
    IncomeFactory(household=household, year=2024, wage_income=30000)
    IncomeFactory(household=household, year=2025, wage_income=32000)
    application = _application(household)
    warning = _warning(son)
    member_problem = _problem(household, member=son)
    members_before, incomes_before, _events = _counts()

    # when: the son and his wife form their own household
    new = household_split(
        actor=place.cadre,
        household=household,
        members=[son, daughter_in_law],
        head=son,
        reason="儿子成家分户",
        on=timezone.localdate(),
    )

    # then: the new household is numbered after the village's last one, with the son as head
    assert new.household_no == f"{place.v1.code}008"
    assert (new.managing_area, new.residence_area) == (household.managing_area, household.residence_area)
    present_new = list(new.members.filter(member_status=MemberStatus.PRESENT))
    assert sorted(m.name for m in present_new) == sorted([son.name, daughter_in_law.name])
    assert new.head.name == son.name
    assert new.head.relationship == Relationship.HEAD
    assert new.head_name == son.name
    # the original keeps its head and the other member; the leavers' rows stay, dated, as 迁出/分户
    household.refresh_from_db()
    assert household.head is not None
    assert household.head.member_status == MemberStatus.PRESENT
    assert household.members.filter(member_status=MemberStatus.PRESENT).count() == 2
    son.refresh_from_db()
    assert (son.member_status, son.status_changed_on, son.household) == (
        MemberStatus.MOVED_OUT,
        timezone.localdate(),
        household,
    )
    # nothing lost: two new member rows, the income stays with the original, one event on each side
    members_after, incomes_after, _events_after = _counts()
    assert members_after == members_before + 2
    assert incomes_after == incomes_before
    assert household.incomes.count() == 2
    assert new.incomes.count() == 0
    out = HouseholdEvent.objects.get(household=household, kind=LifeEventKind.SPLIT_OUT)
    back = HouseholdEvent.objects.get(household=new, kind=LifeEventKind.SPLIT_FROM)
    assert out.other_household == new
    assert back.other_household == household
    assert out.detail["members"] == {
        str(son.pk): new.head.pk,
        str(daughter_in_law.pk): present_new[0].pk if present_new[0].pk != new.head.pk else present_new[1].pk,
    }
    # the application stays with the original household; the son's warning and problem follow him
    application.refresh_from_db()
    assert application.household == household
    warning.refresh_from_db()
    member_problem.refresh_from_db()
    assert (warning.household, warning.member) == (new, new.head)
    assert (member_problem.household, member_problem.member) == (new, new.head)
    # both households' facts are current
    assert HouseholdFacts.objects.get(household=household).size == 2
    assert HouseholdFacts.objects.get(household=new).size == 2
    # the page of the new household tells where it came from
    client.force_login(place.worker_v1)
    assert household.household_no in client.get(new.get_absolute_url()).content.decode()


def test_a_split_refused_names_every_failing_condition(place):
    household = place.family(place.v1, members=3)
    stranger = place.family(place.v1).head
    son = household.members.exclude(pk=household.head_id).first()
    before = _counts()

    with pytest.raises(DomainError) as refused:
        household_split(
            actor=place.cadre,
            household=household,
            members=[household.head, stranger],
            head=son,
            reason="",
        )

    message = refused.value.message
    assert "请填写分户原因" in message
    assert f"不是本户在户成员，不能分出：{stranger.name}" in message
    assert f"户主{household.head_name}不能分出" in message
    assert "请在分出的成员中指定新户户主" in message
    assert _counts() == before
    assert Household.objects.count() == 2


# ------------------------------------------------------------------------------------------------ merge


def test_a_merge_combines_incomes_moves_members_and_cases_and_closes_the_absorbed_household(place, client):
    # given: 王 (absorbed) with two members, 2024 and 2025 income and an open application; 李 (survivor) with 2024
    absorbed = place.family(place.v1, members=2, head_name="王")
    survivor = place.family(place.v1, members=2, head_name="李")
    IncomeFactory(household=absorbed, year=2024, wage_income=10000, transfer_income=1200)
    IncomeFactory(household=absorbed, year=2025, wage_income=11000)
    IncomeFactory(household=survivor, year=2024, wage_income=5000, business_income=3000)
    application = _application(absorbed)
    household_problem = _problem(absorbed)
    members_before, incomes_before, events_before = _counts()
    absorbed_members = list(absorbed.members.values_list("name", flat=True))

    # when
    household_merge(actor=place.cadre, absorbed=absorbed, survivor=survivor, reason="老人随子女生活，并户")

    # then: the survivor has all four present members, the absorbed ones registered anew as "其他"
    present = survivor.members.filter(member_status=MemberStatus.PRESENT)
    assert present.count() == 4
    assert set(absorbed_members) <= set(present.values_list("name", flat=True))
    assert set(
        present.exclude(pk=survivor.head_id).filter(name__in=absorbed_members).values_list("relationship", flat=True)
    ) == {Relationship.OTHER}
    # income combined component by component: 2024 added up, 2025 created from the absorbed household's
    y2024 = IncomeRecord.objects.get(household=survivor, year=2024, month__isnull=True)
    assert (y2024.wage_income, y2024.business_income, y2024.transfer_income) == (
        Decimal("15000.00"),
        Decimal("3000.00"),
        Decimal("1200.00"),
    )
    assert IncomeRecord.objects.get(household=survivor, year=2025).wage_income == Decimal("11000.00")
    assert y2024.history.count() == 2  # the survivor's own figures before the merge stay in the history
    # the absorbed household keeps its own records and rows, and is closed as 并户 pointing to the survivor
    absorbed.refresh_from_db()
    assert absorbed.incomes.count() == 2
    assert absorbed.members.count() == 2
    assert (absorbed.closed_on, absorbed.closed_reason) == (timezone.localdate(), ClosedReason.MERGED)
    assert not absorbed.members.filter(member_status=MemberStatus.PRESENT).exists()
    assert str(survivor.household_no) in absorbed.history.first().history_change_reason
    gone = HouseholdEvent.objects.get(household=absorbed, kind=LifeEventKind.ABSORBED)
    joined = HouseholdEvent.objects.get(household=survivor, kind=LifeEventKind.MERGED_IN)
    assert gone.other_household == survivor
    assert joined.other_household == absorbed
    assert joined.detail["cases"]["entry_applications"] == [application.pk]
    # the open application and problem moved with one more event, nothing was withdrawn
    application.refresh_from_db()
    assert application.household == survivor
    assert application.state == "reported"
    assert EntryEvent.objects.filter(application=application, comment__contains="并户").count() == 1
    household_problem.refresh_from_db()
    assert household_problem.household == survivor
    # nothing lost: two member rows and one income record added, two events
    assert _counts() == (members_before + 2, incomes_before + 1, events_before + 2)
    # the absorbed household's page names the survivor
    client.force_login(place.worker_v1)
    page = client.get(absorbed.get_absolute_url()).content.decode()
    assert 'data-testid="merged-into"' in page
    assert survivor.household_no in page


def test_a_merge_moves_an_open_monitoring_episode_when_only_one_household_has_one(place):
    absorbed = place.family(place.v1)
    survivor = place.family(place.v1)
    subject = MonitoringSubject.objects.create(
        household=absorbed,
        application=_application(absorbed, state="registered"),
        category="marginal_at_risk",
        entered_on=datetime.date(2026, 11, 2),
    )
    household_merge(actor=place.reviewer, absorbed=absorbed, survivor=survivor, reason="并户")
    subject.refresh_from_db()
    assert subject.household == survivor
    assert subject.status == SubjectStatus.MONITORED


def test_a_merge_refused_names_every_failing_condition(place):
    absorbed = place.family(place.v1)
    survivor = place.family(place.v1)
    _application(absorbed)
    MonitoringSubject.objects.create(
        household=survivor,
        application=_application(survivor, state="registered"),
        category="marginal_at_risk",
        entered_on=datetime.date(2026, 11, 2),
    )
    IncomeFactory(household=absorbed, year=2024)
    IncomeFactory(household=survivor, year=2024, month=3)
    before = _counts()

    with pytest.raises(DomainError) as refused:
        household_merge(actor=place.cadre, absorbed=absorbed, survivor=survivor, reason="")

    message = refused.value.message
    assert "请填写并户原因" in message
    assert "2024 年的收入一户按全年、另一户按月录入" in message
    assert "两户都有在办的监测事项" in message
    assert "在办的纳入监测申请" in message
    assert "未结束的监测" in message
    assert _counts() == before
    absorbed.refresh_from_db()
    assert absorbed.closed_on is None
    with pytest.raises(PermissionDenied):
        household_merge(actor=place.worker_v1, absorbed=absorbed, survivor=survivor, reason="并户")


def test_the_merge_page_finds_the_survivor_by_number(place, client):
    absorbed = place.family(place.v1)
    survivor = place.family(place.v2)
    client.force_login(place.cadre)
    url = reverse("households:household-merge", args=[absorbed.pk])
    missing = client.post(url, {"survivor_no": "nope", "on": timezone.localdate().isoformat(), "reason": "并户"})
    assert "未找到户编号为“nope”的农户" in missing.content.decode()
    done = client.post(
        url, {"survivor_no": survivor.household_no, "on": timezone.localdate().isoformat(), "reason": "并户"}
    )
    assert done.status_code == 302
    assert done["Location"] == survivor.get_absolute_url()
    absorbed.refresh_from_db()
    assert absorbed.closed_reason == ClosedReason.MERGED


# ------------------------------------------------------------------------------------------------ API


def test_the_api_changes_areas_splits_merges_and_moves_a_village(place, api_client):
    household = place.family(place.v1, members=3)
    api_client.force_authenticate(place.reviewer)
    base = "/api/v1/households"

    moved = api_client.post(
        f"{base}/{household.pk}/areas/", {"managing_area": place.v3.code, "reason": "迁"}, format="json"
    )
    assert moved.status_code == 200, moved.content
    assert [e["kind"] for e in moved.json()] == ["transfer"]
    assert moved.json()[0]["from_area"] == place.v1.code
    assert moved.json()[0]["to_area"] == place.v3.code

    refused = api_client.post(
        f"{base}/{household.pk}/areas/", {"managing_area": place.v3.code, "reason": ""}, format="json"
    )
    assert refused.status_code == 400
    unknown = api_client.post(f"{base}/{household.pk}/areas/", {"managing_area": "999", "reason": "x"}, format="json")
    assert unknown.status_code == 400
    assert "999" in unknown.content.decode()

    son = household.members.exclude(pk=household.head_id).first()
    split = api_client.post(
        f"{base}/{household.pk}/split/", {"members": [son.pk], "head": son.pk, "reason": "分户"}, format="json"
    )
    assert split.status_code == 201, split.content
    new = Household.objects.get(head__name=son.name, closed_on__isnull=True)
    assert split.json()[0]["kind"] == "split_from"

    merged = api_client.post(f"{base}/{new.pk}/merge/", {"survivor": household.pk, "reason": "并回"}, format="json")
    assert merged.status_code == 200, merged.content
    new.refresh_from_db()
    assert new.closed_reason == ClosedReason.MERGED
    events = api_client.get(f"{base}/{household.pk}/life-events/")
    assert {e["kind"] for e in events.json()} == {"transfer", "split_out", "merged_in"}

    other = place.family(place.v2)
    village = api_client.post(
        f"{base}/village-merge/",
        {"village": place.v2.code, "successor": place.v3.code, "reason": "并村"},
        format="json",
    )
    assert village.status_code == 201, village.content
    assert village.json()["households"] == 1
    other.refresh_from_db()
    assert other.managing_area == place.v3


@pytest.mark.parametrize(
    ("_case", "user_of", "status"),
    [
        ("village worker of the village", lambda p: p.worker_v1, 403),
        ("township cadre of the other township", lambda p: p.cadre_t2, 404),
        ("county reviewer of another county", lambda p: p.foreign_reviewer, 404),
    ],
)
def test_the_api_refuses_foreign_and_wrong_roles(place, api_client, _case, user_of, status):
    household = place.family(place.v1)
    api_client.force_authenticate(user_of(place))
    response = api_client.post(
        f"/api/v1/households/{household.pk}/areas/", {"residence_area": place.v2.code, "reason": "搬家"}, format="json"
    )
    assert response.status_code == status
    household.refresh_from_db()
    assert household.residence_area == place.v1
    assert not HouseholdEvent.objects.exists()
