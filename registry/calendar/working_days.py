"""Working days on the Chinese calendar, for publicity and review periods (reads only).

Public holidays are days off and make-up working days (调休) on a weekend are working days. Where
a day's status comes from, first match wins:

1. a year an operator entered (`CalendarYear`): a `CalendarDay` row decides its date, every other
   day follows the weekday rule. Entered data wins over the library so that an operator can
   correct it, and because it is the registry's own record of the State Council notice;
2. the `chinese_calendar` library, for the years it knows;
3. otherwise Monday to Friday, marked unknown: the State Council publishes each year's schedule in
   the autumn and the library may lag, so such a deadline is provisional, never silently guessed.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar
from django.utils.translation import gettext_noop

from core.messages import Message
from registry.calendar.models import CalendarYear

# Monday is 0: Saturday and Sunday are the weekend.
_FIRST_WEEKEND_DAY = 5

BEYOND_CALENDAR = Message(
    gettext_noop("This period would end after {last}, the last date the registry can write.")
)


class BeyondCalendar(ValueError):
    """A period that would end after 9999-12-31 (`datetime.date.max`)."""

    def __init__(self) -> None:
        super().__init__(BEYOND_CALENDAR.format(last=date.max))
        self.message = BEYOND_CALENDAR.format(last=date.max)


@dataclass(frozen=True)
class Deadline:
    """The date a period ends, and whether a day of an unknown year went into it."""

    date: date
    provisional: bool


def period_ended(ends_on: date, today: date) -> bool:
    """Whether a period that ends on `ends_on` is over on `today`: from that date on, the item
    may move on. The one definition shared by the services and the periodic tasks."""
    return today >= ends_on


def is_weekday(day: date) -> bool:
    return day.weekday() < _FIRST_WEEKEND_DAY


class WorkingDayCalendar:
    """Classifies days, reading each entered year from the database at most once.

    One instance is a snapshot for one computation (or one batch of them, such as the recompute
    after a year is entered); don't keep it across requests, or it will miss newly entered years.
    """

    def __init__(self) -> None:
        # year -> {date: working} of its exceptional days, or None if nobody entered the year.
        self._entered: dict[int, dict[date, bool] | None] = {}

    def load(self, years: Iterable[int]) -> None:
        """Read the entered schedules of `years` not read yet, in one query."""
        missing = sorted({year for year in years if year not in self._entered})
        if not missing:
            return
        for year in missing:
            self._entered[year] = None
        # A LEFT JOIN: an entered year without exceptional days still comes back, with NULLs.
        rows = CalendarYear.objects.filter(year__in=missing).values_list(
            "year", "days__date", "days__working"
        )
        for year, day, working in rows:
            overrides = self._entered[year]
            if overrides is None:
                overrides = self._entered[year] = {}
            if day is not None:
                overrides[day] = working

    def is_working_day(self, day: date) -> tuple[bool, bool]:
        """(working, known): known is False when only the weekday rule could be applied."""
        self.load([day.year])
        overrides = self._entered[day.year]
        if overrides is not None:
            return overrides.get(day, is_weekday(day)), True
        try:
            return chinese_calendar.is_workday(day), True
        except NotImplementedError:
            # The library raises this for the years it has no schedule of.
            return is_weekday(day), False

    def add_working_days(self, start: date, days: int) -> Deadline:
        """The `days`-th working day after `start`; see the module function."""
        if days < 0:
            raise ValueError("a period cannot have a negative number of working days")
        if days == 0:
            return Deadline(date=start, provisional=False)
        # Read every year the period is likely to reach at once (a working day is at most a
        # couple of calendar days apart, plus a Spring Festival or National Day week); a period
        # that runs further loads the next year as it gets there.
        reach = start + min(timedelta(days=2 * days + 14), date.max - start)
        self.load(range(start.year, reach.year + 1))
        day = start
        counted = 0
        provisional = False
        while counted < days:
            if day == date.max:
                raise BeyondCalendar()
            day += timedelta(days=1)
            working, known = self.is_working_day(day)
            provisional = provisional or not known
            if working:
                counted += 1
        return Deadline(date=day, provisional=provisional)

    def publicity_over_on(self, start: date, days: int) -> Deadline:
        """The day a publicity period of `days` whole working days after `start` is over, from
        which the item may move on: the day after the last of those working days, so the
        document is public for all of them; `start` itself when `days` is 0 (no wait)."""
        last = self.add_working_days(start, days)
        if days == 0:
            return last
        if last.date == date.max:
            raise BeyondCalendar()
        return Deadline(date=last.date + timedelta(days=1), provisional=last.provisional)


def is_working_day(day: date) -> tuple[bool, bool]:
    """(working, known) for one day. `known` is False when neither an entered year nor the
    library has the day's year, and `working` then follows Monday to Friday only."""
    return WorkingDayCalendar().is_working_day(day)


def add_working_days(start: date, days: int) -> Deadline:
    """The end of a period of `days` working days that starts on `start`.

    Counting begins the day after `start` (the day of submission does not count, whether or not
    it is a working day), and the result is the `days`-th working day after it: the period ends
    on that date, and the item may move on from that date on (`period_ended` is true on it).
    `days == 0` gives `start` itself, exact: the period ends at once.

    The deadline is provisional if any day counted or skipped on the way lies in a year whose
    schedule is unknown (weekday rule only); entering that year makes it exact. Raises
    `BeyondCalendar` for a period that would end after 9999-12-31.
    """
    return WorkingDayCalendar().add_working_days(start, days)


def publicity_over_on(start: date, days: int) -> Deadline:
    """See `WorkingDayCalendar.publicity_over_on`."""
    return WorkingDayCalendar().publicity_over_on(start, days)
