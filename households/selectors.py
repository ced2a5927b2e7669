"""Reads of the registry; every one starts from ``visible_to(user)`` (STYLE rule 2)."""

import dataclasses
import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import can_view_identity
from accounts.roles import Role
from core.errors import DomainError
from core.lookups import AnyOf
from core.planning import aggregate_by_key, values_by_key
from geo.codes import ABOVE_COUNTIES, AreaCodeError, AreaLevel, ancestor_code, level_of, prefix_of
from geo.models import AdminArea
from geo.parameters import area_codes_up
from households import facts, rules
from households.facts.guarantees import GuaranteeFacts
from households.idnumbers import normalize
from households.models import (
    AssistancePairing,
    GuaranteeCheck,
    Household,
    HouseholdFacts,
    HouseholdFlag,
    HouseholdMember,
    IncomeRecord,
    MonitoringThreshold,
    RiskFlag,
    RiskFlagEvent,
)

SORTS = {
    "household_no": "household_no",
    "-household_no": "-household_no",
    "head_name": "head_name",
    "-head_name": "-head_name",
    "village": "managing_area__code",
    "-village": "-managing_area__code",
    "size": "facts__size",
    "-size": "-facts__size",
}


def household_list(*, user: User, q: str = "", area_code: str = "", sort: str = "") -> QuerySet[Household]:
    """The households a user may see, filtered and sorted; a fixed number of queries whatever the page size."""
    return household_search(
        Household.objects.visible_to(user), q=q, area_code=area_code, sort=sort, by_id_number=can_view_identity(user)
    )


@dataclass(frozen=True)
class HouseholdNarrowing:
    """``?household=<id>`` on another app's list (a household's loans, policies, posts …): the id to narrow the list
    by, and the household to name above it when the user may see it."""

    pk: int | None
    household: Household | None


def household_narrowing(user: User, params: Any) -> HouseholdNarrowing:
    """The household a list is narrowed to by its ``household`` query parameter; the list filters by ``pk`` inside
    its own scoped queryset, so a household the user may not see narrows it to nothing."""
    value = str(params.get("household", ""))
    pk = int(value) if value.isdigit() and len(value) < 10 else None
    shown = Household.objects.visible_to(user).filter(pk=pk).first() if pk is not None else None
    return HouseholdNarrowing(pk, shown)


# The most matches of a search read ahead as ids (``household_search``): 20,000 ids are 0.1 MB each way.
SEARCH_IDS_MAX: Final = 20_000


def searches_by_id_number(q: str) -> bool:
    """The search text is a citizen ID number (17 digits and a digit or X), not a household number or a name."""
    number = normalize(q.strip())
    return len(number) == 18 and number[:17].isdigit() and (number[17].isdigit() or number[17] == "X")


def household_search(
    queryset: QuerySet[Household], *, q: str = "", area_code: str = "", sort: str = "", by_id_number: bool = True
) -> QuerySet[Household]:
    """Narrow an already scoped queryset (``visible_to`` ran) by search text, area and sort order. The size is the
    household fact, read with the row; nothing is aggregated over the jurisdiction. ``by_id_number`` False (a role
    that sees ID numbers masked) never matches a member's ID number: a search that found a household by a guessed
    full number would confirm the guess, and a masked number with the birth date leaves only about ten guesses."""
    queryset = queryset.select_related("managing_area", "managing_area__parent", "facts")
    q = q.strip()
    if q:
        # A UNION of indexed lookups (unique household number or ID number; name prefixes with pattern operator
        # classes): an OR across the two tables would scan the whole jurisdiction.
        # Each branch is read inside the territory (``queryset``): a common name prefix matches tens of thousands of
        # a province's households, and the territory's index narrows the name index's matches before they are joined.
        number = normalize(q)
        territory = queryset.order_by().values("pk")
        if number.isdigit() or (number[:-1].isdigit() and number.endswith("X")):
            own = queryset.filter(household_no=q)
            members = HouseholdMember.objects.filter(id_number=number, household__in=territory)
            if not by_id_number:
                members = members.none()
        else:
            own = queryset.filter(head_name__startswith=q)
            members = HouseholdMember.objects.filter(name__startswith=q, household__in=territory)
        matches = (
            own.order_by().values_list("pk", flat=True).union(members.order_by().values_list("household_id", flat=True))
        )
        # The matches are read first, and the list is narrowed to them by key. Left a subquery, PostgreSQL joins it
        # by hashing (it never keeps the number order through a hash): every household of the territory is read to
        # find them and all the matches are sorted, where the page needs the first 25 by number (a county reviewer's
        # "户主1" among 120,000 households: the page's read 83 ms, against 6 ms walking the number index with the
        # ids in hand). Past ``SEARCH_IDS_MAX`` (a province's common name prefix) they stay a subquery.
        ids = list(matches[: SEARCH_IDS_MAX + 1])
        queryset = queryset.filter(AnyOf("pk", ids) if len(ids) <= SEARCH_IDS_MAX else Q(pk__in=matches))
    if area_code:
        try:
            prefix = prefix_of(area_code, level_of(area_code))
        except AreaCodeError:
            return queryset.none()
        queryset = queryset.filter(managing_area__code__startswith=prefix)
    return queryset.order_by(SORTS.get(sort, "household_no"), "pk")


