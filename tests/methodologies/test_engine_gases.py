"""Greenhouse gases are dimensions of their own: only a GWP turns one into CO2 equivalent, and a
unit the parser cannot read is refused, never a crash."""

from decimal import Decimal

import pytest

from methodologies.engine import (
    EquationSpec,
    InputError,
    ModelError,
    ModelSpec,
    ParameterSpec,
    Value,
    calculate,
    check_model,
    converts_to,
)

D = Decimal
GWP_GAS = "gwp() knows no unit for the gas {gas}: the engine has CO2, CH4 and N2O."


class Potentials:
    def factor(self, series: str, region: str, year: int) -> tuple[Decimal, str]:
        raise LookupError(series)

    def gwp(self, assessment: str, gas: str) -> Decimal:
        return {"CH4": D(28), "CH4-fossil": D("29.8"), "N2O": D(265), "CO2": D(1), "SF6": D(1)}[gas]


def landfill(expression: str, unit: str = "tCO2e") -> ModelSpec:
    """Methane and nitrous oxide measured in their own units, CO2 in tCO2e."""
    return ModelSpec(
        parameters=(
            ParameterSpec("CH4", "tCH4", "monitored"),
            ParameterSpec("N2O", "kgN2O", "monitored"),
            ParameterSpec("CO2", "tCO2e", "monitored"),
            ParameterSpec("fuel", "t", "monitored"),
        ),
        equations=(EquationSpec("E", expression, unit),),
        result="E",
    )


def refusal(model: ModelSpec) -> tuple[str, str]:
    with pytest.raises(ModelError) as refused:
        check_model(model, Potentials())
    return refused.value.field, refused.value.message


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("CH4 + CO2", "Units do not agree: tCH4 + tCO2e."),
        ("CO2 - N2O", "Units do not agree: tCO2e - kgN2O."),
        ("CH4 + N2O", "Units do not agree: tCH4 + kgN2O."),
        ("max(CO2, CH4)", "Units do not agree: max() of tCO2e and tCH4."),
        ("CO2 + fuel", "Units do not agree: tCO2e + t."),
        ('CH4 * gwp("AR5", "CH4") + N2O', "Units do not agree: tCO2e + kgN2O."),
    ],
)
def test_one_gas_never_adds_to_another(expression, message):
    assert refusal(landfill(expression)) == ("equations[0].expression", message)


@pytest.mark.parametrize(
    ("expression", "computed"),
    [("CH4", "tCH4"), ("CH4 * 28", "tCH4"), ("fuel", "t"), ('N2O * gwp("AR5", "CH4")', None)],
)
def test_a_gas_is_not_co2_equivalent_without_its_gwp(expression, computed):
    field, message = refusal(landfill(expression))

    assert field == "equations[0].unit"
    assert message.startswith(f"The expression gives {computed or ''}")
    assert message.endswith("which does not convert to tCO2e.")


def test_gwp_turns_each_gas_into_co2_equivalent():
    model = landfill('CH4 * gwp("AR5", "CH4") + N2O * gwp("AR5", "N2O") + CO2')

    calculation = calculate(
        model, {"CH4": "2", "N2O": "1000", "CO2": "10", "fuel": "0"}, Potentials()
    )

    assert calculation.result == Value(D("331"), "tCO2e")  # 2 x 28 + 1 x 265 + 10
    assert calculation.references == {
        'gwp("AR5", "CH4")': Value(D(28), "tCO2e/tCH4"),
        'gwp("AR5", "N2O")': Value(D(265), "tCO2e/tN2O"),
    }


def test_a_qualified_gas_is_its_gas():
    model = landfill('CH4 * gwp("AR6", "CH4-fossil")', "ktCO2e")

    calculation = calculate(model, {"CH4": "10", "N2O": "0", "CO2": "0", "fuel": "0"}, Potentials())

    assert calculation.result == Value(D("0.298"), "ktCO2e")


def test_a_gas_the_engine_has_no_unit_for_cannot_be_weighed():
    assert refusal(landfill('CO2 * gwp("AR5", "SF6")')) == (
        "equations[0].expression",
        GWP_GAS.format(gas="SF6"),
    )


def test_a_gas_reading_in_another_gas_is_refused():
    with pytest.raises(InputError) as refused:
        calculate(
            landfill("CO2"),
            {"CH4": {"value": "1", "unit": "tCO2e"}, "N2O": "0", "CO2": "1", "fuel": "0"},
        )

    assert (refused.value.field, refused.value.message) == (
        "parameters.CH4",
        "tCO2e cannot be converted to tCH4.",
    )


def test_co2_and_its_equivalent_and_their_masses_still_convert():
    assert converts_to("kgCO2", "tCO2e")
    assert converts_to("MtCO2e", "gCO2")
    assert converts_to("tC", "tCO2")  # carbon, turned into CO2 by 44/12 in an equation
    assert converts_to("kgCH4", "tCH4")
    assert not converts_to("t", "tCO2e")
    assert not converts_to("tCH4", "tCO2e")
    assert not converts_to("tN2O", "tCH4")


@pytest.mark.parametrize(
    "unit", ["MWh*", "MWh/", "*", "-", ".", "1/", "MWh**", "GJ^", "1e^0", "()"]
)
def test_a_unit_the_parser_cannot_read_is_unknown(unit):
    model = ModelSpec(
        parameters=(ParameterSpec("EG", unit, "monitored"),),
        equations=(EquationSpec("E", "EG", "MWh"),),
        result="E",
    )
    assert refusal(model) == ("parameters[0].unit", f"Unknown unit: {unit}.")
    assert not converts_to(unit, "MWh")

    model = ModelSpec(
        parameters=(ParameterSpec("EG", "MWh", "monitored"),),
        equations=(EquationSpec("E", "EG", "MWh"),),
        result="E",
    )
    with pytest.raises(InputError) as refused:
        calculate(model, {"EG": {"value": "1", "unit": unit}})
    assert (refused.value.field, refused.value.message) == (
        "parameters.EG",
        f"Unknown unit: {unit}.",
    )
