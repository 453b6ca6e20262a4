"""The CR-DC-001 link (DESIGN.md, "Carbon accounting for compute"): a data centre's
PUE-improvement project names its data centre, and a monitoring report of it takes its IT energy
and project PUE from that data centre's current readings over the report's period, never from
typed numbers. Which parameters come from readings is data of the methodology
(`data_centre_readings`)."""

import importlib
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.db import connection

from accounts import services as account_services
from compute.models import Reading
from compute.services.data_centres import register_data_centre
from compute.services.readings import record_reading
from core.errors import Conflict, InvalidInput
from methodologies import services as methodology_services
from methodologies.library import LibraryError, load_library, shipped_versions
from methodologies.models import Methodology
from registry.projects.models import MonitoringReport, Project
from registry.projects.services import projects, reports
from registry.projects.services.metering import (
    ACROSS_END,
    ACROSS_START,
    DATA_CENTRE_MISSING,
    DATA_CENTRE_NOT_MONITORED,
    DATA_CENTRE_NOT_OWN,
    DATA_CENTRE_REQUIRED,
    FROM_READINGS,
    UNCOVERED,
)
from tests.conftest import client_for, make_organization, make_user
from tests.registry.conftest import (
    Lifecycle,
    first_of_next_month,
    metered_data_centre,
    project_fields,
)

pytestmark = pytest.mark.django_db

READINGS = {"E_IT": "it_energy", "PUE_PJ": "pue"}
# The design: PUE from 1.6 down to 1.3 on 10,000 MWh of IT load a year, grid factor 0.5703.
DC_DESIGN = {"E_IT": "10000", "PUE_BL": "1.6", "PUE_PJ": "1.3", "EF_grid": "0.5703"}
PUE_BL = Decimal("1.6")
EF_GRID = Decimal("0.5703")
# A year of monthly readings, (IT energy, total facility energy) in kWh: six busy months at PUE
# 1.2, six quiet ones at 1.6. Their energy-weighted PUE (Σtotal / ΣIT) is 1.28; the average of
# the twelve ratios would be 1.4.
YEAR = [("1600000", "1920000")] * 6 + [("400000", "640000")] * 6


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.json()
    return response.json()


@pytest.fixture
def methodology(parties, dates) -> Methodology:
    """CR-DC-001-V01 as shipped, approved by the regulator; both verifiers accredited for it."""
    load_library()
    for user in (parties["verifier"], parties["verifier2"]):
        account_services.add_accreditation(
            actor=None,
            organization=user.organization,
            sector="digital_infrastructure",
            valid_from=dates.accredited_from,
            valid_to=dates.accredited_to,
        )
    return methodology_services.approve_methodology(
        actor=parties["regulator"],
        methodology=Methodology.objects.get(code="CR-DC-001", version="V01"),
    )


@pytest.fixture
def year(dates) -> tuple[date, date]:
    """The monitoring period: last calendar year, over and within the crediting period."""
    return date(dates.year - 1, 1, 1), date(dates.year - 1, 12, 31)


@pytest.fixture
def data_centre(parties, methodology, year):
    """The company's data centre, with a reading for each month of the year."""
    return metered_data_centre(parties["proponent"], year[0], YEAR)


@pytest.fixture
def data_centres(parties, methodology) -> Lifecycle:
    return Lifecycle(parties, methodology)


def dc_design(**changes) -> dict:
    return {
        "title": "Yizhuang computing centre cooling retrofit",
        "sector": "digital_infrastructure",
        "parameters": DC_DESIGN,
        **changes,
    }


@pytest.fixture
def project(data_centres, data_centre) -> Project:
    """A registered PUE-improvement project of the data centre."""
    return data_centres.project("registered", **dc_design(data_centre=data_centre))


def file_report(parties, project, year, parameters=None, **period) -> MonitoringReport:
    return reports.create_report(
        actor=parties["proponent"],
        project=project,
        parameters=parameters or {},
        verifier=parties["verifier2"].organization,
        **{"period_start": year[0], "period_end": year[1], **period},
    )


def current_ids(data_centre) -> list[int]:
    return list(
        Reading.objects.filter(data_centre=data_centre, superseded_at__isnull=True)
        .order_by("period_start")
        .values_list("pk", flat=True)
    )


