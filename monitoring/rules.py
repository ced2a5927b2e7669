"""Policy rules of monitoring entry (SPEC §4). Numbers arrive as arguments (STYLE rule 5)."""

import calendar
import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from households import rules as household_rules
from monitoring.choices import TRIGGER_SETS, SubjectCategory, TriggerCondition


def entry_income_in_scope(category: str, per_capita: Decimal | None, threshold: Decimal) -> bool:
    """NR-INC-01: unstable-exited and marginal households must be strictly below the line (6000 is not below);
    NR-INC-02: a sudden-hardship household may be above it (003 L224)."""
    if category == SubjectCategory.SUDDEN_HARDSHIP:
        return True
    return per_capita is not None and household_rules.is_below_line(per_capita, threshold)


def returns_to_poverty(per_capita: Decimal | None, national_line: Decimal | None) -> bool:
    """SPEC §4.10 (004 L238 "乡村振兴部门认定"): a household the county approves for monitoring while its per-capita
    income is below the **national** poverty line of the year (not the monitoring line) is 返贫致贫: 4000 at a line
    of 4000 is not, 3999.99 is. Unknown income or no national line entered: not decided here."""
    return per_capita is not None and national_line is not None and per_capita < national_line


def category_fits_household(category: str, *, exited_poor: bool, marginal_excludes_exited: bool) -> bool:
    """SPEC §4.1: unstable-exited only for exited-poverty households (002 L295); marginal only for households that
    are not, while setting ``monitoring.marginal_excludes_exited`` holds (§15 C-23)."""
    if category == SubjectCategory.UNSTABLE_EXITED:
        return exited_poor
    if category == SubjectCategory.MARGINAL_AT_RISK and marginal_excludes_exited:
        return not exited_poor
    return True


# ------------------------------------------------------------------------------------ trigger conditions (§4.2)


@dataclass(frozen=True)
class TriggerFacts:
    """What the registry says about the household, for suggesting trigger conditions (SPEC §4.2, last column)."""

    confirmed_serious_illness: bool  # a present member with a serious illness confirmed by a medical institution
    serious_or_chronic_illness: bool
    large_medical_oop: bool | None  # SPEC §3.3
    disaster: bool  # a disaster loss in the window, or a disaster-damaged house
    sudden_event: bool  # an accident, major change or epidemic expense in the window
    main_labourer_disabled: bool  # a main labourer with a disability and weak, partial or lost labour capacity
    business_loss: bool | None  # net business income fell by at least income.sharp_drop_pct
    college_students: int  # members in higher vocational or undergraduate schooling
    rigid_exceeds_income: bool | None
    sharp_income_drop: bool | None


def _illness(f: TriggerFacts) -> bool:
    """UE-1, UE-L2: ①因大病重病（以医疗机构确诊为准）(003 L218)."""
    return f.confirmed_serious_illness


def _disaster(f: TriggerFacts) -> bool:
    """UE-2, UE-L4: ②因灾."""
    return f.disaster


def _sudden_event(f: TriggerFacts) -> bool:
    """UE-3, UE-L3: ③因突发事件（重大变故、疫情影响）."""
    return f.sudden_event


def _disabled_labourer(f: TriggerFacts) -> bool:
    """UE-4, UE-L6, MA-4, MA-L4: 家庭主要劳动力因残完全或部分丧失劳动力 (003 L218, L222)."""
    return f.main_labourer_disabled


def _business_loss(f: TriggerFacts) -> bool:
    """UE-5, UE-L5: ⑤因经营亏损（产业失败）, read as net business income down by the sharp-drop share."""
    return f.business_loss is True


def _medical_costs(f: TriggerFacts) -> bool:
    """MA-1, MA-L1: serious or chronic illness with large compliant out-of-pocket costs (003 L222)."""
    return f.serious_or_chronic_illness and f.large_medical_oop is True


def _college_students(f: TriggerFacts) -> bool:
    """MA-2, MA-L2: 供养2个及以上全日制普通高校在校生（含高职学生）(003 L222)."""
    return f.college_students >= 2


