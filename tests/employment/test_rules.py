"""The employment rules at the SPEC's boundaries (SPEC §11.3, §15.2): the numbers the migration seeds."""

import datetime
from decimal import Decimal

import pytest

from employment import rules
from employment.choices import EmploymentStatus as S

TIERS = [[11, 20, 20000], [21, 30, 30000], [31, 100, 60000], [101, None, 100000]]
AMOUNTS = {"cross_county": 200, "cross_province": 800}


@pytest.mark.parametrize(
    ("hired", "amount"),
    [(0, None), (10, None), (11, 20000), (20, 20000), (21, 30000), (30, 30000), (31, 60000), (100, 60000),
     (101, 100000), (500, 100000)],
)  # fmt: skip
def test_nr_emp_02_workshop_tiers_by_people_hired(hired, amount):
    expected = None if amount is None else Decimal(amount)
    assert rules.workshop_subsidy_amount(hired, TIERS) == expected


@pytest.mark.parametrize(("disabled", "amount"), [(9, None), (10, Decimal(20000)), (11, Decimal(20000))])
def test_nr_emp_03_ten_disabled_people_earn_20000(disabled, amount):
    assert rules.disabled_workshop_subsidy_amount(disabled, min_people=10, amount=20000) == amount


@pytest.mark.parametrize(
    ("status", "amount"),
    [(S.CROSS_COUNTY, Decimal(200)), (S.CROSS_PROVINCE, Decimal(800)), (S.IN_COUNTY, None), (S.LOCAL, None),
     (S.SELF_EMPLOYED, None)],
)  # fmt: skip
def test_nr_emp_01_transport_200_cross_county_800_cross_province(status, amount):
    assert rules.transport_subsidy_amount(status, AMOUNTS) == amount


def test_nr_emp_01_six_months_contract_and_insurance_each_named():
    ok = {"status": S.CROSS_PROVINCE, "labour_contract": True, "social_insurance": True, "min_months": 6}
    assert rules.transport_subsidy_failures(months=6, **ok) == []
    assert rules.transport_subsidy_failures(months=5, **ok) == [rules.MONTHS]
    assert rules.transport_subsidy_failures(
        status=S.IN_COUNTY, months=2, labour_contract=False, social_insurance=False, min_months=6
    ) == [rules.PLACE, rules.MONTHS, rules.CONTRACT, rules.INSURANCE]


@pytest.mark.parametrize(
    ("counts", "lacking"),
    [({"guidance": 1, "job_offer": 3, "training": 1}, []),
     ({"guidance": 0, "job_offer": 3, "training": 1}, ["guidance"]),
     ({"guidance": 1, "job_offer": 2, "training": 1}, ["job_offer"]),
     ({"guidance": 1, "job_offer": 3, "training": 0}, ["training"]),
     ({}, ["guidance", "job_offer", "training"])],
)  # fmt: skip
def test_nr_emp_04_one_guidance_three_offers_one_training(counts, lacking):
    assert rules.services_lacking(counts, {"guidance": 1, "job_offer": 3, "training": 1}) == lacking


@pytest.mark.parametrize(
    ("status", "months", "stable"),
    [(S.CROSS_PROVINCE, 6, True), (S.CROSS_PROVINCE, 5, False), (S.SELF_EMPLOYED, 12, True), (S.SEEKING, 12, False)],
)
def test_stable_employment_is_six_months_of_work(status, months, stable):
    assert rules.is_stably_employed(status, months, stable_months=6) is stable


@pytest.mark.parametrize(
    ("birth", "working"),
    [(datetime.date(2010, 7, 15), True), (datetime.date(2010, 7, 16), False), (datetime.date(1966, 7, 16), True),
     (datetime.date(1966, 7, 15), False)],
)  # fmt: skip
def test_working_age_is_16_to_59(birth, working):
    assert rules.is_working_age(birth, datetime.date(2026, 7, 15), (16, 59)) is working