def by_hand(months) -> tuple[Decimal, Decimal, Decimal]:
    """E_IT (MWh), PUE_PJ (Σtotal / ΣIT) and the reductions (tCO2e) of monthly readings."""
    it_kwh = sum(Decimal(it) for it, _ in months)
    total_kwh = sum(Decimal(total) for _, total in months)
    e_it = it_kwh / 1000
    pue_pj = total_kwh / it_kwh
    return e_it, pue_pj, e_it * (PUE_BL - pue_pj) * EF_GRID


# --- The methodology says which parameters the readings give -----------------------------------


def test_the_shipped_data_centre_method_takes_it_energy_and_pue_from_readings(db):
    load_library()

    readings = dict(Methodology.objects.values_list("code", "data_centre_readings"))

    assert readings == {
        "CCER-01-001": {},
        "CCER-01-002": {},
        "CR-AI-001": {},
        "CR-DC-001": READINGS,
    }
    shown = client_for(None).get(
        f"/api/v1/methodologies/{Methodology.objects.get(code='CR-DC-001').pk}/"
    )
    assert ok(shown)["data_centre_readings"] == READINGS


def _shipped_fields() -> dict:
    shipped = next(s for s in shipped_versions() if s.identifier == "CR-DC-001-V01")
    return {**shipped.data, "version": "V07"}


@pytest.mark.parametrize(
    ("readings", "errors"),
    [
        (["E_IT"], {"data_centre_readings": [methodology_services.READINGS_NOT_A_MAPPING]}),
        ({"E_XX": "it_energy"}, {"data_centre_readings.E_XX": [
            methodology_services.READINGS_UNKNOWN_PARAMETER.format(symbol="E_XX")]}),
        # The baseline is fixed at validation, not metered period by period.
        ({"PUE_BL": "pue"}, {"data_centre_readings.PUE_BL": [
            methodology_services.READINGS_NOT_MONITORED.format(symbol="PUE_BL", kind="ex_ante")]}),
        ({"E_IT": "water"}, {"data_centre_readings.E_IT": [
            methodology_services.READINGS_UNKNOWN_QUANTITY.format(
                quantity="water", choices="it_energy, total_energy, pue")]}),
        ({"PUE_PJ": "it_energy"}, {"data_centre_readings.PUE_PJ": [
            methodology_services.READINGS_UNIT.format(
                symbol="PUE_PJ", unit="1", quantity="it_energy", quantity_unit="kWh")]}),
    ],
)  # fmt: skip
def test_the_readings_give_monitored_parameters_of_the_model_in_units_that_convert(
    db, readings, errors
):
    load_library()

    with pytest.raises(InvalidInput) as refused:
        methodology_services.create_methodology(
            actor=None, **{**_shipped_fields(), "data_centre_readings": readings}
        )

    assert refused.value.errors == errors
    total = methodology_services.create_methodology(
        actor=None, **{**_shipped_fields(), "data_centre_readings": {"E_IT": "total_energy"}}
    )
    assert total.data_centre_readings == {"E_IT": "total_energy"}


def test_a_regulator_writes_the_readings_a_version_takes_over_the_api(clients, db):
    load_library()
    fields = _shipped_fields()
    # The API writes a dimensionless unit as "1".
    parameters = [{**p, "unit": p["unit"] or "1"} for p in fields["parameters"]]
    body = {**fields, "parameters": parameters, "data_centre_readings": {"E_IT": "it_energy"}}

    created = ok(clients["regulator"].post("/api/v1/methodologies/", body, format="json"), 201)
    refused = clients["regulator"].post(
        "/api/v1/methodologies/",
        {**body, "version": "V08", "data_centre_readings": {"E_IT": "water"}},
        format="json",
    )

    assert created["data_centre_readings"] == {"E_IT": "it_energy"}
    assert refused.status_code == 400
    assert list(refused.json()) == ["data_centre_readings"]


def test_an_installation_that_stored_the_version_before_gets_its_readings(db):
    """Migration 0008 fills the column for a CR-DC-001-V01 stored before it existed, past the
    immutability trigger, so that the library load finds it equal to its file."""
    shipped = next(s for s in shipped_versions() if s.identifier == "CR-DC-001-V01")
    stored = methodology_services.publish_methodology(
        actor=None,
        methodology=methodology_services.create_methodology(
            actor=None, **{**shipped.data, "data_centre_readings": {}}
        ),
    )
    with pytest.raises(LibraryError, match=r"CR-DC-001-V01\.json differs .* data_centre_readings"):
        load_library()
    migration = importlib.import_module(
        "methodologies.migrations.0008_link_shipped_data_centre_method_to_readings"
    )
    with connection.cursor() as cursor:
        # The rows above are in this transaction: their deferred checks must not be pending
        # when the migration alters the table's triggers.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    with connection.schema_editor(atomic=False) as editor:
        migration.forward(django_apps, editor)

    stored.refresh_from_db()
    assert stored.data_centre_readings == READINGS
    load_library()  # finds it equal to its file now
    with connection.schema_editor(atomic=False) as editor:
        migration.backward(django_apps, editor)
    stored.refresh_from_db()
    assert stored.data_centre_readings == {}


