"""Readings uploaded as a table, one row a period: recorded as if posted one by one, all rows or
none with every bad cell named, idempotent when uploaded again, a changed row a correction of its
period only, and large uploads run as jobs."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from compute.models import FIGURE_FIELDS, DataCentre, Reading
from compute.services import readings, uploads
from compute.services.upload_jobs import UPLOAD_JOB, run_upload_job, start_upload_job
from core import jobs
from core.errors import AccessDenied, InvalidRows
from core.models import AuditEntry, Job
from tests.compute.conftest import post_reading, readings_url, register
from tests.conftest import client_for, make_organization, make_user

MEASURED = ("total_energy_kwh", "it_energy_kwh", "onsite_renewable_kwh", "water_m3")


def upload_url(data_centre: dict) -> str:
    return f"{readings_url(data_centre)}upload/"


def monthly_rows(year: int = 2025) -> list[dict[str, str]]:
    """A year of monthly readings, each month's meters a little different."""
    rows = []
    for month in range(1, 13):
        end = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        rows.append(
            {
                "period_start": f"{date(year, month, 1)}",
                "period_end": f"{end}",
                "total_energy_kwh": f"{1_300_000 + 10_000 * (month - 1)}",
                "it_energy_kwh": f"{1_000_000 + 5_000 * (month - 1)}",
                "onsite_renewable_kwh": (
                    "100000" if month == 1 else f"{100_000 + 1_000 * (month - 1)}.5"
                ),
                "water_m3": "" if month == 6 else f"{2_000 + month}",
            }
        )
    return rows


def csv_of(rows: list[dict[str, str]]) -> bytes:
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return text.getvalue().encode()


def upload(client, data_centre, rows):
    return client.post(upload_url(data_centre), csv_of(rows), content_type="text/csv")


def problems(response) -> list[dict]:
    assert response.status_code == 400, response.json()
    return response.json()["rows"]


def current(data_centre: dict) -> dict[tuple[date, date], Reading]:
    return {
        (reading.period_start, reading.period_end): reading
        for reading in Reading.objects.filter(
            data_centre_id=data_centre["id"], superseded_at__isnull=True
        )
    }


# --- Recorded as if posted one by one ------------------------------------------------------------


def test_a_monthly_csv_creates_a_reading_a_month_with_the_figures_of_posted_readings(
    clients, data_centre
):
    rows = monthly_rows()

    response = upload(clients["proponent"], data_centre, rows)

    assert response.status_code == 201, response.json()
    assert response.json() == {"rows": 12, "created": 12, "corrected": 0, "unchanged": 0}
    # The same rows posted one by one, to a second data centre in the same grid region.
    posted_to = register(clients["proponent"], name="Second computing centre")
    for row in rows:
        body = {column: value for column, value in row.items() if value != ""}
        assert post_reading(clients["proponent"], posted_to, **body).status_code == 201
    uploaded, posted = current(data_centre), current(posted_to)
    assert len(uploaded) == 12 and uploaded.keys() == posted.keys()
    for period, reading in uploaded.items():
        for name in (*MEASURED, *FIGURE_FIELDS, "certificates_quantity"):
            assert getattr(reading, name) == getattr(posted[period], name), (period, name)
        assert reading.supersedes_id is None
        [entry] = AuditEntry.objects.filter(object_id=str(reading.pk), action__startswith="reading")
        [alone] = AuditEntry.objects.filter(
            object_id=str(posted[period].pk), action__startswith="reading"
        )
        assert (entry.action, entry.after, entry.before) == (alone.action, alone.after, None)


