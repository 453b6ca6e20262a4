"""AI workloads over HTTP: the published footprints reproduced from their papers' own inputs,
a host's PUE and factors from its readings, every refusal, the rating's bands on a
hand-computed case, the rating moving as runs are added, and who may do what."""

from decimal import Decimal

import pytest

from compute import footprint
from compute.models import Workload
from compute.services import workloads
from core.models import AuditEntry
from tests.compute.conftest import certificates, post_reading
from tests.compute.test_factors import add_factor

WORKLOADS = "/api/v1/workloads/"


def url(workload: dict) -> str:
    return f"{WORKLOADS}{workload['id']}/"


def recalculate(client, workload: dict):
    return client.post(f"{url(workload)}recalculate/")


def post(client, **body):
    return client.post(WORKLOADS, body, format="json")


def registered(client, **body) -> dict:
    response = post(client, **body)
    assert response.status_code == 201, response.json()
    return response.json()


def explicit(**body) -> dict:
    """A small run with its PUE and grid factor given."""
    return {
        "name": "Fine-tuning run",
        "task": "text_generation_training",
        "accelerator": "NVIDIA A100",
        "accelerator_count": 8,
        "hours": "10",
        "avg_power_watts": "400",
        "pue": "1.2",
        "grid_factor": "0.5",
        **body,
    }


def within_one_percent(ours: Decimal, published: str) -> bool:
    return abs(ours - Decimal(published)) <= Decimal("0.01") * Decimal(published)


# The footprint of GPT-3's training (Patterson et al. 2021, "Carbon Emissions and Large Neural
# Network Training", arXiv:2104.10350, Table 4): 10,000 V100 for 14.8 days at 330 W of measured
# system average power per accelerator, PUE 1.10, 0.429 kgCO2e/kWh (the US average, for
# Microsoft Azure) -> 1,287 MWh and 552.1 tCO2e as published (the paper rounds). GPT-3 was
# trained on 300 billion tokens (Brown et al. 2020, "Language Models are Few-Shot Learners").
def test_gpt_3_training_over_http(clients):
    response = post(
        clients["proponent"],
        name="GPT-3 175B training",
        task="text_generation_training",
        model_name="GPT-3",
        model_parameters=175_000_000_000,
        accelerator="NVIDIA V100",
        accelerator_count=10_000,
        hours=str(Decimal("14.8") * 24),
        avg_power_watts="330",
        pue="1.10",
        grid_factor="0.429",
        metric_name="tokens",
        metric_value="300000000000",
    )

    assert response.status_code == 201, response.json()
    run = response.json()
    # 10,000 x 355.2 h x 330 W = 1,172,160 kWh, x 1.10
    assert Decimal(run["it_energy_kwh"]) == Decimal("1172160")
    assert Decimal(run["energy_kwh"]) == Decimal("1289376")
    assert Decimal(run["emissions_kgco2e"]) == Decimal("553142.304")
    assert within_one_percent(Decimal(run["energy_kwh"]) / 1000, "1287")
    assert within_one_percent(Decimal(run["emissions_kgco2e"]) / 1000, "552.1")
    assert run["market_based_emissions_kgco2e"] is None
    assert run["location_based"] is None and run["data_centre"] is None
    assert (run["kind"], run["model_parameters"]) == ("training", 175_000_000_000)
    # 1,289,376 kWh x 1000 / 3 x 10^11 tokens
    assert Decimal(run["energy_per_unit_wh"]) == Decimal("0.00429792")
    assert (run["rating"], run["runs_compared"]) == (5, 1)
    assert run["band_edges"] == ["0.00429792"] * 6
    assert run["rated_at"] == run["computed_at"]
    entry = AuditEntry.objects.get(action="workload.registered")
    assert entry.object_id == str(run["id"])
    assert entry.after["energy_kwh"] == "1289376.000000000"


