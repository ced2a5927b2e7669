"""Who hears of a workflow step (SPEC §4.14: every step has a time limit and someone to take it): when a case reaches a
queue, the users who take its next step in the managing chain get a notification; when it ends, the person who opened it
does. The notification is written inside the step's transaction, so a refused or rolled-back step tells nobody."""

from typing import Any, Final

from accounts.models import User
from accounts.roles import Capability
from geo.codes import AreaLevel
from monitoring.choices import EliminationState, EntryState
from monitoring.models import EliminationCase, EntryApplication
from monitoring.selectors import queues
from notifications.selectors import users_who_take
from notifications.services import notify


def _household_name(household: Any) -> str:
    return f"{household.head_name}户（{household.managing_area.name}）"


# The level whose queue a pending step fills (SPEC §4.6, §4.8: village, township, county steps).
STEP_LEVELS: Final[dict[Capability, tuple[str, ...]]] = {
    Capability.VILLAGE_PROCEDURE: (AreaLevel.VILLAGE, AreaLevel.GROUP),
    Capability.TOWNSHIP_REVIEW: (AreaLevel.TOWNSHIP,),
    Capability.COUNTY_APPROVAL: (AreaLevel.COUNTY,),
}


def _tell(*, pending: Capability | None, opener: Any, area_code: str, **message: Any) -> None:
    if pending is None:
        recipients = [opener]
    else:
        recipients = list(users_who_take(capability=pending, area_code=area_code, levels=STEP_LEVELS[pending]))
    notify(recipients=recipients, area_code=area_code, **message)


def entry_alert(application: EntryApplication, *, actor: User, comment: str = "") -> None:
    """The application has just reached ``application.state``."""
    state = EntryState(application.state)
    step = queues.PENDING_STEP.get(state)
    household = application.household
    _tell(
        pending=step[0] if step else None,
        opener=application.reported_by,
        area_code=household.managing_area.code,
        topic="entry",
        title=f"纳入监测申请 · {_household_name(household)}：{state.label}",
        body=comment,
        url=application.get_absolute_url(),
        actor=actor,
    )


def elimination_alert(case: EliminationCase, *, actor: User, comment: str = "") -> None:
    """The elimination case has just reached ``case.state``."""
    state = EliminationState(case.state)
    household = case.subject.household
    _tell(
        pending=queues.ELIMINATION_PENDING.get(state),
        opener=case.opened_by,
        area_code=household.managing_area.code,
        topic="elimination",
        title=f"风险消除 · {_household_name(household)}：{state.label}",
        body=comment,
        url=case.get_absolute_url(),
        actor=actor,
    )
