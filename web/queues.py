"""The home page work queue: what is waiting for this user. Each app contributes providers; each provider counts
from ``visible_to(user)`` so the queue never shows what lies outside the user's jurisdiction. Counts over the
registry come from the territory's counts of ``ledgers.counts`` (with the time they were counted); workflow queues
are counted live, in SQL (a supervisor's overdue problems come from the counts: they only watch them)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from accounts.permissions import has_capability
from accounts.roles import Capability
from geo.codes import ABOVE_COUNTIES, AreaLevel
from households.models import Household
from ledgers.counts import Totals, co_managed_problems_overdue, counted_totals, live_totals
from monitoring.permissions import oversees_steps_of
from monitoring.selectors.overdue import overdue_counts
from monitoring.selectors.queues import (
    WaitingContext,
    elimination_candidates,
    lookbacks_due,
    subjects_without_measures,
)
from sweeps.choices import CampaignStatus, ProblemStatus, WarningStatus
from sweeps.models import CampaignPart, Problem, ScreeningWarning

QUEUE_READ: Final = 200  # rows of a workflow list read before it is only counted


@dataclass(frozen=True)
class QueueItem:
    title: str
    count: int
    url: str
    hint: str = ""
    counted_at: datetime.datetime | None = None  # counted by the beat job, not now: the page says when
    urgent: bool = False  # past a time limit: shown red


class Home:
    """What the providers of one home page share, each read once: the counts of the user's territory, the
    problem and warning counts, the working-day calendar."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.today = timezone.localdate()
        self.waiting = WaitingContext()

    @cached_property
    def counted(self) -> bool:
        """Whether the user's numbers are their territory's counts (else their few paired households, live)."""
        return self.user.is_superuser or has_capability(self.user, Capability.BROWSE_HOUSEHOLDS)

    @cached_property
    def totals(self) -> Totals:
        """The territory's counts (``ledgers.counts``); a user who sees only paired households counts those."""
        if not self.counted:
            return live_totals(Household.objects.visible_to(self.user).active(), today=self.today)
        return counted_totals(self.user)

    @cached_property
    def rectifies_own_only(self) -> bool:
        """A reviewer rectifies only what was assigned to them; a village, everything of its place."""
        return has_capability(self.user, Capability.VERIFY_RECTIFICATION)

    @cached_property
    def watches_problems(self) -> bool:
        """Whether the user works above the counties and reads problems without assigning, verifying or rectifying
        any (a supervisor or a reporting officer of a city or a province): their one number of them, the overdue, is
        their territory's count (``ledgers.counts``) plus the few it co-manages, not a recount of every problem of a
        province on every view (585,000 of them after a sweep at 1,000,000)."""
        area = getattr(self.user, "area", None)
        if self.user.is_superuser or not self.counted or area is None or area.level not in ABOVE_COUNTIES:
            return False
        takes_part = (Capability.VERIFY_RECTIFICATION, Capability.SUBMIT_RECTIFICATION)
        return not any(has_capability(self.user, capability) for capability in takes_part)

    @cached_property
    def problems(self) -> dict[str, int]:
        if self.watches_problems:
            overdue = self.totals.problems_overdue + co_managed_problems_overdue(self.user, today=self.today)
            return {"open": 0, "submitted": 0, "mine": 0, "overdue": overdue}
        mine = Problem.rectifying_q()
        if self.rectifies_own_only:
            mine &= Q(responsible_person=self.user)
        return Problem.objects.visible_to(self.user).aggregate(
            open=Count("pk", filter=Q(status=ProblemStatus.OPEN)),
            submitted=Count("pk", filter=Q(status=ProblemStatus.SUBMITTED)),
            mine=Count("pk", filter=mine),
            overdue=Count("pk", filter=Problem.overdue_q(self.today)),
        )


Provider = Callable[[Home], QueueItem | None]


