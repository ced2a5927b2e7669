"""The demo county's monitoring work (SPEC §4, §5): households below the line reported, verified, reviewed, noticed
and approved through the real workflow services by the demo users, so queues, notices, notifications and event
trails are what production would hold. Applications stop at every stage of SPEC §4.6, registered subjects carry
measures from the catalogue (一户一策), and a few have gone through risk elimination (§4.8).

The services act "today"; afterwards the dates are moved back (entry dates spread over the last eighteen months,
waiting times of a few working days), as a county that has worked for a while would show. Which household stops
where is drawn from the plan's seed, so a seed gives the same county every time."""

from __future__ import annotations

import datetime
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from django.db import transaction
from django.db.models import F

from accounts.models import User
from core.errors import DomainError
from demo.plan.seeds import DemoPlan, HouseholdSeed
from households.choices import HouseholdFlagKind, VisitKind
from households.facts import facts_of
from households.models import GuaranteeCheck, Household, Visit
from households.services import VisitInput, income_record_save, visit_record
from monitoring.choices import EliminationState, EntryState, SubjectCategory
from monitoring.models import EliminationCase, EliminationEvent, EntryApplication, EntryEvent, PublicNotice
from monitoring.selectors import eligibility, suggestions
from monitoring.services import (
    elimination_assess,
    elimination_decide,
    elimination_mark,
    elimination_open,
    elimination_review,
    elimination_screen,
    elimination_township_meeting,
    elimination_township_notice_complete,
    elimination_verify,
    elimination_village_notice_complete,
    entry_approve,
    entry_notice_complete,
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

DAY: Final = datetime.timedelta(days=1)
# Where the reported applications stop (SPEC §4.6), in the order they are walked; the rest are registered.
_OPEN_STAGES: Final = (
    (EntryState.REPORTED, 4),
    (EntryState.HOME_VERIFIED, 3),
    (EntryState.DEMOCRATICALLY_REVIEWED, 3),
    (EntryState.NOTICE_COMPLETED, 4),
    (EntryState.TOWNSHIP_REVIEWED, 4),
    (EntryState.APPROVED, 2),
    (EntryState.REJECTED, 3),
)
_REGISTERED: Final = 70
_WITHOUT_MEASURES: Final = 5  # registered more than 15 days ago and still without a measure: the home queue shows them
# Risk elimination (SPEC §4.8): cases marked, and cases waiting at the county, the township and the village.
_ELIMINATION_STOPS: Final = (
    EliminationState.MARKED,
    EliminationState.MARKED,
    EliminationState.TOWNSHIP_REVIEWED_NOTICED,
    EliminationState.VILLAGE_REVIEWED_NOTICED,
    EliminationState.OPENED,
)
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


@dataclass(frozen=True)
class MonitoringResult:
    applications: Counter[str]  # EntryState value → count
    subjects: int
    measures: int
    eliminations: Counter[str]  # EliminationState value → count
    visits: int  # verification, elimination and spot-check visits recorded on the way


def _per_capita(seed: HouseholdSeed) -> Decimal:
    latest = max(seed.incomes, key=lambda income: income.year)
    return latest.net_income / max(1, len(seed.present_members))


def _candidates(plan: DemoPlan, line: Decimal) -> list[HouseholdSeed]:
    """Households below the line with last year's income recorded; the demo village worker's village first, so
    the ``village`` login has work of its own."""
    last_year = plan.today.year - 1
    below = [
        h
        for h in plan.households
        if any(i.year == last_year for i in h.incomes) and _per_capita(h) < line and not h.is_self_migrant
    ]
    rng = random.Random(f"{plan.seed}/monitoring")
    rng.shuffle(below)
    first_village = plan.villages[0].code
    return sorted(below, key=lambda h: h.village_code != first_village)


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


def _triggers(household: Household, category: str, risks: list[str], today: datetime.date) -> list[str]:
    """What the data suggests (SPEC §4.2), else the trigger of the risk, as a cadre would cite from the visit."""
    choices = eligibility.trigger_choices(household, on=today)
    suggested = [code for code, _label, of, hint in choices if hint and of == category]
    return suggested or [_TRIGGER_OF_RISK[category][risks[0]]]


def _age_notice(today: datetime.date, **owner: Any) -> None:
    """The notice ran its five days and ended the day before yesterday."""
    PublicNotice.objects.filter(**owner).update(starts_on=today - 6 * DAY, ends_on=today - 2 * DAY)


def _walk_entry(
    application: EntryApplication, *, stop: str, actors: _Actors, today: datetime.date, category: str
) -> EntryApplication:
    """Take the application from EN-0 as far as ``stop`` through the services; a rejected one is refused by the
    county after the township forwarded it."""
    household = application.household
    village = actors.village_step(household)
    township = actors.township(household)

    def verify() -> None:
        visit = VisitInput(visited_on=today, kind=VisitKind.VERIFICATION, notes="入户核实收入、支出和两不愁三保障")
        visit_record(actor=village, household=household, data=visit, photos=[])
        entry_verify(application=application, actor=village, comment="情况属实")

    def review() -> None:
        entry_review(
            application=application,
            actor=village,
            held_on=today,
            body="representatives",
            participants_count=18,
            representatives_present=13,
            attendees="村党支部书记\n村委会主任\n村民代表 11 人",
            votes_for=17,
            votes_against=1,
        )

    def notice() -> None:
        entry_notice_post(
            application=application, actor=village, places="村务公开栏", starts_on=today, ends_on=today + 4 * DAY
        )
        _age_notice(today, application=application)
        entry_notice_complete(application=application, actor=village)

    def approve() -> None:
        entry_approve(
            application=application,
            actor=actors.county,
            category=category,
            risk_types=list(application.risk_types),
            decision_no=f"同乡振发〔{today.year}〕{application.pk:03d}号",
        )

    steps: list[Callable[[], Any]] = [
        verify,
        review,
        notice,
        lambda: entry_township_review(application=application, actor=township, comment="材料齐全，情况属实，同意上报"),
        approve,
        lambda: entry_register(application=application, actor=actors.county, comment="已录入全国防返贫监测信息系统"),
    ]
    target = EntryState.TOWNSHIP_REVIEWED if stop == EntryState.REJECTED else stop
    for step in steps:
        if application.state == target:
            break
        step()
        application.refresh_from_db()
    if stop == EntryState.REJECTED:
        entry_reject(application=application, actor=actors.county, comment="核查发现家庭有经营性车辆，不符合纳入条件")
        application.refresh_from_db()
    return application


def _backdate(application: EntryApplication, days: int) -> None:
    """Move the whole case ``days`` back: report, events, notices, visits, subject."""
    shift = datetime.timedelta(days=days)
    EntryApplication.objects.filter(pk=application.pk).update(reported_on=F("reported_on") - shift)
    EntryEvent.objects.filter(application=application).update(at=F("at") - shift)
    PublicNotice.objects.filter(application=application).update(
        starts_on=F("starts_on") - shift, ends_on=F("ends_on") - shift
    )
    visits = application.household.visits.filter(kind=VisitKind.VERIFICATION)
    GuaranteeCheck.objects.filter(visit__in=visits).update(checked_on=F("checked_on") - shift)
    visits.update(visited_on=F("visited_on") - shift)
    if application.state == EntryState.REGISTERED:
        application.subject.__class__.objects.filter(pk=application.subject.pk).update(
            entered_on=F("entered_on") - shift
        )


def _measures(subject: Any, *, actor: User, count: int, delivered: bool) -> int:
    """Adopt the first suggestions of the catalogue (一户一策, SPEC §5.4)."""
    added = 0
    for suggestion in suggestions.measure_suggestions(subject, on=subject.entered_on)[:count]:
        template = suggestion.template
        measure = measure_add(
            actor=actor,
            subject=subject,
            measure_type=template.measure_type,
            subtype=template.subtype,
            timing=template.timing,
            funding_source=template.funding_source,
            responsible_department=template.responsible_department,
            description=template.description,
            started_on=subject.entered_on + 5 * DAY,
        )
        if delivered:
            measure_update_status(
                actor=actor, measure=measure, status="delivered", outcome_note="已落实到位，家庭收入恢复"
            )
        added += 1
    return added


def _eliminate(subject: Any, *, stop: str, actors: _Actors, today: datetime.date) -> EliminationCase:
    """Income recovered this year (SPEC §3.6 NR-INC-04), then EL-0 … ``stop`` through the services."""
    household = subject.household
    village = actors.village_step(household)
    township = actors.township(household)
    size = max(1, facts_of(household).size)
    income_record_save(
        actor=township,
        household=household,
        year=today.year,
        month=None,
        amounts={"wage_income": Decimal(7400 * size), "transfer_income": Decimal(600 * size)},
        note="务工收入恢复",
    )
    visit_record(
        actor=village,
        household=household,
        data=VisitInput(visited_on=today, kind=VisitKind.ELIMINATION, notes="收入稳定，两不愁三保障和饮水安全达标"),
        photos=[],
    )
    case = elimination_open(subject=subject, actor=village, proposal="务工收入稳定，帮扶措施落实到位")
    if stop == EliminationState.OPENED:
        return case
    elimination_verify(case=case, actor=village)
    elimination_review(
        case=case,
        actor=village,
        held_on=today,
        body="representatives",
        participants_count=16,
        representatives_present=12,
        attendees="村党支部书记\n村民代表 11 人",
        votes_for=16,
        votes_against=0,
    )
    elimination_notice_post(case=case, actor=village, places="村务公开栏", starts_on=today, ends_on=today + 4 * DAY)
    _age_notice(today, elimination=case)
    elimination_village_notice_complete(case=case, actor=village)
    if stop == EliminationState.VILLAGE_REVIEWED_NOTICED:
        return case
    elimination_assess(case=case, actor=township, comment="收入稳定超过监测标准 10% 以上，建议消除风险")
    elimination_township_meeting(case=case, actor=township, meeting_on=today, opinion="同意")
    elimination_notice_post(
        case=case, actor=township, places="乡镇政务公开栏", starts_on=today, ends_on=today + 4 * DAY
    )
    _age_notice(today, elimination=case)
    case = elimination_township_notice_complete(case=case, actor=township)
    if stop == EliminationState.TOWNSHIP_REVIEWED_NOTICED:
        return case
    if case.spot_check_required:
        visit = VisitInput(visited_on=today, kind=VisitKind.SPOT_CHECK, notes="县级抽验入户，情况属实")
        visit_record(actor=actors.county, household=household, data=visit, photos=[])
    elimination_screen(case=case, actor=actors.county)
    elimination_decide(
        case=case,
        actor=actors.county,
        meeting_on=today,
        decision_no=f"同乡振发〔{today.year}〕{100 + case.pk}号",
        places="县人民政府网站",
        starts_on=today,
        ends_on=today + 4 * DAY,
    )
    _age_notice(today, elimination=case)
    return elimination_mark(case=case, actor=actors.county)


def demo_monitoring_load(plan: DemoPlan, *, line: Decimal) -> MonitoringResult:
    """Walk the planned cases through the services (inside the demo loader's transaction)."""
    today = plan.today
    rng = random.Random(f"{plan.seed}/monitoring/stages")
    actors = _Actors(plan)
    visits_before = Visit.objects.count()
    candidates = _candidates(plan, line)
    open_stops = [state for state, count in _OPEN_STAGES for _ in range(count)]
    rng.shuffle(open_stops)
    stops: list[str] = []  # every fourth application stops on the way, so a small demo county has a mix too
    registered_left = _REGISTERED
    for index in range(len(open_stops) + _REGISTERED):
        if open_stops and (index % 4 == 3 or registered_left == 0):
            stops.append(open_stops.pop())
        else:
            stops.append(EntryState.REGISTERED)
            registered_left -= 1
    households = {
        h.household_no: h
        for h in Household.objects.filter(household_no__in=[c.household_no for c in candidates]).select_related(
            "managing_area__parent"
        )
    }
    applications: Counter[str] = Counter()
    registered: list[Any] = []
    for seed, stop in zip(candidates, stops, strict=False):
        household = households[seed.household_no]
        category = _category(seed)
        risks = _risks_for(seed, rng)
        application = entry_report(
            actor=actors.village_step(household),
            household=household,
            channel=rng.choice(("cadre_screening", "cadre_screening", "self_declaration", "department_warning")),
            proposed_category=category,
            risk_types=risks,
            triggers=_triggers(household, category, risks, today),
            reason=seed.details.risk_note or "家庭收入低于监测标准，存在返贫致贫风险",
            consent_given=True,
        )
        application = _walk_entry(application, stop=stop, actors=actors, today=today, category=category)
        applications[application.state] += 1
        if application.state == EntryState.REGISTERED:
            registered.append(application.subject)
        else:
            _backdate(application, rng.randint(1, 7))  # waiting a few working days: yellow, orange, red
    measures = 0
    eliminated: list[EliminationCase] = []
    eliminations: Counter[str] = Counter()
    without_measures = min(_WITHOUT_MEASURES, len(registered) // 4)
    for index, subject in enumerate(registered):
        application = subject.application
        days = rng.randint(20, 540)
        _backdate(application, days)
        subject.refresh_from_db()
        if index >= len(registered) - without_measures:
            continue
        pending = _ELIMINATION_STOPS[len(eliminated) :]
        measures += _measures(subject, actor=actors.township(subject.household), count=2, delivered=bool(pending))
        if not pending:
            continue
        try:
            with transaction.atomic():  # a household whose guarantees fail the exit checks is simply not proposed
                case = _eliminate(subject, stop=pending[0], actors=actors, today=today)
        except DomainError:
            continue
        EliminationEvent.objects.filter(case=case).update(at=F("at") - datetime.timedelta(days=rng.randint(1, 4)))
        case.refresh_from_db()
        eliminated.append(case)
        eliminations[case.state] += 1
    return MonitoringResult(
        applications=applications,
        subjects=len(registered),
        measures=measures,
        eliminations=eliminations,
        visits=Visit.objects.count() - visits_before,
    )
