"""The demo county's monitoring work (SPEC §4, §5): households below the line reported, verified, reviewed, noticed
and approved through the real workflow services by the demo users, so queues, notices, notifications and event
trails are what production would hold. Applications stop at every stage of SPEC §4.6, registered subjects carry
measures from the catalogue (一户一策), and a few have gone through risk elimination (§4.8).

Each case is planned first — the day of every step, a few working days apart, each notice as long as its rule asks
(``notice.entry_days`` and the elimination notices, calendar days, SPEC §4.14), the next step on a working day after
it ran out — and then replayed by ``demo.clock.Timeline`` with the clock on each step's day, merged with every other
story of the demo. The daily job completes the notices that ran out (``demo.load``), as in production. Registered
cases are spread over the demo's history; open cases took their last step a few working days ago, so the queues
show a mix of waiting times. Which household stops where is drawn from the plan's seed, so a seed gives the same
county every day it is loaded on."""

from __future__ import annotations

import datetime
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Final

from django.utils import timezone

from accounts.models import User
from demo.clock import DAY, Moments, Story, Workdays, at, place
from demo.plan.seeds import COUNTY_CODE, DemoPlan, HouseholdSeed, IncomeSeed
from geo.parameters import parameter
from households import facts as household_facts
from households.choices import HouseholdFlagKind, VisitKind
from households.facts import context_for, derived_guarantee
from households.models import Household, RiskFlag
from households.services import VisitInput, income_record_save, visit_record
from monitoring import rules
from monitoring.choices import EliminationState, EntryState, SubjectCategory
from monitoring.models import AssistanceMeasure, EliminationCase, EntryApplication, MonitoringSubject
from monitoring.selectors import eligibility, suggestions
from monitoring.selectors.queues import PENDING_STEP
from monitoring.services import (
    elimination_assess,
    elimination_decide,
    elimination_mark,
    elimination_open,
    elimination_review,
    elimination_screen,
    elimination_township_meeting,
    elimination_verify,
    entry_approve,
    entry_notice_post,
    entry_register,
    entry_reject,
    entry_report,
    entry_review,
    entry_township_review,
    entry_verify,
    measure_add,
    measure_update_status,
)
from monitoring.services.elimination import elimination_notice_post
from national.choices import NationalEntryKind
from national.services import national_entry_record

S = EntryState
E = EliminationState
# Where the reported applications stop (SPEC §4.6), in the order they are walked; the rest are registered.
_OPEN_STAGES: Final = (
    (S.REPORTED, 4),
    (S.HOME_VERIFIED, 3),
    (S.DEMOCRATICALLY_REVIEWED, 3),
    (S.NOTICE_COMPLETED, 4),
    (S.TOWNSHIP_REVIEWED, 4),
    (S.APPROVED, 2),
    (S.REJECTED, 3),
)
_REGISTERED: Final = 70
_NATIONAL_ENTERED_SHARE: Final = 0.8  # of the subjects without an elimination: the rest await their national entry
_RISK_ANSWERED_DAYS: Final = 20  # working days from a plain subject's measures to the first one's effect
_WITHOUT_MEASURES: Final = 5  # registered more than 15 days ago and still without a measure: the home queue shows them
# Risk elimination (SPEC §4.8): cases marked, and cases waiting at the county, the township and the village.
_ELIMINATION_STOPS: Final = (E.MARKED, E.MARKED, E.TOWNSHIP_REVIEWED_NOTICED, E.VILLAGE_REVIEWED_NOTICED, E.OPENED)
_RISKS: Final = ("disaster", "unstable_employment", "lack_of_labour")
# The trigger a cadre cites for a risk when the registry suggests none (SPEC §4.2, Ningxia profile).
_TRIGGER_OF_RISK: Final[dict[str, dict[str, str]]] = {
    SubjectCategory.UNSTABLE_EXITED: {
        "illness": "UE-1",
        "disability": "UE-4",
        "lack_of_labour": "UE-4",
        "disaster": "UE-2",
        "unstable_employment": "UE-3",
    },
    SubjectCategory.MARGINAL_AT_RISK: {
        "illness": "MA-1",
        "disability": "MA-4",
        "lack_of_labour": "MA-4",
        "disaster": "MA-3",
        "unstable_employment": "MA-3",
    },
}
# The steps of an entry case up to each stop. "completed" is the daily job closing the notice, not a person's step.
_ENTRY_STEPS: Final[dict[str, tuple[str, ...]]] = {
    S.REPORTED: ("report",),
    S.HOME_VERIFIED: ("report", "verify"),
    S.DEMOCRATICALLY_REVIEWED: ("report", "verify", "review"),
    S.NOTICE_COMPLETED: ("report", "verify", "review", "notice", "completed"),
    S.TOWNSHIP_REVIEWED: ("report", "verify", "review", "notice", "completed", "township"),
    S.APPROVED: ("report", "verify", "review", "notice", "completed", "township", "approve"),
    S.REGISTERED: ("report", "verify", "review", "notice", "completed", "township", "approve", "register"),
    S.REJECTED: ("report", "verify", "review", "notice", "completed", "township", "reject"),
}
# Likewise for risk elimination; "village_done" and "township_done" are the daily job closing those notices.
_ELIMINATION_STEPS: Final[dict[str, tuple[str, ...]]] = {
    E.OPENED: ("open",),
    E.VILLAGE_REVIEWED_NOTICED: ("open", "verify", "review", "village_notice", "village_done"),
    E.TOWNSHIP_REVIEWED_NOTICED: (
        "open", "verify", "review", "village_notice", "village_done", "assess", "meeting", "township_done",
    ),
    E.MARKED: (
        "open", "verify", "review", "village_notice", "village_done", "assess", "meeting", "township_done", "screen",
        "decide", "mark",
    ),
}  # fmt: skip
# This year's income once work came back (NR-INC-04), per person: above the exit line even where the previous
# year's low income still weighs five twelfths of the rolling window (SPEC §3.5) on the day of screening.
_RECOVERED_WAGE: Final = Decimal(9000)
_RECOVERED_TRANSFER: Final = Decimal(600)


