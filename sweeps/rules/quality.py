"""Data-quality rules (疑点数据): the kind of doubtful records the national system asks counties to clear (issue
"four checks" §1). They run with the four-checks rules and are rectified the same way. Numbered DQ-01 …; the checks
mirror the validation of the registry (SPEC §2.6) for data that entered before it or by import."""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, Exists, Func, OuterRef, Q
from django.db.models.functions import Substr
from django.db.models.lookups import Exact, In
from django.utils.translation import gettext_lazy as _

from households.choices import Gender, MemberStatus, SchoolingStatus
from households.models import HouseholdMember
from monitoring.choices import MeasureStatus, MeasureType
from monitoring.models import AssistanceMeasure
from sweeps.choices import FourChecksCategory, RuleMode, SubjectKind
from sweeps.rules.base import Rule, Scope, born_between

DQ = FourChecksCategory.DATA_QUALITY


def recorded_deceased(scope: Scope) -> Q:
    """DQ-01: a present member whose ID number is recorded as deceased in a household (a death not carried to every
    record of the person; the registry already refuses one ID present twice)."""
    # One probe per member into the small index of members who left (households_member_gone_id).
    deceased = HouseholdMember.objects.filter(member_status=MemberStatus.DECEASED, id_number=OuterRef("id_number"))
    return Q(Exists(deceased))


def schooling_inconsistent_with_age(scope: Scope) -> Q:
    """DQ-02: a schooling status no one of that age can have: primary school after 18, junior school after 20,
    college before 15, "not of school age" from 7, preschool from 8."""
    return (
        Q(schooling_status=SchoolingStatus.PRIMARY) & ~born_between(scope, 0, 18)
        | Q(schooling_status=SchoolingStatus.JUNIOR) & ~born_between(scope, 0, 20)
        | Q(schooling_status__in=[SchoolingStatus.HIGHER_VOCATIONAL, SchoolingStatus.UNDERGRADUATE_PLUS])
        & born_between(scope, 0, 14)
        | Q(schooling_status=SchoolingStatus.NOT_SCHOOL_AGE) & ~born_between(scope, 0, 6)
        | Q(schooling_status=SchoolingStatus.PRESCHOOL) & ~born_between(scope, 0, 7)
    )


def subject_missing_status(scope: Scope) -> Q:
    """DQ-03: a monitored household missing its risk type, its housing safety grade or its water supply."""
    return Q(risk_types=[]) | Q(household__housing_safety="") | Q(household__water_supply_type="")


def employment_measure_without_work(scope: Scope) -> Q:
    """DQ-04: an employment measure running while no member of the household works."""
    running = AssistanceMeasure.objects.filter(
        subject=OuterRef("pk"),
        measure_type=MeasureType.EMPLOYMENT,
        status__in=[MeasureStatus.IN_PROGRESS, MeasureStatus.DELIVERED],
    )
    return Q(Exists(running)) & Q(household__facts__working=0)


def phone_not_eleven_digits(scope: Scope) -> Q:
    """DQ-05: a household phone that is not an 11-digit mobile number (1XXXXXXXXXX)."""
    return ~Q(household__phone="") & ~Q(household__phone__regex=r"^1[0-9]{10}$")


def head_missing(scope: Scope) -> Q:
    """DQ-06: a household without exactly one present head (户主): the member fact ``heads``."""
    return ~Q(heads=1)


def id_number_disagrees(scope: Scope) -> Q:
    """DQ-07: the birth date or sex coded in an 18-digit ID number differs from the member's record (GB 11643:
    digits 7–14 the birth date, digit 17 odd for men)."""
    odd = ["1", "3", "5", "7", "9"]
    sex_digit = Substr("id_number", 17, 1)
    male_digit: In[Any] = In(sex_digit, odd)
    wrong_sex = Q(gender=Gender.MALE) & ~Q(male_digit) | Q(gender=Gender.FEMALE) & Q(male_digit)
    birth_differs = ~Q(Exact(Substr("id_number", 7, 8), _date_digits()))
    # The cheap comparisons first: the pattern (a regular expression, the dearest test) runs only where they trip.
    return (birth_differs | wrong_sex) & Q(id_number__regex=r"^[0-9]{17}[0-9Xx]$")


def id_number_evidence(scope: Scope) -> dict[str, Any]:
    """What DQ-07 keeps as its evidence: the two birth dates side by side."""
    return {"coded_birth": Substr("id_number", 7, 8), "recorded_birth": _date_digits()}


class DateDigits(Func):
    """YYYYMMDD of a date column: ``to_char`` on PostgreSQL, the stored ISO text without its dashes on SQLite. One
    call per row where building it from year, month and day took eight (a sweep reads every member of a township)."""

    arity = 1
    output_field = CharField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="to_char(%(expressions)s, 'YYYYMMDD')", **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="REPLACE(%(expressions)s, '-', '')", **extra)


def _date_digits() -> DateDigits:
    return DateDigits("birth_date")


RULES = (
    Rule("DQ-01", 1, DQ, SubjectKind.MEMBER, RuleMode.AUTO, _("在户人员身份证号已登记为死亡"), "疑点数据（全国系统）",
         recorded_deceased),
    Rule("DQ-02", 1, DQ, SubjectKind.MEMBER, RuleMode.AUTO, _("在校生状况与年龄不符"), "疑点数据（全国系统）",
         schooling_inconsistent_with_age),
    Rule("DQ-03", 1, DQ, SubjectKind.SUBJECT, RuleMode.AUTO, _("监测户缺少风险类型或住房、饮水状况"), "疑点数据（全国系统）",
         subject_missing_status),
    Rule("DQ-04", 1, DQ, SubjectKind.SUBJECT, RuleMode.AUTO, _("有就业帮扶措施但家庭无务工就业成员"), "疑点数据（全国系统）",
         employment_measure_without_work),
    Rule("DQ-05", 1, DQ, SubjectKind.HOUSEHOLD, RuleMode.AUTO, _("联系电话不是 11 位手机号码"), "疑点数据（全国系统）",
         phone_not_eleven_digits),
    Rule("DQ-06", 1, DQ, SubjectKind.HOUSEHOLD, RuleMode.AUTO, _("户主缺失或重复"), "疑点数据（全国系统）", head_missing),
    Rule("DQ-07", 1, DQ, SubjectKind.MEMBER, RuleMode.AUTO, _("身份证号与出生日期或性别不符"), "疑点数据（全国系统）",
         id_number_disagrees, "", ("coded_birth", "recorded_birth"), id_number_evidence),
)  # fmt: skip
