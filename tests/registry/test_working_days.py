"""Working-day arithmetic on the Chinese calendar, and entering a year the library lacks.

Spring Festival 2026 (State Council notice, shipped by chinese_calendar): Sunday 15 to Monday 23
February off; Saturday 14 and Saturday 28 February are make-up working days.

The 2027 schedule below is TEST DATA, shaped like a real notice (Chinese New Year's Day 2027 is
Saturday 6 February) but not the published one: the library stops at 2026.
"""

from datetime import date
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

HOLIDAYS_2027 = [
    {"date": date(2027, 1, 1), "name": "New Year's Day"},
    {"date": date(2027, 2, 5), "name": "Spring Festival"},
    {"date": date(2027, 2, 8), "name": "Spring Festival"},
    {"date": date(2027, 2, 9), "name": "Spring Festival"},
    {"date": date(2027, 2, 10), "name": "Spring Festival"},
    {"date": date(2027, 2, 11), "name": "Spring Festival"},
    {"date": date(2027, 2, 12), "name": "Spring Festival"},
]
WORKING_DAYS_2027 = [
    {"date": date(2027, 1, 31), "name": "Spring Festival"},  # a Sunday
    {"date": date(2027, 2, 20), "name": "Spring Festival"},  # a Saturday
]
SOURCE = "Test data shaped like a State Council notice (not the published 2027 schedule)"


