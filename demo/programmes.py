"""The demo county's support programmes (SPEC §11), so that their pages, the ledgers L-10, L-11 and L-12 and the
measures they feed have something to show: the county enrols the demo village's exited and monitored people in this
year's health insurance and one claim is paid within its five working days while another waits; the insurer's
reports of the last two months are in; the village worker records the year's employment of the working-age people
of its exited households, with the guidance and job offers they had; a cleaning post is set up by need, its two
holders hired priority-first, their attendance and subsidy recorded month by month; and, while the policy was open
(to the end of 2025), three exited households signed microcredit contracts, one of them repaid in part. A pupil who
left school came back (L-15), and the county entered this year's indicators the registry cannot know. Every step
goes through the services, on its day, by ``demo.clock.Timeline``."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

from django.utils import timezone

from accounts.models import User
from credit import services as credit
from demo.clock import Story, Workdays, at, steps_story
from demo.plan.seeds import TOWNSHIP_USERNAMES
from employment import services as employment
from employment.choices import EmploymentStatus, ServiceKind
from geo.models import AdminArea
from households.choices import HouseholdFlagKind, MemberStatus, SchoolingStatus
from households.models import Household, HouseholdMember
from households.rules import age_on
from households.selectors import has_open_flag
from households.services import member_update
from insurance import services as insurance
from insurance.choices import Product
from insurance.models import InsuranceClaim, InsurancePolicy
from ledgers.indicators.services import kpi_value_enter
from ledgers.models import KpiIndicator
from welfare_posts import selectors as post_selectors
from welfare_posts import services as posts
from welfare_posts.choices import Assessment, PostFunding, PostType
from welfare_posts.models import PostHire, WelfarePost

INSURER: Final = "中国人寿宁夏分公司"
LOAN_POLICY_ENDS: Final = datetime.date(2025, 12, 31)  # NR-LOAN-12: new contracts until the end of 2025
BANK: Final = "宁夏黄河农村商业银行"
PLACES: Final = {"cross_province": "福建省晋江市", "cross_county": "银川市", "local": "本乡镇"}
EMPLOYERS: Final = {"cross_province": "晋江鞋厂", "cross_county": "银川建筑公司"}


def programmes_stories(
    *, today: datetime.date, history_start: datetime.date, days: Workdays
) -> list[tuple[str, Story]]:
    return [
        ("insurance", steps_story(_insurance_steps(today, days))),
        ("employment", steps_story(_employment_steps(today, days))),
        ("welfare posts", steps_story(_post_steps(today, days))),
        ("microcredit", steps_story(_loan_steps(history_start, days))),
        ("dropout returned", steps_story(_dropout_steps(today, days))),
        ("indicator values", steps_story(_indicator_steps(today, days))),
    ]


def _village_worker() -> User:
    return User.objects.get(username="village")


def _county() -> AdminArea:
    area = User.objects.get(username="county").area
    assert area is not None  # the demo county's reviewer
    return area


def _village() -> AdminArea:
    area = _village_worker().area
    assert area is not None  # the demo village's worker
    return area


def _township_cadre() -> User:
    """The cadre of the first township, the demo village's: loans and employment are recorded township-wide."""
    return User.objects.get(username=TOWNSHIP_USERNAMES[0])


def _exited_households(on: datetime.date) -> list[Household]:
    township = _township_cadre().area
    households = Household.objects.filter(managing_area__parent=township, closed_on__isnull=True).order_by(
        "household_no"
    )
    return [h for h in households if has_open_flag(h, HouseholdFlagKind.EXITED_POOR, on=on)]


def _working_age(on: datetime.date) -> list[HouseholdMember]:
    found = []
    for household in _exited_households(on):
        for member in household.members.filter(member_status=MemberStatus.PRESENT).order_by("pk"):
            if member.birth_date and 18 <= age_on(member.birth_date, on) <= 55:
                found.append(member)
    return found


# ------------------------------------------------------------------------------------------------------ insurance


