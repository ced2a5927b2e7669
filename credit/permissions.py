"""Who may read and record microcredit (SPEC §1.3 rows of the support programmes, §11.1): the roles carrying
``view_programmes`` read the loans of their territory, those carrying ``manage_programmes`` record them for the
households their area manages (SPEC §1.3 rule 2: writes need the managing area)."""

from __future__ import annotations

from accounts.models import User
from accounts.permissions import has_capability
from accounts.roles import Capability
from geo.querysets import in_territory
from households.models import Household


def can_view(user: User) -> bool:
    return has_capability(user, Capability.VIEW_PROGRAMMES)


def can_manage(user: User, household: Household) -> bool:
    """Sign, repay, extend, convert, blacklist: a manager of the programmes whose territory holds the household's
    managing area."""
    return has_capability(user, Capability.MANAGE_PROGRAMMES) and in_territory(user, household.managing_area.code)