def with_facts(households: list[Household]) -> list[Household]:
    """Make sure every household of a page carries its facts (``select_related("facts")`` read them): one missing
    (a household written before the facts table, or by a path that does not refresh them) is computed now."""
    missing = [h.pk for h in households if _facts_missing(h)]
    if missing:
        facts.facts_refresh_households(missing)
        found = {row.household_id: row for row in HouseholdFacts.objects.filter(household_id__in=missing)}
        for household in households:
            if household.pk in found:
                household.facts = found[household.pk]
    return households


def _facts_missing(household: Household) -> bool:
    try:
        return household.facts is None
    except HouseholdFacts.DoesNotExist:
        return True


# ------------------------------------------------------------------------------------------- income and the line


@dataclass(frozen=True)
class ThresholdChoice:
    amount: Decimal
    year: int
    area_code: str
    carried_forward: bool  # no row for the requested year: the latest earlier year is used, and the page says so
    national_line: Decimal | None = None  # the national poverty line of that row, where entered (SPEC §3.4 floor)


def threshold_for(*, area_code: str, year: int) -> ThresholdChoice:
    """SPEC §3.4: the line of the decision year for the most specific area (county before province). A year an
    administrator has not entered yet carries the latest earlier year forward, visibly."""
    scopes = area_codes_up(area_code)
    depth = {code: index for index, code in enumerate(scopes)}
    rows = list(MonitoringThreshold.objects.filter(area_code__in=scopes, year__lte=year))
    if not rows:
        raise DomainError(
            _("%(year)s 年及以前的监测标准均未设置，请系统管理员在“监测标准”中录入") % {"year": year}, field="threshold"
        )
    best = max(rows, key=lambda row: (row.year, -depth[row.area_code]))
    return ThresholdChoice(
        amount=best.amount,
        year=best.year,
        area_code=best.area_code,
        carried_forward=best.year != year,
        national_line=best.national_line,
    )


@dataclass(frozen=True)
class IncomeSummary:
    window: rules.Window
    months_covered: int
    prorated: bool
    calendar_year_fallback: bool  # the rolling window was incomplete; the latest complete year is shown
    components: rules.IncomeComponents
    net_income: Decimal
    household_size: int
    per_capita: Decimal | None
    threshold: ThresholdChoice
    exit_line: Decimal
    exit_margin_pct: Decimal  # exit.income_margin_pct, as the facts read it
    exit_income_met: bool  # the income fact ``exit_income_met`` (SPEC §4.8 precondition 1)
    position: rules.LinePosition


def has_open_flag(household: Household, kind: str, *, on: datetime.date) -> bool:
    """Whether the household carries flag ``kind`` on day ``on`` (SPEC §2.4, effective-dated)."""
    return any(flag.kind == kind and facts.flag_in_force(flag, on) for flag in household.flags.all())


def fact_context(household: Household, *, on: datetime.date) -> facts.FactContext:
    """The settings a household's facts read (its county's), fetched once for a page that shows several."""
    return facts.context_for(household.managing_area.code, on=on)