# The other rows of the same Table 4, from their own inputs: chips, days, measured average
# power per chip, PUE and the datacenter's kgCO2e/kWh when the model ran -> energy (MWh) and
# tCO2e as published. GShard-600B and Switch Transformer ran where Google bought carbon-free
# energy: their gross factor gives the gross tCO2e, their net factor the net tCO2e.
TABLE_4 = [
    # name, parameters, processor, chips, days, watts, PUE, kgCO2e/kWh, MWh, tCO2e
    ("T5", 11e9, "TPU v3", 512, "20", "310", "1.12", "0.545", "85.7", "46.7"),
    ("Meena", 2.6e9, "TPU v3", 1024, "30", "289", "1.09", "0.415", "232", "96.4"),
    ("GShard-600B (gross)", 619e9, "TPU v3", 1024, "3.1", "288", "1.09", "0.201", "24.1", "4.8"),
    ("Switch Transformer (gross)", 1500e9, "TPU v3", 1024, "27", "245", "1.10", "0.403", "179",
     "72.2"),
    ("Switch Transformer (net)", 1500e9, "TPU v3", 1024, "27", "245", "1.10", "0.330", "179",
     "59.1"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "parameters", "processor", "chips", "days", "watts", "pue", "factor", "mwh", "tco2e"),
    TABLE_4,
)
def test_patterson_table_4_footprints_are_reproduced(
    clients, name, parameters, processor, chips, days, watts, pue, factor, mwh, tco2e
):
    run = registered(
        clients["proponent"],
        name=name,
        task="text_generation_training",
        model_name=name.split(" (")[0],
        model_parameters=int(parameters),
        accelerator=processor,
        accelerator_count=chips,
        hours=str(Decimal(days) * 24),
        avg_power_watts=watts,
        pue=pue,
        grid_factor=factor,
    )

    assert within_one_percent(Decimal(run["energy_kwh"]) / 1000, mwh)
    assert within_one_percent(Decimal(run["emissions_kgco2e"]) / 1000, tco2e)
    assert run["rating"] is None and run["band_edges"] is None


def test_metered_energy_takes_the_place_of_power(clients):
    run = registered(
        clients["proponent"], **explicit(avg_power_watts=None, energy_kwh="12.5", pue="1.5")
    )

    assert (run["metered_energy_kwh"], run["it_energy_kwh"]) == ("12.5", "12.5")
    assert Decimal(run["energy_kwh"]) == Decimal("18.75")
    assert Decimal(run["emissions_kgco2e"]) == Decimal("9.375")
    assert run["avg_power_watts"] is None


def test_a_host_gives_its_yearly_pue_and_both_factors(clients, data_centre):
    # 2025 in Beijing: PUE 1.3; the North grid's 2023 factor 0.6361 and the residual 0.6096
    # stand in for 2025's (provisional).
    post_reading(clients["proponent"], data_centre)

    run = registered(
        clients["proponent"],
        **explicit(pue=None, grid_factor=None, data_centre=data_centre["id"], hours="100"),
    )

    # 400 W x 8 x 100 h = 320 kWh, x 1.3 = 416 kWh
    assert (run["year"], run["pue"], run["energy_kwh"]) == (2025, "1.3", "416")
    assert Decimal(run["emissions_kgco2e"]) == Decimal("416") * Decimal("0.6361")
    assert Decimal(run["market_based_emissions_kgco2e"]) == Decimal("416") * Decimal("0.6096")
    assert run["location_based"] == {
        "series": "cn-regional-average",
        "region": "CN-North",
        "factor_year": 2023,
        "factor": "0.6361",
        "provisional": True,
    }
    assert run["market_based"]["series"] == "cn-national-excl-market-nonfossil"
    assert run["provisional"] is True
    assert run["grid_factor"] is None


