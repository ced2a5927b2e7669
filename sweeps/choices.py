"""Enumerations of the four checks, four supplements (SPEC §7) and department screening (SPEC §6)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FourChecksCategory(models.TextChoices):
    """SPEC §7.1; ``data_quality`` holds the numbered 疑点数据 rules the national system asks counties to clear."""

    LOSS_RECOVERY = "loss_recovery", _("查损补失")
    GAP_FILLING = "gap_filling", _("查漏补缺")
    SHORTFALL = "shortfall", _("查短补齐")
    WEAKNESS = "weakness", _("查弱补强")
    DATA_QUALITY = "data_quality", _("疑点数据")


class GapType(models.TextChoices):
    """SPEC §0.5 the four omissions (四漏)."""

    MISSED_REGISTRATION = "missed_registration", _("漏统")
    MISSED_ITEM = "missed_item", _("漏项")
    MISSED_ASSISTANCE = "missed_assistance", _("漏扶")
    MISSED_MANAGEMENT = "missed_management", _("漏管")


class SubjectKind(models.TextChoices):
    """What a problem is about (SPEC §7.5)."""

    HOUSEHOLD = "household", _("农户")
    MEMBER = "member", _("家庭成员")
    SUBJECT = "subject", _("监测对象")
    VILLAGE = "village", _("村")
    PROJECT = "project", _("项目")
    ASSET = "asset", _("项目资产")


class RuleMode(models.TextChoices):
    """SPEC §7.3: ``auto`` a query only; ``semi`` a query proposes, a person confirms; ``manual`` a checklist
    question answered during a campaign."""

    AUTO = "auto", _("自动")
    SEMI = "semi", _("半自动")
    MANUAL = "manual", _("人工核查")


class SweepKind(models.TextChoices):
    """SPEC §7.4."""

    ROUTINE = "routine", _("常态化排查")
    CENTRALIZED = "centralized", _("集中全面排查")
    FOCUSED = "focused", _("重点排查")
    EVENT = "event", _("事件触发排查")  # started by a large-scale risk event (SPEC §4.12), never from the start form


# The kinds a person starts over a whole county from the run or campaign form; an event's sweep starts from its event.
STARTABLE_SWEEP_KINDS = (SweepKind.ROUTINE, SweepKind.CENTRALIZED, SweepKind.FOCUSED)


class RunStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("运行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ProblemStatus(models.TextChoices):
    """SPEC §7.5: open → assigned → in_progress → submitted → closed (销号); submitted → returned → in_progress."""

    OPEN = "open", _("待交办")
    ASSIGNED = "assigned", _("已交办")
    IN_PROGRESS = "in_progress", _("整改中")
    SUBMITTED = "submitted", _("已提交待核验")
    RETURNED = "returned", _("退回重改")
    CLOSED = "closed", _("已销号")


OPEN_PROBLEM_STATUSES = frozenset(
    {
        ProblemStatus.OPEN,
        ProblemStatus.ASSIGNED,
        ProblemStatus.IN_PROGRESS,
        ProblemStatus.SUBMITTED,
        ProblemStatus.RETURNED,
    }
)

# Assigned and not yet submitted (交办后、提交核验前): the responsible party's rectification is due.
RECTIFYING_PROBLEM_STATUSES = frozenset({ProblemStatus.ASSIGNED, ProblemStatus.IN_PROGRESS, ProblemStatus.RETURNED})


class MatchKind(models.TextChoices):
    """SPEC §6.4: what a screened person's household is to the monitoring."""

    MONITORED = "monitored", _("监测对象")
    CANDIDATE = "candidate", _("未纳入监测")
    ELIMINATED = "eliminated", _("已风险消除")


class BatchStatus(models.TextChoices):
    """A screening list's import, read by a worker (SPEC §6.3): queued → running → done; or rejected (bad rows or an
    unreadable file: nothing saved) or failed (the uploader may no longer import it, or a system error)."""

    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("导入中")
    DONE = "done", _("已导入")
    REJECTED = "rejected", _("有错误，未导入")
    FAILED = "failed", _("导入失败")


# A batch still waiting for its worker: its page polls, and the quarterly reminder counts it as uploaded.
PENDING_BATCH_STATUSES = frozenset({BatchStatus.QUEUED, BatchStatus.RUNNING})