def _insurance_steps(today: datetime.date, days: Workdays) -> list[tuple[datetime.datetime, Callable[[], object]]]:
    year = today.year
    enrolled = max(days.on_or_after(datetime.date(year, 1, 5)), days.before(today, 200))
    paid_claim = days.before(today, 12)
    open_claim = days.before(today, 1)

    def enrol() -> None:
        insurance.policies_enrol(
            actor=User.objects.get(username="county"), area=_village(), year=year, insurer=INSURER,
            starts_on=datetime.date(year, 1, 1), ends_on=datetime.date(year, 12, 31),
        )  # fmt: skip

    def supplement(filed: datetime.date, nth: int, residual: Decimal) -> InsuranceClaim:
        policies = InsurancePolicy.objects.filter(year=year, product=Product.CRITICAL_ILLNESS).order_by("pk")
        policy = policies[nth]
        data = insurance.ClaimInput(incident_on=days.before(filed, 10), filed_on=filed, residual_cost=residual)
        return insurance.claim_file(actor=_village_worker(), policy=policy, data=data)

    filed: list[InsuranceClaim] = []

    def file() -> None:
        filed.append(supplement(paid_claim, 0, Decimal("50000.00")))  # 14,000 by the progressive tiers

    def accept() -> None:
        insurance.claim_accept(actor=User.objects.get(username="county"), claim=filed[0], on=timezone.localdate())

    def pay() -> None:
        insurance.claim_pay(actor=User.objects.get(username="county"), claim=filed[0], on=timezone.localdate())

    steps: list[tuple[datetime.datetime, Callable[[], object]]] = [(at(enrolled, 9, 30), enrol)]
    if paid_claim > enrolled:
        steps += [
            (at(paid_claim, 10, 0), file),
            (at(days.after(paid_claim, 1), 10, 0), accept),
            (at(days.after(paid_claim, 3), 10, 0), pay),
        ]
    if open_claim > paid_claim:
        steps.append((at(open_claim, 15, 0), lambda: supplement(open_claim, 1, Decimal("18000.00"))))
    for back in (2, 1):  # the insurer's reports of the last two months, each in before the 10th
        first = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
        for _ in range(back - 1):
            first = (first - datetime.timedelta(days=1)).replace(day=1)
        submitted = days.on_or_after((first + datetime.timedelta(days=32)).replace(day=8))
        if enrolled < submitted < today:
            steps.append((at(submitted, 11, 0), _report(first, submitted)))
    return steps


def _report(month: datetime.date, submitted: datetime.date) -> Callable[[], None]:
    def record() -> None:
        county = User.objects.get(username="county")
        insured = InsurancePolicy.objects.filter(year=month.year, product=Product.ACCIDENT).count()
        insurance.report_record(
            actor=county,
            data=insurance.ReportInput(
                county=_county(), month=month, insurer=INSURER, insured_people=insured,
                premium_total=Decimal(70) * insured, claims_count=1, payout_total=Decimal("14000.00"),
                submitted_on=submitted,
            ),
        )  # fmt: skip

    return record


# ----------------------------------------------------------------------------------------------------- employment


def _employment_steps(today: datetime.date, days: Workdays) -> list[tuple[datetime.datetime, Callable[[], object]]]:
    recorded = days.before(today, 40)

    def record() -> None:
        worker = _township_cadre()
        kinds = (EmploymentStatus.CROSS_PROVINCE, EmploymentStatus.CROSS_COUNTY, EmploymentStatus.LOCAL,
                 EmploymentStatus.SEEKING)  # fmt: skip
        for n, member in enumerate(_working_age(recorded)[:12]):
            status = kinds[n % len(kinds)]
            working = status != EmploymentStatus.SEEKING
            employment.record_save(
                actor=worker,
                member=member,
                data=employment.RecordInput(
                    recorded_on=recorded, status=status, months_employed=9 if working else 0,
                    place=PLACES.get(status, ""),
                    employer=EMPLOYERS.get(status, ""),
                    labour_contract=working, social_insurance=working, wish_to_work=True, wish_to_train=not working,
                ),
            )  # fmt: skip
            if not working:  # 1 guidance, 3 offers, 1 training (NR-EMP-04): this one has had the guidance and offers
                employment.service_record(
                    actor=worker,
                    member=member,
                    kind=ServiceKind.GUIDANCE,
                    served_on=recorded,
                    detail="县人社局职业指导",
                )
                for offer in range(3):
                    employment.service_record(
                        actor=worker, member=member, kind=ServiceKind.JOB_OFFER, served_on=recorded,
                        detail=f"岗位推介会第 {offer + 1} 个岗位",
                    )  # fmt: skip

    return [(at(recorded, 14, 0), record)]


# -------------------------------------------------------------------------------------------------- welfare posts


