"""Who may record which money (SPEC §1.3 rows "Record fund receipt / allocation" and "Record payment")."""

from accounts.models import User
from accounts.permissions import has_capability
from accounts.roles import Capability
from geo.querysets import in_territory


def can_view(user: User) -> bool:
    return has_capability(user, Capability.VIEW_FUNDS)


def can_record_funds(user: User, county_code: str) -> bool:
    """Batches and allocations: county finance and the county bureau, inside their county."""
    return has_capability(user, Capability.RECORD_FUNDS) and in_territory(user, county_code)


def can_record_payment(user: User, project_area_code: str) -> bool:
    """Payments: county finance, or the project unit that builds the project ("谁建设、谁实施、谁录入", 003 L1504)."""
    return has_capability(user, Capability.RECORD_PAYMENTS) and in_territory(user, project_area_code)
