"""Who may see and record the insurance programme (SPEC §1.3, §11: the village worker, township cadre and county
reviewer manage the support programmes; the reporting officer and supervisor read them)."""

from accounts.models import User
from accounts.permissions import has_capability
from accounts.roles import Capability
from geo.querysets import in_territory


def can_view(user: User) -> bool:
    return has_capability(user, Capability.VIEW_PROGRAMMES)


def can_manage(user: User, area_code: str) -> bool:
    """Policies and claims: the programme managers of the household's managing area (SPEC §1.3 rule 2)."""
    return has_capability(user, Capability.MANAGE_PROGRAMMES) and in_territory(user, area_code)


def can_record_report(user: User, county_code: str) -> bool:
    """The insurer's monthly report is recorded by the county it reports to (SPEC §12, 001 L206): a manager whose
    territory holds the whole county."""
    return has_capability(user, Capability.MANAGE_PROGRAMMES) and in_territory(user, county_code)
