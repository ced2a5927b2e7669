"""Who records entries into the national system (SPEC §4.6 EN-6 "county or township staff"; §1.3 scoping rule 2:
inside the household's **managing** area). Everyone who reads the subject reads its entries."""

from accounts.models import User
from accounts.permissions import has_capability
from accounts.roles import Capability
from monitoring import permissions as monitoring_permissions
from monitoring.models import MonitoringSubject


def can_record(user: User, subject: MonitoringSubject) -> bool:
    """A township cadre or a county reviewer of the subject's managing area (the staff who register, EN-6)."""
    return monitoring_permissions.can_register(user, subject)


def records_anywhere(user: User) -> bool:
    """The role records entries somewhere (the queue offers the forms and the batch page)."""
    return has_capability(user, Capability.TOWNSHIP_REVIEW) or has_capability(user, Capability.COUNTY_APPROVAL)
