"""Which factor a reading uses: its region's for its year, the national one where the region
has none, the latest year standing in (provisional) until the year's own is added, and then
recomputed, audited."""

from decimal import Decimal

import pytest

from compute.models import Reading
from core.models import AuditEntry
from methodologies.models import (
    EfficiencyTier,
    EmissionFactor,
    EnergyConversion,
    ProvinceGridRegion,
)
from tests.compute.conftest import DATA_CENTRES, post_reading, register

FACTORS = "/api/v1/emission-factors/"


def add_factor(client, series: str, region: str, year: int, value: str):
    response = client.post(
        FACTORS,
        {
            "series": series,
            "region": region,
            "data_year": year,
            "value": value,
            "unit": "kgCO2/kWh",
            "published": "2027-12",
            "source": "test release",
            "confidence": "primary",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()


@pytest.fixture
def national_only(db):
    """Reference data whose North grid has no factor of its own: the national averages only."""
    ProvinceGridRegion.objects.create(area="Beijing", province="Beijing", grid_region="CN-North")
    for series, value in (
        ("cn-national-average", "0.5306"),
        ("cn-national-excl-market-nonfossil", "0.6096"),
    ):
        EmissionFactor.objects.create(
            series=series,
            region="CN",
            data_year=2023,
            value=Decimal(value),
            unit="kgCO2/kWh",
            published="2026-01",
            source="MEE and NBS 2023",
            confidence="primary",
        )
    for tier, pue_max in (("1", "1.20"), ("2", "1.30"), ("3", "1.50")):
        EfficiencyTier.objects.create(
            scheme="gb-40879-2021",
            tier=tier,
            pue_max=Decimal(pue_max),
            source="GB 40879-2021",
            confidence="secondary",
        )
    EnergyConversion.objects.create(
        carrier="electricity",
        unit="kWh",
        kgce_per_unit=Decimal("0.1229"),
        source="GB/T 2589-2020",
        confidence="primary",
    )


def test_a_region_without_factors_falls_back_to_the_national_average(
    clients, company, national_only
):
    data_centre = register(clients["proponent"])

    reading = post_reading(
        clients["proponent"], data_centre, total_energy_kwh="10000000", it_energy_kwh="8000000"
    ).json()

    assert reading["location_based"] == {
        "series": "cn-national-average",
        "region": "CN",
        "factor_year": 2023,
        "factor": "0.5306",
        "provisional": True,
    }
    assert Decimal(reading["location_based_tco2e"]) == Decimal("5306")  # 10,000 MWh x 0.5306


def test_a_region_s_first_factor_replaces_the_national_fallback(clients, company, national_only):
    data_centre = register(clients["proponent"])
    reading = post_reading(
        clients["proponent"], data_centre, total_energy_kwh="10000000", it_energy_kwh="8000000"
    ).json()

    add_factor(clients["regulator"], "cn-regional-average", "CN-North", 2023, "0.6361")

    stored = Reading.objects.get(pk=reading["id"])
    assert (stored.location_series, stored.location_region) == ("cn-regional-average", "CN-North")
    assert stored.location_based_tco2e == Decimal("6361")
    entry = AuditEntry.objects.get(action="reading.recomputed")
    assert Decimal(entry.before["location_based_tco2e"]) == Decimal("5306")
    assert Decimal(entry.after["location_based_tco2e"]) == Decimal("6361")


def test_the_year_s_factor_recomputes_the_provisional_readings_of_that_year(
    clients, company, data_centre
):
    beijing = post_reading(clients["proponent"], data_centre).json()
    beijing_2024 = post_reading(
        clients["proponent"], data_centre, period_start="2024-01-01", period_end="2024-02-01"
    ).json()
    shanghai = post_reading(
        clients["proponent"], register(clients["proponent"], name="Lingang", province="Shanghai")
    ).json()
    # 1,300 MWh x 0.6361
    assert Decimal(beijing["location_based_tco2e"]) == Decimal("826.93")
    assert beijing["location_based"]["provisional"] and beijing["provisional"]

    add_factor(clients["regulator"], "cn-regional-average", "CN-North", 2025, "0.6000")

    answered = clients["proponent"].get(f"{DATA_CENTRES}{data_centre['id']}/readings/").json()
    now = {reading["id"]: reading for reading in answered["results"]}[beijing["id"]]
    assert now["location_based"] == {
        "series": "cn-regional-average",
        "region": "CN-North",
        "factor_year": 2025,
        "factor": "0.6",
        "provisional": False,
    }
    assert Decimal(now["location_based_tco2e"]) == Decimal("780")
    # The residual factor of 2025 is not published yet.
    assert now["provisional"] and now["market_based"]["factor_year"] == 2023
    [entry] = AuditEntry.objects.filter(action="reading.recomputed")
    assert entry.object_id == str(beijing["id"])
    assert entry.actor_username == "regulator"
    assert (entry.before["location_factor_year"], entry.after["location_factor_year"]) == (
        2023,
        2025,
    )
    # 2024 keeps its stand-in (2023 is still the latest before it); Shanghai is another grid.
    assert Reading.objects.get(pk=beijing_2024["id"]).location_factor_year == 2023
    assert Reading.objects.get(pk=shanghai["id"]).location_factor_year == 2023

    add_factor(clients["regulator"], "cn-national-excl-market-nonfossil", "CN", 2025, "0.5900")

    recomputed = Reading.objects.get(pk=beijing["id"])
    assert not recomputed.provisional and recomputed.factor_year == 2025
    assert recomputed.market_based_tco2e == Decimal("767")  # 1,300 MWh x 0.59
    assert Reading.objects.get(pk=shanghai["id"]).market_factor_year == 2025
    assert set(
        AuditEntry.objects.filter(action="reading.recomputed").values_list("object_id", flat=True)
    ) == {str(beijing["id"]), str(shanghai["id"])}
    figures = clients["proponent"].get(f"{DATA_CENTRES}{data_centre['id']}/").json()["figures"]
    assert (figures["year"], figures["factor_year"], figures["provisional"]) == (2025, 2025, False)


def test_a_superseded_reading_is_never_recomputed(clients, company, data_centre):
    first = post_reading(clients["proponent"], data_centre).json()
    post_reading(clients["proponent"], data_centre, total_energy_kwh="1250000")

    add_factor(clients["regulator"], "cn-regional-average", "CN-North", 2025, "0.6000")

    assert Reading.objects.get(pk=first["id"]).location_factor_year == 2023
    assert AuditEntry.objects.filter(action="reading.recomputed").count() == 1


def test_a_year_before_any_published_factor_takes_the_earliest(clients, data_centre):
    reading = post_reading(
        clients["proponent"], data_centre, period_start="2019-01-01", period_end="2019-02-01"
    ).json()

    assert (reading["location_based"]["factor_year"], reading["provisional"]) == (2021, True)
    assert reading["location_based"]["factor"] == "0.712"


def test_a_year_with_its_factors_is_not_provisional(clients, data_centre):
    reading = post_reading(
        clients["proponent"], data_centre, period_start="2023-03-01", period_end="2023-04-01"
    ).json()

    assert (reading["factor_year"], reading["provisional"]) == (2023, False)


def test_an_unrelated_series_recomputes_nothing(clients, data_centre):
    post_reading(clients["proponent"], data_centre)

    add_factor(clients["regulator"], "cn-ets-grid", "CN", 2025, "0.5")

    assert not AuditEntry.objects.filter(action="reading.recomputed").exists()