def _months(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


@dataclass
class _Post:
    """The demo post and its holders, filled as the story runs."""

    village: AdminArea | None = None
    post: WelfarePost | None = None
    hires: list[PostHire] = field(default_factory=list)


def _post_steps(today: datetime.date, days: Workdays) -> list[tuple[datetime.datetime, Callable[[], object]]]:
    created = days.before(today, 100)
    hired_on = days.after(created, 3)
    state = _Post()

    def create() -> None:
        # The village of the first township with the most people who could take the post.
        villages = AdminArea.objects.filter(parent=_township_cadre().area).order_by("code")
        state.village = max(villages, key=lambda v: len(post_selectors.candidates(v, on=created)))
        state.post = posts.post_create(
            actor=_township_cadre(),
            data=posts.PostInput(
                village=state.village, name="村道保洁岗", post_type=PostType.CLEANING,
                funding_source=PostFunding.LINKAGE_FUNDS, monthly_subsidy=Decimal("800.00"), positions=2,
                need="村内主干道和文化广场日常保洁", created_on=created,
            ),
        )  # fmt: skip

    def hire() -> None:
        assert state.post is not None
        assert state.village is not None
        for candidate in post_selectors.candidates(state.village, on=hired_on)[:2]:  # priority people first
            state.hires.append(
                posts.hire_create(
                    actor=_township_cadre(),
                    post=state.post,
                    member=candidate.member,
                    hired_on=hired_on,
                    priority_waiver="",
                    measure=None,
                )
            )

    def attendance(month: datetime.date, month_end: datetime.date) -> None:
        in_post = (month_end - max(month, hired_on)).days + 1
        rows = [
            posts.AttendanceInput(hire=one, days_worked=min(22, in_post), assessment=Assessment.QUALIFIED)
            for one in state.hires
        ]
        posts.attendance_record(actor=_township_cadre(), month=month, rows=rows)

    def pay(month: datetime.date) -> None:
        for one in state.hires:
            posts.payment_record(
                actor=_township_cadre(), hire=one, month=month, amount=Decimal("800.00"), paid_on=timezone.localdate()
            )

    steps: list[tuple[datetime.datetime, Callable[[], object]]] = [
        (at(created, 10, 0), create),
        (at(hired_on, 10, 0), hire),
    ]
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    for month in _months(hired_on, last_month):
        month_end = (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        recorded = days.on_or_after(month_end + datetime.timedelta(days=1))
        if days.after(recorded, 2) >= today:
            break
        steps.append((at(recorded, 9, 0), functools.partial(attendance, month, month_end)))
        steps.append((at(days.after(recorded, 2), 9, 0), functools.partial(pay, month)))
    return steps


# ---------------------------------------------------------------------------------------------------- microcredit


def _loan_steps(history_start: datetime.date, days: Workdays) -> list[tuple[datetime.datetime, Callable[[], object]]]:
    signed = days.after(history_start, 20)
    if signed > LOAN_POLICY_ENDS:
        return []  # the policy had closed before the county's history: no new contract to show
    loans: list[object] = []

    def sign() -> None:
        worker = _township_cadre()
        for household in _exited_households(signed):
            head = household.head
            if head is None or not head.birth_date or not 18 <= age_on(head.birth_date, signed) <= 65:
                continue
            loans.append(
                credit.loan_sign(
                    actor=worker,
                    household=household,
                    data=credit.LoanInput(
                        borrower=head,
                        bank=BANK,
                        contract_no=f"HT{signed:%Y%m%d}{len(loans) + 1:03d}",
                        amount=Decimal("30000.00"),
                        signed_on=signed,
                        maturity=signed.replace(year=signed.year + 2),
                        rate=Decimal("3.45"),
                        lpr=Decimal("3.95"),
                        purpose="breeding",
                        purpose_note="肉牛养殖",
                    ),
                )
            )
            if len(loans) == 3:
                break

    repaid_on = days.after(signed, 120)

    def repay() -> None:
        if not loans:
            return
        credit.loan_repay(
            actor=_township_cadre(), loan=loans[0], paid_on=repaid_on, principal=Decimal("10000.00"),  # type: ignore[arg-type]
            interest=Decimal("345.00"),
        )  # fmt: skip

    return [(at(signed, 10, 0), sign), (at(repaid_on, 10, 0), repay)]


# ------------------------------------------------------------------- dropout control (L-15) and entered indicators


def _dropout_steps(today: datetime.date, days: Workdays) -> list[tuple[datetime.datetime, Callable[[], object]]]:
    """A junior-school pupil of the first township stops going to school two months ago and is back a month later
    (控辍保学): L-15 lists the child with the return date."""
    left, back = days.before(today, 40), days.before(today, 20)
    child: list[HouseholdMember] = []

    def leaves() -> None:
        pupil = (
            HouseholdMember.objects.filter(
                household__managing_area__parent=_township_cadre().area, household__closed_on__isnull=True,
                member_status=MemberStatus.PRESENT, schooling_status=SchoolingStatus.JUNIOR,
            )
            .order_by("pk")
            .first()
        )  # fmt: skip
        if pupil is not None:
            child.append(
                member_update(
                    actor=_township_cadre(), member=pupil, changes={"schooling_status": SchoolingStatus.DROPOUT}
                )
            )

    def returns() -> None:
        if child:
            member_update(
                actor=_township_cadre(), member=child[0], changes={"schooling_status": SchoolingStatus.JUNIOR}
            )

    return [(at(left, 16, 0), leaves), (at(back, 9, 0), returns)]


# The county's entered indicators of this year (those the registry cannot know), as the bureau reported them.
ENTERED: Final = {"YH-02": "100", "YH-03": "9860", "YH-06": "100", "YH-07": "100", "YH-20": "93.5"}


def _indicator_steps(today: datetime.date, days: Workdays) -> list[tuple[datetime.datetime, Callable[[], object]]]:
    def enter() -> None:
        reviewer = User.objects.get(username="county")
        for code, value in ENTERED.items():
            kpi_value_enter(
                actor=reviewer, indicator=KpiIndicator.objects.get(code=code), period=str(today.year),
                value=Decimal(value), note="县乡村振兴局年度统计",
            )  # fmt: skip

    return [(at(days.before(today, 3), 15, 0), enter)]