def enter_2027(actor=None) -> CalendarYear:
    return enter_calendar_year(
        actor=actor,
        year=2027,
        holidays=HOLIDAYS_2027,
        working_days=WORKING_DAYS_2027,
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
@pytest.mark.parametrize("start", [date(2026, 2, 16), date(2026, 3, 7), date(2027, 3, 1)])
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
        (date(2027, 2, 8), (True, False)),  # Monday of a year nobody entered
        (date(2027, 2, 6), (False, False)),  # Saturday of a year nobody entered
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
    # From Mon 1 Feb 2027, 20 weekdays: 2-5, 8-12, 15-19, 22-26 Feb, 1 Mar.
    assert add_working_days(date(2027, 2, 1), 20) == Deadline(date(2027, 3, 1), True)


@pytest.mark.django_db
def test_deadline_that_reaches_into_an_unknown_year_is_provisional():
    # Mon 28 Dec 2026: 29, 30, 31 Dec (known), Fri 1 Jan 2027 and Mon 4 Jan (weekdays only).
    assert add_working_days(date(2026, 12, 28), 5) == Deadline(date(2027, 1, 4), True)


@pytest.mark.django_db
def test_entered_year_makes_the_same_deadline_exact_and_moves_it_past_holidays():
    enter_2027()

    # 2, 3, 4 Feb; [5-14 off]; 15-19, Sat 20 (make-up), 22-26 Feb, 1-5, 8 Mar.
    assert add_working_days(date(2027, 2, 1), 20) == Deadline(date(2027, 3, 8), False)
    # New Year's Day 2027 is off: 29, 30, 31 Dec, Mon 4, Tue 5 Jan.
    assert add_working_days(date(2026, 12, 28), 5) == Deadline(date(2027, 1, 5), False)
    # The make-up Sunday counts.
    assert add_working_days(date(2027, 1, 29), 1) == Deadline(date(2027, 1, 31), False)
    assert is_working_day(date(2027, 2, 8)) == (False, True)
    assert is_working_day(date(2027, 3, 1)) == (True, True)


@pytest.mark.django_db
def test_deadline_past_the_entered_year_stays_provisional():
    enter_2027()

    # Mon 20 Dec 2027 + 10: 21-24, 27-31 Dec (known), then Mon 3 Jan 2028 (weekday rule).
    assert add_working_days(date(2027, 12, 20), 10) == Deadline(date(2028, 1, 3), True)


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
    enter_2027()

    with django_assert_num_queries(1):
        deadline = add_working_days(date(2026, 11, 2), 120)

    assert deadline.provisional is False


# --- Entering a year ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_operator_enters_a_year_with_its_days_and_an_audit_entry(users):
    calendar_year = enter_2027(actor=users["operator"])

    assert calendar_year.year == 2027
    assert calendar_year.entered_by == users["operator"]
    days = list(CalendarDay.objects.filter(calendar_year=calendar_year).order_by("date"))
    assert [(day.date, day.working) for day in days] == [
        (date(2027, 1, 1), False),
        (date(2027, 1, 31), True),
        (date(2027, 2, 5), False),
        (date(2027, 2, 8), False),
        (date(2027, 2, 9), False),
        (date(2027, 2, 10), False),
        (date(2027, 2, 11), False),
        (date(2027, 2, 12), False),
        (date(2027, 2, 20), True),
    ]
    entry = AuditEntry.objects.get(action="calendar_year.entered")
    assert entry.actor_username == "operator"
    assert entry.object_id == str(calendar_year.pk)
    assert entry.after["year"] == 2027
    assert entry.after["working_days"] == [
        {"date": "2027-01-31", "name": "Spring Festival"},
        {"date": "2027-02-20", "name": "Spring Festival"},
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["proponent", "verifier", "regulator"])
def test_only_operators_enter_a_year(role, users):
    with pytest.raises(AccessDenied):
        enter_2027(actor=users[role])

    assert not CalendarYear.objects.exists()


@pytest.mark.django_db
def test_a_year_is_entered_once():
    enter_2027()

    with pytest.raises(Conflict) as raised:
        enter_2027()

    assert raised.value.message == calendar_services.YEAR_TAKEN
    assert CalendarDay.objects.count() == len(HOLIDAYS_2027) + len(WORKING_DAYS_2027)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"holidays": [*HOLIDAYS_2027, {"date": date(2027, 2, 6), "name": "New Year"}]},
            {"holidays": [calendar_services.HOLIDAY_ON_WEEKEND.format(
                date="2027-02-06", weekday="Saturday"
            )]},
        ),
        (
            {"working_days": [{"date": date(2027, 3, 1), "name": ""}]},
            {"working_days": [calendar_services.WORKING_DAY_ON_WEEKDAY.format(
                date="2027-03-01", weekday="Monday"
            )]},
        ),
        (
            {"holidays": [*HOLIDAYS_2027, {"date": date(2028, 1, 3), "name": "New Year"}]},
            {"holidays": [calendar_services.DATE_OUTSIDE_YEAR.format(
                date="2028-01-03", year=2027
            )]},
        ),
        (
            {"working_days": [*WORKING_DAYS_2027, {"date": date(2027, 2, 8), "name": ""}]},
            {"working_days": [
                calendar_services.WORKING_DAY_ON_WEEKDAY.format(
                    date="2027-02-08", weekday="Monday"
                ),
                calendar_services.DATE_IN_BOTH_LISTS.format(date="2027-02-08"),
            ]},
        ),
        (
            {"holidays": [*HOLIDAYS_2027, HOLIDAYS_2027[0]]},
            {"holidays": [calendar_services.DATE_REPEATED.format(date="2027-01-01")]},
        ),
        ({"holidays": []}, {"holidays": [calendar_services.HOLIDAYS_REQUIRED]}),
        ({"source": "  "}, {"source": [calendar_services.SOURCE_REQUIRED]}),
        ({"year": 0}, {"year": [calendar_services.YEAR_INVALID]}),
    ],
)  # fmt: skip
def test_bad_schedules_are_refused_by_field(changes, errors):
    fields = {
        "year": 2027,
        "holidays": HOLIDAYS_2027,
        "working_days": WORKING_DAYS_2027,
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
    project = make_project(**in_publicity(date(2027, 2, 1), 20))
    # Thu 28 Jan 2027 + 5: 29 Jan, 1-4 Feb on weekdays; exact: 29 Jan, Sun 31 (make-up), 1-3 Feb;
    # publicity is over the day after the last of them. Projects: 20 from Mon 1 Feb, likewise.
    report = make_report(project, 2025, **in_publicity(date(2027, 1, 28), 5))
    # 15 weekdays from Mon 1 Feb 2027: 22 Feb; exact: 1 Mar.
    reviewed = make_project(
        status="registration_review",
        submitted_on=date(2026, 12, 1),
        publicity_ends_on=date(2026, 12, 29),
        validated_on=date(2027, 2, 1),
        review_due_on=date(2027, 2, 22),
        review_due_provisional=True,
    )
    claim_reviewed = make_report(
        project,
        2024,
        status="issuance_review",
        submitted_on=date(2026, 12, 1),
        publicity_ends_on=date(2026, 12, 8),
        verified_reductions=Decimal("687370"),
        verified_on=date(2027, 2, 1),
        review_due_on=date(2027, 2, 22),
        review_due_provisional=True,
    )
    assert (project.publicity_ends_on, project.publicity_end_provisional) == (
        date(2027, 3, 2),
        True,
    )
    assert report.publicity_ends_on == date(2027, 2, 5)

    enter_2027()

    project.refresh_from_db()
    report.refresh_from_db()
    reviewed.refresh_from_db()
    claim_reviewed.refresh_from_db()
    assert (project.publicity_ends_on, project.publicity_end_provisional) == (
        date(2027, 3, 9),
        False,
    )
    assert (report.publicity_ends_on, report.publicity_end_provisional) == (
        date(2027, 2, 4),
        False,
    )
    assert (reviewed.review_due_on, reviewed.review_due_provisional) == (date(2027, 3, 1), False)
    assert (claim_reviewed.review_due_on, claim_reviewed.review_due_provisional) == (
        date(2027, 3, 1),
        False,
    )
    assert AuditEntry.objects.filter(action="project.deadline_recomputed").count() == 2
    entry = AuditEntry.objects.get(action="project.deadline_recomputed", object_id=str(project.pk))
    assert entry.before == {"publicity_ends_on": "2027-03-02", "publicity_end_provisional": True}
    assert entry.after == {"publicity_ends_on": "2027-03-09", "publicity_end_provisional": False}
    assert AuditEntry.objects.filter(action="monitoringreport.deadline_recomputed").count() == 2


def test_recompute_uses_the_period_setting_read_at_call_time(periods, settings, make_project):
    project = make_project(**in_publicity(date(2027, 2, 1), 20))
    settings.PROJECT_PUBLICITY_WORKING_DAYS = 3

    enter_2027()

    project.refresh_from_db()
    # 2, 3, 4 Feb 2027 are its working days; it is over on the 5th.
    assert (project.publicity_ends_on, project.publicity_end_provisional) == (
        date(2027, 2, 5),
        False,
    )


def test_recompute_keeps_a_deadline_that_still_reaches_an_unknown_year(periods, make_project):
    project = make_project(**in_publicity(date(2027, 12, 20), 20))
    before = (project.publicity_ends_on, project.publicity_end_provisional)
    assert before == (date(2028, 1, 18), True)

    enter_2027()

    project.refresh_from_db()
    assert (project.publicity_ends_on, project.publicity_end_provisional) == before
    assert not AuditEntry.objects.filter(action="project.deadline_recomputed").exists()


def test_recompute_leaves_closed_periods_and_other_years_alone(periods, make_project):
    # Publicity closed on its provisional date: that deadline is history now.
    closed = make_project(**{**in_publicity(date(2027, 2, 1), 20), "status": "validation"})
    # Provisional because of 2028, which entering 2027 does not decide.
    later = make_project(**in_publicity(date(2028, 2, 1), 20))
    # Exact, from the library.
    exact = make_project(**in_publicity(date(2026, 2, 12), 5))
    rows = {
        p.pk: (p.publicity_ends_on, p.publicity_end_provisional) for p in (closed, later, exact)
    }

    enter_2027()

    after = {
        p.pk: (p.publicity_ends_on, p.publicity_end_provisional)
        for p in Project.objects.filter(pk__in=rows)
    }
    assert after == rows
    assert rows[closed.pk] == (date(2027, 3, 2), True)


@pytest.mark.django_db
def test_publicity_lasts_whole_working_days():
    # Thu 12 Feb 2026 + 5 working days: Fri 13, Sat 14 (make-up), then the Spring Festival
    # (15-23 Feb) is skipped, Tue 24, Wed 25, Thu 26; publicity is over on Fri 27.
    assert publicity_over_on(date(2026, 2, 12), 5) == Deadline(date(2026, 2, 27), False)
    assert publicity_over_on(date(2026, 2, 12), 0) == Deadline(date(2026, 2, 12), False)