def household_income_summary(
    household: Household, *, on: datetime.date, ctx: facts.FactContext | None = None
) -> IncomeSummary:
    """The household's income in the rolling 12-month window ending before ``on`` (SPEC §3.5) and its position
    against that year's line (§3.6): the income facts of ``households.facts`` for one household, with the line's
    provenance for the page. Members and incomes should be prefetched. Raises when no line is set."""
    threshold = threshold_for(area_code=household.managing_area.code, year=on.year)
    ctx = ctx or fact_context(household, on=on)
    size = facts.household_size(household.members.all())
    income = facts.income_facts(facts.income_years(household.incomes.all(), split=on.month), size=size, ctx=ctx)
    assert income.exit_line is not None  # the line is set (threshold_for raised otherwise)
    return IncomeSummary(
        window=income.window.as_rules_window(),
        months_covered=income.income.months,
        prorated=income.income.prorated,
        calendar_year_fallback=income.fallback,
        components=income.income.amounts.components,
        net_income=income.income.amounts.net,
        household_size=size,
        per_capita=income.per_capita,
        threshold=threshold,
        exit_line=income.exit_line,
        exit_margin_pct=ctx.exit_margin_pct,
        exit_income_met=income.exit_income_met is True,
        position=income.position,
    )


@dataclass(frozen=True)
class Hardship:
    """The derived hardship flags of SPEC §3.3 on one decision date (``households.facts.hardship``), with the
    window and the incomes they compare, for the page. ``None`` means the records cannot say."""

    window: rules.Window
    rigid_total: Decimal
    medical_out_of_pocket: Decimal
    last_year: int
    last_year_net: Decimal | None
    current_net: Decimal | None
    previous_net: Decimal | None
    rigid_exceeds_income: bool | None
    sharp_income_drop: bool | None
    large_medical_oop: bool | None
    business_loss: bool | None


def household_hardship(household: Household, *, on: datetime.date, ctx: facts.FactContext | None = None) -> Hardship:
    """Rigid spending and income drops of the household for a decision on ``on`` (SPEC §3.3), as the facts table
    holds them. Incomes, members and rigid expenses should be prefetched."""
    ctx = ctx or fact_context(household, on=on)
    years = facts.income_years(household.incomes.all(), split=on.month)
    income = facts.income_facts(years, size=facts.household_size(household.members.all()), ctx=ctx)
    found = facts.hardship(income, facts.bill_totals(household.rigid_expenses.all(), ctx), ctx)
    return Hardship(
        window=facts.rolling_window(on).as_rules_window(),
        rigid_total=found.rigid_total,
        medical_out_of_pocket=found.medical_oop,
        last_year=on.year - 1,
        last_year_net=income.net_last_year,
        current_net=income.net_current,
        previous_net=income.net_previous,
        rigid_exceeds_income=found.rigid_exceeds_income,
        sharp_income_drop=found.sharp_income_drop,
        large_medical_oop=found.large_medical_oop,
        business_loss=found.business_loss,
    )


@dataclass(frozen=True)
class GuaranteeStatus:
    """SPEC §2.5: what the data says (derived) beside what the latest check recorded."""

    latest_check: GuaranteeCheck | None
    guarantee_facts: GuaranteeFacts  # the guarantee facts, ``secure`` among them (SPEC §4.8 precondition 2)
    check_max_age_days: int  # exit.guarantee_check_max_age_days, as the facts read it

    @property
    def education_risk(self) -> bool:
        return not self.guarantee_facts.education_ok

    @property
    def medical_risk(self) -> bool:
        return not self.guarantee_facts.medical_ok

    @property
    def housing_risk(self) -> bool:
        return not self.guarantee_facts.housing_ok

    @property
    def risks(self) -> list[str]:
        found = []
        if self.education_risk:
            found.append(str(_("义务教育（有适龄未入学或辍学成员）")))
        if self.medical_risk:
            found.append(str(_("基本医疗（有成员未参加基本医疗保险）")))
        if self.housing_risk:
            found.append(str(_("住房安全（住房未评定为安全）")))
        check = self.latest_check
        if check is not None:
            for ok, label in (
                (check.food_ok, _("不愁吃")),
                (check.clothing_ok, _("不愁穿")),
                (check.water_ok, _("饮水安全")),
            ):
                if not ok:
                    found.append(str(label) + str(_("（走访核查未达标）")))
        return found


