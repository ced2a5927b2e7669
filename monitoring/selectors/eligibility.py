"""Eligibility for entry and elimination (SPEC §4.1–§4.2, §4.8): every check of a case with its outcome and, when it
fails, the refusal that names it — the reviewers' checklist and the services' guards read the same checks."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError, Fix
from geo.parameters import parameter
from households import facts as household_facts
from households import rules as household_rules
from households.choices import (
    HouseholdFlagKind,
    HousingSafety,
    MemberStatus,
    VisitKind,
)
from households.models import Household, RiskFlag
from households.selectors import (
    Hardship,
    IncomeSummary,
    fact_context,
    has_open_flag,
    household_guarantee_status,
    household_hardship,
    household_income_summary,
)
from monitoring import rules
from monitoring.choices import (
    RIGID_TEST_REQUIRES_BOTH,
    EliminationState,
    MeasureStatus,
    MeasureType,
    SubjectCategory,
    TriggerCondition,
)
from monitoring.models import (
    EntryApplication,
    MonitoringSubject,
)
from monitoring.selectors.suggestions import identification_hints


@dataclass(frozen=True)
class Check:
    label: str
    ok: bool | None  # None: cannot be judged from the data
    detail: str
    refusal: str = ""  # what county approval answers when this check does not pass
    blocking: bool = True  # False: shown to the reviewer, who judges; approval does not refuse on it
    field: str = "category"  # the input a refusal names
    fix: Fix | None = None  # the step elsewhere that puts this condition right


@dataclass(frozen=True)
class EntryChecks:
    checks: list[Check]
    summary: IncomeSummary | None
    suggested_triggers: list[TriggerCondition] = field(default_factory=list)

    @property
    def failures(self) -> list[Check]:
        """Every blocking check that does not pass: a refusal names them all (and only them)."""
        return [check for check in self.checks if check.blocking and check.ok is not True]


# The steps that put a failing condition right, on the household's or the subject's page.
def income_fix(household: Household) -> Fix:
    return Fix(_("录入收入"), reverse("households:income-edit", args=[household.pk]))


def visit_fix(household: Household, *, spot_check: bool = False) -> Fix:
    url = reverse("households:visit-create", args=[household.pk])
    if spot_check:
        return Fix(_("登记抽查走访"), f"{url}?kind={VisitKind.SPOT_CHECK}")
    return Fix(_("登记走访核查"), url)


def risk_fix(household: Household) -> Fix:
    return Fix(_("处置农户风险"), reverse("households:risk-list", args=[household.pk]))


def _risk_named(risk: RiskFlag) -> str:
    """A risk as a refusal names it: its type, since when, and where it was found."""
    source = risk.get_source_display() + (f"（{risk.source_label}）" if risk.source_label else "")
    return _("“%(type)s”（%(on)s 起，%(source)s）") % {
        "type": risk.get_risk_type_display(),
        "on": risk.found_on,
        "source": source,
    }


def open_risk_checks(household: Household, *, on: datetime.date) -> list[Check]:
    """SPEC §4.8 precondition 3, no open risk (the household fact of ``households.facts.risks``): one failing check
    per open risk, naming its type, since when and its source, with the household's risks page as the fix; one
    passing check when there is none."""
    label = _("无未消除的风险")
    risks = household_facts.open_risks(household.risks.all(), on)
    if not risks:
        return [Check(label, True, _("无"))]
    return [
        Check(
            label,
            False,
            _("%(risk)s：%(evidence)s") % {"risk": _risk_named(risk), "evidence": risk.evidence},
            refusal=_("风险%(risk)s尚未消除，须先落实帮扶并登记消除") % {"risk": _risk_named(risk)},
            field="checks",
            fix=risk_fix(household),
        )
        for risk in risks
    ]


def measures_fix(subject: MonitoringSubject, label: str = "") -> Fix:
    return Fix(label or _("录入帮扶措施"), f"{subject.get_absolute_url()}#measures")


def trigger_profile(household: Household, *, on: datetime.date) -> str:
    """Setting ``monitoring.trigger_profile`` (SPEC §4.2: ``ningxia`` by default, ``longde`` where enabled)."""
    return str(parameter("monitoring.trigger_profile", area_code=household.managing_area.code, on=on))


def trigger_facts(household: Household, *, on: datetime.date) -> tuple[rules.TriggerFacts, Hardship]:
    """The registry facts the trigger conditions of SPEC §4.2 are suggested from, and the hardship flags of §3.3:
    the household facts (``households.facts``) of one household. Members, incomes and rigid expenses should be
    prefetched."""
    ctx = fact_context(household, on=on)
    counts = household_facts.member_counts(household.members.all(), ctx)
    bills = household_facts.bill_totals(household.rigid_expenses.all(), ctx)
    hardship = household_hardship(household, on=on, ctx=ctx)
    hints = identification_hints(household, on=on)  # a risk event that hit it (SPEC §4.2 UE-2/UE-3, §4.12)
    facts = rules.TriggerFacts(
        confirmed_serious_illness=counts["confirmed_ill"] > 0,
        serious_or_chronic_illness=counts["seriously_ill"] + counts["chronically_ill"] > 0,
        large_medical_oop=hardship.large_medical_oop,
        disaster=bills["disaster"] > 0
        or household.housing_safety == HousingSafety.DISASTER_DAMAGED
        or any(hint.disaster for hint in hints),
        sudden_event=bills["sudden"] > 0 or any(hint.sudden_event for hint in hints),
        main_labourer_disabled=counts["disabled_main_labourers"] > 0,
        business_loss=hardship.business_loss,
        college_students=counts["college_students"],
        rigid_exceeds_income=hardship.rigid_exceeds_income,
        sharp_income_drop=hardship.sharp_income_drop,
    )
    return facts, hardship


def _yes_no(value: bool | None) -> str:
    return _("无法判断") if value is None else (_("是") if value else _("否"))


def entry_checks(
    household: Household, category: str, *, on: datetime.date, triggers: Iterable[str] = ()
) -> EntryChecks:
    """The entry conditions of one household for one category, in one place: the reviewers' checklist shows them
    and county approval refuses on the first blocking one that fails (SPEC §4.2 triggers, §4.1 category fit,
    NR-INC-01/02 income). The rigid test NR-INC-06 is shown beside them for the reviewer to judge: the seeds word
    it as what the trigger "leads to", which the records of expenses at entry can rarely prove alone."""
    checks = []
    cited = [str(code) for code in triggers]
    profile = trigger_profile(household, on=on)
    facts, hardship = trigger_facts(household, on=on)
    suggested = rules.suggested_triggers(facts, category=category, profile=profile)
    label = SubjectCategory(category).label if category in SubjectCategory.values else category
    fits = rules.triggers_fit_category(cited, category=category, profile=profile)
    cited_labels = "、".join(str(TriggerCondition(code).label) for code in cited if code in TriggerCondition.values)
    suggested_labels = "、".join(str(code.label) for code in suggested) or _("无")
    checks.append(
        Check(
            _("界定条件"),
            fits,
            _("已引用：%(value)s；数据提示：%(suggested_labels)s")
            % {"value": cited_labels or _("无"), "suggested_labels": suggested_labels},
            refusal=_("须至少引用一项“%(label)s”的界定条件") % {"label": label},
            field="triggers",
        )
    )
    last_year = (
        _("未录入完整") if hardship.last_year_net is None else _("%(amount)s 元") % {"amount": hardship.last_year_net}
    )
    rigid_ok = household_rules.rigid_test(
        hardship.rigid_exceeds_income,
        hardship.sharp_income_drop,
        require_both=RIGID_TEST_REQUIRES_BOTH.get(profile, False),
    )
    checks.append(
        Check(
            _("刚性支出超过上年度收入或收入大幅缩减"),
            rigid_ok,
            _(
                "刚性支出 %(rigid_total)s 元（%(label)s），"
                "%(last_year)s 年家庭纯收入 %(last_year2)s；刚性支出超过上年"
                "度收入：%(yes_no)s；收入大幅缩减：%(yes_no2)s"
            )
            % {
                "rigid_total": hardship.rigid_total,
                "label": hardship.window.label,
                "last_year": hardship.last_year,
                "last_year2": last_year,
                "yes_no": _yes_no(hardship.rigid_exceeds_income),
                "yes_no2": _yes_no(hardship.sharp_income_drop),
            },
            blocking=False,
        )
    )
    try:
        summary: IncomeSummary | None = household_income_summary(household, on=on)
    except DomainError as exc:
        summary = None
        checks.append(Check(_("收入测算"), None, exc.message, refusal=exc.message, fix=income_fix(household)))
    if summary is not None:
        in_scope = rules.entry_income_in_scope(category, summary.per_capita, summary.threshold.amount)
        shown = _("未录入完整") if summary.per_capita is None else _("%(amount)s 元") % {"amount": summary.per_capita}
        checks.append(
            Check(
                _("收入低于监测标准")
                if category != SubjectCategory.SUDDEN_HARDSHIP
                else _("收入（突发严重困难户不设上限）"),
                in_scope,
                _("人均纯收入 %(shown)s（%(label)s），监测标准 %(amount)s 元")
                % {"shown": shown, "label": summary.window.label, "amount": summary.threshold.amount},
                refusal=(
                    _(
                        "人均纯收入 %(shown)s，不低于 %(year)s 年监测标准 "
                        "%(amount)s 元，不能按“%(label)s”纳入（突发严重困难户不受此限）"
                    )
                    % {
                        "shown": shown,
                        "year": summary.threshold.year,
                        "amount": summary.threshold.amount,
                        "label": SubjectCategory(category).label,
                    }
                ),
                fix=income_fix(household) if summary.per_capita is None else None,
            )
        )
    exited = has_open_flag(household, HouseholdFlagKind.EXITED_POOR, on=on)
    excludes = bool(parameter("monitoring.marginal_excludes_exited", area_code=household.managing_area.code, on=on))
    checks.append(
        Check(
            _("类别与农户身份相符"),
            rules.category_fits_household(category, exited_poor=exited, marginal_excludes_exited=excludes),
            _("脱贫户") if exited else _("非脱贫户"),
            refusal=_("脱贫不稳定户须为脱贫户")
            if category == SubjectCategory.UNSTABLE_EXITED
            else _("边缘易致贫户不能是脱贫户"),
        )
    )
    # The risks found on the household (SPEC §4.3): what the application is about, for the reviewer to judge.
    risks = household_facts.open_risks(household.risks.all(), on)
    checks.append(
        Check(
            _("已发现的风险"),
            True if risks else None,
            "、".join(_risk_named(risk) for risk in risks) or _("尚未登记风险"),
            blocking=False,
            fix=risk_fix(household),
        )
    )
    return EntryChecks(checks=checks, summary=summary, suggested_triggers=suggested)


def eligibility(application: EntryApplication, *, today: datetime.date | None = None) -> list[Check]:
    """The checklist the reviewers see (SPEC §4.6, §4.7, §4.8)."""
    category = application.category or application.proposed_category
    on = today or timezone.localdate()
    return entry_checks(application.household, category, on=on, triggers=application.triggers).checks


def trigger_choices(household: Household, *, on: datetime.date) -> list[tuple[str, str, str, bool]]:
    """The triggers a report may cite under the household's profile: (code, label, category, suggested), for the
    report form to pre-tick what the data supports (SPEC §4.2)."""
    profile = trigger_profile(household, on=on)
    facts, _hardship = trigger_facts(household, on=on)
    rows = []
    for category in SubjectCategory.values:
        suggested = set(rules.suggested_triggers(facts, category=category, profile=profile))
        for code in rules.triggers_of(category, profile):
            rows.append((code.value, str(code.label), category, code in suggested))
    return rows


# --------------------------------------------------------------------------------------------- risk elimination

E = EliminationState


@dataclass(frozen=True)
class ExitChecks:
    """SPEC §4.8 preconditions for one subject, in one place: the reviewers' checklist shows them, county screening
    (EL-5) and marking (EL-7) refuse naming every one that fails. Labour capacity decides the outcome (§4.9)."""

    checks: list[Check]
    summary: IncomeSummary | None
    has_labour: bool
    has_social_security_measure: bool

    @property
    def failures(self) -> list[Check]:
        """Every check that does not pass: a refusal names them all (and only them)."""
        return [check for check in self.checks if check.ok is not True]


# Exit checks whose data live in the apps above this one (open department warnings, in ``sweeps``): each registers,
# in its ``AppConfig.ready``, a function of the subject and the day returning its checks, and ``elimination_checks``
# adds them to its own. The checklist, county screening (EL-5) and marking (EL-7) so read them with the rest, and
# this app imports none of those apps (tests/test_layering.py).
ExitCheckSource = Callable[[MonitoringSubject, datetime.date], list[Check]]
_exit_check_sources: list[ExitCheckSource] = []


def register_exit_checks(source: ExitCheckSource) -> ExitCheckSource:
    """Add ``source``'s checks to every subject's exit checks (idempotent, so a second ``ready`` adds nothing)."""
    if source not in _exit_check_sources:
        _exit_check_sources.append(source)
    return source


def _exit_parameter(key: str, household: Household, on: datetime.date) -> Any:
    return parameter(key, area_code=household.managing_area.code, on=on)


def elimination_checks(subject: MonitoringSubject, *, on: datetime.date) -> ExitChecks:
    household = subject.household
    checks: list[Check] = []
    # 1. NR-INC-04/05: this year's income at least the line × 1.10 (6000 → 6600 in Ningxia 2021, inclusive).
    try:
        summary: IncomeSummary | None = household_income_summary(household, on=on)
    except DomainError as exc:
        summary = None
        checks.append(Check(_("收入测算"), None, exc.message, refusal=exc.message, fix=income_fix(household)))
    if summary is not None:
        margin = summary.exit_margin_pct
        income_ok = summary.exit_income_met  # the income fact, as sweeps, queues and counts read it
        shown = _("未录入完整") if summary.per_capita is None else _("%(amount)s 元") % {"amount": summary.per_capita}
        checks.append(
            Check(
                _("收入稳定超过监测标准 10% 以上"),
                income_ok,
                _(
                    "人均纯收入 %(shown)s（%(label)s），风险消除标准 "
                    "%(exit_line)s 元（监测标准 %(amount)s 元 × "
                    "%(value)s%%）"
                )
                % {
                    "shown": shown,
                    "label": summary.window.label,
                    "exit_line": summary.exit_line,
                    "amount": summary.threshold.amount,
                    "value": 100 + margin,
                },
                refusal=_("人均纯收入 %(shown)s，未达到风险消除标准 %(exit_line)s 元")
                % {"shown": shown, "exit_line": summary.exit_line},
                fix=income_fix(household) if summary.per_capita is None else None,
            )
        )
    # 2. The latest 两不愁三保障 and water check is recent and all OK, and the registry shows no guarantee risk.
    guarantee = household_guarantee_status(household, on=on)
    secure, check, risks = guarantee.guarantee_facts, guarantee.latest_check, guarantee.risks
    refusals = []  # every condition that fails, and only those
    if not (secure.check_current and secure.check.all_ok):
        refusals.append(_("须有 %(days)s 天内的“两不愁三保障”核查且全部达标") % {"days": guarantee.check_max_age_days})
    if risks:
        refusals.append(_("两不愁三保障未达标：%(risks)s") % {"risks": "、".join(risks)})
    checks.append(
        Check(
            _("“两不愁三保障”及饮水安全持续巩固"),
            secure.secure,
            (_("最近核查 %(on)s") % {"on": check.checked_on} if check else _("尚无核查记录"))
            + (_("；%(risks)s") % {"risks": "、".join(risks)} if risks else ""),
            refusal="；".join(refusals),
            fix=visit_fix(household),
        )
    )
    # 3. No open risk (RiskFlag): each open one is named.
    checks += open_risk_checks(household, on=on)
    # 4. Measures recorded, each with its effect (003 L238).
    measures = list(subject.measures.values_list("measure_type", "status", "outcome_note"))
    complete = rules.measures_complete((status, note) for _type, status, note in measures)
    missing = sum(1 for _type, _status, note in measures if not note.strip())
    checks.append(
        Check(
            _("帮扶措施已录入并有成效"),
            complete,
            _("%(count)s 项措施") % {"count": len(measures)}
            + (_("，%(missing)s 项未填写成效") % {"missing": missing} if missing else ""),
            refusal=_("须先录入帮扶措施并填写每项措施的帮扶成效"),
            fix=measures_fix(subject),
        )
    )
    # 6. Optional minimum time in monitoring.
    min_months = int(_exit_parameter("exit.min_months_in_monitoring", household, on))
    if min_months:
        checks.append(
            Check(
                _("纳入监测满 %(min_months)s 个月") % {"min_months": min_months},
                rules.monitored_long_enough(subject.entered_on, today=on, min_months=min_months),
                _("%(entered_on)s 纳入") % {"entered_on": subject.entered_on},
                refusal=_("纳入监测未满 %(min_months)s 个月") % {"min_months": min_months},
            )
        )
    # The checks of the apps above (EL-5 "open warnings of the last quarter": ``sweeps``).
    for source in _exit_check_sources:
        checks += source(subject, on)
    # 5. Labour capacity decides between 风险消除 and 暂不标注 (SPEC §4.9).
    present = [m for m in household.members.all() if m.member_status == MemberStatus.PRESENT]
    has_labour = rules.labour_capacity_present(
        [(m.labour_capacity, m.is_main_labourer) for m in present],
        scope=str(_exit_parameter("exit.hold_scope", household, on)),
        weak_counts_as_labour=bool(_exit_parameter("exit.weak_counts_as_labour", household, on)),
    )
    has_social_security = any(
        measure_type == MeasureType.SOCIAL_SECURITY and status != MeasureStatus.STOPPED
        for measure_type, status, _note in measures
    )
    return ExitChecks(
        checks=checks,
        summary=summary,
        has_labour=has_labour,
        has_social_security_measure=has_social_security,
    )


# Who takes the pending step of each elimination state (SPEC §4.8).
