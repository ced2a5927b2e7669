"""The home page work queue: what is waiting for this user. Each app contributes providers; each provider counts
from ``visible_to(user)`` so the queue never shows what lies outside the user's jurisdiction."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import has_capability
from accounts.roles import Capability
from geo.parameters import parameter
from households.models import Household
from households.selectors import overdue_visits
from monitoring.models import EliminationCase
from monitoring.selectors import (
    QueueFilter,
    WaitingContext,
    elimination_candidates,
    elimination_queue,
    elimination_waiting,
    entry_queue,
    lookbacks_due,
    subjects_without_measures,
    waiting,
)
from sweeps.choices import OPEN_PROBLEM_STATUSES, CampaignStatus, ProblemStatus, WarningStatus
from sweeps.models import CampaignPart, Problem, ScreeningWarning


@dataclass(frozen=True)
class QueueItem:
    title: str
    count: int
    url: str
    hint: str = ""


Provider = Callable[[Any], QueueItem | None]


def _households_without_income(user: Any) -> QueueItem | None:
    if not has_capability(user, Capability.EDIT_HOUSEHOLD):
        return None
    year = timezone.localdate().year - 1
    count = Household.objects.visible_to(user).active().exclude(incomes__year=year).count()
    if not count:
        return None
    return QueueItem(
        title=_("%(year)s 年度收入未录入的农户") % {"year": year},
        count=count,
        url=reverse("households:household-list"),
        hint=_("收入是识别监测对象的依据，请在走访时核实录入。"),
    )


def _households_without_head(user: Any) -> QueueItem | None:
    if not has_capability(user, Capability.EDIT_HOUSEHOLD):
        return None
    count = Household.objects.visible_to(user).active().filter(head__isnull=True).count()
    if not count:
        return None
    return QueueItem(
        title=_("未指定户主的农户"),
        count=count,
        url=reverse("households:household-list"),
        hint=_("每户须有且只有一名户主。"),
    )


def _paired_households(user: Any) -> QueueItem | None:
    if has_capability(user, Capability.BROWSE_HOUSEHOLDS) or not has_capability(user, Capability.RECORD_VISIT):
        return None
    count = Household.objects.visible_to(user).active().count()
    return QueueItem(
        title=_("我的结对帮扶农户"), count=count, url=reverse("households:household-list"), hint=_("请按期入户走访。")
    )


def _overdue_visits(user: Any) -> QueueItem | None:
    if not has_capability(user, Capability.RECORD_VISIT):
        return None
    today = timezone.localdate()
    count = overdue_visits(user=user, on=today).count()
    if not count:
        return None
    intervals = parameter("visit.interval_days", area_code=user.area.code if user.area else "", on=today)
    return QueueItem(
        title=_("逾期未走访的农户"),
        count=count,
        url=reverse("households:household-list") + "?risk=overdue",
        hint=_("超过走访周期或已过计划走访日期（脱贫户 %(exited)s 天，发现风险户 %(risk)s 天）。")
        % {"exited": intervals.get("exited", "—"), "risk": intervals.get("risk_flagged", "—")},
    )


def _risk_flagged(user: Any) -> QueueItem | None:
    if not has_capability(user, Capability.OPEN_ENTRY):
        return None
    count = Household.objects.visible_to(user).active().filter(risk_flagged_on__isnull=False).count()
    if not count:
        return None
    return QueueItem(
        title=_("走访发现风险、待识别的农户"),
        count=count,
        url=reverse("households:household-list") + "?risk=flagged",
        hint=_("请核实情况，符合条件的按程序申报纳入监测。"),
    )


def _entry_steps(user: Any) -> QueueItem | None:
    queue = entry_queue(user=user, mine=True)
    count = queue.count()
    if not count:
        return None
    shared = WaitingContext()
    overdue = sum(1 for application in queue[:200] if waiting(application, context=shared).overdue)
    hint = _("其中 %(n)s 件已超过办理时限。") % {"n": overdue} if overdue else _("请在办理时限内完成。")
    return QueueItem(title=_("待我办理的纳入监测申请"), count=count, url=reverse("monitoring:entry-queue"), hint=hint)


def _subjects_without_measures(user: Any) -> QueueItem | None:
    if not has_capability(user, Capability.MANAGE_MEASURES):
        return None
    count = subjects_without_measures(user=user, today=timezone.localdate()).count()
    if not count:
        return None
    return QueueItem(
        title=_("纳入监测后尚未制定帮扶措施的对象"),
        count=count,
        url=reverse("monitoring:subject-list") + "?without_measures=1",
        hint=_("应帮尽帮：请尽快制定“一户一策”帮扶措施。"),
    )


def _elimination_steps(user: Any) -> QueueItem | None:
    queue = elimination_queue(EliminationCase.objects.visible_to(user), user=user, chosen=QueueFilter(mine=True))
    count = queue.count()
    if not count:
        return None
    shared = WaitingContext()
    overdue = sum(1 for case in queue[:200] if elimination_waiting(case, context=shared).overdue)
    hint = _("其中 %(n)s 件已超过办理时限。") % {"n": overdue} if overdue else _("请在办理时限内完成。")
    return QueueItem(title=_("待我办理的风险消除"), count=count, url=reverse("monitoring:elimination-queue"), hint=hint)


def _elimination_candidates(user: Any) -> QueueItem | None:
    if not (has_capability(user, Capability.VILLAGE_PROCEDURE) or has_capability(user, Capability.TOWNSHIP_REVIEW)):
        return None
    count = elimination_candidates(user=user, today=timezone.localdate()).count()
    if not count:
        return None
    return QueueItem(
        title=_("可研判风险消除的监测对象"),
        count=count,
        url=reverse("monitoring:subject-list") + "?candidates=1",
        hint=_("已有帮扶措施且无未处理风险：请核对收入和两不愁三保障，符合条件的发起风险消除。"),
    )


def _lookbacks_due(user: Any) -> QueueItem | None:
    if not has_capability(user, Capability.RECORD_VISIT):
        return None
    count = lookbacks_due(user=user, today=timezone.localdate()).count()
    if not count:
        return None
    return QueueItem(
        title=_("到期的风险消除回头看"),
        count=count,
        url=reverse("monitoring:subject-list") + "?lookback_due=1",
        hint=_("请入户回头看，风险消除不稳定的重新纳入监测。"),
    )


def _problems(user: Any) -> QuerySet[Problem]:
    return Problem.objects.visible_to(user)


def _problems_to_assign(user: Any) -> QueueItem | None:
    if not has_capability(user, Capability.VERIFY_RECTIFICATION):
        return None
    count = _problems(user).filter(status=ProblemStatus.OPEN).count()
    if not count:
        return None
    return QueueItem(
        title=_("排查发现、待交办的问题"),
        count=count,
        url=reverse("sweeps:problem-list") + "?status=open",
        hint=_("明确责任单位、责任人和整改期限（四查四补）。"),
    )


def _problems_to_verify(user: Any) -> QueueItem | None:
    if not has_capability(user, Capability.VERIFY_RECTIFICATION):
        return None
    count = _problems(user).filter(status=ProblemStatus.SUBMITTED).count()
    if not count:
        return None
    return QueueItem(
        title=_("已提交、待核验销号的整改"),
        count=count,
        url=reverse("sweeps:problem-list") + "?status=submitted",
        hint=_("核验整改成效，对账销号。"),
    )


def _problems_to_rectify(user: Any) -> QueueItem | None:
    if not has_capability(user, Capability.SUBMIT_RECTIFICATION):
        return None
    working = [ProblemStatus.ASSIGNED, ProblemStatus.IN_PROGRESS, ProblemStatus.RETURNED]
    mine = _problems(user).filter(status__in=working)
    if has_capability(user, Capability.VERIFY_RECTIFICATION):
        mine = mine.filter(responsible_person=user)  # a reviewer's own assignments only
    count = mine.count()
    if not count:
        return None
    return QueueItem(
        title=_("交办给我的整改任务"),
        count=count,
        url=reverse("sweeps:problem-list") + "?status=open",
        hint=_("按期整改，提交整改措施和佐证材料。"),
    )


def _problems_overdue(user: Any) -> QueueItem | None:
    if not has_capability(user, Capability.VIEW_RECTIFICATION):
        return None
    count = _problems(user).filter(status__in=sorted(OPEN_PROBLEM_STATUSES), deadline__lt=timezone.localdate()).count()
    if not count:
        return None
    return QueueItem(
        title=_("逾期未销号的排查问题"),
        count=count,
        url=reverse("sweeps:problem-list") + "?overdue=1",
        hint=_("整改期限内见底清零：逾期问题须督办。"),
    )


def _warnings_to_verify(user: Any) -> QueueItem | None:
    if not has_capability(user, Capability.DISPOSE_WARNING):
        return None
    waiting = ScreeningWarning.objects.visible_to(user).filter(status=WarningStatus.ASSIGNED)
    count = waiting.count()
    if not count:
        return None
    late = waiting.filter(feedback_due_on__lt=timezone.localdate()).count()
    hint = _("其中 %(n)s 条已超过反馈期限。") % {"n": late} if late else _("入户核实后填写处置结果。")
    return QueueItem(title=_("待核实的部门筛查预警"), count=count, url=reverse("sweeps:warning-list"), hint=hint)


def _checklists_to_answer(user: Any) -> QueueItem | None:
    if not has_capability(user, Capability.SUBMIT_RECTIFICATION) or has_capability(
        user, Capability.VERIFY_RECTIFICATION
    ):
        return None  # the villages answer; townships and counties sign
    open_parts = CampaignPart.objects.visible_to(user).filter(
        parent__isnull=False, signed_at__isnull=True, campaign__status=CampaignStatus.OPEN
    )
    count = open_parts.count()
    if not count:
        return None
    part = open_parts.first()
    assert part is not None
    return QueueItem(
        title=_("排查活动：待填报、签收的核查清单"),
        count=count,
        url=part.get_absolute_url(),
        hint=_("逐项核查，答“否”的列入问题清单限期整改。"),
    )


def _ledgers_to_sign(user: Any) -> QueueItem | None:
    """Frozen ledgers whose next signature is this user's place and level (issue "ledgers" §5)."""
    from ledgers.freezing import may_sign
    from ledgers.models import FrozenLedger

    if not any(has_capability(user, c) for c in SIGNING):
        return None
    pending = (
        FrozenLedger.objects.visible_to(user)
        .exclude(signoffs__level="county")
        .select_related("area__parent__parent", "export")
        .prefetch_related("signoffs")
    )
    count = sum(1 for frozen in pending if may_sign(user, frozen))
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
    _lookbacks_due,
    _elimination_candidates,
    _subjects_without_measures,
    _paired_households,
    _risk_flagged,
    _overdue_visits,
    _households_without_head,
    _households_without_income,
]


def queue_for(user: Any) -> list[QueueItem]:
    return [item for item in (provider(user) for provider in PROVIDERS) if item is not None]