def _counted(home: Home, title: str, count: int, url: str, hint: str) -> QueueItem | None:
    if not count:
        return None
    return QueueItem(title=title, count=count, url=url, hint=hint, counted_at=home.totals.counted_at)


def _households_without_income(home: Home) -> QueueItem | None:
    if not has_capability(home.user, Capability.EDIT_HOUSEHOLD):
        return None
    return _counted(
        home,
        _("%(year)s 年度收入未录入完整的农户") % {"year": home.today.year - 1},
        home.totals.income_missing,
        reverse("households:household-list") + "?income=missing",
        _("收入是识别监测对象的依据，请在走访时核实录入。"),
    )


def _households_without_head(home: Home) -> QueueItem | None:
    if not has_capability(home.user, Capability.EDIT_HOUSEHOLD):
        return None
    return _counted(
        home,
        _("未指定户主的农户"),
        home.totals.head_missing,
        reverse("households:household-list") + "?head=missing",
        _("每户须有且只有一名户主。"),
    )


def _paired_households(home: Home) -> QueueItem | None:
    user = home.user
    if has_capability(user, Capability.BROWSE_HOUSEHOLDS) or not has_capability(user, Capability.RECORD_VISIT):
        return None
    return QueueItem(
        title=_("我的结对帮扶农户"),
        count=home.totals.households,
        url=reverse("households:household-list"),
        hint=_("请按期入户走访。"),
    )


def _overdue_visits(home: Home) -> QueueItem | None:
    if not has_capability(home.user, Capability.RECORD_VISIT):
        return None
    by_cadre = has_capability(home.user, Capability.BROWSE_HOUSEHOLDS)  # who is behind, for a township or county
    return _counted(
        home,
        _("逾期未走访的农户"),
        home.totals.visits_overdue,
        reverse("households:visits-overdue") if by_cadre else reverse("households:household-list") + "?risk=overdue",
        _("超过走访周期或已过计划走访日期（监测户、暂不标注户 30 天，脱贫户、风险消除户 90 天，发现风险户 30 天）。"),
    )


def _risk_flagged(home: Home) -> QueueItem | None:
    if not has_capability(home.user, Capability.OPEN_ENTRY):
        return None
    return _counted(
        home,
        _("发现风险、待识别的农户"),
        home.totals.risk_flagged,
        reverse("households:household-list") + "?risk=flagged",
        _("请核实情况，符合条件的按程序申报纳入监测。"),
    )


def _late_hint(overdue: int) -> str:
    if not overdue:
        return _("请在办理时限内完成。")
    return ngettext("其中 %(n)s 件已超过办理时限。", "其中 %(n)s 件已超过办理时限。", overdue) % {"n": overdue}


def _entry_steps(home: Home) -> QueueItem | None:
    counts = _overdue(home)
    if not counts["mine_entry"]:
        return None
    hint = _late_hint(counts["mine_entry_overdue"])
    return QueueItem(_("待我办理的纳入监测申请"), counts["mine_entry"], reverse("monitoring:entry-queue"), hint)


def _elimination_steps(home: Home) -> QueueItem | None:
    counts = _overdue(home)
    if not counts["mine_elimination"]:
        return None
    hint = _late_hint(counts["mine_elimination_overdue"])
    url = reverse("monitoring:elimination-queue")
    return QueueItem(_("待我办理的风险消除"), counts["mine_elimination"], url, hint)


def _overdue(home: Home) -> dict[str, int]:
    """The steps waiting for the user and those past a time limit (``monitoring.selectors.overdue``), read once for
    the five items that show them."""
    if "overdue" not in home.__dict__:
        home.__dict__["overdue"] = overdue_counts(user=home.user, today=home.today, context=home.waiting)
    counts: dict[str, int] = home.__dict__["overdue"]
    return counts