class WarningStatus(models.TextChoices):
    """SPEC §6.5: issued and assigned to the household's village and township at once, verified with a disposition,
    closed when its follow-up is done."""

    ASSIGNED = "assigned", _("待核实")
    VERIFIED = "verified", _("已核实，待跟进")
    CLOSED = "closed", _("已办结")


# A warning is open until it is closed (办结): one waiting for its visit (``assigned``) and one verified but waiting
# for its follow-up (``verified``: a policy to deliver, a referral, a special case, SPEC §6.6) are both unfinished
# business — the risk the department saw has not yet been answered.
OPEN_WARNING_STATUSES = frozenset({WarningStatus.ASSIGNED, WarningStatus.VERIFIED})


class WarningDisposition(models.TextChoices):
    """SPEC §6.6."""

    POLICY_NOT_DELIVERED = "policy_not_delivered", _("已监测或已覆盖，但政策未落实")
    START_ENTRY = "start_entry", _("存在风险，启动纳入监测")
    REFER_TO_DEPARTMENT = "refer_to_department", _("转相关部门（如低保）")
    SPECIAL_CASE = "special_case", _("特殊困难，无对应政策")
    NO_RISK = "no_risk", _("经核实无风险")
    DATA_ERROR = "data_error", _("数据有误（号码错误、迁出、死亡）")


# The dispositions that end the warning at once; the others wait for their follow-up (SPEC §6.6 column 3).
FINAL_DISPOSITIONS = frozenset(
    {WarningDisposition.START_ENTRY, WarningDisposition.NO_RISK, WarningDisposition.DATA_ERROR}
)
# The dispositions that say the verification confirmed a risk (SPEC §6.6): "存在风险" for a household not monitored,
# a policy not delivered to one already covered, a special hardship no policy matches. Each opens the warning's
# typed risk on the household (SPEC §4.3), answered and resolved by a measure. "转相关部门" and the two closing
# classes do not: the first hands the need to another programme, the others found no risk.
RISK_FOUND_DISPOSITIONS = frozenset(
    {WarningDisposition.START_ENTRY, WarningDisposition.POLICY_NOT_DELIVERED, WarningDisposition.SPECIAL_CASE}
)


class CampaignStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已完成")


class ChecklistAnswer(models.TextChoices):
    """A checklist question answered by the village (SPEC §7.4): "否" opens a problem."""

    YES = "yes", _("是")
    NO = "no", _("否")
    NOT_APPLICABLE = "na", _("不适用")


class RiskEventKind(models.TextChoices):
    """SPEC §4.12 (003 L226–L228; 000 L193): public emergencies, then the economic and working risks of scale."""

    FLOOD_DROUGHT = "flood_drought", _("水旱灾害")
    METEOROLOGICAL = "meteorological", _("气象灾害")
    EARTHQUAKE = "earthquake", _("地震灾害")
    GEOLOGICAL = "geological", _("地质灾害")
    BIOLOGICAL = "biological", _("生物灾害")
    FIRE = "fire", _("火灾")
    EPIDEMIC = "epidemic", _("疫情")
    PRICE_FALL = "price_fall", _("农产品价格大幅下跌")
    INDUSTRY_FAILURE = "industry_failure", _("农村产业项目失败")
    UNEMPLOYMENT = "unemployment", _("失业、务工受阻")
    RELOCATION_SITE = "relocation_site", _("安置区就业和社会融入问题")
    POOR_WORK = "poor_work", _("工作、责任、政策落实不到位")


# The disasters after which every household hit is visited (FC-LOSS-DISASTER-01) and trigger UE-2 因灾 is suggested;
# an epidemic suggests UE-3 (突发事件). The economic kinds name the event on a suggestion without pre-ticking one.
DISASTER_EVENT_KINDS = frozenset(
    {
        RiskEventKind.FLOOD_DROUGHT,
        RiskEventKind.METEOROLOGICAL,
        RiskEventKind.EARTHQUAKE,
        RiskEventKind.GEOLOGICAL,
        RiskEventKind.BIOLOGICAL,
        RiskEventKind.FIRE,
    }
)
SUDDEN_EVENT_KINDS = frozenset({RiskEventKind.EPIDEMIC})