def test_a_host_s_renewables_and_certificates_count_pro_rata(clients, users, company, data_centre):
    block = certificates(users["operator"], company, 1, 1000)
    post_reading(
        clients["proponent"],
        data_centre,
        total_energy_kwh="1000000",
        it_energy_kwh="800000",
        onsite_renewable_kwh="100000",
        certificates=[{"block": block, "quantity": 200}],
    )

    run = registered(
        clients["proponent"],
        **explicit(
            pue=None,
            grid_factor=None,
            avg_power_watts=None,
            energy_kwh="100",
            data_centre=data_centre["id"],
        ),
    )

    # PUE 1.25: 125 kWh. Location-based: 900,000 of 1,000,000 kWh from the grid x 0.6361;
    # market-based: 700,000 of them not backed by certificates x 0.6096.
    assert run["energy_kwh"] == "125"
    assert run["emission_factor"] == "0.57249"
    assert run["market_based_emission_factor"] == "0.42672"
    assert Decimal(run["emissions_kgco2e"]) == Decimal("71.56125")
    assert Decimal(run["market_based_emissions_kgco2e"]) == Decimal("53.34")
    # The host's own location-based emissions per kWh of its total energy, the same.
    figures = clients["proponent"].get(f"/api/v1/data-centres/{data_centre['id']}/").json()
    host = Decimal(figures["figures"]["location_based_tco2e"]) * 1000 / 1000000
    assert host == Decimal(run["emission_factor"])


def test_the_host_s_latest_year_unless_one_is_named(clients, data_centre):
    post_reading(
        clients["proponent"],
        data_centre,
        period_start="2024-01-01",
        period_end="2024-02-01",
        total_energy_kwh="1500000",
    )
    post_reading(clients["proponent"], data_centre)
    hosted = explicit(pue=None, grid_factor=None, data_centre=data_centre["id"])

    latest = registered(clients["proponent"], **hosted)
    named = registered(clients["proponent"], **hosted, year=2024)
    errors = refused(post(clients["proponent"], **hosted, year=2023))

    assert (latest["year"], latest["pue"]) == (2025, "1.3")
    assert (named["year"], named["pue"]) == (2024, "1.5")
    assert errors == {
        "year": [
            workloads.NO_READINGS_OF_YEAR.format(
                name=data_centre["name"], year=2023, years="2025, 2024"
            )
        ]
    }


def refused(response) -> dict:
    assert response.status_code == 400, response.json()
    return response.json()


POWER_OR_ENERGY = {
    "avg_power_watts": [workloads.POWER_OR_ENERGY],
    "energy_kwh": [workloads.POWER_OR_ENERGY],
}


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"avg_power_watts": None}, POWER_OR_ENERGY),
        ({"energy_kwh": "10"}, POWER_OR_ENERGY),
        ({"avg_power_watts": "0"}, {"avg_power_watts": [workloads.POWER_NOT_POSITIVE]}),
        (
            {"avg_power_watts": None, "energy_kwh": "-1"},
            {"energy_kwh": [workloads.ENERGY_NOT_POSITIVE]},
        ),
        ({"hours": "0"}, {"hours": [workloads.HOURS_NOT_POSITIVE]}),
        ({"hours": "-2"}, {"hours": [workloads.HOURS_NOT_POSITIVE]}),
        ({"accelerator_count": 0}, {"accelerator_count": [workloads.COUNT_NOT_POSITIVE]}),
        ({"model_parameters": 0}, {"model_parameters": [workloads.MODEL_PARAMETERS_NOT_POSITIVE]}),
        (
            {"pue": None, "grid_factor": None},
            {"pue": [workloads.PUE_OR_HOST], "data_centre": [workloads.PUE_OR_HOST]},
        ),
        ({"pue": "0.99"}, {"pue": [workloads.PUE_BELOW_ONE]}),
        ({"grid_factor": None}, {"grid_factor": [workloads.GRID_FACTOR_NEEDED]}),
        ({"grid_factor": "-0.1"}, {"grid_factor": [workloads.GRID_FACTOR_NEGATIVE]}),
        ({"metric_name": "tokens"}, {"metric_value": [workloads.METRIC_VALUE_NEEDED]}),
        ({"metric_value": "1000"}, {"metric_name": [workloads.METRIC_NAME_NEEDED]}),
        (
            {"metric_name": "tokens", "metric_value": "0"},
            {"metric_value": [workloads.METRIC_NOT_POSITIVE]},
        ),
        ({"accelerator": "  "}, None),
        ({"name": ""}, None),
        ({"task": "training"}, None),
        ({"task": "translation_training"}, None),
        ({"hours": "1e400"}, None),
        ({"accelerator_count": 10**12}, None),
        ({"pue": "1.1234567"}, None),
        ({"data_centre": 2**63}, None),
    ],
)  # fmt: skip
def test_bad_input_is_a_400_naming_the_field(clients, body, errors):
    answer = refused(post(clients["proponent"], **explicit(**body)))

    if errors is None:
        assert list(answer) == [next(iter(body))]
    else:
        assert answer == errors
    assert not Workload.objects.exists()


