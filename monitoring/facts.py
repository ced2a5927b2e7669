"""The household facts monitoring owns (SPEC §4.11): the status and category of the household's monitoring, an
entry procedure under way, and the visit class they put the household in (SPEC §4.13). Contributed to the facts
table through ``households.facts.register`` (households sits below monitoring and imports nothing of it)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any, Final, NamedTuple

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Value, When, Window
from django.db.models.functions import RowNumber

from core.lookups import InTable
from geo.parameters import parameter, parameter_q
from households.facts import ContributedSql, FactContext, exited_on, exited_on_q, no_open_risk_q
from households.facts.context import Dialect, compiled
from households.models import Household
from monitoring.choices import OPEN_ENTRY_STATES, OPEN_SUBJECT_STATUSES, SubjectCategory, SubjectStatus
from monitoring.models import EntryApplication, MonitoringSubject

# The visit class of each status (``visit.interval_days``): monitored and in elimination are visited as
# monitored, a held household as held, an eliminated one as eliminated.
VISIT_CLASS: Final[dict[str, str]] = {
    SubjectStatus.MONITORED: "monitored",
    SubjectStatus.ELIMINATION_IN_PROGRESS: "monitored",
    SubjectStatus.ELIMINATION_HOLD: "hold",
    SubjectStatus.RISK_ELIMINATED: "eliminated",
}


class Episode(NamedTuple):
    status: str
    category: str
    entered_on: datetime.date
    eliminated_on: datetime.date | None
    pk: int


def monitoring_facts(episodes: Iterable[Episode], *, entry_open: bool) -> dict[str, Any]:
    """The open episode's status and category, else the latest closed episode's status (SPEC §4.11)."""
    rows = sorted(episodes, key=lambda e: (e.entered_on, e.pk))
    current = next((e for e in rows if e.status in OPEN_SUBJECT_STATUSES), rows[-1] if rows else None)
    classes: dict[str, datetime.date] = {}
    if current is not None and current.status in VISIT_CLASS:
        since = current.eliminated_on if current.status == SubjectStatus.RISK_ELIMINATED else None
        classes[VISIT_CLASS[current.status]] = since or current.entered_on
    return {
        "monitoring_status": current.status if current else "",
        "monitoring_category": current.category if current and current.status in OPEN_SUBJECT_STATUSES else "",
        "entry_open": entry_open,
        "visit_classes": classes,
    }


FIELDS: Final = ("status", "category", "entered_on", "eliminated_on", "pk")
OPEN: Final = sorted(OPEN_SUBJECT_STATUSES)


class MonitoringFacts:
    """Monitoring's contribution to the facts table, with both faces."""

    columns: tuple[str, ...] = ("monitoring_status", "monitoring_category", "entry_open")

    def one(self, household: Household, ctx: FactContext) -> dict[str, Any]:
        """Python face."""
        episodes = [Episode(*row) for row in MonitoringSubject.objects.filter(household=household).values_list(*FIELDS)]
        entry_open = any(
            state in OPEN_ENTRY_STATES for state in household.entry_applications.values_list("state", flat=True)
        )
        return monitoring_facts(episodes, entry_open=entry_open)

    def sql(self, ids: Callable[[str], InTable], ctx: FactContext, d: Dialect) -> ContributedSql:
        """Query face: the current episode of each household (the open one, else the latest) and whether an entry
        procedure is under way, as derived tables ``ms`` and ``me``."""
        open_first = Case(When(status__in=OPEN, then=Value(0)), default=Value(1), output_field=IntegerField())
        rank = Window(
            RowNumber(),
            partition_by=F("household_id"),
            order_by=[open_first.asc(), F("entered_on").desc(), F("pk").desc()],
        )
        current = (
            MonitoringSubject.objects.filter(ids("household_id"))
            .order_by()
            .annotate(rank=rank)
            .filter(rank=1)
            .values("household_id", "status", "category", "entered_on", "eliminated_on")
        )
        entering = (
            EntryApplication.objects.filter(ids("household_id"), state__in=sorted(OPEN_ENTRY_STATES))
            .order_by()
            .values("household_id")
            .annotate(n=Count("pk"))
        )
        statuses = {cls: sorted(s for s, c in VISIT_CLASS.items() if c == cls) for cls in set(VISIT_CLASS.values())}

        def since(visit_class: str) -> str:
            listed = ", ".join(d.text(status) for status in statuses[visit_class])
            start = "COALESCE(ms.eliminated_on, ms.entered_on)" if visit_class == "eliminated" else "ms.entered_on"
            return f"CASE WHEN ms.status IN ({listed}) THEN {start} END"

        open_listed = ", ".join(d.text(status) for status in OPEN)
        return ContributedSql(
            joins=[("ms", compiled(current)), ("me", compiled(entering))],
            columns={
                "monitoring_status": "COALESCE(ms.status, '')",
                "monitoring_category": f"CASE WHEN ms.status IN ({open_listed}) THEN ms.category ELSE '' END",
                "entry_open": "(COALESCE(me.n, 0) > 0)",
                "monitored_since": since("monitored"),
                "hold_since": since("hold"),
                "eliminated_since": since("eliminated"),
            },
        )


# ------------------------------------------------------------------------------ in monitoring on a day (§4.11)

ALL_CATEGORIES: Final = frozenset(SubjectCategory.values)


