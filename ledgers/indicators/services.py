"""Entering an indicator's actual value (SPEC §13.2 "otherwise entered"): the county reviewer or the reporting
officer enters, for their own area, the indicators of their area's level. A value is never changed: a correction
is a newer entry, and the latest one of a period is shown."""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from core.errors import DomainError, refusal_text
from ledgers.models import KpiIndicator, KpiPeriod, KpiSource, KpiValue

# Whoever reports the area's figures enters them (SPEC §1.2): the county's reviewer, any level's reporting officer.
ENTERING_ROLES = (Role.COUNTY_REVIEWER, Role.REPORTING_OFFICER)
PERIOD_FORMS = {
    KpiPeriod.YEAR: (re.compile(r"^(\d{4})$"), "2026"),
    KpiPeriod.QUARTER: (re.compile(r"^(\d{4})-Q[1-4]$"), "2026-Q4"),
    KpiPeriod.MONTH: (re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"), "2026-11"),
}
MAX_VALUE = Decimal("999999999999")  # the column holds 12 digits before the point


def can_enter_values(user: User) -> bool:
    if user.area is None:
        return False
    return any(user.has_role(role) for role in ENTERING_ROLES)


def enterable_indicators(user: User) -> QuerySet[KpiIndicator]:
    """The entered indicators of the user's area level (a county reviewer: the county's)."""
    if not can_enter_values(user):
        return KpiIndicator.objects.none()
    assert user.area is not None
    return KpiIndicator.objects.filter(is_active=True, source=KpiSource.ENTERED, level=user.area.level)


@transaction.atomic
def kpi_value_enter(*, actor: User, indicator: KpiIndicator, period: str, value: Decimal, note: str = "") -> KpiValue:
    """Record the actual value of an entered indicator for the actor's area and a period, refusing with every
    condition that fails."""
    if not can_enter_values(actor):
        raise PermissionDenied
    assert actor.area is not None
    reasons: list[tuple[str, str]] = []  # (field, why), in the order of the form
    if indicator.source != KpiSource.ENTERED:
        reasons.append(("indicator", _("“%(name)s”由系统根据台账计算，无需填报") % {"name": _(indicator.name)}))
    if not indicator.is_active:
        reasons.append(("indicator", _("“%(name)s”已停用") % {"name": _(indicator.name)}))
    if indicator.level != actor.area.level:
        levels = {
            "name": _(indicator.name),
            "level": indicator.get_level_display(),
            "own": actor.area.get_level_display(),
        }
        reasons.append(("indicator", _("“%(name)s”由%(level)s级填报，您的账号属于%(own)s级") % levels))
    pattern, example = PERIOD_FORMS[KpiPeriod(indicator.period)]
    period = period.strip()
    found = pattern.match(period)
    if found is None:
        reasons.append(("period", _("统计期应写作 %(example)s") % {"example": example}))
    elif not 2000 <= int(found.group(1)) <= timezone.localdate().year:
        reasons.append(("period", _("统计期的年份 %(year)s 不合理") % {"year": found.group(1)}))
    if value.is_nan() or abs(value) > MAX_VALUE:
        reasons.append(("value", _("实际值超出可填写的范围")))
    elif value != value.quantize(Decimal("0.0001")):
        reasons.append(("value", _("实际值最多保留四位小数")))
    if reasons:
        raise DomainError(refusal_text([why for _field, why in reasons]), field=reasons[0][0])
    return KpiValue.objects.create(
        indicator=indicator, area=actor.area, period=period, value=value, note=note.strip(), entered_by=actor
    )
