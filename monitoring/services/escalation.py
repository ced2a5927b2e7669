"""Escalation of workflow steps past their time limit (SPEC §4.14: overdue cases are listed for the next level).

Once a day the level above hears, as one count, of the steps below it that have waited past their limit: a village
step tells the township's reviewers, a township step the county's approvers, a county step the city and province
supervisors over that county. "Past the limit" is ``Waiting.overdue`` of the queues, read in SQL
(``queues.overdue_steps``); the count is of the cases as they stand when the job runs."""

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_stubs_ext import StrOrPromise

from accounts.models import User
from accounts.roles import Capability, Role
from geo.codes import ABOVE_COUNTIES, AreaLevel, ancestor_code
from geo.models import AdminArea
from geo.once import reading_once
from monitoring.models import EliminationCase, EntryApplication
from monitoring.selectors.queues import WaitingContext, overdue_steps, step_limits
from notifications.selectors import users_of_role, users_who_take
from notifications.services import notify

TOPIC: Final = "overdue"

# What the level above reads, by the level of the overdue steps.
TITLES: Final[dict[str, StrOrPromise]] = {
    AreaLevel.VILLAGE: gettext_lazy("%(what)s在本乡镇的村级环节超过办理时限"),
    AreaLevel.TOWNSHIP: gettext_lazy("%(what)s在本县的乡镇环节超过办理时限"),
    AreaLevel.COUNTY: gettext_lazy("%(what)s在所辖县的县级环节超过办理时限"),
}


@dataclass
class _Overseer:
    """One person of the level above and the overdue steps they are told of, by the area of each step."""

    person: User
    level: str
    by_area: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))


def _areas(level: str, code: str) -> tuple[str, str]:
    """(the area whose level above is told, the area a line of the notification names) of a step of ``level`` on
    a household managed at ``code``."""
    if level == AreaLevel.VILLAGE:
        return ancestor_code(code, AreaLevel.TOWNSHIP), ancestor_code(code, AreaLevel.VILLAGE)
    if level == AreaLevel.TOWNSHIP:
        return ancestor_code(code, AreaLevel.COUNTY), ancestor_code(code, AreaLevel.TOWNSHIP)
    county = ancestor_code(code, AreaLevel.COUNTY)
    return county, county


def _overseers(level: str, area_code: str) -> Iterable[User]:
    """The level above the steps of ``level`` in ``area_code`` (``monitoring.permissions.oversees_steps_of``)."""
    if level == AreaLevel.VILLAGE:
        people = users_who_take(capability=Capability.TOWNSHIP_REVIEW, area_code=area_code, levels={AreaLevel.TOWNSHIP})
    elif level == AreaLevel.TOWNSHIP:
        people = users_who_take(capability=Capability.COUNTY_APPROVAL, area_code=area_code, levels={AreaLevel.COUNTY})
    else:
        people = users_of_role(role=Role.SUPERVISOR, area_code=area_code, levels=ABOVE_COUNTIES)
    return people.select_related("area")


def overdue_counts(counts: Counter[str]) -> str:
    """ "3 件纳入监测申请、1 件风险消除"."""
    parts = []
    if counts["entry"]:
        n = counts["entry"]
        parts.append(ngettext("%(n)s 件纳入监测申请", "%(n)s 件纳入监测申请", n) % {"n": n})
    if counts["elimination"]:
        n = counts["elimination"]
        parts.append(ngettext("%(n)s 件风险消除", "%(n)s 件风险消除", n) % {"n": n})
    if len(parts) == 2:
        return _("%(first)s、%(second)s") % {"first": parts[0], "second": parts[1]}
    return parts[0]


def overdue_list_url(level: str, counts: Counter[str]) -> str:
    """The queue filtered to the overdue steps of ``level``: the entry queue, or the elimination queue when only
    elimination cases are overdue."""
    name = "monitoring:entry-queue" if counts["entry"] else "monitoring:elimination-queue"
    return f"{reverse(name)}?all=1&overdue={level}"


# One run reads each county's settings once, all counties in one query (``read_ahead``), as a request does.
@reading_once()
@transaction.atomic
def overdue_steps_escalate(*, today: datetime.date) -> int:
    """Tell the level above of every open entry application and elimination case whose pending step is past its
    limit today: one notification per person, counting the steps of their area, once a day (a second run the same
    day writes none; SPEC §4.14). Returns how many notifications were written."""
    context = WaitingContext()
    found: dict[tuple[str, str], dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for kind, model in (("entry", EntryApplication), ("elimination", EliminationCase)):
        levels = step_limits(model)
        household = "household" if model is EntryApplication else "subject__household"
        overdue = overdue_steps(model.objects.all(), area_code="", today=today, context=context)
        for state, code in overdue.values_list("state", f"{household}__managing_area__code"):
            level = levels[state][0]
            overseen, line = _areas(level, code)
            found[(level, overseen)][line][kind] += 1

    told: dict[int, _Overseer] = {}
    for (level, overseen), lines in found.items():
        for person in _overseers(level, overseen):
            one = told.setdefault(person.pk, _Overseer(person, level))
            for line, counts in lines.items():
                one.by_area[line].update(counts)

    names = dict(
        AdminArea.objects.filter(code__in={code for one in told.values() for code in one.by_area}).values_list(
            "code", "name"
        )
    )
    written = 0
    # Stored text, read later by its recipient: written in the site's language, as every notification is.
    with translation.override(settings.LANGUAGE_CODE):
        for one in told.values():
            total: Counter[str] = Counter()
            for counts in one.by_area.values():
                total.update(counts)
            body = [
                _("%(area)s：%(what)s") % {"area": names.get(code, code), "what": overdue_counts(counts)}
                for code, counts in sorted(one.by_area.items())
            ]
            assert one.person.area is not None  # the overseers are chosen by their area
            written += len(
                notify(
                    recipients=[one.person],
                    topic=TOPIC,
                    title=str(TITLES[one.level]) % {"what": overdue_counts(total)},
                    url=overdue_list_url(one.level, total),
                    area_code=one.person.area.code,
                    body="\n".join(body),
                    key=f"{TOPIC}:{today.isoformat()}",
                )
            )
    return written
