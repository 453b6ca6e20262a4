"""The methodology engine calculates real methodology shapes exactly, with units and a trace."""

from decimal import Decimal

import pytest

from methodologies.engine import (
    Calculation,
    EquationSpec,
    ModelSpec,
    ParameterSpec,
    Value,
    calculate,
    check_model,
)

D = Decimal

OFFSHORE_WIND_INPUTS = {
    "EG_export": "1000000",
    "EG_import": "5000",
    "EF_grid_OM": "0.7921",
    "EF_grid_BM": "0.3870",
    "w_OM": "0.75",
    "w_BM": "0.25",
}


def offshore_wind(export: ParameterSpec | None = None, net_export: str | None = None) -> ModelSpec:
    """CCER-01-002-V01 offshore wind in the CDM ACM0002 shape: net export to the grid, less
    meter error, times the combined-margin grid emission factor."""
    return ModelSpec(
        parameters=(
            export or ParameterSpec("EG_export", "MWh", "monitored", minimum=D(0)),
            ParameterSpec("EG_import", "MWh", "monitored", minimum=D(0)),
            ParameterSpec("e_export", "", "ex_ante", default=D(0), minimum=D(0), maximum=D(1)),
            ParameterSpec("e_import", "", "ex_ante", default=D(0), minimum=D(0), maximum=D(1)),
            ParameterSpec("EF_grid_OM", "tCO2/MWh", "ex_ante", minimum=D(0)),
            ParameterSpec("EF_grid_BM", "tCO2/MWh", "ex_ante", minimum=D(0)),
            ParameterSpec("w_OM", "", "ex_ante", minimum=D(0), maximum=D(1)),
            ParameterSpec("w_BM", "", "ex_ante", minimum=D(0), maximum=D(1)),
        ),
        equations=(
            EquationSpec(
                "EG_PJ",
                net_export or "EG_export * (1 - e_export) - EG_import * (1 + e_import)",
                "MWh",
            ),
            EquationSpec("EF_grid_CM", "EF_grid_OM * w_OM + EF_grid_BM * w_BM", "tCO2/MWh"),
            EquationSpec("BE", "EG_PJ * EF_grid_CM", "tCO2"),
            EquationSpec("PE", "0", "tCO2"),
            EquationSpec("ER", "BE - PE", "tCO2e"),
        ),
        result="ER",
    )


class GridData:
    """Reference data as the registry's versioned tables would answer."""

    factors = {("cn-national-average", "CN", 2023): (D("0.5703"), "tCO2/MWh")}
    potentials = {("AR5", "CH4"): D("28"), ("AR5", "N2O"): D("265")}

    def factor(self, series: str, region: str, year: int) -> tuple[Decimal, str]:
        return self.factors[series, region, year]

    def gwp(self, assessment: str, gas: str) -> Decimal:
        return self.potentials[assessment, gas]


def test_offshore_wind_reductions_are_exact():
    calculation = calculate(offshore_wind(), OFFSHORE_WIND_INPUTS)

    assert calculation.values["EF_grid_CM"] == Value(D("0.690825"), "tCO2/MWh")
    assert calculation.values["EG_PJ"] == Value(D("995000"), "MWh")
    assert calculation.result == Value(D("687370.875"), "tCO2e")
    assert str(calculation.result.value) == "687370.875"


def test_check_returns_equations_in_dependency_order():
    model = offshore_wind()
    reordered = ModelSpec(model.parameters, tuple(reversed(model.equations)), model.result)

    ordered = check_model(reordered)

    assert [equation.symbol for equation in ordered] == ["PE", "EF_grid_CM", "EG_PJ", "BE", "ER"]


def test_trace_holds_every_parameter_then_every_equation_with_its_unit():
    calculation = calculate(offshore_wind(), OFFSHORE_WIND_INPUTS)

    assert list(calculation.values) == [
        "EG_export", "EG_import", "e_export", "e_import", "EF_grid_OM", "EF_grid_BM",
        "w_OM", "w_BM", "EG_PJ", "EF_grid_CM", "BE", "PE", "ER",
    ]  # fmt: skip
    assert calculation.values["e_export"] == Value(D("0"), "")
    assert calculation.values["BE"] == Value(D("687370.875"), "tCO2")
    assert calculation.values["PE"] == Value(D("0"), "tCO2")
    assert calculation.references == {}


def test_export_given_in_gwh_is_converted_exactly():
    inputs = {**OFFSHORE_WIND_INPUTS, "EG_export": {"value": "1000", "unit": "GWh"}}

    calculation = calculate(offshore_wind(), inputs)

    assert calculation.values["EG_export"] == Value(D("1000000"), "MWh")
    assert calculation.result.value == D("687370.875")


