"""The machinery of the rule catalogue (SPEC §7.3): a rule is a named, versioned predicate over one township, never
a loop over households. Household rules read the township's household facts (``households.facts``, refreshed by
the sweep before its rules run), so every rule sees the one definition of size, income, flags, monitoring status,
guarantees and visits. ``Scope`` carries the township, the day and every number the rules read, fetched once per
township from ``MonitoringThreshold`` and ``PolicyParameter`` (STYLE rule 5)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django_stubs_ext import StrOrPromise

from core.lookups import AnyOf
from geo.codes import AreaLevel
from geo.models import AdminArea
from geo.parameters import parameters
from households.choices import HouseholdFlagKind, MemberStatus
from households.facts import FactContext, context_for, has_flag_q
from households.models import HouseholdFacts, HouseholdMember
from monitoring.choices import OPEN_SUBJECT_STATUSES
from monitoring.models import MonitoringSubject
from sweeps.choices import FourChecksCategory, GapType, RuleMode, SubjectKind

MONEY: DecimalField[Any, Any] = DecimalField(max_digits=14, decimal_places=2)
OPEN_STATUSES = sorted(OPEN_SUBJECT_STATUSES)


@dataclass(frozen=True)
class Scope:
    """One township on one day, with the settings the rules read (SPEC §15.2), fetched once per township."""

    township: AdminArea
    on: datetime.date
    facts: FactContext  # the settings the household facts were computed with (the township's county)
    focus_factor: Decimal  # sweep.focus_income_factor (1.5): focus groups are checked up to F × the line
    guarantee_max_age_days: int  # guarantee.max_age_days
    repeat_threshold: int  # warning.repeat_threshold
    total_target_days: int  # entry.total_target_days
    exit_ready_months: int  # sweep.exit_ready_months
    market_drop_share: Decimal  # sweep.market_drop_share (%)
    vulnerable_share: Decimal  # sweep.vulnerable_share (%)
    policy_income_share: Decimal  # sweep.policy_income_share (%)
    scale_risk_share: Decimal  # sweep.scale_risk_share (%)
    area_ids: tuple[int, ...] = ()  # the township and the areas inside it
    household_ids: tuple[int, ...] = ()  # the open households managed in them (their facts)

    @classmethod
    def of(cls, township: AdminArea, *, on: datetime.date) -> Scope:
        keys = [
            "sweep.focus_income_factor", "guarantee.max_age_days", "warning.repeat_threshold",
            "entry.total_target_days", "sweep.exit_ready_months", "sweep.market_drop_share", "sweep.vulnerable_share",
            "sweep.policy_income_share", "sweep.scale_risk_share",
        ]  # fmt: skip
        values = parameters(keys, area_code=township.code, on=on)
        area_ids = tuple(AdminArea.objects.ids_within(township))

        def number(key: str) -> Decimal:
            return Decimal(str(values[key]))

        return cls(
            township=township,
            on=on,
            facts=context_for(township.code, on=on),
            focus_factor=number("sweep.focus_income_factor"),
            guarantee_max_age_days=int(number("guarantee.max_age_days")),
            repeat_threshold=int(number("warning.repeat_threshold")),
            total_target_days=int(number("entry.total_target_days")),
            exit_ready_months=int(number("sweep.exit_ready_months")),
            market_drop_share=number("sweep.market_drop_share"),
            vulnerable_share=number("sweep.vulnerable_share"),
            policy_income_share=number("sweep.policy_income_share"),
            scale_risk_share=number("sweep.scale_risk_share"),
            area_ids=area_ids,
            household_ids=tuple(
                _managed_facts(area_ids).order_by("household_id").values_list("household_id", flat=True)
            ),
        )

    @property
    def threshold(self) -> Decimal | None:
        """This year's monitoring line (SPEC §3.4)."""
        return self.facts.line

    def households(self) -> QuerySet[HouseholdFacts]:
        """The facts of the open households managed in the township: the township answers for their rectification."""
        return _managed_facts(self.area_ids)

    # Members and subjects are read by their households' ids, listed once per township (a few thousand, bound as one
    # array: ``core.lookups.AnyOf``), and joined to their household's facts by the very join their rules read
    # (household__facts__…), itself held to the township's areas: both sides are then small and indexed. Filtered
    # by a subquery of household ids, or by the join alone, the planner of a province's million households misjudged
    # the join and read every member or every fact for each township (0.9–2.0 s a township).
    def members(self) -> QuerySet[HouseholdMember]:
        return HouseholdMember.objects.filter(
            AnyOf("household_id", self.household_ids),
            AnyOf("household__facts__managing_area_id", self.area_ids),
            member_status=MemberStatus.PRESENT,
        ).order_by()

    def subjects(self) -> QuerySet[MonitoringSubject]:
        return MonitoringSubject.objects.filter(
            AnyOf("household_id", self.household_ids),
            AnyOf("household__facts__managing_area_id", self.area_ids),
            status__in=OPEN_STATUSES,
        ).order_by()

    def villages(self) -> QuerySet[AdminArea]:
        return AdminArea.objects.filter(
            code__startswith=self.township.prefix, level=AreaLevel.VILLAGE, valid_to__isnull=True
        ).order_by()

    def years_ago(self, years: int) -> datetime.date:
        return self.facts.years_ago(years)


