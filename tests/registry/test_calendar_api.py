"""The calendar API: entered years (public), entering one (operators), working-day arithmetic.

The 2027 schedule is TEST DATA shaped like a State Council notice, not the published one.
"""

import pytest

from core.models import AuditEntry
from registry.calendar import services as calendar_services
from registry.calendar.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

URL = "/api/v1/calendar-years/"
WORKING_DAYS_URL = "/api/v1/calendar-years/working-days/"
SCHEDULE_2027 = {
    "year": 2027,
    "source": "Test data shaped like a State Council notice (not the published 2027 schedule)",
    "holidays": [
        {"date": "2027-01-01", "name": "New Year's Day"},
        {"date": "2027-02-05", "name": "Spring Festival"},
        {"date": "2027-02-08", "name": "Spring Festival"},
        {"date": "2027-02-09", "name": "Spring Festival"},
        {"date": "2027-02-10", "name": "Spring Festival"},
        {"date": "2027-02-11", "name": "Spring Festival"},
        {"date": "2027-02-12", "name": "Spring Festival"},
    ],
    "working_days": [
        {"date": "2027-01-31", "name": "Spring Festival"},
        {"date": "2027-02-20", "name": "Spring Festival"},
    ],
}
REFUSED = {"proponent": 403, "verifier": 403, "regulator": 403, "anonymous": 401}


def written_rows() -> tuple[int, int, int]:
    return CalendarYear.objects.count(), CalendarDay.objects.count(), AuditEntry.objects.count()


def test_operator_enters_a_year(clients):
    response = clients["operator"].post(URL, SCHEDULE_2027, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["year"] == 2027
    assert body["source"] == SCHEDULE_2027["source"]
    assert body["holidays"] == SCHEDULE_2027["holidays"]
    assert body["working_days"] == SCHEDULE_2027["working_days"]
    assert CalendarYear.objects.get(year=2027).entered_by.username == "operator"


def test_working_days_may_be_left_out_and_names_are_optional(clients):
    body = {
        "year": 2027,
        "source": "Test data",
        "holidays": [{"date": "2027-01-01"}],
    }

    response = clients["operator"].post(URL, body, format="json")

    assert response.status_code == 201
    assert response.json()["holidays"] == [{"date": "2027-01-01", "name": ""}]
    assert response.json()["working_days"] == []


@pytest.mark.parametrize("role", sorted(REFUSED))
def test_only_operators_enter_a_year(role, clients):
    before = written_rows()

    response = clients[role].post(URL, SCHEDULE_2027, format="json")

    assert response.status_code == REFUSED[role]
    assert written_rows() == before


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"holidays": [*SCHEDULE_2027["holidays"], {"date": "2027-02-06", "name": "x"}]},
            {"holidays": [calendar_services.HOLIDAY_ON_WEEKEND.format(
                date="2027-02-06", weekday="Saturday"
            )]},
        ),
        (
            {"working_days": [{"date": "2028-01-01", "name": ""}]},
            {"working_days": [calendar_services.DATE_OUTSIDE_YEAR.format(
                date="2028-01-01", year=2027
            )]},
        ),
        (
            {"working_days": [{"date": "2027-01-01", "name": ""}]},
            {"working_days": [
                calendar_services.WORKING_DAY_ON_WEEKDAY.format(
                    date="2027-01-01", weekday="Friday"
                ),
                calendar_services.DATE_IN_BOTH_LISTS.format(date="2027-01-01"),
            ]},
        ),
        ({"holidays": []}, {"holidays": [calendar_services.HOLIDAYS_REQUIRED]}),
    ],
)  # fmt: skip
def test_bad_schedule_is_a_400_naming_the_field(changes, errors, clients):
    before = written_rows()

    response = clients["operator"].post(URL, {**SCHEDULE_2027, **changes}, format="json")

    assert response.status_code == 400
    assert response.json() == errors
    assert written_rows() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"holidays": [{"date": "2027-02-30", "name": ""}]}, "holidays"),
        ({"year": "next"}, "year"),
        ({"source": ""}, "source"),
        ({"holidays": [{"date": "2027-01-01", "name": "x" * 101}]}, "holidays"),
    ],
)
def test_malformed_input_is_a_400_naming_the_field(changes, field, clients):
    response = clients["operator"].post(URL, {**SCHEDULE_2027, **changes}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_second_entry_of_a_year_is_a_409(clients):
    assert clients["operator"].post(URL, SCHEDULE_2027, format="json").status_code == 201
    before = written_rows()

    response = clients["operator"].post(URL, SCHEDULE_2027, format="json")

    assert response.status_code == 409
    assert response.json() == {"detail": calendar_services.YEAR_TAKEN}
    assert written_rows() == before


@pytest.mark.parametrize("role", ["anonymous", "proponent", "verifier", "regulator", "operator"])
def test_everyone_reads_the_entered_years(role, clients):
    clients["operator"].post(URL, SCHEDULE_2027, format="json")

    listing = clients[role].get(URL)
    detail = clients[role].get(f"{URL}2027/")

    assert listing.status_code == 200
    assert listing.json()["count"] == 1
    assert listing.json()["results"][0]["year"] == 2027
    assert detail.status_code == 200
    assert detail.json()["working_days"] == SCHEDULE_2027["working_days"]
    assert clients[role].get(f"{URL}2028/").status_code == 404


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
    query = {"start": "2027-02-01", "days": 20}

    before = clients["anonymous"].get(WORKING_DAYS_URL, query).json()
    clients["operator"].post(URL, SCHEDULE_2027, format="json")
    after = clients["anonymous"].get(WORKING_DAYS_URL, query).json()

    assert (before["ends_on"], before["provisional"]) == ("2027-03-01", True)
    assert (after["ends_on"], after["provisional"]) == ("2027-03-08", False)


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