def _disaster_or_event(f: TriggerFacts) -> bool:
    """MA-3, MA-L3: 重大灾害、突发事件（意外事故、疫情影响）."""
    return f.disaster or f.sudden_event


def _sudden_hardship(f: TriggerFacts) -> bool:
    """SH-1: illness, disaster or accident causes large rigid spending or a sharp income drop (003 L224)."""
    cause = f.serious_or_chronic_illness or f.disaster or f.sudden_event
    return cause and bool(f.rigid_exceeds_income or f.sharp_income_drop)


# Which facts suggest which trigger. UE-L1 (weak motivation) and MA-L5 (negative-list items with low attainment)
# are judgements no data can make: a person cites them.
TRIGGER_SUGGESTERS: dict[TriggerCondition, Callable[[TriggerFacts], bool]] = {
    TriggerCondition.UE_1: _illness,
    TriggerCondition.UE_2: _disaster,
    TriggerCondition.UE_3: _sudden_event,
    TriggerCondition.UE_4: _disabled_labourer,
    TriggerCondition.UE_5: _business_loss,
    TriggerCondition.MA_1: _medical_costs,
    TriggerCondition.MA_2: _college_students,
    TriggerCondition.MA_3: _disaster_or_event,
    TriggerCondition.MA_4: _disabled_labourer,
    TriggerCondition.SH_1: _sudden_hardship,
    TriggerCondition.UE_L2: _illness,
    TriggerCondition.UE_L3: _sudden_event,
    TriggerCondition.UE_L4: _disaster,
    TriggerCondition.UE_L5: _business_loss,
    TriggerCondition.UE_L6: _disabled_labourer,
    TriggerCondition.MA_L1: _medical_costs,
    TriggerCondition.MA_L2: _college_students,
    TriggerCondition.MA_L3: _disaster_or_event,
    TriggerCondition.MA_L4: _disabled_labourer,
}


def triggers_of(category: str, profile: str) -> tuple[TriggerCondition, ...]:
    """The trigger conditions the region profile enables for a category (SPEC §4.2)."""
    return TRIGGER_SETS.get(profile, TRIGGER_SETS["ningxia"]).get(category, ())


def suggested_triggers(facts: TriggerFacts, *, category: str, profile: str) -> list[TriggerCondition]:
    """SPEC §4.2: the system suggests the triggers the data supports; a person confirms them."""
    return [
        code
        for code in triggers_of(category, profile)
        if code in TRIGGER_SUGGESTERS and TRIGGER_SUGGESTERS[code](facts)
    ]


def triggers_fit_category(cited: Iterable[str], *, category: str, profile: str) -> bool:
    """SPEC §4.2: an application must cite at least one trigger of its category."""
    allowed = {str(code) for code in triggers_of(category, profile)}
    return any(code in allowed for code in cited)


def notice_effective_end(
    ends_on: datetime.date, objections: Iterable[tuple[datetime.date, datetime.date | None]], *, today: datetime.date
) -> datetime.date:
    """Objections pause the notice clock until resolved (SPEC §4.6: no step before every objection has a recorded
    handling): the end moves by the days during which at least one objection was open (overlapping ones count once)."""
    paused: set[datetime.date] = set()
    for received, resolved in objections:
        last = resolved or today
        day = received
        while day < last:
            paused.add(day)
            day += datetime.timedelta(days=1)
    return ends_on + datetime.timedelta(days=len(paused))


def notice_period_over(effective_end: datetime.date, *, today: datetime.date) -> bool:
    """The case moves on the day after the (effective) last notice day."""
    return today > effective_end


def negative_list_allows_approval(*, hits: int, mode: str, overridden: bool) -> bool:
    """SPEC §4.7 and §15 C-05: ``block`` — any hit stops approval (003 L236 literally); ``override`` (default) — a
    hit stops approval until a county reviewer records a written reason for it (002 L299): ``overridden`` means
    every hit has its own; ``warn`` — informational."""
    if hits == 0 or mode == "warn":
        return True
    if mode == "block":
        return False
    return overridden