# --- The project names its data centre --------------------------------------------------------


def test_a_project_names_one_of_its_companys_data_centres_over_the_api(
    parties, methodology, data_centre, dates
):
    body = {
        **dc_design(),
        "methodology": methodology.pk,
        "province": "Beijing",
        "construction_start": dates.construction_start,
        "crediting_period_start": dates.crediting_period_start,
        "crediting_period_end": dates.crediting_period_end,
        "verifier": parties["verifier"].organization_id,
        "data_centre": data_centre.pk,
    }

    created = ok(
        client_for(parties["proponent"]).post("/api/v1/projects/", body, format="json"), 201
    )

    assert created["data_centre"] == data_centre.pk
    assert Project.objects.get().data_centre == data_centre


def test_a_data_centre_project_names_its_data_centre(data_centres):
    with pytest.raises(InvalidInput) as refused:
        data_centres.project("draft", **dc_design())

    assert refused.value.errors == {
        "data_centre": [
            DATA_CENTRE_REQUIRED.format(identifier="CR-DC-001-V01", parameters="E_IT and PUE_PJ")
        ]
    }
    assert not Project.objects.exists()


def test_another_companys_data_centre_is_refused(data_centres, parties, methodology, dates):
    other = make_user(make_organization("proponent"))
    theirs = register_data_centre(actor=other, name="Their computing centre", province="Beijing")

    with pytest.raises(InvalidInput) as refused:
        data_centres.project("draft", **dc_design(data_centre=theirs))
    # Over the API, as unknown as a data centre that does not exist: its existence never leaks.
    body = {
        **dc_design(),
        "methodology": methodology.pk,
        "province": "Beijing",
        "construction_start": dates.construction_start,
        "crediting_period_start": dates.crediting_period_start,
        "crediting_period_end": dates.crediting_period_end,
        "verifier": parties["verifier"].organization_id,
    }
    company = client_for(parties["proponent"])
    hidden = company.post("/api/v1/projects/", {**body, "data_centre": theirs.pk}, format="json")
    missing = company.post("/api/v1/projects/", {**body, "data_centre": 999999}, format="json")

    assert refused.value.errors == {"data_centre": [DATA_CENTRE_NOT_OWN]}
    assert (hidden.status_code, hidden.json()) == (
        400,
        {"data_centre": [f'Invalid pk "{theirs.pk}" - object does not exist.']},
    )
    assert (missing.status_code, missing.json()) == (
        400,
        {"data_centre": ['Invalid pk "999999" - object does not exist.']},
    )
    assert not Project.objects.exists()


def test_a_project_under_another_methodology_names_no_data_centre(
    parties, offshore_wind, methodology, year
):
    ours = metered_data_centre(parties["proponent"], year[0])

    with pytest.raises(InvalidInput) as refused:
        projects.create_project(
            actor=parties["proponent"],
            **project_fields(parties["verifier"].organization, offshore_wind, data_centre=ours),
        )

    assert refused.value.errors == {
        "data_centre": [DATA_CENTRE_NOT_MONITORED.format(identifier="CCER-01-002-V01")]
    }
    assert not Project.objects.exists()


# --- The report takes its IT energy and PUE from the readings ---------------------------------