def test_monthly_export_series_is_summed():
    monthly = ParameterSpec("EG_export", "MWh", "monitored", minimum=D(0), series=True)
    model = offshore_wind(export=monthly, net_export="sum(EG_export) - EG_import")
    months = ["80000", "85000", "90000", "95000", "78000", "82000"]
    months += ["88000", "91000", "76000", "79000", "83000", "73000"]

    calculation = calculate(model, {**OFFSHORE_WIND_INPUTS, "EG_export": months})

    assert calculation.values["EG_export"] == Value(tuple(D(month) for month in months), "MWh")
    assert calculation.values["EG_PJ"].value == D("995000")
    assert calculation.result.value == D("687370.875")


def test_series_values_may_each_have_their_own_unit():
    monthly = ParameterSpec("EG_export", "MWh", "monitored", series=True)
    model = offshore_wind(export=monthly, net_export="sum(EG_export) - EG_import")
    months = [{"value": "0.5", "unit": "TWh"}, {"value": "1.8e6", "unit": "GJ"}, "0"]

    calculation = calculate(model, {**OFFSHORE_WIND_INPUTS, "EG_export": months})

    assert calculation.values["EG_export"].value == (D("500000"), D("500000"), D("0"))
    assert calculation.result.value == D("687370.875")


def test_kilograms_per_kilowatt_hour_equal_tonnes_per_megawatt_hour():
    model = ModelSpec(
        parameters=(ParameterSpec("EF", "kgCO2/kWh", "ex_ante"),),
        equations=(EquationSpec("EF_t", "EF", "tCO2/MWh"),),
        result="EF_t",
    )

    assert calculate(model, {"EF": "0.5703"}).result == Value(D("0.5703"), "tCO2/MWh")


def test_energy_in_terajoules_converts_to_megawatt_hours():
    model = ModelSpec(
        parameters=(ParameterSpec("Q", "TJ", "monitored"),),
        equations=(EquationSpec("Q_MWh", "Q", "MWh"),),
        result="Q_MWh",
    )

    assert calculate(model, {"Q": "3.6"}).result == Value(D("1000"), "MWh")


def test_percent_is_a_hundredth():
    model = ModelSpec(
        parameters=(
            ParameterSpec("EG", "MWh", "monitored"),
            ParameterSpec("loss", "%", "ex_ante", minimum=D(0), maximum=D(100)),
        ),
        equations=(EquationSpec("EG_net", "EG * (1 - loss)", "MWh"),),
        result="EG_net",
    )

    assert calculate(model, {"EG": "2000", "loss": "2.5"}).result.value == D("1950")
    assert calculate(model, {"EG": "2000", "loss": {"value": "0.1", "unit": ""}}).result.value == (
        D("1800")
    )


def test_carbon_to_carbon_dioxide_is_the_ratio_44_over_12_in_the_equation():
    model = ModelSpec(
        parameters=(ParameterSpec("C", "tC", "monitored"),),
        equations=(EquationSpec("CO2", "C * 44 / 12", "tCO2"),),
        result="CO2",
    )

    assert calculate(model, {"C": "12"}).result == Value(D("44"), "tCO2")


def test_fixed_parameter_takes_its_methodology_value():
    model = ModelSpec(
        parameters=(
            ParameterSpec("CH4", "tCH4", "monitored"),
            ParameterSpec("GWP_CH4", "tCO2e/tCH4", "fixed", default=D(28)),
        ),
        equations=(EquationSpec("E", "CH4 * GWP_CH4", "tCO2e"),),
        result="E",
    )

    calculation = calculate(model, {"CH4": "2.5"})

    assert calculation.result == Value(D("70"), "tCO2e")
    assert calculation.values["GWP_CH4"] == Value(D("28"), "tCO2e/tCH4")


def test_grid_factor_and_gwp_come_from_reference_data_and_are_traced():
    model = ModelSpec(
        parameters=(
            ParameterSpec("EG", "MWh", "monitored"),
            ParameterSpec("CH4", "tCH4", "monitored"),
        ),
        equations=(
            EquationSpec("BE", 'EG * factor("cn-national-average", "CN", 2023)', "tCO2"),
            EquationSpec("PE", 'CH4 * gwp("AR5", "CH4")', "tCO2e"),
            EquationSpec("ER", "BE - PE", "tCO2e"),
        ),
        result="ER",
    )

    assert [equation.symbol for equation in check_model(model, GridData())] == ["BE", "PE", "ER"]
    calculation = calculate(model, {"EG": "1000", "CH4": "0.5"}, GridData())

    assert calculation.result == Value(D("556.3"), "tCO2e")
    assert calculation.references == {
        'factor("cn-national-average", "CN", 2023)': Value(D("0.5703"), "tCO2/MWh"),
        'gwp("AR5", "CH4")': Value(D("28"), "tCO2e/tCH4"),
    }


def test_max_with_zero_floors_reductions_without_a_unit_on_the_zero():
    model = ModelSpec(
        parameters=(
            ParameterSpec("BE", "tCO2", "monitored"),
            ParameterSpec("PE", "kgCO2", "monitored"),
        ),
        equations=(EquationSpec("ER", "max(0, BE - PE)", "tCO2e"),),
        result="ER",
    )

    assert calculate(model, {"BE": "10", "PE": "2500"}).result.value == D("7.5")
    assert calculate(model, {"BE": "1", "PE": "2500"}).result.value == D("0")


