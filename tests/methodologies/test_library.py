"""The shipped methodology library loads through the real command and calculates exactly."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from core.errors import InvalidInput
from methodologies import calculation, engine, services
from methodologies.engine import messages
from methodologies.library import LIBRARY_DIR, shipped_versions
from methodologies.models import Methodology
from methodologies.reference import DATA_DIR, DatabaseReferences

D = Decimal

SHIPPED = sorted(path.stem for path in LIBRARY_DIR.glob("*.json"))

OFFSHORE_WIND = {
    "EG_export": ["1000000"],
    "EG_import": ["5000"],
    "EF_grid_OM": "0.7921",
    "EF_grid_BM": "0.3870",
    "w_OM": "0.75",
    "w_BM": "0.25",
}
# A year of monthly meter readings, windier in winter, that add up to 1,000,000 MWh.
MONTHLY_EXPORT = [
    "98000",
    "91500",
    "88250.5",
    "80000",
    "72000",
    "70400",
    "69849.5",
    "71000",
    "78000",
    "86000",
    "94000",
    "101000",
]


def run_command() -> str:
    out = StringIO()
    call_command("load_library", stdout=out)
    return out.getvalue()


@pytest.fixture
def library(db) -> dict[str, Methodology]:
    """The shipped library, loaded by the command `make run` calls, keyed by identifier."""
    run_command()
    return {methodology.identifier: methodology for methodology in Methodology.objects.all()}


def calculate(methodology: Methodology, parameters: dict) -> engine.Calculation:
    return services.calculate_methodology(methodology=methodology, parameters=parameters)


def test_the_library_ships_the_four_methodologies():
    assert SHIPPED == ["CCER-01-001-V01", "CCER-01-002-V01", "CR-AI-001-V01", "CR-DC-001-V01"]


@pytest.mark.parametrize("identifier", SHIPPED)
def test_every_shipped_version_is_published_as_written_and_checks(library, identifier):
    data = json.loads((LIBRARY_DIR / f"{identifier}.json").read_text(encoding="utf-8"))

    methodology = library[identifier]

    assert methodology.status == Methodology.Status.PUBLISHED
    assert methodology.published_at is not None
    assert methodology.result_symbol == data["result"]
    assert [p.symbol for p in methodology.parameters.all()] == [
        p["symbol"] for p in data["parameters"]
    ]
    assert [(e.symbol, e.expression, e.unit) for e in methodology.equations.all()] == [
        (e["symbol"], e["expression"], e["unit"]) for e in data["equations"]
    ]
    for parameter, shipped in zip(methodology.parameters.all(), data["parameters"], strict=True):
        assert parameter.source, f"{identifier} {parameter.symbol} cites no source"
        for bound in ("default", "minimum", "maximum"):
            expected = shipped.get(bound)
            stored = getattr(parameter, bound)
            assert (stored is None) == (expected is None)
            # Numbers are written as strings in the files, never as floats.
            assert expected is None or (isinstance(expected, str) and stored == D(expected))
    engine.check_model(calculation.stored_model(methodology), DatabaseReferences())


def test_compute_methods_are_the_registrys_own_and_not_approved(library):
    for identifier in ("CR-DC-001-V01", "CR-AI-001-V01"):
        methodology = library[identifier]
        assert not methodology.approved
        assert methodology.sector == "digital_infrastructure"
        assert "this registry's own" in methodology.source_document
        assert "NOT approved" in methodology.source_document
    assert library["CR-AI-001-V01"].kind == Methodology.Kind.ACCOUNTING
    assert library["CR-DC-001-V01"].kind == Methodology.Kind.REDUCTION


def test_ccer_methods_are_approved_and_exempt_from_additionality(library):
    for identifier in ("CCER-01-001-V01", "CCER-01-002-V01"):
        methodology = library[identifier]
        assert methodology.approved
        assert methodology.additionality_exempt
        assert methodology.sector == "energy_industries"
        assert (methodology.crediting_years_min, methodology.crediting_years_max) == (7, 10)


def test_the_command_reports_what_it_published(db):
    output = run_command()

    for identifier in SHIPPED:
        assert f"Published {identifier}: " in output


def test_loading_twice_adds_nothing(library):
    stored = {m.pk: (m.status, m.published_at) for m in Methodology.objects.all()}

    output = run_command()

    assert output == "The methodology library is up to date; nothing added.\n"
    assert {m.pk: (m.status, m.published_at) for m in Methodology.objects.all()} == stored


def test_a_stored_version_that_differs_from_its_file_stops_the_load(db):
    shipped = next(s for s in shipped_versions() if s.identifier == "CR-DC-001-V01")
    services.create_methodology(actor=None, **{**shipped.data, "title": "Edited by hand"})

    with pytest.raises(CommandError, match=r"CR-DC-001-V01\.json differs .* in title"):
        run_command()

    # All or nothing: the other versions were not added either.
    assert list(Methodology.objects.values_list("code", flat=True)) == ["CR-DC-001"]


@pytest.mark.parametrize(
    "export",
    [
        ["1000000"],
        MONTHLY_EXPORT,
        [{"value": "1000", "unit": "GWh"}],
    ],
    ids=["one-reading", "monthly-readings", "in-GWh"],
)
def test_offshore_wind_reductions_are_exact(library, export):
    assert sum(map(D, MONTHLY_EXPORT)) == D(1000000)

    result = calculate(library["CCER-01-002-V01"], {**OFFSHORE_WIND, "EG_export": export})

    assert result.values["EF_grid_CM"] == engine.Value(D("0.690825"), "tCO2/MWh")
    assert result.values["EG_PJ"] == engine.Value(D("995000"), "MWh")
    assert result.result == engine.Value(D("687370.875"), "tCO2e")
    assert str(result.result.value) == "687370.875"


def test_offshore_wind_meter_errors_count_against_the_project(library):
    parameters = {**OFFSHORE_WIND, "e_export": "0.002", "e_import": "0.005"}

    result = calculate(library["CCER-01-002-V01"], parameters)

    net = D(1000000) * (1 - D("0.002")) - D(5000) * (1 + D("0.005"))
    assert net == D("992975")
    assert result.values["EG_PJ"].value == net
    assert result.result.value == net * D("0.690825")


def test_solar_thermal_counts_fossil_fuel_burnt_as_project_emissions(library):
    # 250 t of natural gas at IPCC defaults, and 12 t of diesel whose measured NCV is 42.0 GJ/t.
    parameters = {**OFFSHORE_WIND, "FC_gas": "250", "FC_oil": "12", "NCV_oil": "42.0"}

    result = calculate(library["CCER-01-001-V01"], parameters)

    coef_gas = D("48.0") * D("0.0153") * 1 * 44 / 12  # tCO2 per t of natural gas
    coef_oil = D("42.0") * D("0.0202") * 1 * 44 / 12
    assert (coef_gas, coef_oil) == (D("2.6928"), D("3.1108"))
    project = 250 * coef_gas + 12 * coef_oil
    assert project == D("710.5296")
    assert result.values["COEF_gas"] == engine.Value(coef_gas, "tCO2/t")
    assert result.values["COEF_coal"].value == D("25.8") * D("0.0258") * 44 / 12
    assert result.values["PE"] == engine.Value(project, "tCO2")
    assert result.values["BE"].value == D("687370.875")
    assert result.result == engine.Value(D("687370.875") - project, "tCO2e")
    assert result.result.value == D("686660.3454")


def test_solar_thermal_fuel_may_be_given_in_kilograms(library):
    parameters = {**OFFSHORE_WIND, "FC_gas": {"value": "250000", "unit": "kg"}}

    result = calculate(library["CCER-01-001-V01"], parameters)

    assert result.values["FC_gas"].value == D(250)
    assert result.values["PE"].value == D("673.2")


def test_solar_thermal_without_fuel_has_the_wind_baseline_and_no_project_emissions(library):
    result = calculate(library["CCER-01-001-V01"], OFFSHORE_WIND)

    assert result.values["PE"].value == 0
    assert result.result.value == D("687370.875")


def test_data_centre_pue_improvement(library):
    parameters = {"E_IT": "12000", "PUE_BL": "1.56", "PUE_PJ": "1.25", "EF_grid": "0.5306"}

    result = calculate(library["CR-DC-001-V01"], parameters)

    saved = D(12000) * (D("1.56") - D("1.25"))
    assert saved == D("3720")
    assert result.values["dE"] == engine.Value(saved, "MWh")
    assert result.result == engine.Value(saved * D("0.5306"), "tCO2e")
    assert result.result.value == D("1973.832")


@pytest.mark.parametrize("power", ["400", {"value": "0.4", "unit": "kW"}], ids=["W", "kW"])
def test_ai_workload_footprint(library, power):
    parameters = {
        "hours": "72",
        "n_accelerators": "64",
        "P_avg": power,
        "PUE": "1.25",
        "EF_grid": "0.5306",
    }

    result = calculate(library["CR-AI-001-V01"], parameters)

    energy = D(72) * 64 * D(400) * D("1.25") / 1000  # Wh to kWh
    assert energy == D(2304)
    assert result.values["E"] == engine.Value(energy, "kWh")
    assert result.result == engine.Value(energy * D("0.5306"), "kgCO2e")
    assert result.result.value == D("1222.5024")


def test_a_missing_parameter_is_named(library):
    parameters = {k: v for k, v in OFFSHORE_WIND.items() if k != "EF_grid_OM"}

    with pytest.raises(InvalidInput) as caught:
        calculate(library["CCER-01-002-V01"], parameters)

    assert caught.value.errors == {"parameters.EF_grid_OM": [messages.REQUIRED]}


def bound_message(template: str, bound: str, unit: str = "") -> str:
    """`template` for `bound`, written as the methodology writes it ("1", not "1.000")."""
    suffix = f" {unit}" if unit else ""
    return template.format(bound=f"{bound}{suffix}")


@pytest.mark.parametrize(
    ("identifier", "parameters", "field", "message"),
    [
        (
            "CCER-01-002-V01",
            {**OFFSHORE_WIND, "w_OM": "1.5"},
            "parameters.w_OM",
            bound_message(messages.ABOVE_MAXIMUM, "1"),
        ),
        (
            "CCER-01-002-V01",
            {**OFFSHORE_WIND, "EG_export": ["1000", "-1"]},
            "parameters.EG_export[1]",
            bound_message(messages.BELOW_MINIMUM, "0", "MWh"),
        ),
        (
            "CR-DC-001-V01",
            {"E_IT": "1", "PUE_BL": "1.3", "PUE_PJ": "0.9", "EF_grid": "0.5"},
            "parameters.PUE_PJ",
            bound_message(messages.BELOW_MINIMUM, "1"),
        ),
    ],
    ids=["weight-above-1", "negative-monthly-reading", "pue-below-1"],
)
def test_an_out_of_bounds_parameter_is_named(library, identifier, parameters, field, message):
    with pytest.raises(InvalidInput) as caught:
        calculate(library[identifier], parameters)

    assert caught.value.errors == {field: [message]}


def test_defaults_and_bounds_read_as_written(library):
    parameters = {k: v for k, v in OFFSHORE_WIND.items() if k not in ("w_OM", "w_BM")}

    result = calculate(library["CCER-01-002-V01"], {**parameters, "e_export": None})

    assert str(result.values["e_export"].value) == "0"
    assert str(result.values["w_OM"].value) == "0.75"
    with pytest.raises(InvalidInput) as caught:
        calculate(library["CCER-01-002-V01"], {**parameters, "w_OM": "2"})
    assert caught.value.errors == {"parameters.w_OM": [messages.ABOVE_MAXIMUM.format(bound="1")]}


SHARED_DATA = settings.BASE_DIR.parent / "shared" / "data"


@pytest.mark.skipif(
    not SHARED_DATA.is_dir(),
    reason="no team shared/ folder beside this checkout to compare with (CI has one)",
)
def test_vendored_reference_data_equals_the_shared_copy():
    shared = SHARED_DATA

    vendored = sorted(path.name for path in DATA_DIR.glob("*.csv"))
    assert vendored == sorted(path.name for path in shared.glob("*.csv"))
    for name in vendored:
        assert (DATA_DIR / name).read_bytes() == (shared / name).read_bytes(), name
