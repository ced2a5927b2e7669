"""The indicators the registry computes from its own records (SPEC §13.2 "computed where the data exist"): each a
function of the territory's counts (``ledgers.counts``, as the dashboard reads them), keyed by the name an
indicator's ``computation`` holds. The other indicators of SPEC §13.3 need figures the registry does not hold
(GDP, forest cover …) and are entered."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.percent import HUNDRED, share_pct
from households.selectors import threshold_for
from ledgers.counts import Counted


@dataclass(frozen=True)
class Actual:
    """A computed value as shown (``value``, rounded), its parts (numerator, denominator; "" where none) and the
    exact value the target is held against."""

    value: Decimal | None
    part: Any = ""
    whole: Any = ""
    exact: Decimal | None = None

    @property
    def judged(self) -> Decimal | None:
        return self.exact if self.exact is not None else self.value


@dataclass(frozen=True)
class Scope:
    """Where and when a computation runs: the viewer's area (empty for a superuser without one) and the day."""

    area_code: str
    today: datetime.date


def _share(part: int, whole: int) -> Actual:
    exact = Decimal(part) * HUNDRED / Decimal(whole) if whole else None
    return Actual(share_pct(Decimal(part), Decimal(whole)), part, whole, exact)


def returned_people(counted: Counted, scope: Scope) -> Actual:
    returned = counted.total("returned_people")
    return Actual(Decimal(returned), returned, "")


def compulsory_education_retention(counted: Counted, scope: Scope) -> Actual:
    total = counted.total("school_age")
    return _share(total - counted.total("school_age_out"), total)


def medical_insurance_enrolment(counted: Counted, scope: Scope) -> Actual:
    return _share(counted.total("insured_people"), counted.total("people"))


def centralized_water(counted: Counted, scope: Scope) -> Actual:
    return _share(counted.total("centralized_water"), counted.total("households"))


def monitoring_line_multiple(counted: Counted, scope: Scope) -> Actual:
    """The monitoring line of the year as the registry applies it (``threshold_for``: the most specific area
    wins) over the national poverty line of its row (SPEC §3.4)."""
    if not scope.area_code:
        return Actual(None)
    try:
        line = threshold_for(area_code=scope.area_code, year=scope.today.year)
    except DomainError:
        return Actual(None)  # no line entered yet: nothing to measure
    if not line.national_line:
        return Actual(None)
    exact = line.amount / line.national_line
    return Actual(exact.quantize(Decimal("0.01")), line.amount, line.national_line, exact)


Computation = Callable[[Counted, Scope], Actual]

COMPUTATIONS: dict[str, tuple[Promise, Computation]] = {
    "returned_people": (_("返贫致贫人口（在户人数）"), returned_people),
    "compulsory_education_retention": (_("义务教育适龄人口在校比例"), compulsory_education_retention),
    "medical_insurance_enrolment": (_("在户人口参加基本医疗保险比例"), medical_insurance_enrolment),
    "centralized_water": (_("集中供水户比例"), centralized_water),
    "monitoring_line_multiple": (_("本年监测标准与国家扶贫标准之比"), monitoring_line_multiple),
}


def computation_choices() -> list[tuple[str, str]]:
    return [(key, str(label)) for key, (label, _function) in COMPUTATIONS.items()]


def compute(key: str, counted: Counted, scope: Scope) -> Actual:
    """The value of a registered computation; an unknown key (a row an administrator mistyped) measures nothing."""
    if key not in COMPUTATIONS:
        return Actual(None)
    return COMPUTATIONS[key][1](counted, scope)
