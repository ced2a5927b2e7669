"""Enrolment, policies and claims through the services (SPEC §11.2): who is insured and who pays, the payout as
computed when filed, the yearly limits across claims, and the claim's steps."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from core.errors import DomainError, TransitionNotAllowed
from geo.models import PolicyParameter
from insurance import services
from insurance.models import InsuranceClaim, InsuranceClaimEvent, InsurancePolicy

pytestmark = pytest.mark.django_db


def _set(world, key, value):
    PolicyParameter.objects.create(
        key=key, area_code=world.county.code, valid_from=datetime.date(2025, 1, 1), value=value, basis="test"
    )


def test_enrolment_insures_the_present_members_of_exited_and_monitored_households(world):
    result = world.enrol()
    insured = set(InsurancePolicy.objects.values_list("member__name", flat=True))
    # The head and spouse of the 脱贫户 and the monitored head; not the member who moved out, not the ordinary
    # household, not the other county's 脱贫户.
    assert insured == {"脱贫户主", "脱贫配偶", "监测户主"}
    assert result.people == 3
    assert result.created == 9  # three covers each
    policy = InsurancePolicy.objects.filter(member__name="脱贫户主")
    assert sum(p.premium_individual for p in policy) == Decimal("20.00")
    assert sum(p.premium_county for p in policy) == Decimal("50.00")
    assert all(p.subsidised for p in policy)


def test_enrolment_is_idempotent(world):
    world.enrol(area=world.village, actor=world.village_worker)
    again = world.enrol()
    assert again.created == 3  # only the monitored household of the other village is new
    assert again.existing == 6
    assert world.enrol().created == 0
    assert InsurancePolicy.objects.count() == 9


def test_enrolment_is_refused_outside_the_territory_and_above_the_township(world):
    with pytest.raises(PermissionDenied):
        world.enrol(area=world.township, actor=world.village_worker)
    with pytest.raises(DomainError, match="村或乡镇"):
        world.enrol(area=world.county, actor=world.county_reviewer)
    assert not InsurancePolicy.objects.exists()


def test_a_voluntary_member_pays_the_premium_in_full(world):
    policy = world.policy(world.ordinary.head, product="accident")
    assert not policy.subsidised
    assert policy.premium_county == 0
    assert policy.premium_individual == Decimal("40.00")
    subsidised = world.policy(world.exited.head, product="accident")
    assert subsidised.premium_individual + subsidised.premium_county == Decimal(40)
    assert subsidised.premium_county > 0


def test_a_second_policy_of_the_same_cover_and_year_is_refused(world):
    world.policy(world.exited.head)
    with pytest.raises(DomainError, match="已参保"):
        world.policy(world.exited.head)


def test_a_specialty_policy_needs_its_cover_and_premium(world):
    with pytest.raises(DomainError, match="保险金额") as refused:
        world.policy(world.exited.head, product="beef_cattle_return")
    assert refused.value.field == "sum_insured"
    policy = world.policy(
        world.exited.head, product="beef_cattle_return", sum_insured=Decimal(18000),
        premium_individual=Decimal(144), premium_county=Decimal(576),
    )  # fmt: skip
    assert policy.premium == Decimal(720)


def test_the_worked_example_progressive_by_default(world):
    claim = world.claim(world.policy(world.exited.head), residual_cost=50000)
    assert claim.payout == Decimal("14000.00")
    assert claim.tier_mode == "progressive"
    assert InsuranceClaimEvent.objects.filter(claim=claim, to_status="filed").exists()


def test_the_worked_example_flat_when_the_county_sets_it(world):
    _set(world, "insurance.ci_tier_mode", "flat")
    claim = world.claim(world.policy(world.exited.head), residual_cost=50000)
    assert claim.payout == Decimal("20000.00")


def test_the_50000_limit_across_two_claims(world):
    policy = world.policy(world.exited.head)
    first = world.claim(policy, residual_cost=100000)  # 4,000 + 6,000 + 24,000
    second = world.claim(policy, residual_cost=100000)
    assert first.payout == Decimal("34000.00")
    assert second.payout == Decimal("16000.00")
    assert second.used_before == Decimal("34000.00")
    assert world.claim(policy, residual_cost=1000).payout == 0


def test_a_refused_claim_no_longer_uses_the_limit(world):
    policy = world.policy(world.exited.head)
    first = world.claim(policy, residual_cost=100000)
    services.claim_refuse(actor=world.village_worker, claim=first, reason="非目录内费用")
    assert world.claim(policy, residual_cost=100000).payout == Decimal("34000.00")


def test_the_limit_year_is_the_policy_year_unless_set_to_the_calendar_year(world, today):
    today.set(datetime.date(2026, 9, 1))
    old = world.policy(world.exited.head, year=2026, starts_on=datetime.date(2025, 9, 1),
                       ends_on=datetime.date(2026, 8, 31))  # fmt: skip
    new = world.policy(world.exited.head, year=2027, starts_on=datetime.date(2026, 9, 1),
                       ends_on=datetime.date(2027, 8, 31))  # fmt: skip
    world.claim(old, residual_cost=100000, filed_on=datetime.date(2026, 6, 1))
    policy_year = world.claim(new, residual_cost=100000, filed_on=datetime.date(2026, 9, 1),
                              incident_on=datetime.date(2026, 9, 1))  # fmt: skip
    assert policy_year.payout == Decimal("34000.00")  # another policy year: a fresh limit
    services.claim_refuse(actor=world.village_worker, claim=policy_year, reason="重复报案")
    _set(world, "insurance.limit_year", "calendar_year")
    calendar_year = world.claim(new, residual_cost=100000, filed_on=datetime.date(2026, 9, 1),
                                incident_on=datetime.date(2026, 9, 1))  # fmt: skip
    assert calendar_year.payout == Decimal("16000.00")  # the same calendar year 2026 as the first claim


def test_accident_medical_80_percent_up_to_3000_a_year(world):
    policy = world.policy(world.exited.head, product="accident_medical")
    assert world.claim(policy, medical_cost=2500).payout == Decimal("2000.00")
    assert world.claim(policy, medical_cost=2500).payout == Decimal("1000.00")  # 3,000 − 2,000


def test_accident_death_or_disability_up_to_50000(world):
    policy = world.policy(world.exited.head, product="accident")
    assert world.claim(policy, assessed_amount=60000).payout == Decimal(50000)


def test_an_incident_outside_the_policy_period_is_refused(world):
    policy = world.policy(world.exited.head, starts_on=datetime.date(2026, 6, 1))
    with pytest.raises(DomainError, match="不在保险期间"):
        world.claim(policy, residual_cost=50000)
    assert not InsuranceClaim.objects.exists()


def test_a_claim_is_accepted_then_paid_or_refused_with_a_reason(world):
    policy = world.policy(world.exited.head)
    claim = world.claim(policy, residual_cost=50000)
    with pytest.raises(TransitionNotAllowed):
        services.claim_pay(actor=world.village_worker, claim=claim)
    with pytest.raises(PermissionDenied):
        services.claim_accept(actor=world.other_worker, claim=claim)
    claim = services.claim_accept(actor=world.village_worker, claim=claim, on=datetime.date(2026, 6, 2))
    assert claim.accepted_on == datetime.date(2026, 6, 2)
    with pytest.raises(DomainError, match="拒赔原因"):
        services.claim_refuse(actor=world.village_worker, claim=claim, reason=" ")
    claim = services.claim_pay(actor=world.village_worker, claim=claim)
    assert claim.status == "paid"
    assert claim.closed_on == datetime.date(2026, 6, 15)
    assert list(claim.events.values_list("to_status", flat=True)) == ["filed", "accepted", "paid"]