@dataclass(frozen=True)
class Rule:
    """One rule of SPEC §7.3 (or a data-quality rule). ``find`` is either a predicate (a ``Q``) over the set its
    ``subject`` kind lives in — the township's household facts, present members or open monitoring subjects —
    which the sweep evaluates together with the other rules of that set in one pass; or, for villages, projects and
    assets, a whole queryset. ``evidence`` names values kept on the problem as the snapshot of why it was found
    (``annotations`` computes those the set does not hold). A rule with ``find`` None is a checklist question of a
    campaign."""

    id: str
    version: int
    category: FourChecksCategory
    subject: SubjectKind
    mode: RuleMode
    title: StrOrPromise  # a lazy translation: problems store its source text, pages read it by ``id``
    basis: str  # the SPEC row and the seed it rests on
    find: Callable[[Scope], Q | QuerySet[Any]] | None = None  # a predicate rule's Q, or the queryset it finds
    gap_type: GapType | str = ""
    evidence: tuple[str, ...] = ()
    annotations: Callable[[Scope], dict[str, Any]] | None = None

    @property
    def automated(self) -> bool:
        return self.find is not None

    @property
    def is_predicate(self) -> bool:
        return self.subject in PREDICATE_SETS

    def condition(self, scope: Scope) -> Q:
        """The predicate of a predicate rule."""
        assert self.find is not None
        found = self.find(scope)
        assert isinstance(found, Q), f"{self.id} is not a predicate rule"
        return found

    def query(self, scope: Scope) -> QuerySet[Any]:
        """The subjects the rule finds in the scope, as one queryset."""
        assert self.find is not None
        found = self.find(scope)
        if not isinstance(found, Q):
            return found
        base = PREDICATE_SETS[self.subject](scope)
        if self.annotations is not None:
            base = base.annotate(**self.annotations(scope))
        return base.filter(found)


def _managed_facts(area_ids: tuple[int, ...]) -> QuerySet[HouseholdFacts]:
    """The facts of the open households managed in these areas (the household set, and the ids the member and
    subject sets are read by)."""
    return HouseholdFacts.objects.filter(AnyOf("managing_area_id", area_ids), active=True)


# The sets predicate rules are evaluated over, by subject kind.
PREDICATE_SETS: dict[str, Callable[[Scope], QuerySet[Any]]] = {
    SubjectKind.HOUSEHOLD: Scope.households,
    SubjectKind.MEMBER: Scope.members,
    SubjectKind.SUBJECT: Scope.subjects,
}


# ------------------------------------------------------------------------------- predicates over the facts


def per_capita_below(scope: Scope, factor: Decimal = Decimal(1), path: str = "") -> Q:
    """Per-capita net income (SPEC §3.2) below ``factor`` × the line (NR-INC-01, strictly below)."""
    if scope.threshold is None:
        return Q(pk__in=[])
    return Q(**{f"{path}per_capita__lt": Value(scope.threshold * factor, output_field=MONEY)})


def monitored(path: str = "") -> Q:
    """An open monitoring episode (SPEC §4.11): the facts table's read of ``monitoring.facts.in_monitoring`` on the
    day the facts were computed (the sweep's day). The two agree on that day because the services date episodes by
    the day they act: ``entered_on`` and ``eliminated_on`` are that day, ``closed_on`` never later (tested in
    tests/sweeps/test_fact_read_model.py)."""
    return Q(**{f"{path}monitoring_status__in": OPEN_STATUSES})


def not_monitored(path: str = "") -> Q:
    """SPEC §7.3: no open monitoring episode and no entry procedure under way."""
    return ~monitored(path) & Q(**{f"{path}entry_open": False})


def exited_or_monitored(path: str = "") -> Q:
    """A 脱贫户 or a household in monitoring, of any category: ``monitoring.facts.exited_or_monitored`` read from the
    facts table (the ``exited_poor`` bit is the flag in force on the facts' day, ``households.facts.exited_on``), so
    a sweep over a province's households joins no flags or episodes."""
    return has_flag_q(HouseholdFlagKind.EXITED_POOR, path=path) | monitored(path)


def share_at_least(part: str, whole: str, pct: Decimal) -> Q:
    """``part`` / ``whole`` ≥ pct %, without division: part ≥ pct / 100 × whole (whole > 0)."""
    return Q(**{f"{whole}__gt": 0}) & Q(**{f"{part}__gte": F(whole) * Value(pct / 100, output_field=MONEY)})


def per_village(scope: Scope, facts: QuerySet[HouseholdFacts], **totals: Any) -> QuerySet[AdminArea]:
    """The township's villages with totals over their households' facts: one GROUP BY per total, read per village
    (a township has a few dozen villages), never a membership test over a large subquery."""
    annotations = {}
    for name, total in totals.items():
        grouped = (
            facts.filter(managing_area=OuterRef("pk"))
            .order_by()
            .values("managing_area")
            .annotate(total=total)
            .values("total")
        )
        annotations[name] = Coalesce(Subquery(grouped[:1]), Value(0), output_field=IntegerField())
    return scope.villages().annotate(**annotations)


def count_where(condition: Q) -> Sum:
    """A count of facts rows meeting ``condition``, as a total for ``per_village``."""
    from django.db.models import Case, When

    return Sum(Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField()))


def born_between(scope: Scope, low_age: int, high_age: int) -> Q:
    """Members aged ``low_age`` … ``high_age`` (inclusive) on the scope's day (``households.facts.age_between_q``)."""
    from households.facts import age_between_q

    return age_between_q(scope.facts, low_age, high_age)