def test_figures_beyond_the_columns_are_a_400_on_their_input(clients):
    huge = explicit(
        accelerator_count=100_000_000, hours="99999999.9999", avg_power_watts="999999999999.999"
    )
    tiny_metric = explicit(
        avg_power_watts="999999999",
        accelerator_count=100_000_000,
        hours="99999",
        metric_name="tokens",
        metric_value="0.000001",
    )

    too_much_energy = refused(post(clients["proponent"], **huge))
    too_much_per_unit = refused(post(clients["proponent"], **tiny_metric))

    assert list(too_much_energy) == ["avg_power_watts"]
    assert list(too_much_per_unit) == ["metric_value"]
    assert not Workload.objects.exists()


def test_a_host_with_a_grid_factor_is_refused(clients, data_centre):
    post_reading(clients["proponent"], data_centre)

    errors = refused(
        post(clients["proponent"], **explicit(pue=None, data_centre=data_centre["id"]))
    )
    both = refused(post(clients["proponent"], **explicit(data_centre=data_centre["id"])))

    assert errors == {"grid_factor": [workloads.GRID_FACTOR_WITH_HOST]}
    assert both == {"pue": [workloads.PUE_OR_HOST], "data_centre": [workloads.PUE_OR_HOST]}


def test_a_host_without_readings_is_refused(clients, data_centre):
    errors = refused(
        post(
            clients["proponent"],
            **explicit(pue=None, grid_factor=None, data_centre=data_centre["id"]),
        )
    )

    assert errors == {"data_centre": [workloads.NO_READINGS.format(name=data_centre["name"])]}


def test_another_organisation_s_data_centre_is_named_as_missing(
    clients, other_company, data_centre
):
    post_reading(clients["proponent"], data_centre)
    hosted = explicit(pue=None, grid_factor=None)

    theirs = refused(post(other_company["client"], **hosted, data_centre=data_centre["id"]))
    missing = refused(post(other_company["client"], **hosted, data_centre=999999))

    assert theirs == {
        "data_centre": [workloads.NOT_YOUR_DATA_CENTRE.format(data_centre=data_centre["id"])]
    }
    assert missing == {"data_centre": [workloads.NOT_YOUR_DATA_CENTRE.format(data_centre=999999)]}


def per_unit(client, wh: int, **body) -> dict:
    """A run of `wh` Wh per unit: wh kWh over 1,000 tokens, PUE 1."""
    body = {
        "name": f"Run at {wh} Wh per token",
        "avg_power_watts": None,
        "energy_kwh": str(wh),
        "pue": "1",
        "grid_factor": "0",
        "metric_name": "tokens",
        "metric_value": "1000",
        **body,
    }
    return registered(client, **explicit(**body))