def household_guarantee_status(
    household: Household, *, on: datetime.date, ctx: facts.FactContext | None = None
) -> GuaranteeStatus:
    """The guarantee facts of SPEC §2.5 for one household (members should be prefetched)."""
    ctx = ctx or fact_context(household, on=on)
    counts = facts.member_counts(household.members.all(), ctx)
    latest = household.guarantee_checks.order_by("-checked_on", "-pk").first()
    found = facts.guarantee_facts(counts, household.housing_safety, facts.latest_check([latest] if latest else []), ctx)
    return GuaranteeStatus(
        latest_check=latest,
        guarantee_facts=found,
        check_max_age_days=ctx.check_max_age_days,
    )


# ------------------------------------------------------------------------------------------------------- visits


def overdue_visits(*, user: User, on: datetime.date) -> QuerySet[Household]:
    """Households the user may see whose visit is overdue by the household fact ``visit_due_on`` (SPEC §4.13:
    every class of ``visit.interval_days`` and planned visits). One indexed query over the facts table."""
    # today's territory: a village does not answer for the visits of a household it transferred away
    return Household.objects.current_to(user).active().filter(facts.visit_overdue_q(on, path="facts__"))


@dataclass(frozen=True)
class CadreOverdue:
    """One responsible cadre's overdue households (SPEC §1.6, §4.13); ``cadre`` None: households no cadre is
    paired with, visited by the village."""

    cadre_id: int | None
    name: str
    area: str
    overdue: int
    oldest_due: datetime.date | None


def overdue_by_cadre(*, user: User, on: datetime.date) -> tuple[int, list[CadreOverdue]]:
    """The households the user may see whose visit is overdue, by responsible cadre, most behind first: (how many
    in all, a row per cadre and one for the unpaired). A household paired with two cadres is behind for both.
    Two queries over the facts, whatever the county's size."""
    from accounts.grants import pairings

    overdue = Household.objects.current_to(user).active().filter(facts.visit_overdue_q(on, path="facts__"))
    unpaired_q = Q(facts__paired_cadre__isnull=True)
    summary = aggregate_by_key(
        overdue,
        total=Count("pk"),
        unpaired=Count("pk", filter=unpaired_q),
        oldest=Min("facts__visit_due_on", filter=unpaired_q),
    )
    # From the overdue households to their pairings in force, by key: the other way round read every pairing of
    # the province (``values_by_key``).
    cadre = "pairings__cadre__"
    rows = values_by_key(
        overdue.filter(pairings__in=pairings(on))
        .values(f"{cadre}id", f"{cadre}username", f"{cadre}last_name", f"{cadre}first_name", f"{cadre}area__name")
        .annotate(overdue=Count("pk", distinct=True), oldest=Min("facts__visit_due_on"))
        .order_by("-overdue", "oldest", f"{cadre}last_name", f"{cadre}first_name", f"{cadre}id")  # pages agree
    )
    found = [
        CadreOverdue(
            cadre_id=row[f"{cadre}id"],
            name=User.name_of(row[f"{cadre}last_name"], row[f"{cadre}first_name"], row[f"{cadre}username"]),
            area=row[f"{cadre}area__name"] or "",
            overdue=row["overdue"],
            oldest_due=row["oldest"],
        )
        for row in rows
    ]
    if summary["unpaired"]:
        found.append(CadreOverdue(None, str(_("未落实结对帮扶责任人")), "", summary["unpaired"], summary["oldest"]))
    return summary["total"], found


# ----------------------------------------------------------------------------------------------- change history


@dataclass(frozen=True)
class Change:
    at: datetime.datetime
    who: str
    what: str  # "农户", "成员 马小军", "2025 年收入" …
    kind: str  # 新增 / 修改
    reason: str
    fields: list[tuple[str, str, str]]  # (label, before, after)


def _display(instance: Any, field_name: str) -> str:
    field = instance._meta.get_field(field_name)
    value = getattr(instance, field.attname)
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    return str(value)