def test_a_report_takes_it_energy_and_energy_weighted_pue_from_the_readings(
    parties, project, data_centre, year
):
    e_it, pue_pj, reductions = by_hand(YEAR)
    assert (e_it, pue_pj) == (Decimal(12000), Decimal("1.28"))
    # Not the average of the months' ratios, which would claim less.
    average = sum(Decimal(total) / Decimal(it) for it, total in YEAR) / 12
    assert average == Decimal("1.4") != pue_pj
    assert reductions == Decimal("2189.952")

    created = ok(
        client_for(parties["proponent"]).post(
            "/api/v1/monitoring-reports/",
            {
                "project": project.pk,
                "period_start": year[0],
                "period_end": year[1],
                "parameters": {},
                "verifier": parties["verifier2"].organization_id,
            },
            format="json",
        ),
        201,
    )

    assert created["claimed_reductions"] == "2189.952"
    assert Decimal(created["claimed_reductions"]) == reductions
    assert created["data_centre"] == data_centre.pk
    assert created["parameters"] == {}
    trace = created["calculation_trace"]
    assert trace["values"]["E_IT"] == {"value": "12000", "unit": "MWh"}
    assert trace["values"]["PUE_PJ"] == {"value": "1.28", "unit": ""}
    assert trace["data_centre"]["id"] == data_centre.pk
    assert trace["data_centre"]["parameters"] == READINGS
    assert [reading["id"] for reading in trace["data_centre"]["readings"]] == current_ids(
        data_centre
    )
    assert trace["data_centre"]["readings"][0] == {
        "id": current_ids(data_centre)[0],
        "period_start": str(year[0]),
        "period_end": str(date(year[0].year, 2, 1)),
        "total_energy_kwh": "1920000",
        "it_energy_kwh": "1600000",
    }
    assert (trace["data_centre"]["it_energy_kwh"], trace["data_centre"]["pue"]) == (
        "12000000",
        "1.28",
    )


def test_the_verifier_sees_the_readings_the_claim_counted(parties, project, data_centre, year):
    report = file_report(parties, project, year)

    shown = ok(client_for(parties["verifier2"]).get(f"/api/v1/monitoring-reports/{report.pk}/"))

    counted = [reading["id"] for reading in shown["calculation_trace"]["data_centre"]["readings"]]
    assert counted == current_ids(data_centre)
    assert len(counted) == 12


def test_typed_it_energy_and_pue_are_refused(parties, project, year):
    response = client_for(parties["proponent"]).post(
        "/api/v1/monitoring-reports/",
        {
            "project": project.pk,
            "period_start": year[0],
            "period_end": year[1],
            "parameters": {"E_IT": "12000", "PUE_PJ": "1.1"},
            "verifier": parties["verifier2"].organization_id,
        },
        format="json",
    )

    assert (response.status_code, response.json()) == (
        400,
        {"parameters.E_IT": [FROM_READINGS], "parameters.PUE_PJ": [FROM_READINGS]},
    )
    assert not MonitoringReport.objects.exists()


def test_days_without_a_reading_are_refused(parties, data_centres, year):
    """March, September and October unread, and December's reading ending a day early."""
    data_centre = metered_data_centre(parties["proponent"], year[0])
    y = year[0].year
    for month in (1, 2, 4, 5, 6, 7, 8, 11, 12):
        start = date(y, month, 1)
        end = date(y, 12, 31) if month == 12 else first_of_next_month(start)
        record_reading(
            actor=parties["proponent"],
            data_centre=data_centre,
            period_start=start,
            period_end=end,
            it_energy_kwh=Decimal(1000000),
            total_energy_kwh=Decimal(1300000),
        )
    project = data_centres.project("registered", **dc_design(data_centre=data_centre))

    with pytest.raises(InvalidInput) as refused:
        file_report(parties, project, year)

    days = f"{y}-03-01 to {y}-03-31, {y}-09-01 to {y}-10-31, {y}-12-31"
    assert refused.value.errors == {
        "period_start": [UNCOVERED.format(days=days, data_centre=data_centre.pk)]
    }
    assert not MonitoringReport.objects.exists()


def test_a_data_centre_without_readings_files_no_report(parties, data_centres, year):
    data_centre = metered_data_centre(parties["proponent"], year[0])
    project = data_centres.project("registered", **dc_design(data_centre=data_centre))

    with pytest.raises(InvalidInput) as refused:
        file_report(parties, project, year)

    days = f"{year[0]} to {year[1]}"
    assert refused.value.errors == {
        "period_start": [UNCOVERED.format(days=days, data_centre=data_centre.pk)]
    }


def test_a_reading_across_either_end_of_the_period_is_refused(parties, project, year):
    y = year[0].year

    with pytest.raises(InvalidInput) as refused:
        file_report(parties, project, year, period_start=date(y, 1, 15), period_end=date(y, 6, 15))

    assert refused.value.errors == {
        "period_start": [ACROSS_START.format(start=date(y, 1, 1), end=date(y, 2, 1))],
        "period_end": [
            ACROSS_END.format(
                start=date(y, 6, 1),
                end=date(y, 7, 1),
                before=date(y, 5, 31),
                last=date(y, 6, 30),
            )
        ],
    }
    assert not MonitoringReport.objects.exists()


