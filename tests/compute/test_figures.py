"""Yearly figures are energy-weighted (Σ total / Σ IT), never a mean of ratios; tiers are the
best GB 40879-2021 grade a PUE does not exceed, read from the reference data."""

from decimal import Decimal

import pytest

from compute import selectors
from compute.models import DataCentre
from compute.reference import FAILS
from tests.compute.conftest import DATA_CENTRES, post_reading


def test_the_yearly_pue_is_weighted_by_energy_not_a_mean_of_ratios(clients, data_centre):
    # January: PUE 2.0 on a small load; February: PUE 1.1 on a large one.
    post_reading(clients["proponent"], data_centre, total_energy_kwh="200", it_energy_kwh="100")
    post_reading(
        clients["proponent"],
        data_centre,
        period_start="2025-02-01",
        period_end="2025-03-01",
        total_energy_kwh="1100",
        it_energy_kwh="1000",
        onsite_renewable_kwh="130",
    )

    figures = clients["proponent"].get(f"{DATA_CENTRES}{data_centre['id']}/").json()["figures"]

    mean_of_ratios = (Decimal("2.0") + Decimal("1.1")) / 2
    assert Decimal(figures["pue"]) == Decimal("1.182")  # 1,300 / 1,100
    assert Decimal(figures["pue"]) != mean_of_ratios.quantize(Decimal("0.001"))
    assert figures["tier"] == "1"  # 1.18 <= 1.20, though the mean 1.55 would fail the limit
    assert Decimal(figures["renewable_share"]) == Decimal("0.1")  # 130 / 1,300
    assert (Decimal(figures["total_energy_kwh"]), Decimal(figures["it_energy_kwh"])) == (
        Decimal("1300"),
        Decimal("1100"),
    )
    assert figures["readings"] == 2


def test_superseded_readings_do_not_count_in_the_year(clients, data_centre):
    post_reading(clients["proponent"], data_centre, total_energy_kwh="2000000")
    post_reading(clients["proponent"], data_centre, total_energy_kwh="1200000")

    figures = selectors.latest_yearly_figures(DataCentre.objects.get())

    assert figures.readings == 1 and figures.pue == Decimal("1.2")


@pytest.mark.parametrize(
    ("total", "tier"),
    [
        ("1200000", "1"),  # exactly 1.20
        ("1200001", "2"),
        ("1300000", "2"),
        ("1500000", "3"),  # exactly 1.50, the limit value
        ("1510000", FAILS),
    ],
)
def test_tiers_at_their_boundaries(clients, data_centre, total, tier):
    reading = post_reading(clients["proponent"], data_centre, total_energy_kwh=total).json()

    assert reading["tier"] == tier
    figures = clients["proponent"].get(f"{DATA_CENTRES}{data_centre['id']}/").json()["figures"]
    assert figures["tier"] == tier


def test_the_year_is_chosen_with_year_and_every_year_is_listed(clients, data_centre):
    post_reading(
        clients["proponent"], data_centre, period_start="2024-06-01", period_end="2024-07-01"
    )
    post_reading(
        clients["proponent"],
        data_centre,
        period_start="2025-06-01",
        period_end="2025-07-01",
        total_energy_kwh="1100000",
    )
    url = f"{DATA_CENTRES}{data_centre['id']}/"

    latest = clients["proponent"].get(url).json()["figures"]
    earlier = clients["proponent"].get(url, {"year": 2024}).json()["figures"]
    empty = clients["proponent"].get(url, {"year": 2019}).json()["figures"]
    years = clients["proponent"].get(f"{url}years/").json()

    assert (latest["year"], latest["pue"]) == (2025, "1.1")
    assert (earlier["year"], earlier["pue"]) == (2024, "1.3")
    assert empty is None
    assert [(y["year"], y["pue"]) for y in years] == [(2025, "1.1"), (2024, "1.3")]
    assert clients["proponent"].get(url, {"year": "soon"}).status_code == 400


def test_a_data_centre_without_readings_has_no_figures(clients, data_centre):
    response = clients["proponent"].get(f"{DATA_CENTRES}{data_centre['id']}/")

    assert response.json()["figures"] is None
    assert data_centre["figures"] is None