def test_conditional_chooses_with_comparisons_in_any_compatible_unit():
    model = ModelSpec(
        parameters=(
            ParameterSpec("EG", "MWh", "monitored"),
            ParameterSpec("cap", "GWh", "ex_ante"),
        ),
        equations=(EquationSpec("EG_counted", "cap if EG > cap and not EG < 0 else EG", "MWh"),),
        result="EG_counted",
    )

    assert calculate(model, {"EG": "1500", "cap": "2"}).result.value == D("1500")
    assert calculate(model, {"EG": "2500", "cap": "2"}).result.value == D("2000")


def test_only_the_chosen_branch_is_calculated():
    model = ModelSpec(
        parameters=(ParameterSpec("a", "t", "monitored"), ParameterSpec("b", "MWh", "monitored")),
        equations=(EquationSpec("ratio", "a / b if b > 0 else 0", "t/MWh"),),
        result="ratio",
    )

    assert calculate(model, {"a": "5", "b": "0"}).result.value == D("0")
    assert calculate(model, {"a": "5", "b": "2"}).result.value == D("2.5")


def test_min_max_and_abs_of_values_and_of_a_series():
    model = ModelSpec(
        parameters=(
            ParameterSpec("x", "MWh", "monitored", series=True),
            ParameterSpec("y", "GWh", "monitored"),
        ),
        equations=(
            EquationSpec("low", "min(x)", "MWh"),
            EquationSpec("high", "max(x)", "MWh"),
            EquationSpec("least", "min(high, y, abs(low))", "MWh"),
        ),
        result="least",
    )

    calculation = calculate(model, {"x": ["-300", "700", "250"], "y": "0.5"})

    assert calculation.values["low"].value == D("-300")
    assert calculation.values["high"].value == D("700")
    assert calculation.result.value == D("300")


def test_powers_keep_units_and_plain_numbers_may_have_any_exponent():
    model = ModelSpec(
        parameters=(
            ParameterSpec("side", "m", "ex_ante"),
            ParameterSpec("rate", "", "ex_ante"),
            ParameterSpec("years", "", "ex_ante"),
        ),
        equations=(
            EquationSpec("area", "side ** 2", "m**2"),
            EquationSpec("growth", "(1 + rate) ** years", ""),
        ),
        result="area",
    )

    calculation = calculate(
        model, {"side": {"value": "0.5", "unit": "km"}, "rate": "0.1", "years": 2}
    )

    assert calculation.values["side"] == Value(D("500"), "m")
    assert calculation.result == Value(D("250000"), "m**2")
    assert calculation.values["growth"].value == D("1.21")


def test_numbers_in_expressions_are_exact_decimals():
    model = ModelSpec(
        parameters=(),
        equations=(EquationSpec("x", "0.1 + 0.2", ""),),
        result="x",
    )

    assert calculate(model, {}).result.value == D("0.3")


def test_inputs_may_be_ints_decimals_floats_or_text():
    model = ModelSpec(
        parameters=tuple(ParameterSpec(symbol, "t", "monitored") for symbol in "abcd"),
        equations=(EquationSpec("total", "a + b + c + d", "t"),),
        result="total",
    )

    calculation = calculate(model, {"a": 1, "b": D("0.2"), "c": 0.3, "d": " 1e-2 "})

    assert calculation.result.value == D("1.51")


def test_a_default_is_used_when_an_input_is_missing_or_none():
    calculation = calculate(offshore_wind(), {**OFFSHORE_WIND_INPUTS, "e_import": None})

    assert calculation.values["e_import"] == Value(D("0"), "")
    assert calculation.values["e_export"] == Value(D("0"), "")


def test_meter_errors_deduct_conservatively():
    inputs = {**OFFSHORE_WIND_INPUTS, "e_export": "0.002", "e_import": "0.002"}

    calculation = calculate(offshore_wind(), inputs)

    assert calculation.values["EG_PJ"].value == D("992990")
    assert calculation.result.value == D("685982.31675")


def test_calculation_is_a_plain_value():
    calculation = calculate(offshore_wind(), OFFSHORE_WIND_INPUTS)

    assert isinstance(calculation, Calculation)
    assert calculation == calculate(offshore_wind(), OFFSHORE_WIND_INPUTS)


@pytest.mark.parametrize("unit", ["", "1", "dimensionless"])
def test_dimensionless_may_be_written_three_ways(unit):
    model = ModelSpec(
        parameters=(ParameterSpec("w", unit, "ex_ante"),),
        equations=(EquationSpec("half", "w / 2", unit),),
        result="half",
    )

    assert calculate(model, {"w": "0.5"}).result == Value(D("0.25"), unit)