def test_an_uploaded_reading_has_the_figures_computed_by_hand(clients, data_centre):
    upload(clients["proponent"], data_centre, monthly_rows())

    january = current(data_centre)[(date(2025, 1, 1), date(2025, 2, 1))]

    # 1,300,000 kWh in total, 1,000,000 of it IT energy, 100,000 generated on site, 2,001 m3 of
    # water; Beijing is in the North grid, whose latest factor is 2023's (0.6361), and the
    # residual factor of 2023 is 0.6096: both stand in for 2025's.
    assert january.pue == Decimal("1.3")
    assert january.tier == "2"  # GB 40879-2021 grade 2: PUE at most 1.30
    assert january.green_energy_kwh == Decimal("100000")
    assert january.grid_energy_kwh == Decimal("1200000")
    assert january.renewable_share == Decimal("0.076923")  # 100,000 / 1,300,000
    assert january.location_based_tco2e == Decimal("763.32")  # 1,200 MWh x 0.6361
    assert january.market_based_tco2e == Decimal("731.52")  # 1,200 MWh x 0.6096
    assert january.energy_for_assessment_kwh == Decimal("1200000")
    assert january.energy_for_assessment_tce == Decimal("147.48")  # x 0.1229 kgce/kWh
    assert january.cue == Decimal("0.76332")  # 763,320 kg / 1,000,000 kWh
    assert january.wue == Decimal("2.001")  # 2,001,000 litres / 1,000,000 kWh
    assert (january.location_factor_year, january.location_provisional) == (2023, True)
    assert january.recorded_by.organization_id == data_centre["owner"]


def test_rows_may_be_sent_as_json_and_blank_optional_cells_take_their_defaults(
    clients, data_centre
):
    row = {"period_start": "2025-03-01", "period_end": "2025-04-01", "total_energy_kwh": 1300000,
           "it_energy_kwh": "1000000.250", "onsite_renewable_kwh": None}  # fmt: skip

    response = clients["proponent"].post(upload_url(data_centre), {"rows": [row]}, format="json")

    assert response.status_code == 201, response.json()
    reading = Reading.objects.get()
    assert (reading.it_energy_kwh, reading.onsite_renewable_kwh) == (Decimal("1000000.25"), 0)
    assert reading.water_m3 is None


# --- All or none, every bad cell named -----------------------------------------------------------


def test_a_file_with_two_bad_rows_is_refused_naming_both_and_writes_nothing(clients, data_centre):
    entries = AuditEntry.objects.count()
    rows = monthly_rows()
    rows[2]["it_energy_kwh"] = "1400000"  # above March's total, 1,320,000
    rows[6]["period_start"] = "2025-07-32"

    response = upload(clients["proponent"], data_centre, rows)

    assert problems(response) == [
        {"row": 3, "column": "it_energy_kwh", "message": readings.IT_ABOVE_TOTAL.format(
            it="1400000.000", total="1320000.000")},
        {"row": 7, "column": "period_start", "message": uploads.NOT_A_DATE},
    ]  # fmt: skip
    assert not Reading.objects.exists()
    assert AuditEntry.objects.count() == entries


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ({"period_end": ""}, "period_end", uploads.REQUIRED),
        ({"total_energy_kwh": " "}, "total_energy_kwh", uploads.REQUIRED),
        ({"it_energy_kwh": "1,000,000"}, "it_energy_kwh", uploads.NOT_A_NUMBER),
        ({"it_energy_kwh": "NaN"}, "it_energy_kwh", uploads.NOT_A_NUMBER),
        ({"water_m3": "lots"}, "water_m3", uploads.NOT_A_NUMBER),
        ({"total_energy_kwh": "1300000.0005"}, "total_energy_kwh", uploads.TOO_PRECISE),
        ({"total_energy_kwh": "1" + "0" * 17}, "total_energy_kwh", uploads.TOO_LARGE),
        ({"period_start": "01/01/2025"}, "period_start", uploads.NOT_A_DATE),
        ({"period_end": "2025-02-30"}, "period_end", uploads.NOT_A_DATE),
        ({"total_energy_kwh": "-1"}, "total_energy_kwh", readings.ENERGY_NEGATIVE),
        ({"onsite_renewable_kwh": "-1"}, "onsite_renewable_kwh", readings.ENERGY_NEGATIVE),
        ({"water_m3": "-0.001"}, "water_m3", readings.WATER_NEGATIVE),
        ({"it_energy_kwh": "0"}, "it_energy_kwh", readings.IT_NOT_POSITIVE),
        ({"period_end": "2025-02-01"}, "period_end", readings.PERIOD_EMPTY),
        ({"period_end": "2025-01-31"}, "period_end", readings.PERIOD_REVERSED),
        (
            {"period_start": "2025-12-01", "period_end": "2026-01-02"},
            "period_end",
            readings.PERIOD_SPANS_YEARS.format(limit="2026-01-01"),
        ),
        (
            {"onsite_renewable_kwh": "1300001"},
            "onsite_renewable_kwh",
            readings.ONSITE_ABOVE_TOTAL.format(onsite="1300001.000", total="1300000.000"),
        ),
    ],
)
def test_each_bad_cell_is_named_by_row_and_column(clients, data_centre, cells, column, message):
    rows = monthly_rows()[:2]
    rows[1] = monthly_rows()[0] | {"period_start": "2025-02-01", "period_end": "2025-03-01"}
    rows[1].update(cells)

    response = upload(clients["proponent"], data_centre, rows)

    assert problems(response) == [{"row": 2, "column": column, "message": message}]
    assert not Reading.objects.exists()