@dataclass(frozen=True)
class MonitoringResult:
    applications: Counter[str]  # EntryState value → count
    subjects: int
    measures: int
    eliminations: Counter[str]  # EliminationState value → count


@dataclass(frozen=True)
class Span:
    """When the demo county's history happens: the real today, the first day a case may begin, and the day from
    which the registry holds each year's income (the yearly income collection)."""

    today: datetime.date
    history_start: datetime.date
    income_days: dict[int, datetime.date]

    def income_year_on(self, day: datetime.date) -> int | None:
        """The latest year whose income the registry holds on ``day``: the year a decision that day reads (the
        rolling window lacks this year's record, so the last complete year stands in, SPEC §3.5)."""
        known = [year for year, collected in self.income_days.items() if collected <= day]
        return max(known) if known else None


@dataclass
class _Elimination:
    stop: str
    moments: Moments
    national_on: datetime.datetime | None = None  # when the county records the marking's national entry, if it does


@dataclass
class _Case:
    """One household's monitoring, planned: where its entry stops, the moment of each step, its measures and its
    risk elimination (if any)."""

    stop: str
    moments: Moments
    elimination: _Elimination | None = None
    seed: HouseholdSeed | None = None
    category: str = ""
    risks: list[str] = field(default_factory=list)
    channel: str = ""
    measures: int = 0  # how many catalogue measures are adopted
    measures_on: datetime.datetime | None = None
    delivered_on: datetime.datetime | None = None
    answered_on: datetime.datetime | None = None  # a plain subject's first measure takes effect (its risks resolved)
    national_on: datetime.datetime | None = None  # when the county records the subject's national entry, if it does

    def day(self, step: str) -> datetime.date:
        return self.moments[step].date()


