"""Working-day arithmetic on the Chinese calendar, and entering a year the library lacks.

Spring Festival 2026 (State Council notice, shipped by chinese_calendar): Sunday 15 to Monday 23
February off; Saturday 14 and Saturday 28 February are make-up working days.

The year the library does not know is computed from it (`UNKNOWN_YEAR`, 2027 with
chinese_calendar 1.11.0), and its schedule is TEST DATA shaped like a real notice, laid out
around the first Monday of February, S (see `tests.registry.calendar_notice`).
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from core.errors import AccessDenied, Conflict, InvalidInput
from core.models import AuditEntry
from methodologies.library import load_library
from methodologies.models import Methodology
from registry.calendar import services as calendar_services
from registry.calendar.models import CalendarDay, CalendarYear
from registry.calendar.services import enter_calendar_year
from registry.calendar.working_days import (
    Deadline,
    add_working_days,
    is_working_day,
    period_ended,
    publicity_over_on,
)
from registry.projects.models import MonitoringReport, Project
from tests.conftest import make_organization
from tests.registry.calendar_notice import (
    HOLIDAYS,
    LAST_KNOWN_WORKING_DAY,
    LAST_KNOWN_YEAR,
    NEW_YEARS_DAY,
    SOURCE,
    UNKNOWN_YEAR,
    WORKING_DAYS,
    s_plus,
    weekdays_after,
)

# The first Monday of February of the unknown year.
S = s_plus(0)
# Counting from here, the first day counted is the last working day of the last known year.
BEFORE_THE_NEW_YEAR = LAST_KNOWN_WORKING_DAY - timedelta(days=1)
# The weekdays of the unknown year from 1 January on.
JANUARY_WEEKDAYS = weekdays_after(date(LAST_KNOWN_YEAR, 12, 31), 5)


def enter_the_year(actor=None) -> CalendarYear:
    return enter_calendar_year(
        actor=actor,
        year=UNKNOWN_YEAR,
        holidays=HOLIDAYS,
        working_days=WORKING_DAYS,
        source=SOURCE,
    )


# --- Arithmetic on a year the library knows -------------------------------------------------


@pytest.mark.django_db
def test_spring_festival_2026_is_skipped_and_make_up_saturday_counts():
    # Thu 12 Feb; counted: Fri 13, Sat 14 (make-up), [15-23 off], Tue 24, Wed 25, Thu 26.
    assert add_working_days(date(2026, 2, 12), 5) == Deadline(date(2026, 2, 26), False)


@pytest.mark.django_db
def test_make_up_saturday_is_a_working_day():
    assert add_working_days(date(2026, 2, 13), 1) == Deadline(date(2026, 2, 14), False)
    assert add_working_days(date(2026, 2, 27), 1) == Deadline(date(2026, 2, 28), False)
    # The Sunday after the make-up Saturday is off again.
    assert add_working_days(date(2026, 2, 27), 2) == Deadline(date(2026, 3, 2), False)


@pytest.mark.django_db
def test_counting_starts_the_day_after_start_even_from_a_holiday():
    assert add_working_days(date(2026, 2, 16), 1) == Deadline(date(2026, 2, 24), False)


@pytest.mark.django_db
def test_ordinary_weekend_is_skipped():
    # Fri 6 March 2026 -> Mon 9 March.
    assert add_working_days(date(2026, 3, 6), 1) == Deadline(date(2026, 3, 9), False)


@pytest.mark.django_db
@pytest.mark.parametrize("start", [date(2026, 2, 16), date(2026, 3, 7), date(UNKNOWN_YEAR, 3, 1)])
def test_zero_days_ends_at_once_and_exactly(start):
    # Even on a holiday, a weekend, or in a year nobody entered.
    assert add_working_days(start, 0) == Deadline(start, False)
    assert period_ended(add_working_days(start, 0).date, start)


@pytest.mark.django_db
def test_negative_days_are_a_programming_error():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 3, 2), -1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 2, 13), (True, True)),  # Friday before the festival
        (date(2026, 2, 14), (True, True)),  # make-up Saturday
        (date(2026, 2, 16), (False, True)),  # Monday in the festival
        (date(2026, 3, 1), (False, True)),  # ordinary Sunday
        (s_plus(7), (True, False)),  # Monday of a year nobody entered
        (s_plus(5), (False, False)),  # Saturday of a year nobody entered
        (date(2003, 1, 1), (True, False)),  # before the library's first year too
    ],
)
def test_is_working_day_says_whether_it_knows(day, expected):
    assert is_working_day(day) == expected


def test_period_ends_on_its_end_date():
    ends_on = date(2026, 2, 26)

    assert not period_ended(ends_on, date(2026, 2, 25))
    assert period_ended(ends_on, ends_on)
    assert period_ended(ends_on, date(2026, 2, 27))


# --- A year the library does not know --------------------------------------------------------


@pytest.mark.django_db
def test_deadline_in_unknown_year_is_provisional_on_weekdays_only():
    # From Monday S, 20 weekdays: four weeks, to Monday S+28.
    assert add_working_days(S, 20) == Deadline(s_plus(28), True)


@pytest.mark.django_db
def test_deadline_that_reaches_into_an_unknown_year_is_provisional():
    # The last working day of the last known year (known), then the first 4 weekdays of the
    # unknown year (weekdays only).
    assert BEFORE_THE_NEW_YEAR.year == LAST_KNOWN_YEAR
    assert add_working_days(BEFORE_THE_NEW_YEAR, 5) == Deadline(JANUARY_WEEKDAYS[3], True)


@pytest.mark.django_db
def test_entered_year_makes_the_same_deadline_exact_and_moves_it_past_holidays():
    enter_the_year()

    # S+1..S+3; [S+4..S+13 off]; S+14..S+18, Sat S+19 (make-up), S+21..S+25, S+28..S+32, S+35.
    assert add_working_days(S, 20) == Deadline(s_plus(35), False)
    # New Year's Day, the first weekday of the year, is off: the deadline moves a weekday on.
    assert JANUARY_WEEKDAYS[0] == NEW_YEARS_DAY
    assert add_working_days(BEFORE_THE_NEW_YEAR, 5) == Deadline(JANUARY_WEEKDAYS[4], False)
    # The make-up Sunday counts: from Friday S-3, Saturday is off and Sunday S-1 is the first.
    assert add_working_days(s_plus(-3), 1) == Deadline(s_plus(-1), False)
    assert is_working_day(s_plus(7)) == (False, True)
    assert is_working_day(s_plus(28)) == (True, True)


@pytest.mark.django_db
def test_deadline_past_the_entered_year_stays_provisional():
    enter_the_year()

    # 20 Dec + 10: the weekdays to 31 Dec (at most 9, known), then the next year (weekday rule).
    tenth = weekdays_after(date(UNKNOWN_YEAR, 12, 20), 10)[-1]
    assert tenth.year == UNKNOWN_YEAR + 1
    assert add_working_days(date(UNKNOWN_YEAR, 12, 20), 10) == Deadline(tenth, True)


@pytest.mark.django_db
def test_entered_year_takes_precedence_over_the_library():
    # An operator's entry corrects the library: here a made-up 2026 with one holiday only.
    enter_calendar_year(
        actor=None,
        year=2026,
        holidays=[{"date": date(2026, 3, 2), "name": "Test holiday"}],
        working_days=[],
        source="Test correction",
    )

    assert is_working_day(date(2026, 3, 2)) == (False, True)
    assert is_working_day(date(2026, 2, 16)) == (True, True)
    assert is_working_day(date(2026, 2, 14)) == (False, True)


@pytest.mark.django_db
def test_one_query_for_a_period_across_two_years(django_assert_num_queries):
    enter_the_year()

    with django_assert_num_queries(1):
        deadline = add_working_days(date(LAST_KNOWN_YEAR, 11, 2), 120)

    assert deadline.date.year == UNKNOWN_YEAR
    assert deadline.provisional is False


# --- Entering a year ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_operator_enters_a_year_with_its_days_and_an_audit_entry(users):
    calendar_year = enter_the_year(actor=users["operator"])

    assert calendar_year.year == UNKNOWN_YEAR
    assert calendar_year.entered_by == users["operator"]
    days = list(CalendarDay.objects.filter(calendar_year=calendar_year).order_by("date"))
    assert [(day.date, day.working) for day in days] == [
        (NEW_YEARS_DAY, False),
        (s_plus(-1), True),
        (s_plus(4), False),
        (s_plus(7), False),
        (s_plus(8), False),
        (s_plus(9), False),
        (s_plus(10), False),
        (s_plus(11), False),
        (s_plus(19), True),
    ]
    entry = AuditEntry.objects.get(action="calendar_year.entered")
    assert entry.actor_username == "operator"
    assert entry.object_id == str(calendar_year.pk)
    assert entry.after["year"] == UNKNOWN_YEAR
    assert entry.after["working_days"] == [
        {"date": s_plus(-1).isoformat(), "name": "Spring Festival"},
        {"date": s_plus(19).isoformat(), "name": "Spring Festival"},
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["proponent", "verifier", "regulator"])
def test_only_operators_enter_a_year(role, users):
    with pytest.raises(AccessDenied):
        enter_the_year(actor=users[role])

    assert not CalendarYear.objects.exists()


@pytest.mark.django_db
def test_a_year_is_entered_once():
    enter_the_year()

    with pytest.raises(Conflict) as raised:
        enter_the_year()

    assert raised.value.message == calendar_services.YEAR_TAKEN
    assert CalendarDay.objects.count() == len(HOLIDAYS) + len(WORKING_DAYS)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"holidays": [*HOLIDAYS, {"date": s_plus(5), "name": "New Year"}]},
            {"holidays": [calendar_services.HOLIDAY_ON_WEEKEND.format(
                date=s_plus(5), weekday="Saturday"
            )]},
        ),
        (
            {"working_days": [{"date": s_plus(28), "name": ""}]},
            {"working_days": [calendar_services.WORKING_DAY_ON_WEEKDAY.format(
                date=s_plus(28), weekday="Monday"
            )]},
        ),
        (
            {"holidays": [*HOLIDAYS, {"date": date(UNKNOWN_YEAR + 1, 1, 3), "name": "New Year"}]},
            {"holidays": [calendar_services.DATE_OUTSIDE_YEAR.format(
                date=date(UNKNOWN_YEAR + 1, 1, 3), year=UNKNOWN_YEAR
            )]},
        ),
        (
            {"working_days": [*WORKING_DAYS, {"date": s_plus(7), "name": ""}]},
            {"working_days": [
                calendar_services.WORKING_DAY_ON_WEEKDAY.format(
                    date=s_plus(7), weekday="Monday"
                ),
                calendar_services.DATE_IN_BOTH_LISTS.format(date=s_plus(7)),
            ]},
        ),
        (
            {"holidays": [*HOLIDAYS, HOLIDAYS[0]]},
            {"holidays": [calendar_services.DATE_REPEATED.format(date=NEW_YEARS_DAY)]},
        ),
        ({"holidays": []}, {"holidays": [calendar_services.HOLIDAYS_REQUIRED]}),
        ({"source": "  "}, {"source": [calendar_services.SOURCE_REQUIRED]}),
        ({"year": 0}, {"year": [calendar_services.YEAR_INVALID]}),
    ],
)  # fmt: skip
def test_bad_schedules_are_refused_by_field(changes, errors):
    fields = {
        "year": UNKNOWN_YEAR,
        "holidays": HOLIDAYS,
        "working_days": WORKING_DAYS,
        "source": SOURCE,
        **changes,
    }

    with pytest.raises(InvalidInput) as raised:
        enter_calendar_year(actor=None, **fields)

    assert raised.value.errors == errors
    assert not CalendarYear.objects.exists()


# --- Recomputing stored provisional deadlines ----------------------------------------------


@pytest.fixture
def methodology(db) -> Methodology:
    load_library()
    return Methodology.objects.get(code="CCER-01-002", version="V01")


@pytest.fixture
def make_project(methodology):
    """Raw project rows: the project services are tested on their own; these only carry dates."""
    proponent = make_organization("proponent")
    verifier = make_organization("verifier")

    def make(**fields) -> Project:
        return Project.objects.create(
            title="Offshore wind farm",
            methodology=methodology,
            proponent=proponent,
            verifier=verifier,
            sector="energy_industries",
            province="Shanghai",
            construction_start=date(2023, 3, 1),
            crediting_period_start=date(2024, 1, 1),
            crediting_period_end=date(2033, 12, 31),
            estimated_annual_reductions=Decimal("690825"),
            **fields,
        )

    return make


def make_report(project: Project, year: int, **fields) -> MonitoringReport:
    """A raw report row for the monitoring period of one calendar year."""
    return MonitoringReport.objects.create(
        project=project,
        verifier=make_organization("verifier"),
        period_start=date(year, 1, 1),
        period_end=date(year, 12, 31),
        claimed_reductions=Decimal("687370.875"),
        **fields,
    )


@pytest.fixture
def periods(settings):
    settings.PROJECT_PUBLICITY_WORKING_DAYS = 20
    settings.CLAIM_PUBLICITY_WORKING_DAYS = 5
    settings.REGISTRATION_REVIEW_WORKING_DAYS = 15
    settings.ISSUANCE_REVIEW_WORKING_DAYS = 15


def in_publicity(submitted_on: date, days: int) -> dict:
    """A publicity period as `submit` sets it: over the day after its last working day."""
    deadline = publicity_over_on(submitted_on, days)
    return {
        "status": "publicity",
        "submitted_on": submitted_on,
        "publicity_ends_on": deadline.date,
        "publicity_end_provisional": deadline.provisional,
    }


def test_recompute_makes_running_provisional_deadlines_exact(periods, make_project):
    project = make_project(**in_publicity(S, 20))
    # Thu S-4 + 5: S-3, S..S+3 on weekdays; exact: S-3, Sun S-1 (make-up), S..S+2; publicity
    # is over the day after the last of them. Projects: 20 from Monday S, likewise.
    report = make_report(project, 2025, **in_publicity(s_plus(-4), 5))
    # 15 weekdays from Monday S: S+21; exact: S+28.
    reviewed = make_project(
        status="registration_review",
        submitted_on=date(LAST_KNOWN_YEAR, 12, 1),
        publicity_ends_on=date(LAST_KNOWN_YEAR, 12, 29),
        validated_on=S,
        review_due_on=s_plus(21),
        review_due_provisional=True,
    )
    claim_reviewed = make_report(
        project,
        2024,
        status="issuance_review",
        submitted_on=date(LAST_KNOWN_YEAR, 12, 1),
        publicity_ends_on=date(LAST_KNOWN_YEAR, 12, 8),
        verified_reductions=Decimal("687370"),
        verified_on=S,
        review_due_on=s_plus(21),
        review_due_provisional=True,
    )
    assert (project.publicity_ends_on, project.publicity_end_provisional) == (s_plus(29), True)
    assert report.publicity_ends_on == s_plus(4)

    enter_the_year()

    project.refresh_from_db()
    report.refresh_from_db()
    reviewed.refresh_from_db()
    claim_reviewed.refresh_from_db()
    assert (project.publicity_ends_on, project.publicity_end_provisional) == (s_plus(36), False)
    assert (report.publicity_ends_on, report.publicity_end_provisional) == (s_plus(3), False)
    assert (reviewed.review_due_on, reviewed.review_due_provisional) == (s_plus(28), False)
    assert (claim_reviewed.review_due_on, claim_reviewed.review_due_provisional) == (
        s_plus(28),
        False,
    )
    assert AuditEntry.objects.filter(action="project.deadline_recomputed").count() == 2
    entry = AuditEntry.objects.get(action="project.deadline_recomputed", object_id=str(project.pk))
    assert entry.before == {
        "publicity_ends_on": s_plus(29).isoformat(),
        "publicity_end_provisional": True,
    }
    assert entry.after == {
        "publicity_ends_on": s_plus(36).isoformat(),
        "publicity_end_provisional": False,
    }
    assert AuditEntry.objects.filter(action="monitoringreport.deadline_recomputed").count() == 2


def test_recompute_uses_the_period_setting_read_at_call_time(periods, settings, make_project):
    project = make_project(**in_publicity(S, 20))
    settings.PROJECT_PUBLICITY_WORKING_DAYS = 3

    enter_the_year()

    project.refresh_from_db()
    # S+1, S+2, S+3 are its working days; it is over on S+4.
    assert (project.publicity_ends_on, project.publicity_end_provisional) == (s_plus(4), False)


def test_recompute_keeps_a_deadline_that_still_reaches_an_unknown_year(periods, make_project):
    project = make_project(**in_publicity(date(UNKNOWN_YEAR, 12, 20), 20))
    before = (project.publicity_ends_on, project.publicity_end_provisional)
    # 20 Dec + 20 weekdays (December has no exceptional day), over the day after the last.
    last = weekdays_after(date(UNKNOWN_YEAR, 12, 20), 20)[-1]
    assert last.year == UNKNOWN_YEAR + 1
    assert before == (last + timedelta(days=1), True)

    enter_the_year()

    project.refresh_from_db()
    assert (project.publicity_ends_on, project.publicity_end_provisional) == before
    assert not AuditEntry.objects.filter(action="project.deadline_recomputed").exists()


def test_recompute_leaves_closed_periods_and_other_years_alone(periods, make_project):
    # Publicity closed on its provisional date: that deadline is history now.
    closed = make_project(**{**in_publicity(S, 20), "status": "validation"})
    # Provisional because of the year after, which entering the unknown year does not decide.
    later = make_project(**in_publicity(date(UNKNOWN_YEAR + 1, 2, 1), 20))
    # Exact, from the library.
    exact = make_project(**in_publicity(date(2026, 2, 12), 5))
    rows = {
        p.pk: (p.publicity_ends_on, p.publicity_end_provisional) for p in (closed, later, exact)
    }

    enter_the_year()

    after = {
        p.pk: (p.publicity_ends_on, p.publicity_end_provisional)
        for p in Project.objects.filter(pk__in=rows)
    }
    assert after == rows
    assert rows[closed.pk] == (s_plus(29), True)
    assert rows[later.pk][1] is True


@pytest.mark.django_db
def test_publicity_lasts_whole_working_days():
    # Thu 12 Feb 2026 + 5 working days: Fri 13, Sat 14 (make-up), then the Spring Festival
    # (15-23 Feb) is skipped, Tue 24, Wed 25, Thu 26; publicity is over on Fri 27.
    assert publicity_over_on(date(2026, 2, 12), 5) == Deadline(date(2026, 2, 27), False)
    assert publicity_over_on(date(2026, 2, 12), 0) == Deadline(date(2026, 2, 12), False)