def test_cells_that_cannot_be_read_do_not_hide_the_others_problems(clients, data_centre):
    rows = monthly_rows()[:1]
    rows[0] |= {"period_end": "soon", "total_energy_kwh": "-5", "water_m3": "x"}

    assert problems(upload(clients["proponent"], data_centre, rows)) == [
        {"row": 1, "column": "period_end", "message": uploads.NOT_A_DATE},
        {"row": 1, "column": "water_m3", "message": uploads.NOT_A_NUMBER},
        {"row": 1, "column": "total_energy_kwh", "message": readings.ENERGY_NEGATIVE},
    ]


def test_an_unknown_column_is_named_once(clients, data_centre):
    rows = [row | {"onsite_renewables_kwh": "5"} for row in monthly_rows()[:3]]

    assert problems(upload(clients["proponent"], data_centre, rows)) == [
        {
            "row": 1,
            "column": "onsite_renewables_kwh",
            "message": uploads.UNKNOWN_COLUMN.format(columns=", ".join(uploads.COLUMNS)),
        }
    ]
    assert not Reading.objects.exists()


def test_a_file_with_a_header_only_is_refused(clients, data_centre):
    response = clients["proponent"].post(
        upload_url(data_centre), b"period_start,period_end\n", content_type="text/csv"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"rows"}


def test_rows_overlapping_each_other_are_refused(clients, data_centre):
    rows = monthly_rows()[:3]
    rows.append(rows[0] | {"period_start": "2025-01-15", "period_end": "2025-02-15"})
    rows.append(dict(rows[2]))  # March twice

    assert problems(upload(clients["proponent"], data_centre, rows)) == [
        {"row": 4, "column": "period_start", "message": uploads.OVERLAPS_ROW.format(
            other=1, start="2025-01-01", end="2025-02-01")},
        {"row": 5, "column": "period_start", "message": uploads.OVERLAPS_ROW.format(
            other=3, start="2025-03-01", end="2025-04-01")},
    ]  # fmt: skip
    assert not Reading.objects.exists()


def test_a_row_overlapping_a_current_reading_of_another_period_is_refused_with_the_others(
    clients, data_centre
):
    quarter = post_reading(
        clients["proponent"], data_centre, period_start="2025-01-01", period_end="2025-04-01"
    )
    assert quarter.status_code == 201
    entries = AuditEntry.objects.count()
    rows = monthly_rows()[1:6]  # February to June
    rows[4]["it_energy_kwh"] = "abc"

    overlap = readings.OVERLAP.format(start=date(2025, 1, 1), end=date(2025, 4, 1))
    assert problems(upload(clients["proponent"], data_centre, rows)) == [
        {"row": 1, "column": "period_start", "message": overlap},
        {"row": 2, "column": "period_start", "message": overlap},
        {"row": 5, "column": "it_energy_kwh", "message": uploads.NOT_A_NUMBER},
    ]
    assert list(Reading.objects.values_list("pk", flat=True)) == [quarter.json()["id"]]
    assert AuditEntry.objects.count() == entries