def changes_of(history: QuerySet[Any], describe: Any, skip: frozenset[str]) -> list[Change]:
    out: list[Change] = []
    previous: dict[int, Any] = {}
    for record in history.select_related("history_user").order_by("history_date", "history_id"):
        before = previous.get(record.id)
        previous[record.id] = record
        fields = []
        if before is not None:
            for field in record.instance_type._meta.fields:
                name = field.name
                if name in skip or field.attname in skip:
                    continue
                if getattr(before, field.attname) != getattr(record, field.attname):
                    fields.append((str(field.verbose_name), _display(before, name), _display(record, name)))
            if not fields:
                continue
        out.append(
            Change(
                at=record.history_date,
                who=str(record.history_user) if record.history_user else str(_("系统")),
                what=describe(record),
                kind=str(_("新增")) if before is None and record.history_type == "+" else str(_("修改")),
                reason=record.history_change_reason or "",
                fields=fields,
            )
        )
    return out


def household_changes(household: Household, *, limit: int = 60) -> list[Change]:
    """Who changed what and when on a household, its members, incomes and flags (SPEC §2.6), newest first.
    One query per kind of record, whatever the number of changes."""
    skip = frozenset({"id", "updated_at", "recorded_at", "head", "household", "household_id", "created_at"})
    changes = [
        *changes_of(Household.history.filter(id=household.pk), lambda r: str(_("农户信息")), skip),
        *changes_of(
            HouseholdMember.history.filter(household_id=household.pk),
            lambda r: str(_("成员 %(name)s")) % {"name": r.name},
            skip,
        ),
        *changes_of(
            IncomeRecord.history.filter(household_id=household.pk),
            lambda r: str(_("%(period)s 收入")) % {"period": f"{r.year}-{r.month:02d}" if r.month else r.year},
            skip,
        ),
        *changes_of(
            HouseholdFlag.history.filter(household_id=household.pk),
            lambda r: str(_("标识 %(kind)s")) % {"kind": r.get_kind_display()},
            skip,
        ),
    ]
    changes.sort(key=lambda change: change.at, reverse=True)
    return changes[:limit]


# ------------------------------------------------------------------------------ annual income collection (收入采集)


@dataclass
class IncomeGridRow:
    """One household of a village's collection grid: its people who count, and its record of the year if any."""

    household: Household
    size: int
    record: IncomeRecord | None

    @property
    def per_capita(self) -> Decimal | None:
        """The year's net income per person who counts (SPEC §3.2), by the rules of ``rules``; None before the
        year is recorded or when nobody counts."""
        if self.record is None:
            return None
        components = rules.IncomeComponents(
            **{part.name: getattr(self.record, part.name) for part in dataclasses.fields(rules.IncomeComponents)}
        )
        return rules.per_capita_income(rules.net_income(components), self.size)


def income_grid_villages(*, user: User) -> QuerySet[AdminArea]:
    """The villages whose income the user may collect: every village in use inside their area."""
    return (
        AdminArea.objects.visible_to(user)
        .filter(level=AreaLevel.VILLAGE)
        .active()
        .select_related("parent")
        .order_by("code")
    )


def income_grid_households(*, user: User, village: AdminArea, pks: list[int] | None = None) -> QuerySet[Household]:
    """The open households the village manages (its groups' included), as the user may see them, by 户编号; with
    ``pks``, those of them a page showed, closed since or not (saving one is then refused in words)."""
    households = Household.objects.visible_to(user).filter(managing_area__code__startswith=village.prefix)
    households = households.filter(pk__in=pks) if pks is not None else households.filter(closed_on__isnull=True)
    return households.select_related("facts").order_by("household_no")


def income_grid_rows(households: list[Household], *, year: int) -> list[IncomeGridRow]:
    """A page of the grid: each household with its size and its yearly record of ``year``."""
    with_facts(households)
    records = {
        record.household_id: record
        for record in IncomeRecord.objects.filter(household__in=households, year=year, month__isnull=True)
    }
    return [IncomeGridRow(h, h.facts.size, records.get(h.pk)) for h in households]


# ----------------------------------------------------------------------------------------------------- pairings


@dataclass(frozen=True)
class PairingFilters:
    village: str = ""  # a village code
    cadres: list[int] | None = None  # the cadres a typed name names (none: no pairing); None: every cadre
    state: str = ""  # "in_force", "ended" or "" for every pairing


