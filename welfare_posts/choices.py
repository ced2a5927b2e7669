"""Closed lists of the public-welfare posts (公益性岗位, SPEC §11.4)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PostType(models.TextChoices):
    """The post types the seeds name: 保洁、治安、护路、管水、扶残助残、养老护理 (000 L337); 生态护林员、护路员、
    护水员、保洁员、疫情防控、村级光伏电站 (001 L356); asset custody may use such posts (004 L348)."""

    CLEANING = "cleaning", _("保洁")
    SECURITY = "security", _("治安")
    ROAD = "road", _("护路")
    WATER_MANAGEMENT = "water_management", _("管水")
    DISABILITY_AID = "disability_aid", _("扶残助残")
    ELDERLY_CARE = "elderly_care", _("养老护理")
    FOREST_RANGER = "forest_ranger", _("生态护林员")
    WATER_GUARD = "water_guard", _("护水员")
    EPIDEMIC = "epidemic", _("疫情防控")
    VILLAGE_PV = "village_pv", _("村级光伏电站")
    ASSET_CUSTODY = "asset_custody", _("资产管护")
    OTHER = "other", _("其他")


class PostFunding(models.TextChoices):
    """Who pays the subsidy: linkage funds may subsidise posts (003 L1392), or other money."""

    LINKAGE_FUNDS = "linkage_funds", _("衔接资金")
    EMPLOYMENT_FUNDS = "employment_funds", _("就业补助资金")
    ECOLOGY_FUNDS = "ecology_funds", _("生态护林员专项资金")
    PV_INCOME = "pv_income", _("光伏电站收益")
    VILLAGE_COLLECTIVE = "village_collective", _("村集体经济收益")
    OTHER = "other", _("其他资金")


class PriorityBasis(models.TextChoices):
    """Why a holder is hired first (SPEC §11.4: 003 L366, 003 L662, 001 L236), as the hiring form found it."""

    ZERO_EMPLOYMENT = "zero_employment", _("零就业家庭成员")
    DISABLED = "disabled", _("残疾人")
    GROUP_DIFFICULTY = "group_difficulty", _("三类人员中的就业困难人员")
    NONE = "none", _("非优先安置对象")


class ExitReason(models.TextChoices):
    """有序退岗 (SPEC §11.4): why a holder left the post."""

    FOUND_JOB = "found_job", _("实现稳定就业")
    TERM_ENDED = "term_ended", _("聘用期满")
    RESIGNED = "resigned", _("本人申请退岗")
    FAILED_ASSESSMENT = "failed_assessment", _("考核不合格")
    UNFIT = "unfit", _("身体原因不能胜任")
    OVER_AGE = "over_age", _("超过年龄上限")
    POST_REMOVED = "post_removed", _("岗位撤销")
    MOVED_AWAY = "moved_away", _("迁出本村")
    DECEASED = "deceased", _("死亡")
    OTHER = "other", _("其他")


# Exits that end a post's help without its effect: the linked measure is stopped, not delivered.
UNSUCCESSFUL_EXITS = frozenset({ExitReason.FAILED_ASSESSMENT, ExitReason.UNFIT, ExitReason.DECEASED})


class Assessment(models.TextChoices):
    """The month's assessment (考核) of a holder."""

    EXCELLENT = "excellent", _("优秀")
    QUALIFIED = "qualified", _("合格")
    UNQUALIFIED = "unqualified", _("不合格")