# NR-MEAS-01 (SPEC §5.3, 003 L1392, L1400): these are paid from their original channels, never linkage funds.
ORIGINAL_CHANNEL_ONLY = frozenset(
    {
        "subsistence_allowance",
        "temporary_assistance",
        "premium_subsidy",
        "pension_premium_paid",
        "anti_poverty_insurance",
        "industry_insurance",
    }
)


def linkage_fund_allowed(funding_source: str, subtype: str) -> bool:
    """NR-MEAS-01: 低保, temporary assistance, medical and pension premiums and any insurance purchase must not be
    paid from the linkage fund (衔接资金)."""
    return not (funding_source == "linkage_fund" and subtype in ORIGINAL_CHANNEL_ONLY)


def only_safety_net_for_able_household(has_labour_capacity: bool, measure_types: list[str]) -> bool:
    """NR-MEAS-02 (SPEC §5.5, FC-GAP-MISSED-AID-09): a household that can work whose only measures are safety-net
    ones is at risk of welfare dependency — a warning, not a block."""
    return has_labour_capacity and bool(measure_types) and set(measure_types) == {"social_security"}


# ------------------------------------------------------------------------------------------ risk elimination


def labour_capacity_present(members: Iterable[tuple[str, bool]], *, scope: str, weak_counts_as_labour: bool) -> bool:
    """SPEC §4.9 (003 L238–L240; 004 L211 "整户无劳动力"): ``members`` are (labour_capacity, is_main_labourer) of the
    present members. ``whole_household`` (default): some member can work; ``main_labourer``: the main labourer can.
    Weak or partial capacity counts as labour while ``exit.weak_counts_as_labour`` holds."""
    able = {"skilled", "ordinary"} | ({"weak_or_partial"} if weak_counts_as_labour else set())
    rows = list(members)
    if scope == "main_labourer":
        return any(capacity in able for capacity, main in rows if main)
    return any(capacity in able for capacity, _main in rows)


def measures_complete(measures: Iterable[tuple[str, str]]) -> bool:
    """SPEC §4.8 precondition 4 (003 L238 "录入完善帮扶措施数据后标注"): at least one measure, and every measure has
    its effect (``outcome_note``) recorded. ``measures`` are (status, outcome_note)."""
    rows = list(measures)
    return bool(rows) and all(note.strip() for _status, note in rows)


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole months from ``start`` to ``end`` (a month counts once its day is reached)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


def monitored_long_enough(entered_on: datetime.date, *, today: datetime.date, min_months: int) -> bool:
    """SPEC §4.8 precondition 6: ``exit.min_months_in_monitoring`` (default 0: the seeds give none)."""
    return months_between(entered_on, today) >= min_months


def spot_check_drawn(draw: float, pct: int) -> bool:
    """SPEC §4.8 EL-5: a case falls into the county's spot-check sample with probability ``exit.spot_check_pct``;
    ``draw`` is uniform in [0, 1)."""
    return draw < pct / 100


def elimination_outcome(*, has_labour: bool, has_social_security_measure: bool) -> str | None:
    """SPEC §4.9: a household that can work is marked 风险消除; one that cannot is held (暂不标注) once a social-
    security measure is in place, and cannot be closed at all before (``None``)."""
    if has_labour:
        return "marked"
    return "held" if has_social_security_measure else None


def exit_warnings_since(today: datetime.date) -> datetime.date:
    """SPEC §4.8 EL-5 "open warnings of the last quarter": warnings issued from the first day of the previous
    calendar quarter up to ``today``. Departments screen by calendar quarter and issue a quarter's list in the first
    weeks of the next (§6.2), so "the last quarter" is a calendar quarter (上季度), not a count of days; the current
    quarter's warnings count too, being newer. The window runs 90 to 183 days back, at least a rolling 92 days on
    every day but the first one or two of a quarter: the stricter reading, because an unanswered warning of the
    previous round of screening should stop an exit as surely as one of this round."""
    this_quarter = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    return add_months(this_quarter, -3)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months`` calendar months, clamped to the month's end."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