def test_five_equal_bands_between_the_lowest_and_the_highest(clients):
    runs = [per_unit(clients["proponent"], wh) for wh in (1, 2, 3, 4, 5, 6)]

    # Each was rated among the runs registered before it and itself: the first alone (5), each
    # later one the highest so far (1).
    assert [run["rating"] for run in runs] == [5, 1, 1, 1, 1, 1]
    assert [run["runs_compared"] for run in runs] == [1, 2, 3, 4, 5, 6]
    rerated = [recalculate(clients["proponent"], run).json() for run in runs]
    # Lowest 1, highest 6: bands of 1 Wh with edges 1, 2, 3, 4, 5, 6; a value on an edge
    # belongs to the more efficient band: 1 and 2 in [1, 2] rate 5, 3 in (2, 3] 4, 4 in (3, 4]
    # 3, 5 in (4, 5] 2, 6 in (5, 6] 1.
    assert [run["rating"] for run in rerated] == [5, 5, 4, 3, 2, 1]
    assert {tuple(run["band_edges"]) for run in rerated} == {("1", "2", "3", "4", "5", "6")}
    assert {run["runs_compared"] for run in rerated} == {6}


def test_the_rating_moves_as_runs_are_added(clients):
    older = per_unit(clients["proponent"], 10)
    assert (older["rating"], older["runs_compared"]) == (5, 1)

    newer = per_unit(clients["proponent"], 2)
    stored = clients["proponent"].get(url(older)).json()
    rerated = recalculate(clients["proponent"], older)

    assert (newer["rating"], newer["runs_compared"]) == (5, 2)
    # Stored and dated: the older run keeps its rating until it is recalculated.
    assert (stored["rating"], stored["rated_at"]) == (5, older["rated_at"])
    assert rerated.status_code == 200
    moved = rerated.json()
    assert (moved["rating"], moved["runs_compared"], moved["band_edges"][-1]) == (1, 2, "10")
    assert moved["rated_at"] > older["rated_at"]
    assert clients["proponent"].get(url(older)).json()["rating"] == 1
    entry = AuditEntry.objects.get(action="workload.recalculated")
    assert (entry.before["rating"], entry.after["rating"]) == (5, 1)


def test_runs_are_compared_within_their_task_and_metric_only(clients, other_company):
    per_unit(clients["proponent"], 1)
    per_unit(other_company["client"], 3)  # another company's run of the task counts too

    queries = per_unit(clients["proponent"], 9, metric_name="Queries ")
    inference = per_unit(clients["proponent"], 9, task="text_generation_inference")
    tokens = per_unit(clients["proponent"], 9, metric_name=" TOKENS")

    assert (queries["metric_name"], queries["rating"], queries["runs_compared"]) == (
        "queries", 5, 1,
    )  # fmt: skip
    assert (inference["rating"], inference["runs_compared"]) == (5, 1)
    assert (tokens["metric_name"], tokens["rating"], tokens["runs_compared"]) == ("tokens", 1, 3)


def test_recalculating_takes_the_host_s_corrected_readings_and_new_factors(clients, data_centre):
    post_reading(clients["proponent"], data_centre)
    run = registered(
        clients["proponent"],
        **explicit(pue=None, grid_factor=None, data_centre=data_centre["id"]),
    )
    # A correction of January (PUE 1.4), and the North grid's factor of 2025 published.
    post_reading(clients["proponent"], data_centre, total_energy_kwh="1400000")
    add_factor(clients["regulator"], "cn-regional-average", "CN-North", 2025, "0.5")

    again = recalculate(clients["proponent"], run).json()

    # 400 W x 8 x 10 h = 32 kWh
    assert (run["pue"], run["energy_kwh"], run["provisional"]) == ("1.3", "41.6", True)
    assert (again["pue"], again["energy_kwh"]) == ("1.4", "44.8")
    assert again["location_based"]["factor_year"] == 2025
    assert Decimal(again["emissions_kgco2e"]) == Decimal("44.8") * Decimal("0.5")
    assert again["computed_at"] > run["computed_at"]
    assert again["rated_at"] is None
    entry = AuditEntry.objects.get(action="workload.recalculated")
    assert (entry.before["pue"], entry.after["pue"]) == ("1.300000", "1.400000")


