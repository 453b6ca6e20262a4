"""`GET /api/v1/stats/data-centres/`: a year's figures by province, grid region and tier,
computed here by hand from the readings posted; PUE weighted by energy; groups of fewer than 3
data centres withheld from everyone but operators and regulators; the yearly sums kept up to
date by corrections and recomputes."""

import csv
import importlib
import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection

from compute.models import DataCentreYear, Reading
from compute.reference import FAILS, location_factor, residual_factor
from compute.selectors import yearly_figures
from compute.stats import data_centre_totals
from tests.compute.conftest import post_reading, register
from tests.compute.test_factors import add_factor

STATS = "/api/v1/stats/data-centres/"
THOUSAND = Decimal(1000)

# (name, province, [(period_start, period_end, total, IT, on-site renewables)]), in MWh; 2025
# unless said. Yearly PUEs: Beijing-1 4,100 / 3,000 = 1.367 (grade 3, though its January alone
# is grade 1), Beijing-2 1.30 (grade 2, at the boundary), Beijing-3 1.60 (fails), Hebei-1 1.15
# (grade 1), Hebei-2 1.25 (grade 2), Shanghai-1 1.28 (grade 2).
FLEET = [
    (
        "Beijing-1",
        "Beijing",
        [
            ("2025-01-01", "2025-02-01", 1100, 1000, 0),
            ("2025-02-01", "2025-03-01", 3000, 2000, 0),
            ("2024-12-01", "2025-01-01", 2000, 1000, 0),
        ],
    ),
    ("Beijing-2", "Beijing", [("2025-01-01", "2025-02-01", 1300, 1000, 130)]),
    ("Beijing-3", "Beijing", [("2025-03-01", "2025-04-01", 1600, 1000, 0)]),
    ("Hebei-1", "Hebei", [("2025-01-01", "2025-02-01", 1150, 1000, 0)]),
    ("Hebei-2", "Hebei", [("2025-06-01", "2025-07-01", 1250, 1000, 0)]),
    ("Shanghai-1", "Shanghai", [("2025-01-01", "2025-02-01", 1280, 1000, 0)]),
]


def mwh(value: int) -> str:
    return str(value * 1000)


@pytest.fixture
def fleet(clients, company, reference) -> dict[str, dict]:
    """Six data centres of the company: three in Beijing and two in Hebei (the North grid), one
    in Shanghai (the East grid), with their readings. Beijing-2's January is posted wrong first
    (PUE 1.5) and corrected: only the correction counts."""
    client = clients["proponent"]
    registered = {}
    for name, province, readings in FLEET:
        data_centre = register(client, name=name, province=province)
        registered[name] = data_centre
        if name == "Beijing-2":
            wrong = post_reading(client, data_centre, total_energy_kwh=mwh(1500))
            assert wrong.status_code == 201
        for start, end, total, it, onsite in readings:
            response = post_reading(
                client,
                data_centre,
                period_start=start,
                period_end=end,
                total_energy_kwh=mwh(total),
                it_energy_kwh=mwh(it),
                onsite_renewable_kwh=mwh(onsite),
            )
            assert response.status_code == 201, response.json()
    return registered


def stats(client, **query):
    response = client.get(STATS, query)
    assert response.status_code == 200, response.content
    return response


def by_key(response) -> dict[str, dict]:
    return {row["key"]: row for row in response.json()}


def tonnes(kwh: Decimal, factor: Decimal) -> str:
    """kWh x kgCO2/kWh in tonnes, as answered (to the kilogram, no trailing zeros)."""
    return format((kwh * factor / THOUSAND).quantize(Decimal("0.001")).normalize(), "f")


def test_a_province_s_figures_are_the_sums_of_its_current_readings(clients, fleet):
    beijing = by_key(stats(clients["regulator"], group_by="province"))["Beijing"]

    # 2025 only; Beijing-2's wrong January is superseded. Total 1,100 + 3,000 + 1,300 + 1,600;
    # IT 1,000 + 2,000 + 1,000 + 1,000; grid electricity = total - on-site 130 = 6,870 MWh, and
    # no certificates: all of it in both Scope 2 methods.
    location = location_factor("CN-North", 2025).value
    residual = residual_factor(2025).value
    assert beijing == {
        "key": "Beijing",
        "label": "Beijing 北京",
        "year": 2025,
        "data_centres": 3,
        "total_energy_kwh": "7000000",
        "it_energy_kwh": "5000000",
        "pue": "1.4",
        "renewable_share": "0.0186",  # 130 / 7,000
        "location_based_tco2e": tonnes(Decimal(6870000), location),
        "market_based_tco2e": tonnes(Decimal(6870000), residual),
        "energy_for_assessment_kwh": "6870000",
    }