def _overdue_below_item(home: Home, kind: str, title: str, queue: str) -> QueueItem | None:
    """The steps of the level below the user past their limit (SPEC §4.14), as the daily notification counts them."""
    level = oversees_steps_of(home.user)
    if level is None:
        return None
    count = _overdue(home).get(kind, 0)
    if not count:
        return None
    hints: dict[str, str] = {
        AreaLevel.VILLAGE: _("本乡镇各村的办理环节已超过时限，请督促办理。"),
        AreaLevel.TOWNSHIP: _("各乡镇的审核环节已超过时限，请督促办理。"),
        AreaLevel.COUNTY: _("所辖县的县级环节已超过时限，请督促办理。"),
    }
    return QueueItem(title, count, f"{reverse(queue)}?all=1&overdue={level}", hints[level], urgent=True)


def _entry_overdue_below(home: Home) -> QueueItem | None:
    return _overdue_below_item(home, "entry", _("下级超过办理时限的纳入监测申请"), "monitoring:entry-queue")


def _elimination_overdue_below(home: Home) -> QueueItem | None:
    return _overdue_below_item(home, "elimination", _("下级超过办理时限的风险消除"), "monitoring:elimination-queue")


def _procedures_overdue(home: Home) -> QueueItem | None:
    count = _overdue(home).get("procedures", 0)
    if not count:
        return None
    return QueueItem(
        _("全程超过办理时限的纳入监测申请"),
        count,
        reverse("monitoring:entry-overdue"),
        _("从申报到纳入监测已超过规定的工作日，按乡镇查看。"),
        urgent=True,
    )


def _subjects_without_measures(home: Home) -> QueueItem | None:
    if not has_capability(home.user, Capability.MANAGE_MEASURES):
        return None
    if home.counted:
        count = home.totals.without_measures
    else:
        count = subjects_without_measures(user=home.user, today=home.today).count()
    return _counted(
        home,
        _("纳入监测后尚未制定帮扶措施的对象"),
        count,
        reverse("monitoring:subject-list") + "?without_measures=1",
        _("应帮尽帮：请尽快制定“一户一策”帮扶措施。"),
    )


def _elimination_candidates(home: Home) -> QueueItem | None:
    user = home.user
    if not (has_capability(user, Capability.VILLAGE_PROCEDURE) or has_capability(user, Capability.TOWNSHIP_REVIEW)):
        return None
    if home.counted:
        count = home.totals.elimination_candidates
    else:
        count = elimination_candidates(user=user, today=home.today).count()
    return _counted(
        home,
        _("可研判风险消除的监测对象"),
        count,
        reverse("monitoring:subject-list") + "?candidates=1",
        _("收入已达风险消除标准、已有帮扶措施且无未处理风险：请核对两不愁三保障，符合条件的发起风险消除。"),
    )


def _lookbacks_due(home: Home) -> QueueItem | None:
    if not has_capability(home.user, Capability.RECORD_VISIT):
        return None
    count = home.totals.lookbacks_due if home.counted else lookbacks_due(user=home.user, today=home.today).count()
    return _counted(
        home,
        _("到期的风险消除回头看"),
        count,
        reverse("monitoring:subject-list") + "?lookback_due=1",
        _("请入户回头看，风险消除不稳定的重新纳入监测。"),
    )


def _problem_item(home: Home, capability: Capability, key: str, title: str, query: str, hint: str) -> QueueItem | None:
    if not has_capability(home.user, capability):
        return None
    count = home.problems[key]
    if not count:
        return None
    counted_at = home.totals.counted_at if home.watches_problems else None
    return QueueItem(
        title=title, count=count, url=reverse("sweeps:problem-list") + query, hint=hint, counted_at=counted_at
    )


def _problems_to_assign(home: Home) -> QueueItem | None:
    return _problem_item(
        home, Capability.VERIFY_RECTIFICATION, "open", _("排查发现、待交办的问题"), "?status=open",
        _("明确责任单位、责任人和整改期限（四查四补）。"),
    )  # fmt: skip


def _problems_to_verify(home: Home) -> QueueItem | None:
    return _problem_item(
        home, Capability.VERIFY_RECTIFICATION, "submitted", _("已提交、待核验销号的整改"), "?status=submitted",
        _("核验整改成效，对账销号。"),
    )  # fmt: skip


