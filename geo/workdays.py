"""Working days on the Chinese calendar, with its make-up working days (调休), for the deadlines of workflow
steps (SPEC §4.14). The admin-edited ``CalendarOverride`` table wins; then the ``chinesecalendar``
package; for a year the package does not know, Monday to Friday (and the page should prompt an administrator to
enter that year's holidays)."""

import datetime
from collections.abc import Iterable

import chinese_calendar
from django.core.cache import cache
from django.utils.functional import cached_property

from geo.models import CalendarOverride


class WorkdayCalendar:
    """One lookup of the override table per calendar object; reuse it across a list of cases."""

    def __init__(self, overrides: Iterable[CalendarOverride] | None = None) -> None:
        self._given = overrides

    @cached_property
    def _overrides(self) -> dict[datetime.date, bool]:
        """Read when first needed: a page whose queues are empty never reads the table."""
        if self._given is not None:
            return {row.day: row.is_workday for row in self._given}
        return overrides()

    def is_workday(self, day: datetime.date) -> bool:
        if day in self._overrides:
            return self._overrides[day]
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            return day.weekday() < 5

    def known(self, day: datetime.date) -> bool:
        """Whether the holidays of ``day``'s year are known (package or overrides)."""
        try:
            chinese_calendar.is_workday(day)
        except NotImplementedError:
            return any(d.year == day.year for d in self._overrides)
        return True

    def workdays_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when ``end`` ≤ ``start``): a step opened on
        a Friday before a holiday has used no working day until the first working day after it."""
        count = 0
        day = start + datetime.timedelta(days=1)
        while day <= end:
            if self.is_workday(day):
                count += 1
            day += datetime.timedelta(days=1)
        return count


# The override table is a few dozen rows an administrator edits once a year, read by every page that shows how long
# a step has waited: it is kept in the cache (shared by the web and worker processes) and forgotten whenever a row
# is saved or deleted (``geo.apps``), and after an hour whatever happens.
OVERRIDES_CACHE_KEY = "geo:calendar-overrides"
OVERRIDES_CACHE_SECONDS = 3600


def overrides() -> dict[datetime.date, bool]:
    """The override table as {day: is_workday}, from the cache when it holds it."""
    cached = cache.get(OVERRIDES_CACHE_KEY)
    if cached is None:
        cached = {row.day.isoformat(): row.is_workday for row in CalendarOverride.objects.all()}
        cache.set(OVERRIDES_CACHE_KEY, cached, OVERRIDES_CACHE_SECONDS)
    return {datetime.date.fromisoformat(day): workday for day, workday in cached.items()}


def forget_overrides(**_: object) -> None:
    """The receiver of a saved or deleted override (and of a test that starts from an empty table)."""
    cache.delete(OVERRIDES_CACHE_KEY)


def notice_long_enough(starts_on: datetime.date, ends_on: datetime.date, min_days: int) -> bool:
    """A public notice (公示) lasts at least ``min_days`` calendar days, both ends included: ``notice.entry_days``
    and the elimination notices (SPEC §4.6 EN-3, §4.8), ``notice.project_days`` (§8.8)."""
    return (ends_on - starts_on).days + 1 >= min_days