class _Planner:
    """Plans the steps of the cases on the Chinese working-day calendar with the county's notice periods."""

    def __init__(self, span: Span, days: Workdays, rng: random.Random) -> None:
        self.span = span
        self.days = days
        self.rng = rng

    @cache  # noqa: B019 - one planner per load, and the parameters do not change while it plans
    def notice_days(self, key: str, on: datetime.date) -> int:
        return int(parameter(key, area_code=COUNTY_CODE, on=on))

    @cache  # noqa: B019
    def limit(self, key: str) -> int:
        return int(parameter(key, area_code=COUNTY_CODE, on=self.span.today))

    def minute(self) -> int:
        return self.rng.randrange(0, 50, 5)

    def notice_end(self, key: str, starts_on: datetime.date) -> datetime.date:
        """The last day of a notice posted on ``starts_on`` that runs exactly as long as its rule asks."""
        return starts_on + (self.notice_days(key, starts_on) - 1) * DAY

    def entry_builder(self) -> Callable[[datetime.date], Moments]:
        """The moments of the entry steps from a report day, with gaps drawn once: verification within the three
        working days of ``entry.verify_within_days``, the review and the notice soon after, the notice exactly
        ``notice.entry_days`` long, the township and the county within their limits (SPEC §4.14)."""
        rng, days = self.rng, self.days
        verify, review, post = rng.randint(1, 2), rng.randint(1, 3), rng.randint(0, 1)
        township, approve, register, reject = rng.randint(1, 3), rng.randint(1, 4), rng.randint(0, 2), rng.randint(1, 4)
        minutes = [self.minute() for _ in range(8)]

        def build(start: datetime.date) -> Moments:
            report = days.on_or_after(start)
            verified = days.after(report, verify)
            reviewed = days.after(verified, review)
            posted = days.after(reviewed, post) if post else reviewed
            ends = self.notice_end("notice.entry_days", posted)
            township_on = days.after(ends, township)
            approved = days.after(township_on, approve)
            return {
                "report": at(report, 9, minutes[0]),
                "verify": at(verified, 10, minutes[1]),
                "review": at(reviewed, 14, 30 + minutes[2] // 2),  # the meeting, in the afternoon
                "notice": at(posted, 16 if posted == reviewed else 9, minutes[3]),
                "notice_ends": at(ends, 23, 59),  # not a step: the notice's last day
                "completed": at(ends + DAY, 0, 10),  # the daily job, the night after the last day
                "township": at(township_on, 10, minutes[4]),
                "approve": at(approved, 11, minutes[5]),
                "register": at(days.after(approved, register), 15, minutes[6]),
                "reject": at(days.after(township_on, reject), 11, minutes[7]),
            }

        return build

    def elimination_builder(self) -> Callable[[datetime.date], Moments]:
        """EL-0 … EL-7 (SPEC §4.8) from an opening day: the home verification a working day or two later, the
        villagers' review and the village notice, the township's assessment, meeting and notice, the county's
        screening, decision and announcement, and the marking once it ran out."""
        rng, days = self.rng, self.days
        gaps = [rng.randint(1, 2), rng.randint(1, 3), rng.randint(0, 1), rng.randint(1, 3), rng.randint(1, 3)]
        gaps += [rng.randint(1, 3), rng.randint(1, 3), rng.randint(1, 2)]
        minutes = [self.minute() for _ in range(9)]

        def build(start: datetime.date) -> Moments:
            opened = days.on_or_after(start)
            verified = days.after(opened, gaps[0])
            reviewed = days.after(verified, gaps[1])
            posted = days.after(reviewed, gaps[2]) if gaps[2] else reviewed
            village_ends = self.notice_end("notice.elimination_village_days", posted)
            assessed = days.after(village_ends, gaps[3])
            met = days.after(assessed, gaps[4])
            township_ends = self.notice_end("notice.elimination_township_days", met)
            screened = days.after(township_ends, gaps[5])
            decided = days.after(screened, gaps[6])
            county_ends = self.notice_end("notice.elimination_county_days", decided)
            return {
                "open": at(opened, 9, 30 + minutes[0] // 2),
                "verify": at(verified, 10, minutes[1]),
                "review": at(reviewed, 14, 30 + minutes[2] // 2),
                "village_notice": at(posted, 16 if posted == reviewed else 9, minutes[3]),
                "village_ends": at(village_ends, 23, 59),
                "village_done": at(village_ends + DAY, 0, 10),  # the daily job
                "assess": at(assessed, 10, minutes[4]),
                "meeting": at(met, 15, minutes[5]),
                "township_ends": at(township_ends, 23, 59),
                "township_done": at(township_ends + DAY, 0, 10),  # the daily job
                "screen": at(screened, 10, minutes[6]),
                "decide": at(decided, 15, minutes[7]),
                "county_ends": at(county_ends, 23, 59),
                "mark": at(days.after(county_ends, gaps[7]), 10, minutes[8]),
            }

        return build

    def waiting_target(self, limit_key: str) -> datetime.date:
        """The day an open case took its last step: 1 … limit + 2 working days ago, so the queue shows cases in
        time, due soon, due today and overdue (SPEC §4.14). Counted back from the last working day on or before
        today: on a weekend the Friday has not been waited yet, so "one working day ago" is Thursday."""
        last_workday = self.days.on_or_before(self.span.today)
        return self.days.before(last_workday, self.rng.randint(1, self.limit(limit_key) + 2))

    def day_between(self, first: datetime.date, last: datetime.date) -> datetime.date:
        return self.days.on_or_before(first + DAY * self.rng.randint(0, max(0, (last - first).days)))


def _per_capita(seed: HouseholdSeed, income: IncomeSeed) -> Decimal:
    return income.net_income / max(1, len(seed.present_members))


def _income_of(seed: HouseholdSeed, year: int | None) -> IncomeSeed | None:
    return next((i for i in seed.incomes if i.year == year), None)


def _candidates(plan: DemoPlan, line: Decimal) -> list[HouseholdSeed]:
    """Households below the line with last year's income recorded; the demo village worker's village first, so
    the ``village`` login has work of its own."""
    last_year = plan.today.year - 1
    below = []
    for seed in plan.households:
        income = _income_of(seed, last_year)
        if income is not None and _per_capita(seed, income) < line and not seed.is_self_migrant:
            below.append(seed)
    rng = random.Random(f"{plan.seed}/monitoring")
    rng.shuffle(below)
    first_village = plan.villages[0].code
    return sorted(below, key=lambda h: h.village_code != first_village)


def _risks_for(seed: HouseholdSeed, rng: random.Random) -> list[str]:
    if any(m.health_status in ("serious_illness", "chronic_disease") for m in seed.present_members):
        return ["illness"]
    if any(m.disability_category for m in seed.present_members):
        return ["disability"]
    return [rng.choice(_RISKS)]


def _category(seed: HouseholdSeed) -> str:
    if HouseholdFlagKind.EXITED_POOR in seed.flag_kinds:
        return SubjectCategory.UNSTABLE_EXITED
    return SubjectCategory.MARGINAL_AT_RISK


def _fits(seed: HouseholdSeed, case: _Case, span: Span, line: Decimal) -> bool:
    """Whether the household can be this case: the visit that found its risk (if any) came before the report, and
    the income the county decides on is below the line on the day it decides (SPEC §3.5, NR-INC-01)."""
    flagged = seed.details.risk_flagged_on
    if flagged is not None and flagged >= case.day("report"):
        return False
    if "approve" in case.moments:
        income = _income_of(seed, span.income_year_on(case.day("approve")))
        if income is None or _per_capita(seed, income) >= line:
            return False
    return True


def _can_be_eliminated(seed: HouseholdSeed, elimination: _Elimination) -> bool:
    """What the exit checks of SPEC §4.8 will find in the registry the household will have: some member can work
    (§4.9), the guarantees the registry decides are met on the verification day, and no visit of the plan finds a
    water problem or a new risk."""
    present = seed.present_members
    if not rules.labour_capacity_present(
        ((m.labour_capacity, m.is_main_labourer) for m in present), scope="whole_household", weak_counts_as_labour=True
    ):
        return False
    verified = elimination.moments.get("verify", elimination.moments["open"]).date()
    if not all(derived_guarantee(present, seed.details.housing_safety, context_for(COUNTY_CODE, on=verified))):
        return False
    return all(not v.water_note and not v.risk_found for v in seed.visits)


def _marking_window(span: Span, days: Workdays) -> tuple[datetime.date, datetime.date]:
    """Risk is marked eliminated late in the year, once this year's income is clear (003 L238 "当年收入稳定"): in
    the latest October–December that ended, or ends, a few weeks before today."""
    today = span.today
    year = today.year if today.month >= 11 else today.year - 1
    first, last = datetime.date(year, 10, 12), min(datetime.date(year, 12, 18), days.before(today, 8))
    return first, max(first, last)


def _stops(rng: random.Random) -> list[str]:
    """Every fourth application stops on the way (in a drawn order), so a small demo county has a mix too."""
    open_stops = [state for state, count in _OPEN_STAGES for _ in range(count)]
    rng.shuffle(open_stops)
    stops: list[str] = []
    registered_left = _REGISTERED
    for index in range(len(open_stops) + _REGISTERED):
        if open_stops and (index % 4 == 3 or registered_left == 0):
            stops.append(open_stops.pop())
        else:
            stops.append(S.REGISTERED)
            registered_left -= 1
    return stops


def monitoring_plan(plan: DemoPlan, *, line: Decimal, span: Span, days: Workdays) -> list[_Case]:
    """Every case of the demo county, planned, each with its household: no writes, only calendar and parameter
    reads."""
    rng = random.Random(f"{plan.seed}/monitoring/stages")
    planner = _Planner(span, days, random.Random(f"{plan.seed}/monitoring/days"))
    stops = _stops(rng)
    # The eliminations first: they decide when their households must have been registered.
    first_mark, last_mark = _marking_window(span, days)
    pending: list[_Elimination] = []
    # Entries into the national system (全国防返贫监测信息系统), recorded by the county soon after each step — or not
    # yet: some subjects and the last marking still await entry, so the queue and the ledgers show both.
    national = random.Random(f"{plan.seed}/monitoring/national")
    marking_entered = False
    for elimination_stop in _ELIMINATION_STOPS:
        steps = _ELIMINATION_STEPS[elimination_stop]
        if elimination_stop == E.MARKED:
            target = planner.day_between(first_mark, last_mark)
        else:
            target = planner.waiting_target("elimination.step_days")
        moments = place(planner.elimination_builder(), steps[-1], target, days)
        steps_kept = (*steps, "village_ends", "township_ends", "county_ends")
        pending.append(_Elimination(elimination_stop, {step: moments[step] for step in steps_kept}))
        if elimination_stop == E.MARKED and not marking_entered:
            marking_entered = True
            pending[-1].national_on = at(days.after(moments["mark"].date(), 1), 11, national.randrange(0, 50, 5))
    lower = planner.entry_builder()(span.history_start)["register"].date()  # a case reported on the first day
    upper = days.before(span.today, 22)  # registered a month ago or more: past the 15 days of measure.plan_due_days
    cases: list[_Case] = []
    for stop in stops:
        build = planner.entry_builder()
        steps = _ENTRY_STEPS[stop]
        elimination: _Elimination | None = None
        if stop == S.REGISTERED and pending:
            # Registered a month or two before its elimination opens; too close to the start of the demo's history,
            # the subject is simply not proposed.
            candidate = pending.pop(0)
            target = days.before(candidate.moments["open"].date(), planner.rng.randint(25, 45))
            if target >= lower:
                elimination = candidate
        if elimination is None:
            if stop == S.REGISTERED:
                target = planner.day_between(lower, max(lower, upper))
            elif stop == S.REJECTED:
                target = days.before(span.today, planner.rng.randint(3, 40))
            else:
                target = planner.waiting_target(PENDING_STEP[stop][1])
        moments = place(build, steps[-1], target, days)
        case = _Case(stop=stop, moments={s: moments[s] for s in steps}, elimination=elimination)
        if "notice" in steps:
            case.moments["notice_ends"] = moments["notice_ends"]
        if stop == S.REGISTERED:
            registered = case.day("register")
            if elimination is not None or national.random() < _NATIONAL_ENTERED_SHARE:
                # The same afternoon, or the next working morning: before the measures of two days later.
                later = national.randint(0, 1)
                day = days.after(registered, later)
                case.national_on = at(day, 9 if later else 17, national.randrange(0, 50, 5))
            case.measures = 2
            case.measures_on = at(days.after(registered, planner.rng.randint(2, 8)), 16, planner.minute())
            if elimination is not None:
                opened = elimination.moments["open"].date()
                case.delivered_on = at(days.before(opened, planner.rng.randint(2, 6)), 16, 30)
            else:  # no random draw: the plan of every other case stays as it was
                answered = days.after(case.measures_on.date(), _RISK_ANSWERED_DAYS)
                case.answered_on = at(answered, 16, 45) if answered < span.today else None
        cases.append(case)
    plain = [c for c in cases if c.stop == S.REGISTERED and c.elimination is None]
    for case in plain[len(plain) - min(_WITHOUT_MEASURES, len(plain) // 4) :]:
        case.measures, case.measures_on = 0, None
    _assign_households(plan, cases, span=span, line=line, rng=rng)
    kept = [case for case in cases if case.seed is not None]
    # However few households a demo has, the latest registered subject still awaits its national entry.
    unentered = [c for c in kept if c.stop == S.REGISTERED and c.elimination is None]
    if len(unentered) > 1:
        max(unentered, key=lambda c: c.moments["register"]).national_on = None
    return kept


def _assign_households(plan: DemoPlan, cases: list[_Case], *, span: Span, line: Decimal, rng: random.Random) -> None:
    """Give each case the first candidate household it fits; an elimination also needs a household that passes
    the exit checks, else that subject is simply not proposed."""
    pool = _candidates(plan, line)
    for case in cases:
        chosen = None
        if case.elimination is not None:
            elimination = case.elimination
            chosen = next((s for s in pool if _fits(s, case, span, line) and _can_be_eliminated(s, elimination)), None)
            if chosen is None:
                case.elimination, case.delivered_on = None, None
        if chosen is None:
            chosen = next((s for s in pool if _fits(s, case, span, line)), None)
        if chosen is None:
            continue
        pool.remove(chosen)
        case.seed = chosen
        case.category = _category(chosen)
        case.risks = _risks_for(chosen, rng)
        case.channel = rng.choice(("cadre_screening", "cadre_screening", "self_declaration", "department_warning"))


def first_day(cases: list[_Case]) -> datetime.date:
    """The day the first case begins."""
    return min(case.day("report") for case in cases) if cases else datetime.date.max


class _Actors:
    """Who takes each step: the village worker in their village, the township cadre elsewhere (SPEC §1.3: a
    township cadre may take the village steps), the county reviewer for the county's."""

    def __init__(self, plan: DemoPlan) -> None:
        users = {u.username: u for u in User.objects.filter(username__in=[a.username for a in plan.accounts])}
        self.county = users["county"]
        self.village = users["village"]
        self._village_code = self.village.area.code if self.village.area else ""
        self._township = {a.area_code: users[a.username] for a in plan.accounts if a.username.startswith("township")}

    def township(self, household: Household) -> User:
        township = household.managing_area.parent
        assert township is not None  # a village always has its township
        return self._township[township.code]

    def village_step(self, household: Household) -> User:
        if household.managing_area.code == self._village_code:
            return self.village
        return self.township(household)


def _today() -> datetime.date:
    """The day of the step being taken: the demo clock's."""
    return timezone.localdate()


def _triggers(household: Household, category: str, risks: list[str]) -> list[str]:
    """What the data suggests (SPEC §4.2), else the trigger of the risk, as a cadre would cite from the visit."""
    choices = eligibility.trigger_choices(household, on=_today())
    suggested = [code for code, _label, of, hint in choices if hint and of == category]
    return suggested or [_TRIGGER_OF_RISK[category][risks[0]]]


def _entry_story(case: _Case, household: Household, actors: _Actors) -> Story:
    """The case through the services, each step at its planned moment; then its measures and its elimination."""
    moments = case.moments
    village = actors.village_step(household)
    township = actors.township(household)
    assert case.seed is not None
    yield moments["report"]
    application = entry_report(
        actor=village,
        household=household,
        channel=case.channel,
        proposed_category=case.category,
        risk_types=case.risks,
        triggers=_triggers(household, case.category, case.risks),
        reason=case.seed.details.risk_note or "家庭收入低于监测标准，存在返贫致贫风险",
        consent_given=True,
    )
    if "verify" not in moments:
        return
    yield moments["verify"]
    # EN-1 confirms the application's risks at home (SPEC §4.6 "confirmed triggers with evidence"): the visit
    # records each as a typed risk of the household (one its visits found already is found again).
    visit = VisitInput(
        visited_on=_today(),
        kind=VisitKind.VERIFICATION,
        notes="入户核实收入、支出和两不愁三保障",
        risk_types=list(case.risks),
        risk_note=application.reason,
    )
    visit_record(actor=village, household=household, data=visit, photos=[])
    entry_verify(application=application, actor=village, comment="情况属实")
    if "review" not in moments:
        return
    yield moments["review"]
    entry_review(
        application=application,
        actor=village,
        held_on=_today(),
        body="representatives",
        participants_count=18,
        representatives_present=13,
        attendees="村党支部书记\n村委会主任\n村民代表 11 人",
        votes_for=17,
        votes_against=1,
    )
    if "notice" not in moments:
        return
    yield moments["notice"]
    entry_notice_post(
        application=application,
        actor=village,
        places="村务公开栏",
        starts_on=_today(),
        ends_on=moments["notice_ends"].date(),
    )
    # The daily job moves the case on the night after the notice's last day (``notices_complete_due``).
    if "township" not in moments:
        return
    yield moments["township"]
    application.refresh_from_db()
    entry_township_review(application=application, actor=township, comment="材料齐全，情况属实，同意上报")
    if "reject" in moments:
        yield moments["reject"]
        entry_reject(application=application, actor=actors.county, comment="核查发现家庭有经营性车辆，不符合纳入条件")
        return
    if "approve" not in moments:
        return
    yield moments["approve"]
    entry_approve(
        application=application,
        actor=actors.county,
        category=case.category,
        risk_types=list(application.risk_types),
        decision_no=f"同乡振发〔{_today().year}〕{application.pk:03d}号",
    )
    if "register" not in moments:
        return
    yield moments["register"]
    subject = entry_register(application=application, actor=actors.county)
    if case.national_on is not None:
        yield case.national_on
        national_entry_record(
            subject=subject,
            kind=NationalEntryKind.SUBJECT_ENTRY,
            record_no=f"{COUNTY_CODE}JC{subject.pk:06d}",
            entered_on=_today(),
            actor=actors.county,
        )
    if not case.measures or case.measures_on is None:
        return
    yield case.measures_on
    measures = _measures_add(subject, actor=township, count=case.measures)
    if case.elimination is None:
        yield from _risk_answered_story(case, measures, actor=township)
        return
    if case.delivered_on is None:
        return
    yield case.delivered_on
    for measure in measures:
        measure_update_status(
            actor=township, measure=measure, status="delivered", outcome_note="已落实到位，家庭收入恢复"
        )
    yield from _elimination_story(case.elimination, subject, actors)


def _risk_answered_story(case: _Case, measures: list[AssistanceMeasure], *, actor: User) -> Story:
    """A subject not proposed for elimination whose first measure answers the risks its visits found: the measure
    takes effect ``_RISK_ANSWERED_DAYS`` later (when that is past) and so resolves them (SPEC §4.3, §5.2)."""
    if case.answered_on is None or not measures or not RiskFlag.objects.filter(measure_id=measures[0].pk).exists():
        return
    yield case.answered_on
    measure_update_status(actor=actor, measure=measures[0], status="delivered", outcome_note="已落实到位，风险已化解")


def _measures_add(subject: MonitoringSubject, *, actor: User, count: int) -> list[AssistanceMeasure]:
    """Adopt the first suggestions of the catalogue (一户一策, SPEC §5.4), starting the day they are recorded. The
    first answers the household's open risks (the ones its visits found, SPEC §4.3): its effect resolves them."""
    added = []
    open_risks = [risk.pk for risk in household_facts.open_risks(subject.household.risks.all(), _today())]
    for index, suggestion in enumerate(suggestions.measure_suggestions(subject, on=_today())[:count]):
        template = suggestion.template
        added.append(
            measure_add(
                actor=actor,
                subject=subject,
                measure_type=template.measure_type,
                subtype=template.subtype,
                timing=template.timing,
                funding_source=template.funding_source,
                responsible_department=template.responsible_department,
                description=template.description,
                started_on=_today(),
                risks=open_risks if index == 0 else (),
            )
        )
    return added


def _elimination_story(plan: _Elimination, subject: MonitoringSubject, actors: _Actors) -> Story:
    """EL-0 … the plan's stop through the services (SPEC §4.8): the village proposes, verifies at home with this
    year's recovered income, the villagers review and the notice runs; the township assesses, meets and posts its
    notice; the county screens (with the spot-check visit when the case was drawn), decides and announces, and
    marks once the announcement ran out. The daily job closes the village and township notices."""
    moments = plan.moments
    household = subject.household
    village = actors.village_step(household)
    township = actors.township(household)
    yield moments["open"]
    case = elimination_open(subject=subject, actor=village, proposal="务工收入稳定，帮扶措施落实到位")
    if "verify" not in moments:
        return
    yield moments["verify"]
    size = max(1, household.members.filter(counts_in_household=True).count())
    income_record_save(
        actor=township,
        household=household,
        year=_today().year,
        month=None,
        amounts={"wage_income": _RECOVERED_WAGE * size, "transfer_income": _RECOVERED_TRANSFER * size},
        note="务工收入恢复",
    )
    visit_record(
        actor=village,
        household=household,
        data=VisitInput(visited_on=_today(), kind=VisitKind.ELIMINATION, notes="收入稳定，两不愁三保障和饮水安全达标"),
        photos=[],
    )
    elimination_verify(case=case, actor=village)
    yield moments["review"]
    elimination_review(
        case=case,
        actor=village,
        held_on=_today(),
        body="representatives",
        participants_count=16,
        representatives_present=12,
        attendees="村党支部书记\n村民代表 11 人",
        votes_for=16,
        votes_against=0,
    )
    yield moments["village_notice"]
    ends = moments["village_ends"].date()
    elimination_notice_post(case=case, actor=village, places="村务公开栏", starts_on=_today(), ends_on=ends)
    if "assess" not in moments:
        return
    yield moments["assess"]
    case.refresh_from_db()
    elimination_assess(case=case, actor=township, comment="收入稳定超过监测标准 10% 以上，建议消除风险")
    yield moments["meeting"]
    elimination_township_meeting(case=case, actor=township, meeting_on=_today(), opinion="同意")
    ends = moments["township_ends"].date()
    elimination_notice_post(case=case, actor=township, places="乡镇政务公开栏", starts_on=_today(), ends_on=ends)
    if "screen" not in moments:
        return
    yield moments["screen"]
    case.refresh_from_db()
    if case.spot_check_required:
        visit = VisitInput(visited_on=_today(), kind=VisitKind.SPOT_CHECK, notes="县级抽验入户，情况属实")
        visit_record(actor=actors.county, household=household, data=visit, photos=[])
    elimination_screen(case=case, actor=actors.county)
    yield moments["decide"]
    elimination_decide(
        case=case,
        actor=actors.county,
        meeting_on=_today(),
        decision_no=f"同乡振发〔{_today().year}〕{100 + case.pk}号",
        places="县人民政府网站",
        starts_on=_today(),
        ends_on=moments["county_ends"].date(),
    )
    yield moments["mark"]
    elimination_mark(case=case, actor=actors.county)
    if plan.national_on is not None:
        yield plan.national_on
        national_entry_record(
            subject=subject,
            kind=NationalEntryKind.ELIMINATION,
            record_no=f"{COUNTY_CODE}XC{case.pk:06d}",
            entered_on=_today(),
            actor=actors.county,
        )


def monitoring_stories(cases: list[_Case], plan: DemoPlan) -> list[tuple[str, Story]]:
    """The stories of the planned cases, once the registry and the users exist."""
    actors = _Actors(plan)
    numbers = [case.seed.household_no for case in cases if case.seed is not None]
    households = {
        h.household_no: h
        for h in Household.objects.filter(household_no__in=numbers).select_related("managing_area__parent")
    }
    stories = []
    for case in cases:
        assert case.seed is not None
        household = households[case.seed.household_no]
        stories.append((f"monitoring {household.household_no}", _entry_story(case, household, actors)))
    return stories


def monitoring_result(prefix: str) -> MonitoringResult:
    """What the replay left in the county: applications by state, subjects, measures and eliminations."""
    applications = Counter(
        EntryApplication.objects.filter(household__managing_area__code__startswith=prefix).values_list(
            "state", flat=True
        )
    )
    subjects = MonitoringSubject.objects.filter(household__managing_area__code__startswith=prefix)
    eliminations = Counter(
        EliminationCase.objects.filter(subject__household__managing_area__code__startswith=prefix).values_list(
            "state", flat=True
        )
    )
    return MonitoringResult(
        applications=applications,
        subjects=subjects.count(),
        measures=AssistanceMeasure.objects.filter(subject__in=subjects).count(),
        eliminations=eliminations,
    )