# --- Uploaded again -------------------------------------------------------------------------------


def test_a_re_upload_of_the_same_rows_changes_nothing(clients, data_centre):
    assert upload(clients["proponent"], data_centre, monthly_rows()).status_code == 201
    stored = list(Reading.objects.order_by("pk").values())
    entries = AuditEntry.objects.count()

    response = upload(clients["proponent"], data_centre, monthly_rows())

    assert response.status_code == 200
    assert response.json() == {"rows": 12, "created": 0, "corrected": 0, "unchanged": 12}
    assert list(Reading.objects.order_by("pk").values()) == stored
    assert AuditEntry.objects.count() == entries


def test_a_changed_row_corrects_its_period_only(clients, data_centre):
    upload(clients["proponent"], data_centre, monthly_rows())
    before = current(data_centre)
    rows = monthly_rows()
    rows[4]["total_energy_kwh"] = "1400000"  # May

    response = upload(clients["proponent"], data_centre, rows)

    assert response.status_code == 201
    assert response.json() == {"rows": 12, "created": 0, "corrected": 1, "unchanged": 11}
    after = current(data_centre)
    may = (date(2025, 5, 1), date(2025, 6, 1))
    assert {period: reading.pk for period, reading in after.items() if period != may} == {
        period: reading.pk for period, reading in before.items() if period != may
    }
    correction, corrected = after[may], Reading.objects.get(pk=before[may].pk)
    assert correction.supersedes_id == corrected.pk and corrected.superseded_at is not None
    assert correction.total_energy_kwh == Decimal("1400000")
    assert correction.pue == Decimal("1.372549")  # 1,400,000 / 1,020,000
    assert Reading.objects.count() == 13
    assert list(
        AuditEntry.objects.filter(action="reading.corrected").values_list("object_id", flat=True)
    ) == [str(correction.pk)]


def test_an_upload_reports_its_progress(users, company, data_centre):
    reported = []

    result = uploads.upload_readings(
        actor=users["proponent"],
        data_centre=DataCentre.objects.get(pk=data_centre["id"]),
        rows=monthly_rows(),
        progress=reported.append,
    )

    assert result == uploads.Uploaded(rows=12, created=12, corrected=0, unchanged=0)
    assert reported == list(range(1, 13))


# --- Large uploads run as jobs --------------------------------------------------------------------


@pytest.fixture
def large(settings):
    """Uploads of more than five rows run as jobs."""
    settings.COMPUTE_UPLOAD_TASK_ROWS = 5