def test_a_period_of_whole_readings_claims_their_figures(parties, project, year):
    """The first half year: the busy months alone, 9,600 MWh at PUE 1.2."""
    y = year[0].year
    e_it, pue_pj, reductions = by_hand(YEAR[:6])

    report = file_report(parties, project, year, period_end=date(y, 6, 30))

    assert (e_it, pue_pj) == (Decimal(9600), Decimal("1.2"))
    assert report.claimed_reductions == reductions
    assert len(report.calculation_trace["data_centre"]["readings"]) == 6


def test_a_correction_before_the_report_is_filed_changes_its_numbers(
    parties, project, data_centre, year
):
    # July's meters corrected: 520,000 kWh in all, not 640,000 (PUE 1.3, not 1.6).
    july = {"period_start": date(year[0].year, 7, 1), "period_end": date(year[0].year, 8, 1)}
    superseded = Reading.objects.get(data_centre=data_centre, **july)
    correction = record_reading(
        actor=parties["proponent"],
        data_centre=data_centre,
        it_energy_kwh=Decimal(400000),
        total_energy_kwh=Decimal(520000),
        **july,
    ).reading
    corrected = [*YEAR[:6], ("400000", "520000"), *YEAR[7:]]
    e_it, pue_pj, reductions = by_hand(corrected)
    assert (e_it, pue_pj, reductions) == (Decimal(12000), Decimal("1.27"), Decimal("2258.388"))

    report = file_report(parties, project, year)

    assert report.claimed_reductions == reductions
    counted = [reading["id"] for reading in report.calculation_trace["data_centre"]["readings"]]
    assert correction.pk in counted
    assert superseded.pk not in counted


def test_a_correction_after_the_report_is_filed_leaves_it_as_calculated(
    parties, project, data_centre, year
):
    report = file_report(parties, project, year)
    trace = report.calculation_trace
    july = {"period_start": date(year[0].year, 7, 1), "period_end": date(year[0].year, 8, 1)}

    record_reading(
        actor=parties["proponent"],
        data_centre=data_centre,
        it_energy_kwh=Decimal(400000),
        total_energy_kwh=Decimal(520000),
        **july,
    )

    report.refresh_from_db()
    assert report.claimed_reductions == Decimal("2189.952")
    assert report.calculation_trace == trace
    shown = ok(client_for(parties["verifier2"]).get(f"/api/v1/monitoring-reports/{report.pk}/"))
    assert shown["claimed_reductions"] == "2189.952"


def test_a_project_filed_before_its_methodology_took_readings_files_no_report(
    parties, project, year
):
    # A project stored before the column was filled, as an installation may hold one.
    Project.objects.filter(pk=project.pk).update(data_centre=None)
    project.refresh_from_db()

    with pytest.raises(Conflict) as refused:
        file_report(parties, project, year, parameters={"E_IT": "12000", "PUE_PJ": "1.1"})

    assert refused.value.message == DATA_CENTRE_MISSING.format(
        reference=project.reference, identifier="CR-DC-001-V01", parameters="E_IT and PUE_PJ"
    )
    assert not MonitoringReport.objects.exists()


def test_the_span_is_whole_days_both_ends_included(parties, project, year):
    """A report of a single month, read as [first day, last day]: the reading [1 Feb, 1 Mar)."""
    y = year[0].year
    last = date(y, 3, 1) - timedelta(days=1)

    report = file_report(parties, project, year, period_start=date(y, 2, 1), period_end=last)

    assert report.calculation_trace["data_centre"]["readings"][0]["period_end"] == f"{y}-03-01"
    assert report.calculation_trace["values"]["E_IT"] == {"value": "1600", "unit": "MWh"}


def test_a_project_filed_before_its_methodology_took_readings_is_not_registered(
    parties, data_centres, data_centre
):
    project = data_centres.project("registration_review", **dc_design(data_centre=data_centre))
    Project.objects.filter(pk=project.pk).update(data_centre=None)

    response = client_for(parties["operator"]).post(f"/api/v1/projects/{project.pk}/register/")

    assert (response.status_code, response.json()) == (
        409,
        {
            "detail": DATA_CENTRE_MISSING.format(
                reference=project.reference,
                identifier="CR-DC-001-V01",
                parameters="E_IT and PUE_PJ",
            )
        },
    )
    assert Project.objects.get(pk=project.pk).status == "registration_review"
