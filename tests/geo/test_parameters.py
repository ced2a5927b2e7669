"""A setting over many areas (``geo.parameters.parameter_q``): each area reads what ``parameter`` answers for it —
its county's row, else its city's or province's, else the national default — whatever set of areas is queried."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from geo.codes import level_of
from geo.models import AdminArea, PolicyParameter
from geo.parameters import area_codes_up, parameter, parameter_q
from households.models import MonitoringThreshold

pytestmark = pytest.mark.django_db

ON = datetime.date(2026, 12, 6)
KEY = "measure.plan_due_days"  # 15 days, the national default the migrations seed


def _village(code: str) -> AdminArea:
    """A village and the chain of areas above it, by the village's code."""
    parent = None
    for level_code in reversed(area_codes_up(code)):
        parent, _created = AdminArea.objects.get_or_create(
            code=level_code,
            defaults={"name": level_code, "level": level_of(level_code), "parent": parent, "valid_from": ON},
        )
    assert parent is not None
    return parent


def test_each_area_reads_its_own_scope_s_value():
    villages = [
        _village("640324100201"),  # a county with its own row: 30
        _village("640381100201"),  # another county of that province: the province's 20
        _village("441900003001"),  # a town directly under a city (no county): the city's 40
        _village("110101001001"),  # elsewhere: the national 15
    ]
    for code, days in (("640000000000", 20), ("640324000000", 30), ("441900000000", 40)):
        PolicyParameter.objects.create(key=KEY, area_code=code, value=days, valid_from=ON)

    python = {village.code: int(parameter(KEY, area_code=village.code, on=ON)) for village in villages}
    assert python == {"640324100201": 30, "640381100201": 20, "441900003001": 40, "110101001001": 15}
    for days in (15, 20, 30, 40):

        def reads(value, days=days):
            return Q() if int(value) == days else Q(pk__in=[])

        found = AdminArea.objects.filter(pk__in=[v.pk for v in villages]).filter(
            parameter_q(KEY, reads, on=ON, code_path="code")
        )
        assert {area.code for area in found} == {code for code, value in python.items() if value == days}


def test_without_a_row_of_its_own_every_area_reads_the_national_value():
    village = _village("640324100201")
    found = AdminArea.objects.filter(
        parameter_q(
            KEY, lambda value: Q(code=village.code) if int(value) == 15 else Q(pk__in=[]), on=ON, code_path="code"
        )
    )
    assert list(found) == [village]


def test_a_monitoring_line_finer_than_a_county_is_refused_in_words_and_by_the_database():
    line = MonitoringThreshold(area_code="640324100000", year=2026, amount=Decimal("6000"))  # a township
    with pytest.raises(ValidationError) as refused:
        line.full_clean()
    assert "省、市或县" in refused.value.message_dict["area_code"][0]
    with pytest.raises(IntegrityError), transaction.atomic():
        line.save()
    MonitoringThreshold(area_code="640324000000", year=2026, amount=Decimal("6000")).full_clean()  # a county's