def test_a_large_upload_answers_202_and_its_job_records_every_row(
    clients, users, data_centre, large, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(clients["proponent"], data_centre, monthly_rows())

    assert response.status_code == 202, response.json()
    job = Job.objects.get()
    body = response.json()
    assert response.headers["Location"] == body["url"] == f"http://testserver/api/v1/jobs/{job.pk}/"
    assert (body["kind"], body["state"], body["rows_total"]) == (UPLOAD_JOB, "queued", 12)
    assert job.payload["data_centre"] == data_centre["id"]
    polled = clients["proponent"].get(body["url"]).json()
    assert (polled["state"], polled["rows_done"], polled["rows_total"]) == ("succeeded", 12, 12)
    assert polled["result"] == {"rows": 12, "created": 12, "corrected": 0, "unchanged": 0}
    assert polled["errors"] == []
    assert len(current(data_centre)) == 12
    assert set(Reading.objects.values_list("recorded_by", flat=True)) == {users["proponent"].pk}


def test_an_upload_up_to_the_threshold_is_recorded_within_the_request(clients, data_centre, large):
    response = upload(clients["proponent"], data_centre, monthly_rows()[:5])

    assert response.status_code == 201
    assert response.json()["created"] == 5
    assert not Job.objects.exists()


def test_a_bad_large_upload_fails_naming_its_bad_rows_and_writes_nothing(
    clients, data_centre, large, django_capture_on_commit_callbacks
):
    entries = AuditEntry.objects.count()
    rows = monthly_rows()
    rows[1]["water_m3"] = "-3"
    rows[9]["period_end"] = "2025-10-01"

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(clients["proponent"], data_centre, rows)

    assert response.status_code == 202
    polled = clients["proponent"].get(response.headers["Location"]).json()
    assert (polled["state"], polled["result"]) == ("failed", None)
    assert polled["errors"] == [
        {"row": 2, "column": "water_m3", "message": readings.WATER_NEGATIVE},
        {"row": 10, "column": "period_end", "message": readings.PERIOD_EMPTY},
    ]
    assert not Reading.objects.exists()
    assert AuditEntry.objects.count() == entries


def test_an_upload_job_records_nothing_if_its_starter_may_no_longer_record(
    users, company, data_centre, large
):
    starter = users["proponent"]
    data_centre_row = DataCentre.objects.get(pk=data_centre["id"])
    job = start_upload_job(actor=starter, data_centre=data_centre_row, rows=monthly_rows())
    # The starter moves to another company before a worker runs the job.
    starter.organization = make_organization("proponent")
    starter.save(update_fields=["organization"])

    finished = jobs.run_job(job_id=job.pk)

    assert finished.state == "failed"
    assert finished.errors == [{"message": AccessDenied.default_message}]
    assert not Reading.objects.exists()


def test_the_upload_handler_is_registered_for_its_kind():
    assert jobs._handlers[UPLOAD_JOB] is run_upload_job


def test_an_empty_upload_starts_no_job(users, company, data_centre):
    data_centre_row = DataCentre.objects.get(pk=data_centre["id"])

    with pytest.raises(InvalidRows):
        start_upload_job(actor=users["proponent"], data_centre=data_centre_row, rows=[])

    assert not Job.objects.exists()


# --- Who may upload ------------------------------------------------------------------------------


CALLERS = ("owner", "colleague", "other_company", "verifier", "operator", "regulator", "anonymous")
UPLOAD = {"owner": 201, "colleague": 201, "other_company": 404, "verifier": 404, "operator": 403,
          "regulator": 403, "anonymous": 401}  # fmt: skip


@pytest.fixture
def callers(clients, users, other_company) -> dict:
    return {
        "owner": clients["proponent"],
        "colleague": client_for(make_user(users["proponent"].organization)),
        "other_company": other_company["client"],
        "verifier": clients["verifier"],
        "operator": clients["operator"],
        "regulator": clients["regulator"],
        "anonymous": clients["anonymous"],
    }


@pytest.mark.parametrize("caller", CALLERS)
def test_uploading_readings(callers, data_centre, caller):
    response = upload(callers[caller], data_centre, monthly_rows()[:3])

    assert response.status_code == UPLOAD[caller]
    assert Reading.objects.count() == (3 if UPLOAD[caller] == 201 else 0)
    if UPLOAD[caller] != 201:
        assert set(response.json()) == {"detail"}


@pytest.mark.parametrize("caller", CALLERS)
def test_a_large_upload_by_anyone_but_the_owner_is_refused_before_any_job(
    callers, data_centre, large, caller, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(callers[caller], data_centre, monthly_rows())

    expected = 202 if UPLOAD[caller] == 201 else UPLOAD[caller]
    assert response.status_code == expected
    assert Job.objects.count() == (1 if expected == 202 else 0)


def test_an_unknown_data_centre_is_a_404(clients, company, reference):
    response = upload(clients["proponent"], {"id": 999999}, monthly_rows()[:1])

    assert response.status_code == 404