def pairing_list(*, user: User, filters: PairingFilters, on: datetime.date) -> QuerySet[AssistancePairing]:
    """The pairings the user may see (SPEC §1.6), newest first, narrowed by village, cadre and whether in force."""
    found = AssistancePairing.objects.visible_to(user).select_related("household__managing_area", "cadre", "created_by")
    if filters.village:
        found = found.filter(household__managing_area__code=filters.village)
    if filters.cadres is not None:
        found = found.filter(cadre_id__in=filters.cadres)
    if filters.state == "in_force":
        found = found.in_force(on)
    elif filters.state == "ended":
        found = found.filter(valid_to__lt=on)
    return found.order_by("-valid_from", "-pk")


def household_pairings(household: Household) -> QuerySet[AssistancePairing]:
    """One household's pairings, current and past (SPEC §1.6); the caller has fetched the household visibly."""
    return household.pairings.select_related("cadre", "created_by").order_by("-valid_from", "-pk")


def my_paired_households(*, user: User, on: datetime.date) -> QuerySet[AssistancePairing]:
    """The cadre's own pairings in force on ``on``, each with its household (我的结对农户)."""
    return (
        AssistancePairing.objects.visible_to(user)
        .in_force(on)
        .filter(cadre=user, household__in=Household.objects.visible_to(user))
        .select_related("household__managing_area__parent")
        .order_by("household__managing_area__code", "household__household_no")
    )


def pairing_cadres(*, user: User) -> QuerySet[User]:
    """The assistance cadres a township may pair: active, of the role, in the user's county (a cadre often works
    for a county unit, SPEC §1.2)."""
    cadres = User.objects.get_queryset().filter(is_active=True, groups__name=Role.ASSISTANCE_CADRE.value)
    cadres = cadres.select_related("area").order_by("last_name", "first_name", "username")
    area = user.area
    if user.is_superuser:
        return cadres
    if area is None:
        return cadres.none()
    if level_of(area.code) not in ABOVE_COUNTIES:
        area = AdminArea.objects.get(code=ancestor_code(area.code, AreaLevel.COUNTY))
    return cadres.in_area(area)  # the one prefix test of the jurisdiction querysets, without a user's capability


CADRE_SUGGESTIONS = 20  # the picker's suggestions for what was typed


def paired_cadres(*, user: User) -> QuerySet[User]:
    """The cadres of the pairings the user may see, in force or ended, whoever they are now: those the pairing
    list's filter names."""
    seen = AssistancePairing.objects.visible_to(user).values("cadre_id")
    return User.objects.get_queryset().filter(pk__in=seen).select_related("area").order_by("last_name", "first_name")


def cadres_matching(cadres: QuerySet[User], typed: str) -> list[User]:
    """The first cadres of ``cadres`` (``pairing_cadres`` or ``paired_cadres``) whose name or user name begins with
    ``typed``: the suggestions of the pairing page's pickers (a county has thousands of cadres, more than a list can
    offer)."""
    typed = typed.strip()
    if not typed:
        return []
    starts = Q(full_name__startswith=typed) | Q(username__startswith=typed) | Q(first_name__startswith=typed)
    return list(cadres.annotate(full_name=User.full_name_expression()).filter(starts)[:CADRE_SUGGESTIONS])


def cadres_named(cadres: QuerySet[User], typed: str) -> list[User]:
    """The cadres of ``cadres`` that ``typed`` names: the one whose user name it is, else those of that full name
    (several share a name)."""
    typed = typed.strip()
    if not typed:
        return []
    by_username = list(cadres.filter(username=typed))
    if by_username:
        return by_username
    return list(cadres.annotate(full_name=User.full_name_expression()).filter(full_name=typed))


def household_risks(household: Household) -> tuple[list[RiskFlag], list[RiskFlag]]:
    """One household's risks (SPEC §4.3) as (open, the earliest found first; resolved, the latest resolved first),
    each with its steps; the caller has fetched the household visibly."""
    risks = list(
        household.risks.select_related("opened_by", "resolved_by", "visit").prefetch_related(
            Prefetch("events", queryset=RiskFlagEvent.objects.select_related("actor"))
        )
    )
    open_now = sorted((r for r in risks if r.resolved_on is None), key=lambda r: (r.found_on, r.pk))
    resolved = sorted(
        (r for r in risks if r.resolved_on is not None), key=lambda r: (r.resolved_on, r.pk), reverse=True
    )
    return open_now, resolved
