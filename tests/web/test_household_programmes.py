"""The household page's "帮扶项目" section (SPEC §11): the loans, policies and claims, employment records and
public-welfare posts of the household, counted and linked to each programme's pages narrowed to the household; only
for roles that view the programmes, and in one query whatever the records."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from credit.models import MicroLoan
from employment.models import EmploymentRecord
from households.models import HouseholdFlag
from households.services.pairing import pairing_start
from insurance.models import InsuranceClaim, InsurancePolicy
from tests.factories import HouseholdFactory, MemberFactory, TownshipFactory, UserFactory, VillageFactory
from welfare_posts.models import PostHire, WelfarePost

pytestmark = pytest.mark.django_db
D = datetime.date


class World:
    """One village of one township; a household with two members; a neighbour with records of its own."""

    def __init__(self) -> None:
        township = TownshipFactory(name="沙塘镇")
        self.village = VillageFactory(parent=township, name="张树村")
        self.cadre = UserFactory(area=township, roles=[Role.TOWNSHIP_CADRE])
        self.household = HouseholdFactory(managing_area=self.village, head_name="马有福")
        self.member = MemberFactory(household=self.household, name="马小花")
        self.neighbour = HouseholdFactory(managing_area=self.village, head_name="杨家")
        for household in (self.household, self.neighbour):  # 脱贫户: on the employment roster
            HouseholdFlag.objects.create(household=household, kind="exited_poor", valid_from=D(2019, 12, 31))
        self.post = WelfarePost.objects.create(
            village=self.village, name="村道保洁员", post_type="cleaning", funding_source="linkage_funds",
            monthly_subsidy=Decimal("800.00"), positions=3, need="保洁", created_on=D(2026, 1, 1),
            created_by=self.cadre,
        )  # fmt: skip

    def loan(self, household, n=1):
        return MicroLoan.objects.create(
            household=household, borrower=household.members.first(), bank="农商行",
            contract_no=f"HT-{household.pk}-{n}",
            amount=Decimal("50000"), subsidised_amount=Decimal("50000"), signed_on=D(2026, 3, 1),
            maturity=D(2029, 3, 1), rate=Decimal("3.95"), lpr=Decimal("3.95"), purpose="breeding",
            created_by=self.cadre,
        )  # fmt: skip

    def policy(self, member, product="critical_illness"):
        return InsurancePolicy.objects.create(
            member=member, year=2026, product=product, sum_insured=Decimal("100000"), insurer="人保财险",
            starts_on=D(2026, 1, 1), ends_on=D(2026, 12, 31), created_by=self.cadre,
        )  # fmt: skip

    def claim(self, policy):
        return InsuranceClaim.objects.create(
            policy=policy, kind="critical_illness", incident_on=D(2026, 4, 1), filed_on=D(2026, 4, 3),
            created_by=self.cadre,
        )  # fmt: skip

    def record(self, member):
        return EmploymentRecord.objects.create(
            member=member, year=2026, recorded_on=D(2026, 3, 1), status="local", months_employed=6,
            recorded_by=self.cadre,
        )  # fmt: skip

    def hire(self, member, ended_on=None):
        return PostHire.objects.create(
            post=self.post, member=member, hired_on=D(2026, 2, 1), ended_on=ended_on, priority_basis="none",
            hired_by=self.cadre, ended_by=self.cadre if ended_on else None, exit_reason="resigned" if ended_on else "",
        )  # fmt: skip

    def fill(self, household, n: int = 1) -> None:
        """``n`` of every record for ``household``."""
        for i in range(n):
            member = MemberFactory(household=household)
            self.loan(household, n=i)
            self.claim(self.policy(member))
            self.record(member)
            self.hire(member)


@pytest.fixture
def world():
    return World()


def _section(client, world, user=None):
    client.force_login(user or world.cadre)
    response = client.get(world.household.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_the_household_page_counts_and_links_each_programme(client, world):
    world.loan(world.household)
    policy = world.policy(world.member)
    world.policy(world.member, product="accident")
    world.claim(policy)
    world.record(world.member)
    world.hire(world.member, ended_on=D(2026, 5, 1))
    world.hire(MemberFactory(household=world.household))
    world.fill(world.neighbour, n=2)  # the neighbour's records are not this household's

    page = _section(client, world)

    pk = world.household.pk
    assert 'data-testid="household-programmes"' in page
    assert "1 笔贷款" in page
    assert f'href="{reverse("credit:household-loans", args=[pk])}"' in page
    assert "2 份保单" in page
    assert f'href="{reverse("insurance:policy-list")}?household={pk}"' in page
    assert "1 起理赔" in page
    assert f'href="{reverse("insurance:claim-list")}?household={pk}"' in page
    assert "1 条就业信息" in page
    assert f'href="{reverse("employment:roster")}?household={pk}"' in page
    assert "1 人在岗，共聘任 2 次" in page
    assert f'href="{reverse("welfare_posts:post-list")}?household={pk}"' in page


def test_a_household_without_records_says_so_and_offers_its_village_s_posts(client, world):
    page = _section(client, world)
    assert page.count("暂无记录") == 4
    assert f"{reverse('welfare_posts:post-list')}?village={world.village.code}" in page


def test_a_role_without_the_programmes_sees_no_section(client, world):
    # given: the household's paired assistance cadre, who reads the household but not the programmes (SPEC §1.3)
    world.fill(world.household)
    cadre = UserFactory(area=world.village, roles=[Role.ASSISTANCE_CADRE])
    pairing_start(actor=world.cadre, cadre=cadre, household=world.household, unit="县农业农村局",
                  valid_from=timezone.localdate())  # fmt: skip

    # when / then
    page = _section(client, world, user=cadre)
    assert "household-programmes" not in page
    assert reverse("credit:household-loans", args=[world.household.pk]) not in page


def _page_queries(client, world) -> int:
    client.force_login(world.cadre)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(world.household.get_absolute_url()).status_code == 200
    return len(captured)


def test_the_section_costs_one_query_whatever_the_records(client, world):
    without = _page_queries(client, world)
    world.fill(world.household, n=5)
    assert _page_queries(client, world) == without
    with CaptureQueriesContext(connection) as captured:
        client.get(world.household.get_absolute_url())
    reading = [q["sql"] for q in captured if "credit_microloan" in q["sql"] or "welfare_posts_posthire" in q["sql"]]
    assert len(reading) == 1  # loans, policies, claims, records and hires: one query


# ---- the pages the section links to, narrowed to the household (``?household=<id>``)


@pytest.mark.parametrize(
    ("_case", "url_name", "testid"),
    [
        ("policies", "insurance:policy-list", "policy-list"),
        ("claims", "insurance:claim-list", "claim-list"),
        ("employment roster", "employment:roster", "roster"),
        ("posts", "welfare_posts:post-list", "post-list"),
    ],
)
def test_a_programme_list_narrows_to_the_household(_case, url_name, testid, client, world):
    # given: the household's records and the neighbour's, on another post
    world.loan(world.household)
    world.claim(world.policy(world.member))
    world.record(world.member)
    world.hire(world.member)
    neighbour = MemberFactory(household=world.neighbour, name="杨邻居")
    world.claim(world.policy(neighbour))
    world.record(neighbour)
    world.post = WelfarePost.objects.create(
        village=world.village, name="河堤巡查岗", post_type="road", funding_source="linkage_funds",
        monthly_subsidy=Decimal("600.00"), positions=1, need="护林", created_on=D(2026, 1, 1), created_by=world.cadre,
    )  # fmt: skip
    world.hire(neighbour)
    client.force_login(world.cadre)

    # when
    everything = client.get(reverse(url_name)).content.decode()
    narrowed = client.get(f"{reverse(url_name)}?household={world.household.pk}").content.decode()

    # then: the whole list has both households, the narrowed one only this household's, and says so
    assert "杨邻居" in everything or "河堤巡查岗" in everything
    assert f'data-testid="{testid}"' in narrowed
    assert "杨邻居" not in narrowed
    assert "河堤巡查岗" not in narrowed
    assert 'data-testid="household-filter"' in narrowed
    assert str(world.household) in narrowed
    assert f'name="household" value="{world.household.pk}"' in narrowed  # the filters keep the household


def test_a_household_out_of_reach_narrows_to_nothing(client, world):
    world.record(world.member)
    elsewhere = HouseholdFactory()
    world.record(MemberFactory(household=elsewhere))
    client.force_login(world.cadre)
    page = client.get(f"{reverse('employment:roster')}?household={elsewhere.pk}").content.decode()
    assert 'data-testid="roster"' not in page
    assert str(elsewhere) not in page
