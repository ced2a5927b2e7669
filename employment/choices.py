"""Enumerations of employment assistance (SPEC §11.3)."""

from typing import Final

from django.db import models
from django.utils.translation import gettext_lazy as _


class EmploymentStatus(models.TextChoices):
    """Where and how a worker of the three groups works in the year (SPEC §11.3; 003 L660–L662)."""

    LOCAL = "local", _("乡镇内就业")
    IN_COUNTY = "in_county", _("县内乡镇外务工")
    CROSS_COUNTY = "cross_county", _("区内跨县务工")
    CROSS_PROVINCE = "cross_province", _("跨省务工")
    SELF_EMPLOYED = "self_employed", _("自主创业/经营")
    SEEKING = "seeking", _("未就业（有求职意愿）")
    NOT_SEEKING = "not_seeking", _("未就业（无求职意愿）")


# Working, whatever the place: what "employed" means for the zero-employment household (零就业家庭).
EMPLOYED_STATUSES: Final = frozenset(
    {
        EmploymentStatus.LOCAL,
        EmploymentStatus.IN_COUNTY,
        EmploymentStatus.CROSS_COUNTY,
        EmploymentStatus.CROSS_PROVINCE,
        EmploymentStatus.SELF_EMPLOYED,
    }
)
# Away from home across a county or provincial border: the transport subsidy's places (NR-EMP-01).
AWAY_STATUSES: Final = frozenset({EmploymentStatus.CROSS_COUNTY, EmploymentStatus.CROSS_PROVINCE})


class TargetGroup(models.TextChoices):
    """三类人员 (SPEC §11.3; 003 L660), known from the household's flags in force and its open monitoring."""

    EXITED = "exited", _("脱贫人口")
    LOW_INCOME = "low_income", _("农村低收入人口")
    RELOCATED = "relocated", _("搬迁群众")


class ServiceKind(models.TextChoices):
    """ "1 次职业指导、3 次岗位推介、1 次免费技能培训" (NR-EMP-04; 003 L662)."""

    GUIDANCE = "guidance", _("职业指导")
    JOB_OFFER = "job_offer", _("岗位推介")
    TRAINING = "training", _("技能培训")


class SubsidyKind(models.TextChoices):
    TRANSPORT = "transport", _("一次性交通补贴")  # NR-EMP-01
    WORKSHOP = "workshop", _("帮扶车间一次性奖补")  # NR-EMP-02
    DISABLED_WORKSHOP = "disabled_workshop", _("残疾人就业帮扶车间奖补")  # NR-EMP-03


PERSON_SUBSIDIES: Final = frozenset({SubsidyKind.TRANSPORT})
WORKSHOP_SUBSIDIES: Final = frozenset({SubsidyKind.WORKSHOP, SubsidyKind.DISABLED_WORKSHOP})