def monitored_on(subject: Any, on: datetime.date) -> bool:
    """Python face: the episode is under monitoring on ``on`` (SPEC §4.6 EN-6, §4.11) — registered that day or
    before, and not ended by then: still open (monitored, in elimination, held), or marked 风险消除 / closed only
    after ``on``. An episode ended without its day recorded counts as ended."""
    if subject.entered_on > on:
        return False
    if subject.status in OPEN_SUBJECT_STATUSES:
        return True
    return any(ended is not None and ended > on for ended in (subject.eliminated_on, subject.closed_on))


def monitored_on_q(on: datetime.date) -> Q:
    """Query face of ``monitored_on`` over MonitoringSubject."""
    return Q(entered_on__lte=on) & (Q(status__in=OPEN) | Q(eliminated_on__gt=on) | Q(closed_on__gt=on))


def in_monitoring(subjects: Iterable[Any], on: datetime.date, categories: frozenset[str] = ALL_CATEGORIES) -> bool:
    """Python face: the household has an episode of one of ``categories`` under monitoring on ``on``, from its
    episodes (``household.monitoring_subjects.all()``, prefetched where many are read)."""
    return any(s.category in categories and monitored_on(s, on) for s in subjects)


def in_monitoring_q(on: datetime.date, categories: frozenset[str] = ALL_CATEGORIES, path: str = "") -> Q:
    """Query face of ``in_monitoring``: ``path`` leads from the queried model to the household."""
    subjects = MonitoringSubject.objects.filter(monitored_on_q(on), household=OuterRef(f"{path}pk"))
    if categories != ALL_CATEGORIES:
        subjects = subjects.filter(category__in=sorted(categories))
    return Q(Exists(subjects))


def exited_or_monitored(
    household: Household, *, on: datetime.date, categories: frozenset[str] = ALL_CATEGORIES
) -> bool:
    """Python face: on ``on`` the household is a 脱贫户 (``households.facts.exited_on``) or in monitoring in one of
    ``categories`` — whom the programmes of SPEC §11 serve: microcredit (脱贫户 and 边缘易致贫户, NR-LOAN-01), the
    subsidised 乡村振兴健康保 (脱贫户 and every monitoring subject, §11.2), and with further flags the employment
    groups of §11.3. Reads ``household.flags`` and ``household.monitoring_subjects`` (prefetch them for many)."""
    return exited_on(household.flags.all(), on) or in_monitoring(household.monitoring_subjects.all(), on, categories)


def exited_or_monitored_q(*, on: datetime.date, categories: frozenset[str] = ALL_CATEGORIES, path: str = "") -> Q:
    """Query face of ``exited_or_monitored``: ``path`` leads from the queried model to the household ("" over
    Household, "household__" over HouseholdMember)."""
    return exited_on_q(on, path) | in_monitoring_q(on, categories, path)


# --------------------------------------------------------------------------------------------- subject facts


def plan_due_days(area_code: str, *, on: datetime.date) -> int:
    """``measure.plan_due_days`` (15 by default) as the county of an area sets it: how long after entry a subject
    may go without a measure (SPEC §4.14)."""
    return int(parameter("measure.plan_due_days", area_code=area_code, on=on))


def without_measures(subject: Any, *, on: datetime.date) -> bool:
    """Python face: an open subject with no measure ``plan_due_days`` days after entry, by its own county's setting
    (漏扶, SPEC §4.14; FC-GAP-MISSED-AID-01, the home queue and the counts). Entered exactly that many days before
    ``on``, it is not yet late. The subject's household, its area and its measures should be prefetched."""
    due_days = plan_due_days(subject.household.managing_area.code, on=on)
    return (
        subject.status in OPEN_SUBJECT_STATUSES
        and subject.entered_on < on - datetime.timedelta(days=due_days)
        and not subject.measures.all()
    )


def without_measures_q(*, on: datetime.date) -> Q:
    """Query face of ``without_measures`` over MonitoringSubject: each subject by its own county's
    ``plan_due_days``, wherever it lies (``geo.parameters.parameter_q``)."""
    from monitoring.models import AssistanceMeasure

    def late(due_days: Any) -> Q:
        entered_before = on - datetime.timedelta(days=int(due_days))
        return Q(status__in=sorted(OPEN_SUBJECT_STATUSES), entered_on__lt=entered_before) & ~Q(
            Exists(AssistanceMeasure.objects.filter(subject=OuterRef("pk")))
        )

    return parameter_q("measure.plan_due_days", late, on=on, code_path="household__managing_area__code")


def elimination_candidate_q() -> Q:
    """Query face over MonitoringSubject: SPEC §4.8 preconditions 1–3 as the registry shows them — monitored,
    the household's exit income met (the household fact ``exit_income_met``), no open risk, measures recorded —
    and no elimination case under way. The home queue suggests these for EL-0; FC-GAP-MISSED-AID-02 finds those
    left waiting."""
    from monitoring.choices import OPEN_ELIMINATION_STATES
    from monitoring.models import AssistanceMeasure, EliminationCase

    open_case = EliminationCase.objects.filter(subject=OuterRef("pk"), state__in=sorted(OPEN_ELIMINATION_STATES))
    return (
        Q(status=SubjectStatus.MONITORED)
        & no_open_risk_q("household__facts__")
        & Q(household__facts__exit_income_met=True)
        & Q(Exists(AssistanceMeasure.objects.filter(subject=OuterRef("pk"))))
        & ~Q(Exists(open_case))
    )
