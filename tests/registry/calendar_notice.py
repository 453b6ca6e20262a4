"""The first year the calendar library does not know, and TEST DATA for it shaped like a State
Council notice: not a published schedule, so the tests read the same whichever year it is.

`chinese_calendar` raises NotImplementedError for a date outside the years of its `holidays`
table (it checks `min(holidays).year <= year <= max(holidays).year`), so the first unknown year is
the last of them plus one: 2027 with chinese_calendar 1.11.0, later once the library is upgraded.

The schedule, with S the first Monday of February:

- New Year's Day: 1 January, or the Monday after it when it falls on a weekend (a holiday that
  falls on a weekend is off already and is not listed);
- Spring Festival: Friday S+4 and Monday S+7 to Friday S+11 off, so S+4 to S+13 is one
  ten-day break; Sunday S-1 and Saturday S+19 are make-up working days.
"""

from datetime import date, timedelta

import chinese_calendar

LAST_KNOWN_YEAR = max(chinese_calendar.holidays).year
UNKNOWN_YEAR = LAST_KNOWN_YEAR + 1


def weekdays_after(day: date, count: int) -> list[date]:
    """The first `count` days from Monday to Friday after `day` (the weekday rule alone)."""
    found: list[date] = []
    while len(found) < count:
        day += timedelta(days=1)
        if day.weekday() < 5:
            found.append(day)
    return found


# The last working day of the last known year, by the library's own table: a period that starts
# the day before it counts one known working day, then reaches into the unknown year.
LAST_KNOWN_WORKING_DAY = max(
    day
    for day in (date(LAST_KNOWN_YEAR, 12, 31) - timedelta(days=n) for n in range(21))
    if chinese_calendar.is_workday(day)
)

NEW_YEARS_DAY = weekdays_after(date(UNKNOWN_YEAR - 1, 12, 31), 1)[0]
_FEBRUARY_1 = date(UNKNOWN_YEAR, 2, 1)
FEBRUARY_MONDAY = _FEBRUARY_1 + timedelta(days=-_FEBRUARY_1.weekday() % 7)  # S: 1 to 7 February


def s_plus(offset: int) -> date:
    """S+offset: the day `offset` days after the first Monday of February of the unknown year."""
    return FEBRUARY_MONDAY + timedelta(days=offset)


HOLIDAYS = [
    {"date": NEW_YEARS_DAY, "name": "New Year's Day"},
    {"date": s_plus(4), "name": "Spring Festival"},
    *({"date": s_plus(offset), "name": "Spring Festival"} for offset in range(7, 12)),
]
WORKING_DAYS = [
    {"date": s_plus(-1), "name": "Spring Festival"},  # a Sunday
    {"date": s_plus(19), "name": "Spring Festival"},  # a Saturday
]
SOURCE = f"Test data shaped like a State Council notice (not the published {UNKNOWN_YEAR} schedule)"
