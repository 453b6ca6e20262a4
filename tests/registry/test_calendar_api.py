"""The calendar API: entered years (public), entering one (operators), working-day arithmetic.

The year is the first one the calendar library does not know, computed from it, and its schedule
is TEST DATA shaped like a State Council notice (see `tests.registry.calendar_notice`).
"""

import pytest

from core.models import AuditEntry
from registry.calendar import services as calendar_services
from registry.calendar.models import CalendarDay, CalendarYear
from tests.registry.calendar_notice import (
    HOLIDAYS,
    NEW_YEARS_DAY,
    SOURCE,
    UNKNOWN_YEAR,
    WORKING_DAYS,
    s_plus,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/calendar-years/"
WORKING_DAYS_URL = "/api/v1/calendar-years/working-days/"


def as_json(days: list[dict]) -> list[dict]:
    return [{**day, "date": day["date"].isoformat()} for day in days]


SCHEDULE = {
    "year": UNKNOWN_YEAR,
    "source": SOURCE,
    "holidays": as_json(HOLIDAYS),
    "working_days": as_json(WORKING_DAYS),
}
REFUSED = {"proponent": 403, "verifier": 403, "regulator": 403, "anonymous": 401}


def written_rows() -> tuple[int, int, int]:
    return CalendarYear.objects.count(), CalendarDay.objects.count(), AuditEntry.objects.count()


def test_operator_enters_a_year(clients):
    response = clients["operator"].post(URL, SCHEDULE, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["year"] == UNKNOWN_YEAR
    assert body["source"] == SCHEDULE["source"]
    assert body["holidays"] == SCHEDULE["holidays"]
    assert body["working_days"] == SCHEDULE["working_days"]
    assert CalendarYear.objects.get(year=UNKNOWN_YEAR).entered_by.username == "operator"


def test_working_days_may_be_left_out_and_names_are_optional(clients):
    body = {
        "year": UNKNOWN_YEAR,
        "source": "Test data",
        "holidays": [{"date": NEW_YEARS_DAY.isoformat()}],
    }

    response = clients["operator"].post(URL, body, format="json")

    assert response.status_code == 201
    assert response.json()["holidays"] == [{"date": NEW_YEARS_DAY.isoformat(), "name": ""}]
    assert response.json()["working_days"] == []


@pytest.mark.parametrize("role", sorted(REFUSED))
def test_only_operators_enter_a_year(role, clients):
    before = written_rows()

    response = clients[role].post(URL, SCHEDULE, format="json")

    assert response.status_code == REFUSED[role]
    assert written_rows() == before


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"holidays": [*SCHEDULE["holidays"], {"date": str(s_plus(5)), "name": "x"}]},
            {"holidays": [calendar_services.HOLIDAY_ON_WEEKEND.format(
                date=s_plus(5), weekday="Saturday"
            )]},
        ),
        (
            {"working_days": [{"date": f"{UNKNOWN_YEAR + 1}-01-01", "name": ""}]},
            {"working_days": [calendar_services.DATE_OUTSIDE_YEAR.format(
                date=f"{UNKNOWN_YEAR + 1}-01-01", year=UNKNOWN_YEAR
            )]},
        ),
        (
            # The Friday the Spring Festival starts.
            {"working_days": [{"date": str(s_plus(4)), "name": ""}]},
            {"working_days": [
                calendar_services.WORKING_DAY_ON_WEEKDAY.format(
                    date=s_plus(4), weekday="Friday"
                ),
                calendar_services.DATE_IN_BOTH_LISTS.format(date=s_plus(4)),
            ]},
        ),
        ({"holidays": []}, {"holidays": [calendar_services.HOLIDAYS_REQUIRED]}),
    ],
)  # fmt: skip
def test_bad_schedule_is_a_400_naming_the_field(changes, errors, clients):
    before = written_rows()

    response = clients["operator"].post(URL, {**SCHEDULE, **changes}, format="json")

    assert response.status_code == 400
    assert response.json() == errors
    assert written_rows() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"holidays": [{"date": f"{UNKNOWN_YEAR}-02-30", "name": ""}]}, "holidays"),
        ({"year": "next"}, "year"),
        ({"source": ""}, "source"),
        ({"holidays": [{"date": str(NEW_YEARS_DAY), "name": "x" * 101}]}, "holidays"),
    ],
)
def test_malformed_input_is_a_400_naming_the_field(changes, field, clients):
    response = clients["operator"].post(URL, {**SCHEDULE, **changes}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_second_entry_of_a_year_is_a_409(clients):
    assert clients["operator"].post(URL, SCHEDULE, format="json").status_code == 201
    before = written_rows()

    response = clients["operator"].post(URL, SCHEDULE, format="json")

    assert response.status_code == 409
    assert response.json() == {"detail": calendar_services.YEAR_TAKEN}
    assert written_rows() == before


@pytest.mark.parametrize("role", ["anonymous", "proponent", "verifier", "regulator", "operator"])
def test_everyone_reads_the_entered_years(role, clients):
    clients["operator"].post(URL, SCHEDULE, format="json")

    listing = clients[role].get(URL)
    detail = clients[role].get(f"{URL}{UNKNOWN_YEAR}/")

    assert listing.status_code == 200
    assert listing.json()["count"] == 1
    assert listing.json()["results"][0]["year"] == UNKNOWN_YEAR
    assert detail.status_code == 200
    assert detail.json()["working_days"] == SCHEDULE["working_days"]
    assert clients[role].get(f"{URL}{UNKNOWN_YEAR + 1}/").status_code == 404


@pytest.mark.parametrize("role", ["anonymous", "operator"])
def test_working_days_across_spring_festival_2026(role, clients):
    response = clients[role].get(WORKING_DAYS_URL, {"start": "2026-02-12", "days": 5})

    assert response.status_code == 200
    assert response.json() == {
        "start": "2026-02-12",
        "days": 5,
        "ends_on": "2026-02-26",
        "provisional": False,
    }


def test_working_days_in_an_unknown_year_are_provisional_until_it_is_entered(clients):
    query = {"start": str(s_plus(0)), "days": 20}  # Monday S

    before = clients["anonymous"].get(WORKING_DAYS_URL, query).json()
    clients["operator"].post(URL, SCHEDULE, format="json")
    after = clients["anonymous"].get(WORKING_DAYS_URL, query).json()

    # Four weeks of weekdays; exact: past the Spring Festival and its make-up Saturday.
    assert (before["ends_on"], before["provisional"]) == (str(s_plus(28)), True)
    assert (after["ends_on"], after["provisional"]) == (str(s_plus(35)), False)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"days": 5}, "start"),
        ({"start": "2026-02-30", "days": 5}, "start"),
        ({"start": "2026-02-12"}, "days"),
        ({"start": "2026-02-12", "days": -1}, "days"),
        ({"start": "2026-02-12", "days": 100000}, "days"),
    ],
)
def test_bad_working_days_query_is_a_400_naming_the_field(query, field, clients):
    response = clients["anonymous"].get(WORKING_DAYS_URL, query)

    assert response.status_code == 400
    assert list(response.json()) == [field]
