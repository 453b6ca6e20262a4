"""Entering a year's official working-day schedule, and making the deadlines it decides exact
(through the contexts that registered in `YEAR_ENTERED`).

The State Council publishes each year's holiday schedule in the autumn; until the calendar library
ships it, an operator enters it here. Deadlines computed before that, on weekdays only, were
stored as provisional, and entering the year recomputes the ones still running.
"""

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_noop

from accounts.models import User
from core.audit import record_event
from core.errors import AccessDenied, Conflict, InvalidInput
from core.messages import Message, Term
from core.roles import is_operator
from registry.calendar.models import CalendarDay, CalendarYear
from registry.calendar.working_days import is_weekday

YEAR_TAKEN = Message(
    gettext_noop("The working-day schedule of this year has already been entered.")
)
YEAR_INVALID = Message(gettext_noop("Enter a year between 1 and 9999."))
SOURCE_REQUIRED = Message(gettext_noop("This field may not be blank."))
SOURCE_TOO_LONG = Message(gettext_noop("Ensure this field has no more than 500 characters."))
HOLIDAYS_REQUIRED = Message(
    gettext_noop("List the public holidays of the year that fall on a weekday.")
)
DATE_OUTSIDE_YEAR = Message(gettext_noop("{date} is not in {year}."))
DATE_REPEATED = Message(gettext_noop("{date} is listed more than once."))
HOLIDAY_ON_WEEKEND = Message(
    gettext_noop(
        "{date} is a {weekday}: list only holidays that fall on a weekday, "
        "a weekend day is off already."
    )
)
WORKING_DAY_ON_WEEKDAY = Message(
    gettext_noop(
        "{date} is a {weekday}: list only make-up working days that fall on a weekend, "
        "a weekday is a working day already."
    )
)
DATE_IN_BOTH_LISTS = Message(
    gettext_noop("{date} cannot be both a public holiday and a make-up working day.")
)
NAME_TOO_LONG = Message(gettext_noop("The name of {date} has more than 100 characters."))

# What entering a year changed elsewhere: (object, before, after), audited by this service.
Change = tuple[models.Model, dict[str, Any], dict[str, Any]]

# The work an entered year sets off in the contexts that use the calendar (the lifecycle's
# provisional deadlines): each takes the year, locks and updates its rows, and returns what it
# changed. They register themselves at start-up (their AppConfig.ready), so the calendar, below
# them, imports none of them; they run in the transaction that enters the year.
YEAR_ENTERED: list[Callable[[int], list[Change]]] = []

_SOURCE_MAX_LENGTH = CalendarYear._meta.get_field("source").max_length
_NAME_MAX_LENGTH = CalendarDay._meta.get_field("name").max_length


def _check_days(entries: Sequence[Mapping[str, Any]], year: int, *, working: bool) -> list[str]:
    """The error messages of one list: holidays (`working=False`) or make-up working days."""
    messages: list[str] = []
    seen: set[date] = set()
    for entry in entries:
        day: date = entry["date"]
        if day.year != year:
            messages.append(DATE_OUTSIDE_YEAR.format(date=day, year=year))
            continue
        if day in seen:
            messages.append(DATE_REPEATED.format(date=day))
        seen.add(day)
        # Only the days that differ from the weekday rule are stored (see CalendarDay).
        if working == is_weekday(day):
            template = WORKING_DAY_ON_WEEKDAY if working else HOLIDAY_ON_WEEKEND
            messages.append(
                template.format(date=day, weekday=Term(day.strftime("%A"), WEEKDAYS[day.weekday()]))
            )
        if len(entry.get("name", "")) > _NAME_MAX_LENGTH:
            messages.append(NAME_TOO_LONG.format(date=day))
    return messages


def _validate(
    year: int,
    holidays: Sequence[Mapping[str, Any]],
    working_days: Sequence[Mapping[str, Any]],
    source: str,
) -> None:
    errors: dict[str, list[str]] = {}
    if not 1 <= year <= 9999:
        raise InvalidInput({"year": YEAR_INVALID})
    if not source.strip():
        errors["source"] = [SOURCE_REQUIRED]
    elif len(source) > _SOURCE_MAX_LENGTH:
        errors["source"] = [SOURCE_TOO_LONG]
    # Every Chinese year has weekday holidays (New Year's Day, Labour Day, National Day...):
    # an empty list is a mistake, and an entered year cannot be entered again.
    holiday_errors = [HOLIDAYS_REQUIRED] if not holidays else []
    holiday_errors += _check_days(holidays, year, working=False)
    working_errors = _check_days(working_days, year, working=True)
    both = {entry["date"] for entry in holidays} & {entry["date"] for entry in working_days}
    working_errors += [DATE_IN_BOTH_LISTS.format(date=day) for day in sorted(both)]
    if holiday_errors:
        errors["holidays"] = holiday_errors
    if working_errors:
        errors["working_days"] = working_errors
    if errors:
        raise InvalidInput(errors)


@transaction.atomic
def enter_calendar_year(
    *,
    actor: User | None,
    year: int,
    holidays: Sequence[Mapping[str, Any]],
    working_days: Sequence[Mapping[str, Any]],
    source: str,
) -> CalendarYear:
    """Record a year's official schedule: the public holidays that fall on a weekday and the
    make-up working days that fall on a weekend, each `{"date": date, "name": str}`.

    Operators only (`actor` None is the installation itself, for scripts). A year is entered
    once. Then the provisional deadlines of the items still in that period are recomputed.
    """
    if actor is not None and not is_operator(actor):
        raise AccessDenied()
    _validate(year, holidays, working_days, source)
    if CalendarYear.objects.filter(year=year).exists():
        raise Conflict(YEAR_TAKEN)

    authenticated = actor is not None and actor.is_authenticated
    calendar_year = CalendarYear(
        year=year, source=source.strip(), entered_by=actor if authenticated else None
    )
    try:
        # A savepoint: a concurrent entry of the same year loses on the unique year.
        with transaction.atomic():
            calendar_year.save()
    except IntegrityError as error:
        raise Conflict(YEAR_TAKEN) from error
    days = [
        CalendarDay(
            calendar_year=calendar_year,
            date=entry["date"],
            working=working,
            name=entry.get("name", "").strip(),
        )
        for entries, working in ((holidays, False), (working_days, True))
        for entry in entries
    ]
    CalendarDay.objects.bulk_create(days)

    changes = [change for recompute in YEAR_ENTERED for change in recompute(year)]

    # The chain head is the last lock of the global order: audit after the row locks above.
    record_event(
        actor=actor,
        action="calendar_year.entered",
        target=calendar_year,
        after={
            "year": year,
            "source": calendar_year.source,
            "holidays": [{"date": day.date, "name": day.name} for day in days if not day.working],
            "working_days": [{"date": day.date, "name": day.name} for day in days if day.working],
        },
    )
    for obj, before, after in changes:
        record_event(
            actor=actor,
            action=f"{obj._meta.model_name}.deadline_recomputed",
            target=obj,
            before=before,
            after=after,
        )
    return calendar_year
