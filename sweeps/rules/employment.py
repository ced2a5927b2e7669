"""The employment rules of the sweeps (SPEC §11.3): people of the three groups who wish to work and lack "1 guidance,
3 job offers, 1 training" this year (NR-EMP-04), and migrant households with labour but no one stably employed
(NR-EMP-07). Relocated households (NR-EMP-06) are FC-WEAK-RELOC-01 (``sweeps.rules.others``), which reads the same
fact. Each is one predicate over the township's members or household facts, from ``employment.facts``."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from employment.facts import (
    GROUP_FLAGS,
    EmploymentSettings,
    labour_without_stable_work_q,
    lacking_services_q,
    migrant_household_q,
    working_age_q,
)
from households.facts import has_flag_q
from sweeps.choices import FourChecksCategory, GapType, RuleMode, SubjectKind
from sweeps.rules.base import Rule, Scope, exited_or_monitored


def settings_of(scope: Scope) -> EmploymentSettings:
    """The employment settings of the township's county on the sweep's day (SPEC §15.2)."""
    return EmploymentSettings.of(scope.township.code, on=scope.on)


def in_target_groups(path: str = "household__facts__") -> Q:
    """``employment.facts.target_groups`` (any of the three groups) read from the household facts on the sweep's
    day: a 脱贫户 or a household in monitoring (``exited_or_monitored``), or a flag of the low-income or relocated
    groups in force (the facts' bits). It names the people ``target_group_q(on)`` names (tested in
    tests/employment/test_sweep_rules.py) without reading every flag and episode of the province once per township,
    as the raw tables' face does in the member pass."""
    return exited_or_monitored(path) | has_flag_q(*sorted(set().union(*GROUP_FLAGS.values())), path=path)


def services_lacking(scope: Scope) -> Q:
    """NR-EMP-04 (003 L662): a working-age person of the three groups whose record of the year says they wish to
    work, with fewer than 1 career guidance, 3 job offers or 1 free training this year."""
    settings = settings_of(scope)
    return working_age_q(settings) & in_target_groups() & lacking_services_q(settings)


def migrant_without_stable_work(scope: Scope) -> Q:
    """NR-EMP-07 (000 L261; 001 L236): a migrant household with a member able to work and no member stably
    employed this year."""
    settings = settings_of(scope)
    return migrant_household_q(scope.on, path="household__") & labour_without_stable_work_q(
        settings, path="household__"
    )


RULES = (
    Rule("FC-GAP-EMP-04", 1, FourChecksCategory.GAP_FILLING, SubjectKind.MEMBER, RuleMode.AUTO,
         _("有就业意愿的三类人员未获得1次职业指导、3次岗位推介、1次技能培训"), "SPEC §11.3 NR-EMP-04; 003 L662",
         services_lacking, GapType.MISSED_ASSISTANCE),
    Rule("FC-WEAK-EMP-07", 1, FourChecksCategory.WEAKNESS, SubjectKind.HOUSEHOLD, RuleMode.AUTO,
         _("移民户有劳动力但无稳定就业"), "SPEC §11.3 NR-EMP-07; 000 L261; 001 L236", migrant_without_stable_work),
)  # fmt: skip
