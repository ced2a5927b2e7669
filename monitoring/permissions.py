"""Who may take which entry step (SPEC §1.3 matrix, scoping rule 2): the step's capability, inside the chain of the
household's **managing** area (a co-managing area reads but does not decide, SPEC §1.5)."""

from typing import TYPE_CHECKING, Any, Protocol

from accounts.models import User
from accounts.permissions import has_capability
from accounts.roles import Capability, Role
from geo.codes import ABOVE_COUNTIES, AreaLevel
from geo.querysets import in_territory
from monitoring.choices import OPEN_ELIMINATION_STATES, SubjectStatus

if TYPE_CHECKING:
    from monitoring.models import MonitoringSubject


class Case(Protocol):
    """An entry application or an elimination case: both belong to one household."""

    @property
    def household(self) -> Any: ...


def in_managing_chain(user: User, application: Case) -> bool:
    """The object form of ``CaseQuerySet.managed_by`` (same prefixes, no query)."""
    return in_territory(user, application.household.managing_area.code)


def can_take_village_steps(user: User, application: Case) -> bool:
    """EN-1 home verification, EN-2 democratic review, EN-3 village notice; EL-1 and EL-2 (SPEC §4.8)."""
    return has_capability(user, Capability.VILLAGE_PROCEDURE) and in_managing_chain(user, application)


def can_review_as_township(user: User, application: Case) -> bool:
    """EN-4; EL-3 and EL-4."""
    return has_capability(user, Capability.TOWNSHIP_REVIEW) and in_managing_chain(user, application)


def can_approve_as_county(user: User, application: Case) -> bool:
    """EN-5 (setting ``entry.final_approver_level`` = county); EL-5 … EL-7."""
    return has_capability(user, Capability.COUNTY_APPROVAL) and in_managing_chain(user, application)


def can_register(user: User, application: Case) -> bool:
    """EN-6: county or township staff enter the approved subject."""
    return can_approve_as_county(user, application) or can_review_as_township(user, application)


def can_withdraw(user: User, application: Any) -> bool:
    return has_capability(user, Capability.OPEN_ENTRY) and (
        application.reported_by_id == user.pk or in_managing_chain(user, application)
    )


def can_open_elimination(user: User, subject: "MonitoringSubject") -> bool:
    """EL-0 is opened by the village or the township, for a monitored or held subject without an open case."""
    return (
        subject.status in (SubjectStatus.MONITORED, SubjectStatus.ELIMINATION_HOLD)
        and (can_take_village_steps(user, subject) or can_review_as_township(user, subject))
        and not subject.elimination_cases.filter(state__in=sorted(OPEN_ELIMINATION_STATES)).exists()
    )


def can_record_lookback(user: User, subject: "MonitoringSubject") -> bool:
    """A look-back due on the subject (SPEC §4.10) is recorded by its village or township."""
    return subject.lookbacks.filter(done_on__isnull=True).exists() and (
        can_take_village_steps(user, subject) or can_review_as_township(user, subject)
    )


def oversees_steps_of(user: User) -> str | None:
    """The level whose steps past their limit a user is told of and sees on their queue (SPEC §4.14: overdue cases
    are listed for the next level): a township's reviewers oversee the village steps, a county's approvers the
    township steps, the city and province supervisors the county steps; anyone else none."""
    area = getattr(user, "area", None)
    if area is None or not user.is_active:
        return None
    if area.level == AreaLevel.TOWNSHIP and has_capability(user, Capability.TOWNSHIP_REVIEW):
        return AreaLevel.VILLAGE
    if area.level == AreaLevel.COUNTY and has_capability(user, Capability.COUNTY_APPROVAL):
        return AreaLevel.TOWNSHIP
    if area.level in ABOVE_COUNTIES and user.has_role(Role.SUPERVISOR):
        return AreaLevel.COUNTY
    return None


def can_read_overdue_procedures(user: User) -> bool:
    """The townships' procedures past ``entry.total_target_days`` are read by the county's reviewers and the
    supervisors above them (SPEC §4.14)."""
    return user.is_superuser or oversees_steps_of(user) in (AreaLevel.TOWNSHIP, AreaLevel.COUNTY)


def can_record_measures(user: User) -> bool:
    """Recording and moving assistance measures (SPEC §1.3): also what linking a loan, job or post to one takes,
    since the link moves the measure."""
    return has_capability(user, Capability.MANAGE_MEASURES)
