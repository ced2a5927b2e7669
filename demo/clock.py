"""The demo county's clock: every step of the demo is taken on the day it happens, so what the database holds is what
production would hold had the county worked on those days — event times, ``created_at`` and ``auto_now`` stamps,
history rows, notices and the dates the services derive from "today" all agree.

``clock(moment)`` sets the time for the code inside it (``time-machine``, so ``timezone.now``, ``localdate``, the
``auto_now`` fields and the history rows all read it). A ``Timeline`` replays stories: each story is a generator
that yields the moment of its next step and takes that step when resumed; the timeline resumes the stories in
global chronological order (ties in the order the stories were added), each step in a savepoint, under the clock of
its moment. Used by the demo loader only."""

from __future__ import annotations

import datetime
import heapq
import itertools
import logging
import zoneinfo
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from typing import Final

import time_machine
from django.conf import settings
from django.db import transaction

from core.errors import DomainError
from geo.workdays import WorkdayCalendar

logger = logging.getLogger(__name__)

LOCAL: Final = zoneinfo.ZoneInfo(settings.TIME_ZONE)
DAY: Final = datetime.timedelta(days=1)

# A story: yields the moment of each step, takes the step when resumed. It must do nothing before its first yield.
Story = Generator[datetime.datetime, None, None]


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """``day`` at ``hour:minute`` local time (Asia/Shanghai): the county works on local dates."""
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL)


@contextmanager
def clock(moment: datetime.datetime) -> Iterator[None]:
    """Time stands at ``moment`` inside the block."""
    with time_machine.travel(moment, tick=False):
        yield


class FutureStep(Exception):
    """A demo step planned after the real present: a planning mistake, never data."""


class Timeline:
    """Replays stories in chronological order. A step a service refuses (``DomainError``) is rolled back to its
    savepoint and ends its story: the case then waits where it is, as a refused step would leave it."""

    def __init__(self, *, latest: datetime.datetime) -> None:
        self.latest = latest
        self.refused: list[str] = []
        self._heap: list[tuple[datetime.datetime, int, str, Story]] = []
        self._order = itertools.count()

    def add(self, story: Story, *, name: str) -> None:
        first = next(story, None)
        if first is not None:
            self._push(first, name, story)

    def _push(self, moment: datetime.datetime, name: str, story: Story) -> None:
        if moment > self.latest:
            raise FutureStep(f"{name}: {moment:%Y-%m-%d %H:%M} is after {self.latest:%Y-%m-%d %H:%M}")
        heapq.heappush(self._heap, (moment, next(self._order), name, story))

    def run(self) -> None:
        while self._heap:
            moment, _order, name, story = heapq.heappop(self._heap)
            try:
                with clock(moment), transaction.atomic():
                    following = next(story, None)
            except DomainError as exc:
                self.refused.append(f"{name} {moment:%Y-%m-%d %H:%M}: {exc.message}")
                logger.warning("demo step refused: %s %s: %s", name, moment, exc.message)
                continue
            if following is None:
                continue
            if following < moment:
                raise ValueError(f"{name}: the story went back from {moment} to {following}")
            self._push(following, name, story)


class Workdays:
    """Working days on the Chinese calendar (``geo.workdays``), as the county's deadlines count them."""

    def __init__(self) -> None:
        self.calendar = WorkdayCalendar()

    def is_workday(self, day: datetime.date) -> bool:
        return self.calendar.is_workday(day)

    def on_or_after(self, day: datetime.date) -> datetime.date:
        while not self.is_workday(day):
            day += DAY
        return day

    def on_or_before(self, day: datetime.date) -> datetime.date:
        while not self.is_workday(day):
            day -= DAY
        return day

    def after(self, day: datetime.date, count: int) -> datetime.date:
        """The ``count``-th working day after ``day``; ``count`` 0: ``day`` itself if it is one, else the next."""
        if count <= 0:
            return self.on_or_after(day)
        while count:
            day += DAY
            count -= self.is_workday(day)
        return day

    def before(self, day: datetime.date, count: int) -> datetime.date:
        """The ``count``-th working day before ``day`` (count ≥ 1)."""
        while count > 0:
            day -= DAY
            count -= self.is_workday(day)
        return day

    def between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after ``start`` up to and including ``end``, as the queues count waiting time."""
        return self.calendar.workdays_between(start, end)


Moments = dict[str, datetime.datetime]


def place(build: Callable[[datetime.date], Moments], last: str, target: datetime.date, days: Workdays) -> Moments:
    """The moments ``build(start)`` gives for the latest start whose step ``last`` falls on ``target`` or before
    it: a case planned forward from its first day (gaps in working days, notices in calendar days) ends when the
    demo needs it to."""
    trial = build(target)
    first = min(trial.values()).date()
    start = days.on_or_after(target - (trial[last].date() - first))
    moments = build(start)
    while moments[last].date() > target:
        start = days.before(start, 1)
        moments = build(start)
    while True:
        later = build(days.after(start, 1))
        if later[last].date() > target:
            return moments
        start, moments = days.after(start, 1), later


def steps_story(steps: list[tuple[datetime.datetime, Callable[[], object]]]) -> Story:
    """A story of steps that only need to happen in order of their moments (ties in the order given)."""
    for moment, step in sorted(steps, key=lambda pair: pair[0]):
        yield moment
        step()
