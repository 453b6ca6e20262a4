"""The issue's worked example, over HTTP, with the numbers the issue states: a Beijing data
centre in 2025, 10,000,000 kWh in total, 8,000,000 kWh of IT energy, 2,000 certificates of 2025
claimed."""

from decimal import Decimal

from certificates.models import CertificateClaim
from compute.models import ReadingClaim
from core.models import AuditEntry
from tests.compute.conftest import DATA_CENTRES, certificates, post_reading


def test_a_beijing_data_centre_in_2025(clients, users, company, data_centre):
    block = certificates(users["operator"], company, 1, 5000)

    response = post_reading(
        clients["proponent"],
        data_centre,
        period_start="2025-01-01",
        period_end="2026-01-01",
        total_energy_kwh="10000000",
        it_energy_kwh="8000000",
        certificates=[{"block": block, "quantity": 2000}],
    )

    assert response.status_code == 201, response.json()
    reading = response.json()
    assert data_centre["grid_region"] == "CN-North"
    assert Decimal(reading["pue"]) == Decimal("1.25")
    assert reading["tier"] == "2"
    assert Decimal(reading["renewable_share"]) == Decimal("0.2")
    assert Decimal(reading["green_energy_kwh"]) == Decimal("2000000")
    # 10,000 MWh x 0.6361 (North grid, 2023, provisional)
    assert Decimal(reading["location_based_tco2e"]) == Decimal("6361.0")
    assert reading["location_based"] == {
        "series": "cn-regional-average",
        "region": "CN-North",
        "factor_year": 2023,
        "factor": "0.6361",
        "provisional": True,
    }
    # 8,000 MWh not backed by certificates x 0.6096 (residual, 2023, provisional)
    assert Decimal(reading["market_based_tco2e"]) == Decimal("4876.8")
    assert reading["market_based"] == {
        "series": "cn-national-excl-market-nonfossil",
        "region": "CN",
        "factor_year": 2023,
        "factor": "0.6096",
        "provisional": True,
    }
    assert (reading["factor_year"], reading["provisional"]) == (2023, True)
    assert Decimal(reading["energy_for_assessment_kwh"]) == Decimal("8000000")
    assert Decimal(reading["energy_for_assessment_tce"]) == Decimal("983.2")
    assert reading["certificates_quantity"] == 2000
    [claimed] = reading["certificates"]
    assert claimed["quantity"] == 2000
    claim = CertificateClaim.objects.get(pk=claimed["claim"])
    assert claim.consumer == data_centre["name"]
    # Claims' periods include their last day.
    assert (str(claim.period_start), str(claim.period_end)) == ("2025-01-01", "2025-12-31")
    assert ReadingClaim.objects.get(claim=claim).reading_id == reading["id"]
    assert AuditEntry.objects.filter(action="reading.recorded", object_id=str(reading["id"]))


def test_the_data_centre_carries_the_year_s_figures_by_the_same_names(
    clients, users, company, data_centre
):
    block = certificates(users["operator"], company, 1, 5000)
    post_reading(
        clients["proponent"],
        data_centre,
        period_start="2025-01-01",
        period_end="2026-01-01",
        total_energy_kwh="10000000",
        it_energy_kwh="8000000",
        certificates=[{"block": block, "quantity": 2000}],
    )

    figures = clients["proponent"].get(f"{DATA_CENTRES}{data_centre['id']}/").json()["figures"]

    assert figures["year"] == 2025 and figures["readings"] == 1
    assert Decimal(figures["pue"]) == Decimal("1.25")
    assert (figures["tier"], figures["tier_scheme"]) == ("2", "gb-40879-2021")
    assert Decimal(figures["renewable_share"]) == Decimal("0.2")
    assert Decimal(figures["location_based_tco2e"]) == Decimal("6361.0")
    assert Decimal(figures["market_based_tco2e"]) == Decimal("4876.8")
    assert Decimal(figures["energy_for_assessment_kwh"]) == Decimal("8000000")
    assert Decimal(figures["energy_for_assessment_tce"]) == Decimal("983.2")
    assert (figures["factor_year"], figures["provisional"]) == (2023, True)
    assert figures["location_based"]["region"] == "CN-North"
    targets = {(t["scheme"], t["tier"]): (t["pue_max"], t["met"]) for t in figures["targets"]}
    assert targets == {
        ("policy-target", "hub-node-2025"): ("1.25", True),
        ("policy-target", "new-large-2023"): ("1.3", True),
        ("policy-target", "national-average-2025"): ("1.5", True),
        ("reference", "best-reported-2021"): ("1.08", False),
        ("reference", "industry-average-2021"): ("1.56", True),
    }