def test_the_list_filters_by_task(clients):
    training = registered(clients["proponent"], **explicit())
    registered(clients["proponent"], **explicit(task="image_generation_inference"))

    listed = clients["proponent"].get(WORKLOADS, {"task": "text_generation_training"}).json()

    assert [run["id"] for run in listed["results"]] == [training["id"]]


# Rating arithmetic, as the database's constraint checks it.
@pytest.mark.parametrize(
    ("value", "rating"),
    [("0", 5), ("1", 5), ("1.000000000001", 4), ("2", 4), ("2.5", 3), ("4", 2), ("4.1", 1),
     ("5", 1)],
)  # fmt: skip
def test_rating_of_five_equal_bands(value, rating):
    assert footprint.rating_of(Decimal(value), Decimal(0), Decimal(5)) == rating


def test_a_single_point_rates_five():
    assert footprint.rating_of(Decimal("3.2"), Decimal("3.2"), Decimal("3.2")) == 5
    assert footprint.band_edges(Decimal("3.2"), Decimal("3.2")) == [Decimal("3.2")] * 6


# Who may do what: a workload is private to its owner's members, operators and regulators;
# another organisation's is a 404; companies register; only the owner recalculates.
CALLERS = ("owner", "other_company", "verifier", "operator", "regulator", "anonymous")
LIST = {"owner": 200, "other_company": 200, "verifier": 200, "operator": 200, "regulator": 200,
        "anonymous": 401}  # fmt: skip
LISTED = {"owner": True, "other_company": False, "verifier": False, "operator": True,
          "regulator": True}  # fmt: skip
CREATE = {"owner": 201, "other_company": 201, "verifier": 403, "operator": 403,
          "regulator": 403, "anonymous": 401}  # fmt: skip
DETAIL = {"owner": 200, "other_company": 404, "verifier": 404, "operator": 200,
          "regulator": 200, "anonymous": 401}  # fmt: skip
RECALCULATE = {"owner": 200, "other_company": 404, "verifier": 404, "operator": 403,
               "regulator": 403, "anonymous": 401}  # fmt: skip


@pytest.fixture
def callers(clients, other_company) -> dict:
    return {
        "owner": clients["proponent"],
        "other_company": other_company["client"],
        "verifier": clients["verifier"],
        "operator": clients["operator"],
        "regulator": clients["regulator"],
        "anonymous": clients["anonymous"],
    }


@pytest.fixture
def run(clients) -> dict:
    return registered(clients["proponent"], **explicit(metric_name="tokens", metric_value="1"))


@pytest.mark.parametrize("caller", CALLERS)
def test_listing_workloads(callers, run, caller):
    response = callers[caller].get(WORKLOADS)

    assert response.status_code == LIST[caller]
    if response.status_code == 200:
        ids = [each["id"] for each in response.json()["results"]]
        assert ids == ([run["id"]] if LISTED[caller] else [])


@pytest.mark.parametrize("caller", CALLERS)
def test_registering_a_workload(callers, caller):
    response = post(callers[caller], **explicit())

    assert response.status_code == CREATE[caller]
    assert Workload.objects.count() == (1 if CREATE[caller] == 201 else 0)


@pytest.mark.parametrize("caller", CALLERS)
def test_reading_a_workload(callers, run, caller):
    response = callers[caller].get(url(run))

    assert response.status_code == DETAIL[caller]


@pytest.mark.parametrize("caller", CALLERS)
def test_recalculating_a_workload(callers, run, caller):
    response = recalculate(callers[caller], run)

    assert response.status_code == RECALCULATE[caller]
    recalculated = AuditEntry.objects.filter(action="workload.recalculated").exists()
    assert recalculated == (RECALCULATE[caller] == 200)