def test_the_group_pue_is_weighted_by_energy_not_a_mean_of_ratios(clients, fleet):
    north = by_key(stats(clients["regulator"], group_by="grid_region"))["CN-North"]

    # Beijing 7,000 / 5,000 and Hebei 2,400 / 2,000: 9,400 / 7,000.
    assert north["data_centres"] == 5
    assert north["pue"] == "1.343"
    per_data_centre = [Decimal(4100) / 3000, Decimal("1.3"), Decimal("1.6")]
    per_data_centre += [Decimal("1.15"), Decimal("1.25")]
    mean_of_ratios = sum(per_data_centre) / len(per_data_centre)
    assert mean_of_ratios.quantize(Decimal("0.001")) == Decimal("1.333")
    assert north["label"].startswith("CN-North (") and "Beijing" in north["label"]


def test_tiers_group_data_centres_by_their_yearly_pue(clients, fleet):
    rows = stats(clients["regulator"], group_by="tier").json()

    assert [(row["key"], row["data_centres"]) for row in rows] == [
        ("1", 1),  # Hebei-1
        ("2", 3),  # Beijing-2 (1.30 exactly), Hebei-2, Shanghai-1
        ("3", 1),  # Beijing-1: 1.367 for the year, though its January alone is grade 1
        (FAILS, 1),  # Beijing-3
    ]
    grade_2 = rows[1]
    assert grade_2["label"] == "Grade 2: PUE ≤ 1.3"
    assert (grade_2["total_energy_kwh"], grade_2["it_energy_kwh"]) == ("3830000", "3000000")
    assert rows[3]["label"] == "Fails the limit value: PUE > 1.5"


def test_the_yearly_sums_agree_with_each_data_centre_s_yearly_figures(fleet):
    for row in DataCentreYear.objects.select_related("data_centre"):
        figures = yearly_figures(row.data_centre, row.year)
        assert (row.readings, row.total_energy_kwh, row.it_energy_kwh, row.tier) == (
            figures.readings,
            figures.total_energy_kwh,
            figures.it_energy_kwh,
            figures.tier,
        )
        assert row.location_based_tco2e == figures.location_based_tco2e
    assert DataCentreYear.objects.count() == 7  # six data centres in 2025, one also in 2024


@pytest.mark.parametrize("role", ["anonymous", "proponent", "verifier"])
def test_the_public_sees_no_group_of_fewer_than_three_data_centres(clients, fleet, role):
    response = stats(clients[role], group_by="province")

    # Beijing has 3 data centres: shown; Hebei 2 and Shanghai 1: withheld, and counted.
    assert [row["key"] for row in response.json()] == ["Beijing"]
    assert response.headers["Withheld-Groups"] == "2"
    grids = stats(clients[role], group_by="grid_region")
    assert [row["key"] for row in grids.json()] == ["CN-North"]
    assert grids.headers["Withheld-Groups"] == "1"
    tiers = stats(clients[role], group_by="tier")
    assert [row["key"] for row in tiers.json()] == ["2"]
    assert tiers.headers["Withheld-Groups"] == "3"


@pytest.mark.parametrize("role", ["regulator", "operator"])
def test_regulators_and_operators_see_every_group(clients, fleet, role):
    response = stats(clients[role], group_by="province")

    assert [(row["key"], row["data_centres"]) for row in response.json()] == [
        ("Beijing", 3),
        ("Hebei", 2),
        ("Shanghai", 1),
    ]
    assert response.headers["Withheld-Groups"] == "0"
    assert by_key(response)["Hebei"]["pue"] == "1.2"  # 2,400 / 2,000