def _problems_to_rectify(home: Home) -> QueueItem | None:
    return _problem_item(
        home, Capability.SUBMIT_RECTIFICATION, "mine", _("交办给我的整改任务"),
        "?status=rectifying" + ("&mine=1" if home.rectifies_own_only else ""),
        _("按期整改，提交整改措施和佐证材料。"),
    )  # fmt: skip


def _problems_overdue(home: Home) -> QueueItem | None:
    return _problem_item(
        home, Capability.VIEW_RECTIFICATION, "overdue", _("逾期未销号的排查问题"), "?overdue=1",
        _("整改期限内见底清零：逾期问题须督办。"),
    )  # fmt: skip


def _warnings_to_verify(home: Home) -> QueueItem | None:
    if not has_capability(home.user, Capability.DISPOSE_WARNING):
        return None
    found = (
        ScreeningWarning.objects.visible_to(home.user)
        .filter(status=WarningStatus.ASSIGNED)
        .aggregate(count=Count("pk"), late=Count("pk", filter=Q(feedback_due_on__lt=home.today)))
    )
    if not found["count"]:
        return None
    late = found["late"]
    hint = _("其中 %(n)s 条已超过反馈期限。") % {"n": late} if late else _("入户核实后填写处置结果。")
    url = reverse("sweeps:warning-list")
    return QueueItem(title=_("待核实的部门筛查预警"), count=found["count"], url=url, hint=hint)


def _checklists_to_answer(home: Home) -> QueueItem | None:
    user = home.user
    if not has_capability(user, Capability.SUBMIT_RECTIFICATION) or has_capability(
        user, Capability.VERIFY_RECTIFICATION
    ):
        return None  # the villages answer; townships and counties sign
    open_parts = CampaignPart.objects.visible_to(user).filter(
        parent__isnull=False, signed_at__isnull=True, campaign__status=CampaignStatus.OPEN
    )
    parts = list(open_parts.order_by("pk").only("pk")[:QUEUE_READ])  # a village has a few parts open at most
    if not parts:
        return None
    count = len(parts) if len(parts) < QUEUE_READ else open_parts.count()
    part = parts[0]
    return QueueItem(
        title=_("排查活动：待填报、签收的核查清单"),
        count=count,
        url=part.get_absolute_url(),
        hint=_("逐项核查，答“否”的列入问题清单限期整改。"),
    )


def _ledgers_to_sign(home: Home) -> QueueItem | None:
    """Frozen ledgers whose next signature is this user's place and level (SPEC §13.1)."""
    user = home.user
    from ledgers.freezing import signs_next_q
    from ledgers.models import FrozenLedger

    if not any(has_capability(user, c) for c in SIGNING):
        return None
    count = FrozenLedger.objects.visible_to(user).filter(signs_next_q(user)).count()
    if not count:
        return None
    return QueueItem(_("待签核的冻结台账"), count, reverse("ledgers:frozen-list"), _("逐级签核：村 → 乡镇 → 县"))


SIGNING = (Capability.VILLAGE_PROCEDURE, Capability.TOWNSHIP_REVIEW, Capability.COUNTY_APPROVAL)


PROVIDERS: list[Provider] = [
    _checklists_to_answer,
    _ledgers_to_sign,
    _warnings_to_verify,
    _problems_to_verify,
    _problems_to_assign,
    _problems_to_rectify,
    _problems_overdue,
    _entry_steps,
    _elimination_steps,
    _entry_overdue_below,
    _elimination_overdue_below,
    _procedures_overdue,
    _lookbacks_due,
    _elimination_candidates,
    _subjects_without_measures,
    _paired_households,
    _risk_flagged,
    _overdue_visits,
    _households_without_head,
    _households_without_income,
]


def queue_for(home: Home) -> list[QueueItem]:
    return [item for item in (provider(home) for provider in PROVIDERS) if item is not None]