def test_the_smallest_public_group_is_a_setting(clients, fleet, settings):
    settings.COMPUTE_PUBLIC_MIN_GROUP = 2

    response = stats(clients["anonymous"], group_by="province")

    assert [row["key"] for row in response.json()] == ["Beijing", "Hebei"]
    assert response.headers["Withheld-Groups"] == "1"


def test_the_latest_year_is_answered_unless_another_is_asked(clients, fleet):
    latest = stats(clients["regulator"], group_by="province")
    earlier = stats(clients["regulator"], group_by="province", year=2024)
    empty = stats(clients["regulator"], group_by="province", year=2023)

    assert latest.headers["Data-Year"] == "2025"
    assert [(row["key"], row["year"], row["pue"]) for row in earlier.json()] == [
        ("Beijing", 2024, "2")  # Beijing-1's December 2024 alone
    ]
    assert earlier.headers["Data-Year"] == "2024"
    assert empty.json() == [] and empty.headers["Withheld-Groups"] == "0"


def test_no_readings_answer_an_empty_list(clients, db):
    response = stats(clients["anonymous"], group_by="tier")

    assert response.json() == []
    assert "Data-Year" not in response.headers


def test_the_totals_answer_in_csv(clients, fleet):
    response = stats(clients["anonymous"], group_by="province", format="csv")

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["key"] for row in rows] == ["Beijing"]
    assert list(rows[0]) == [
        "key",
        "label",
        "year",
        "data_centres",
        "total_energy_kwh",
        "it_energy_kwh",
        "pue",
        "renewable_share",
        "location_based_tco2e",
        "market_based_tco2e",
        "energy_for_assessment_kwh",
    ]
    assert (rows[0]["data_centres"], rows[0]["pue"], rows[0]["total_energy_kwh"]) == (
        "3",
        "1.4",
        "7000000",
    )


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({}, "group_by"),
        ({"group_by": "owner"}, "group_by"),
        ({"group_by": "province", "year": "last"}, "year"),
        ({"group_by": "province", "year": "99999"}, "year"),
    ],
)
def test_a_bad_query_is_a_400_naming_the_field(clients, db, query, field):
    response = clients["anonymous"].get(STATS, query)

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_a_correction_moves_the_yearly_sums(clients, fleet):
    post_reading(
        clients["proponent"],
        fleet["Hebei-1"],
        total_energy_kwh=mwh(1400),
        it_energy_kwh=mwh(1000),
    )

    hebei = by_key(stats(clients["regulator"], group_by="province"))["Hebei"]
    assert (hebei["total_energy_kwh"], hebei["pue"]) == ("2650000", "1.325")
    tiers = by_key(stats(clients["regulator"], group_by="tier"))
    assert "1" not in tiers  # Hebei-1 is 1.40 now, grade 3
    assert tiers["3"]["data_centres"] == 2


def test_a_new_factor_recomputes_the_yearly_sums(clients, fleet):
    add_factor(clients["regulator"], "cn-regional-average", "CN-East", 2025, "0.5000")

    shanghai = by_key(stats(clients["regulator"], group_by="province"))["Shanghai"]
    assert shanghai["location_based_tco2e"] == "640"  # 1,280 MWh x 0.5


def test_the_data_migration_fills_the_yearly_sums_of_stored_readings(fleet):
    before = set(DataCentreYear.objects.values_list("data_centre", "year", "tier", "readings"))
    DataCentreYear.objects.all().delete()
    migration = importlib.import_module("compute.migrations.0004_fill_data_centre_years")

    with connection.schema_editor() as editor:
        migration.fill(apps, editor)

    after = set(DataCentreYear.objects.values_list("data_centre", "year", "tier", "readings"))
    assert after == before and len(after) == 7


def test_the_public_selector_counts_what_it_withholds(fleet, users):
    from django.contrib.auth.models import AnonymousUser

    public = data_centre_totals(user=AnonymousUser(), group_by="province")
    everything = data_centre_totals(user=users["regulator"], group_by="province", year=2025)

    assert (public.year, public.withheld, len(public.rows)) == (2025, 2, 1)
    assert (everything.withheld, len(everything.rows)) == (0, 3)
    assert Reading.objects.filter(superseded_at__isnull=False).count() == 1
