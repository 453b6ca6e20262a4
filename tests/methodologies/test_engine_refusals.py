"""The engine refuses broken models and bad inputs, naming the field and saying why."""

from decimal import Decimal

import pytest

from methodologies.engine import (
    EngineError,
    EquationSpec,
    InputError,
    ModelError,
    ModelSpec,
    ParameterSpec,
    calculate,
    check_model,
)

D = Decimal
P = ParameterSpec

PARAMETERS = (
    ParameterSpec("EG", "MWh", "monitored", minimum=D(0)),
    ParameterSpec("EF", "tCO2/MWh", "ex_ante", minimum=D(0), maximum=D(2)),
    ParameterSpec("e", "", "ex_ante", default=D(0), minimum=D(0), maximum=D(1)),
    ParameterSpec("EG_month", "MWh", "monitored", series=True, minimum=D(0)),
    ParameterSpec("GWP", "", "fixed", default=D(28)),
)
INPUTS = {"EG": "1000", "EF": "0.5", "EG_month": ["400", "600"]}

# Messages asserted in several places, written out so the tests read the words a person reads.
SYMBOL_FORM = "A symbol starts with a letter and has only ASCII letters, digits and underscores."
WHOLE_POWER = (
    "A quantity with a unit can only be raised to a constant whole number, such as x ** 2."
)
OFFSET = "Units with an offset, such as degrees Celsius, are not supported: degC."
FACTOR_USE = (
    'factor() takes a series, a region and a year, as in factor("cn-national-average", "CN", 2023).'
)
VALUE_OBJECT = 'Give a number, or an object with a "value" and a "unit".'
NOT_DECIMAL = "Must be a finite Decimal number."


def model_with(*expressions: str, unit: str = "tCO2", parameters=PARAMETERS) -> ModelSpec:
    """A model whose equations are BE = EG * EF followed by X0, X1, ... = `expressions`."""
    equations = (EquationSpec("BE", "EG * EF * (1 - e)", "tCO2"),) + tuple(
        EquationSpec(f"X{index}", expression, unit) for index, expression in enumerate(expressions)
    )
    return ModelSpec(parameters, equations, "BE")


class Grid:
    def factor(self, series: str, region: str, year: int) -> tuple[Decimal, str]:
        return {("cn", "CN", 2023): (D("0.5703"), "tCO2/MWh")}[series, region, year]

    def gwp(self, assessment: str, gas: str) -> Decimal:
        return {("AR5", "CH4"): D(28)}[assessment, gas]


def model_refusal(model: ModelSpec, references=None) -> tuple[str, str]:
    with pytest.raises(ModelError) as refused:
        check_model(model, references)
    return refused.value.field, refused.value.message


def expression_refusal(expression: str, unit: str = "tCO2") -> tuple[str, str]:
    return model_refusal(model_with(expression, unit=unit))


def input_refusal(inputs: dict, model: ModelSpec | None = None, references=None) -> tuple[str, str]:
    with pytest.raises(InputError) as refused:
        calculate(model or model_with(), inputs, references)
    return refused.value.field, refused.value.message


def test_the_base_model_is_valid():
    assert [equation.symbol for equation in check_model(model_with())] == ["BE"]
    assert calculate(model_with(), INPUTS).result.value == D("500")


# The model, refused when it is saved.


def test_undefined_symbol_names_the_equation():
    assert expression_refusal("EG * EF_missing") == (
        "equations[1].expression",
        "Undefined symbol: EF_missing.",
    )


def test_cycle_names_its_equations_from_the_first_declared():
    model = ModelSpec(
        parameters=PARAMETERS,
        equations=(
            EquationSpec("BE", "EG * EF", "tCO2"),
            EquationSpec("A", "B + BE", "tCO2"),
            EquationSpec("B", "C * 1", "tCO2"),
            EquationSpec("C", "A - BE", "tCO2"),
            EquationSpec("D", "C", "tCO2"),
        ),
        result="D",
    )

    assert model_refusal(model) == (
        "equations[1].expression",
        "Equations form a cycle: A → B → C → A.",
    )


def test_an_equation_using_itself_is_a_cycle():
    assert expression_refusal("X0 + BE") == (
        "equations[1].expression",
        "Equations form a cycle: X0 → X0.",
    )


def test_adding_energy_to_emissions_is_refused():
    assert expression_refusal("EG + BE") == (
        "equations[1].expression",
        "Units do not agree: MWh + tCO2.",
    )


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("BE - EG", "Units do not agree: tCO2 - MWh."),
        ("BE if BE > EG else BE", "Units do not agree: tCO2 > MWh."),
        (
            "BE if EG > 0 else EG",
            "Units do not agree: the two results of 'if … else' are tCO2 and MWh.",
        ),
        ("max(BE, EG)", "Units do not agree: max() of tCO2 and MWh."),
        ("min(0, BE, EG * EF, EG)", "Units do not agree: min() of tCO2 and MWh."),
        ("BE ** EG", "An exponent must be a plain number without a unit."),
        ("BE ** e", WHOLE_POWER),
        ("BE ** 0.5", WHOLE_POWER),
        (
            "EG ** 11 / EG ** 10 * EF",
            "Units can only be raised to whole powers between -10 and 10.",
        ),
        ("EG_month * EF", "EG_month is a series: use it inside sum(), min() or max()."),
        ("sum(EG) * EF", "sum() takes a monitored series."),
        ("min(BE)", "min() takes two or more values, or one series."),
        ("max(EG_month, EG) * EF", "max() takes two or more values, or one series."),
        ("(EG > 0) * BE", "A comparison can only be used as the condition of 'if … else'."),
        ("BE if EG else BE", "A condition must be a comparison, such as x > 0."),
        ("BE if EG > 0 and EF else BE", "A condition must be a comparison, such as x > 0."),
        ("BE if not BE else BE", "A condition must be a comparison, such as x > 0."),
    ],
)
def test_operations_whose_units_disagree_are_refused(expression, message):
    assert expression_refusal(expression) == ("equations[1].expression", message)


def test_expression_that_does_not_convert_to_its_declared_unit_is_refused():
    assert expression_refusal("EG * EF", unit="MWh") == (
        "equations[1].unit",
        "The expression gives tCO2, which does not convert to MWh.",
    )


def test_a_bare_number_is_dimensionless_unless_it_is_zero():
    assert expression_refusal("1") == (
        "equations[1].unit",
        "The expression gives dimensionless, which does not convert to tCO2.",
    )
    assert check_model(model_with("0", "-0.0 + 0", "0 if EG > 0 else BE", "0 * BE"))


@pytest.mark.parametrize(
    ("unit", "message"),
    [
        ("MWhh", "Unknown unit: MWhh."),
        ("m.__class__", "Unknown unit: m.__class__."),
        ("kg / (", "Unknown unit: kg / (."),
        ("1000 m", "Unknown unit: 1000 m."),
        ("degC", OFFSET),
        ("m**0.5", "Units can only be raised to whole powers between -10 and 10."),
        ("m**10**10**10", "Unknown unit: m**10**10**10."),
        ("x" * 65, f"Unknown unit: {'x' * 65}."),
    ],
)
def test_unknown_units_are_refused(unit, message):
    parameters = (ParameterSpec("EG", unit, "monitored"),) + PARAMETERS[1:]

    assert model_refusal(model_with(parameters=parameters)) == ("parameters[0].unit", message)
    assert model_refusal(model_with("BE", unit=unit)) == ("equations[1].unit", message)


def test_result_must_be_defined():
    model = ModelSpec(PARAMETERS, (EquationSpec("BE", "EG * EF", "tCO2"),), "ER")

    assert model_refusal(model) == ("result", "Undefined symbol: ER.")


def test_result_may_be_a_parameter():
    assert check_model(ModelSpec(PARAMETERS, (), "EG")) == []


@pytest.mark.parametrize(
    ("symbol", "message"),
    [
        ("1EG", SYMBOL_FORM),
        ("_EG", SYMBOL_FORM),
        ("EGé", SYMBOL_FORM),
        ("E G", SYMBOL_FORM),
        ("E" * 65, "A symbol has at most 64 characters."),
        ("lambda", "lambda is a reserved word."),
        ("None", "None is a reserved word."),
        ("sum", "sum is a reserved word."),
        ("factor", "factor is a reserved word."),
        ("EF", "EF is already defined."),
    ],
)
def test_bad_symbols_are_refused(symbol, message):
    model = ModelSpec(PARAMETERS, (EquationSpec(symbol, "EG * EF", "tCO2"),), "EG")

    assert model_refusal(model) == ("equations[0].symbol", message)


def test_duplicate_parameters_are_refused():
    parameters = PARAMETERS + (ParameterSpec("EG", "GWh", "ex_ante"),)

    assert model_refusal(model_with(parameters=parameters)) == (
        "parameters[5].symbol",
        "EG is already defined.",
    )


@pytest.mark.parametrize(
    ("parameter", "field", "message"),
    [
        (P("p", "t", "measured"), "kind", "The kind must be fixed, ex_ante or monitored."),
        (P("p", "t", "fixed"), "default", "A fixed parameter needs a default value."),
        (
            P("p", "t", "ex_ante", series=True),
            "series",
            "Only a monitored parameter can be a series.",
        ),
        (
            P("p", "t", "monitored", default=D(1), series=True),
            "default",
            "A series parameter cannot have a default.",
        ),
        (P("p", "t", "ex_ante", default=1.5), "default", NOT_DECIMAL),
        (P("p", "t", "ex_ante", minimum=D("NaN")), "minimum", NOT_DECIMAL),
        (P("p", "t", "ex_ante", maximum=D("Infinity")), "maximum", NOT_DECIMAL),
        (
            P("p", "t", "ex_ante", minimum=D(2), maximum=D(1)),
            "minimum",
            "The minimum is greater than the maximum.",
        ),
        (P("p", "t", "ex_ante", default=D(3), maximum=D(1)), "default", "Must be at most 1 t."),
        (P("p", "", "ex_ante", default=D(-1), minimum=D(0)), "default", "Must be at least 0."),
    ],
)
def test_bad_parameters_are_refused(parameter, field, message):
    model = model_with(parameters=PARAMETERS + (parameter,))

    assert model_refusal(model) == (f"parameters[5].{field}", message)


def test_huge_exponent_is_refused_not_computed():
    assert expression_refusal("10 ** 10 ** 10", unit="") == (
        "equations[1].expression",
        "Exponents must be between -100 and 100.",
    )
    assert expression_refusal("e ** -101", unit="") == (
        "equations[1].expression",
        "Exponents must be between -100 and 100.",
    )


def test_deeply_nested_expressions_are_refused():
    deep = "(" * 500 + "EG" + ")" * 500

    assert expression_refusal(deep) == (
        "equations[1].expression",
        "The expression is nested too deeply.",
    )
    assert expression_refusal("-" * 120 + "BE") == (
        "equations[1].expression",
        "The expression is nested too deeply.",
    )


def test_long_and_large_expressions_are_refused():
    assert expression_refusal("BE" + " + BE" * 400) == (
        "equations[1].expression",
        "The expression is longer than 2000 characters.",
    )
    assert expression_refusal("max(" + ",".join(["BE"] * 600) + ")") == (
        "equations[1].expression",
        "The expression has too many parts.",
    )


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("().__class__", "Not allowed in an expression: attribute access."),
        ("BE.real", "Not allowed in an expression: attribute access."),
        (
            "().__class__.__bases__[0].__subclasses__()",
            "Not allowed in an expression: attribute access.",
        ),
        ("(BE)(1)", "Unknown function: BE."),
        ("(BE * 2)(1)", "Not allowed in an expression: calling anything but a function."),
        (
            "__import__('os').system('touch /tmp/pwned')",
            "Not allowed in an expression: attribute access.",
        ),
        ("__import__('os')", "Unknown function: __import__."),
        ("eval('1')", "Unknown function: eval."),
        ("open('/etc/passwd')", "Unknown function: open."),
        ("lambda: BE", "Not allowed in an expression: lambda functions."),
        ("(lambda: BE)()", "Not allowed in an expression: lambda functions."),
        ("sum(x for x in EG_month)", "Not allowed in an expression: comprehensions."),
        ("[x for x in EG_month]", "Not allowed in an expression: comprehensions."),
        ("EG_month[0]", "Not allowed in an expression: indexing."),
        ("[BE, BE]", "Not allowed in an expression: lists, tuples, sets and dicts."),
        ("{'a': 1}", "Not allowed in an expression: lists, tuples, sets and dicts."),
        ("'a' * 3", "Text is only allowed as an argument of factor() or gwp()."),
        ("'a' + 'b'", "Text is only allowed as an argument of factor() or gwp()."),
        ("f'{BE}'", "Not allowed in an expression: formatted text."),
        ("(y := BE)", "Not allowed in an expression: assignments."),
        ("max(*EG_month)", "Not allowed in an expression: unpacking."),
        ("abs(BE, key=1)", "Not allowed in an expression: keyword arguments."),
        ("BE % 2", "Not allowed in an expression: the operator %."),
        ("BE // 2", "Not allowed in an expression: the operator //."),
        ("BE if BE in EG_month else BE", "Not allowed in an expression: the operator in."),
        ("BE if BE is BE else BE", "Not allowed in an expression: the operator is."),
        ("~BE", "Not allowed in an expression: the operator ~."),
        ("True", "Only numbers can be written as constants."),
        ("None", "Only numbers can be written as constants."),
        ("1j", "Only numbers can be written as constants."),
        ("b'x'", "Only numbers can be written as constants."),
        ("...", "Only numbers can be written as constants."),
        ("BE; BE", "This is not a valid expression."),
        ("import os", "This is not a valid expression."),
        ("BE = 1", "This is not a valid expression."),
        ("", "This is not a valid expression."),
        ("   ", "This is not a valid expression."),
        ("BE\x00", "This is not a valid expression."),
        ("(yield)", "Not allowed in an expression: yield."),
        ("abs()", "abs() takes one argument."),
        ("sum(EG_month, EG_month)", "sum() takes one argument."),
        ("max()", "max() takes two or more values, or one series."),
        ("1e99999", "The number is too large or too small."),
    ],
)
def test_anything_but_the_expression_language_is_refused(expression, message):
    assert expression_refusal(expression) == ("equations[1].expression", message)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ('EG * factor("cn", "CN")', FACTOR_USE),
        ('EG * factor("cn", "CN", "2023")', FACTOR_USE),
        ('EG * factor("cn", "CN", 2023.0)', FACTOR_USE),
        ('EG * factor("cn", "CN", EG)', FACTOR_USE),
        ('EG * factor("", "CN", 2023)', FACTOR_USE),
        ('BE * gwp("AR5")', 'gwp() takes an assessment report and a gas, as in gwp("AR5", "CH4").'),
        ('EG * factor("cn", "CN", 2022)', 'Reference data not found: factor("cn", "CN", 2022).'),
        ('BE * gwp("AR5", "SF6")', 'Reference data not found: gwp("AR5", "SF6").'),
    ],
)
def test_reference_lookups_are_checked_with_the_reference_data(expression, message):
    assert model_refusal(model_with(expression), Grid()) == ("equations[1].expression", message)


def test_reference_unit_is_part_of_the_dimension_check():
    assert model_refusal(model_with('BE * factor("cn", "CN", 2023)'), Grid()) == (
        "equations[1].unit",
        "The expression gives tCO2²/MWh, which does not convert to tCO2.",
    )


def test_lookups_cannot_be_checked_without_reference_data():
    assert model_refusal(model_with('BE * gwp("AR5", "CH4")')) == (
        "equations[1].expression",
        'Reference data is needed for gwp("AR5", "CH4").',
    )


def test_bad_reference_data_is_refused():
    class Broken:
        def factor(self, series, region, year):
            return {"cn": (0.57, "tCO2/MWh"), "xx": (D("0.57"), "tCO2/MWhh")}[series]

        def gwp(self, assessment, gas):
            return D("NaN")

    assert model_refusal(model_with('EG * factor("cn", "CN", 2023)'), Broken()) == (
        "equations[1].expression",
        'Reference data for factor("cn", "CN", 2023) is not a finite Decimal number.',
    )
    assert model_refusal(model_with('EG * factor("xx", "CN", 2023)'), Broken()) == (
        "equations[1].expression",
        'Reference data for factor("xx", "CN", 2023) has an unknown unit: tCO2/MWhh.',
    )
    assert model_refusal(model_with('BE * gwp("AR5", "CH4")'), Broken()) == (
        "equations[1].expression",
        'Reference data for gwp("AR5", "CH4") is not a finite Decimal number.',
    )


def test_a_model_too_long_in_all_is_refused():
    equations = tuple(
        EquationSpec(f"X{index}", "BE" + " + BE" * 399, "tCO2") for index in range(13)
    )
    model = ModelSpec(PARAMETERS, (EquationSpec("BE", "EG * EF", "tCO2"), *equations), "BE")

    assert model_refusal(model) == (
        "equations",
        "The expressions are longer than 20000 characters in all.",
    )


def test_too_many_equations_are_refused():
    equations = tuple(EquationSpec(f"X{index}", "BE", "tCO2") for index in range(501))
    model = ModelSpec(PARAMETERS, (EquationSpec("BE", "EG * EF", "tCO2"), *equations), "BE")

    assert model_refusal(model) == ("equations", "A model can have at most 500 equations.")


# The inputs, refused when a calculation is made.


def test_missing_parameter_is_refused():
    assert input_refusal({"EF": "0.5", "EG_month": ["1"]}) == (
        "parameters.EG",
        "This parameter is required.",
    )


@pytest.mark.parametrize(
    ("inputs", "field", "message"),
    [
        ({"e": "1.5"}, "parameters.e", "Must be at most 1."),
        ({"EF": "2.0001"}, "parameters.EF", "Must be at most 2 tCO2/MWh."),
        ({"EG": "-1"}, "parameters.EG", "Must be at least 0 MWh."),
        (
            {"EF": {"value": "2001", "unit": "kgCO2/MWh"}},
            "parameters.EF",
            "Must be at most 2 tCO2/MWh.",
        ),
        ({"EG_month": ["1", "-0.1"]}, "parameters.EG_month[1]", "Must be at least 0 MWh."),
    ],
)
def test_out_of_bounds_inputs_are_refused_after_conversion(inputs, field, message):
    assert input_refusal({**INPUTS, **inputs}) == (field, message)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"value": "1", "unit": "tCO2"}, "tCO2 cannot be converted to MWh."),
        ({"value": "1", "unit": "MWhh"}, "Unknown unit: MWhh."),
        ({"value": "1", "unit": "degC"}, OFFSET),
        ({"value": "1"}, VALUE_OBJECT),
        ({"value": "1", "unit": "MWh", "note": "x"}, VALUE_OBJECT),
        ({"value": "1", "unit": 3}, VALUE_OBJECT),
        ({"value": "x", "unit": "MWh"}, "A valid number is required."),
        ("NaN", "A valid number is required."),
        ("Infinity", "A valid number is required."),
        ("-inf", "A valid number is required."),
        (float("nan"), "A valid number is required."),
        (D("sNaN"), "A valid number is required."),
        ("1,000", "A valid number is required."),
        ("", "A valid number is required."),
        (True, "A valid number is required."),
        (object(), "A valid number is required."),
        ("1" * 101, "A valid number is required."),
        ({"value": "9e9999", "unit": "TWh"}, "The number is too large or too small."),
        ("1e10000", "The number is too large or too small."),
        pytest.param(10**10001, "The number is too large or too small.", id="huge-int"),
        ("1." + "1" * 34, "At most 34 significant digits are allowed."),
        (["1"], "A single value is required, not a list."),
    ],
)
def test_malformed_inputs_are_refused(value, message):
    assert input_refusal({**INPUTS, "EG": value}) == ("parameters.EG", message)


def test_many_digits_are_fine_when_they_are_trailing_zeros():
    calculation = calculate(model_with(), {**INPUTS, "EG": "1000." + "0" * 60})

    assert calculation.result.value == D("500")


def test_dimensionless_parameter_names_its_unit_as_dimensionless():
    assert input_refusal({**INPUTS, "e": {"value": "1", "unit": "MWh"}}) == (
        "parameters.e",
        "MWh cannot be converted to dimensionless.",
    )


@pytest.mark.parametrize(
    ("value", "field", "message"),
    [
        ("400", "parameters.EG_month", "A list of values is required, one per sub-period."),
        ([], "parameters.EG_month", "At least one value is required."),
        (["1"] * 10_001, "parameters.EG_month", "At most 10000 values are allowed."),
        (["1", "x"], "parameters.EG_month[1]", "A valid number is required."),
        (["1", ["2"]], "parameters.EG_month[1]", "A single value is required, not a list."),
    ],
)
def test_malformed_series_are_refused(value, field, message):
    assert input_refusal({**INPUTS, "EG_month": value}) == (field, message)


def test_unknown_parameter_is_refused():
    assert input_refusal({**INPUTS, "EG_exprot": "1"}) == (
        "parameters.EG_exprot",
        "Unknown parameter.",
    )


def test_fixed_parameter_cannot_be_entered():
    assert input_refusal({**INPUTS, "GWP": "25"}) == (
        "parameters.GWP",
        "This parameter is fixed by the methodology and cannot be entered.",
    )


@pytest.mark.parametrize(
    ("expression", "inputs", "message"),
    [
        ("BE / (EG / EG - 1)", {}, "Division by zero."),
        ("BE * (EG / EG - 1) ** -1", {}, "Division by zero."),
        ("BE * (e - 2) ** e", {"e": "0.5"}, "The result is not a real number."),
        ("BE * 10 ** (EG / EG * 1000)", {}, "Exponents must be between -100 and 100."),
        ("BE * 1e9000 * 1e9000", {}, "The result is too large."),
    ],
)
def test_equations_undefined_for_the_inputs_are_refused_naming_the_equation(
    expression, inputs, message
):
    model = model_with(expression, unit="tCO2")

    assert check_model(model)
    assert input_refusal({**INPUTS, **inputs}, model) == ("equations.X0", message)


def test_reference_data_missing_at_calculation_is_an_input_error():
    class Shrunk(Grid):
        def factor(self, series, region, year):
            raise KeyError(series)

    model = model_with('EG * factor("cn", "CN", 2023)')

    assert check_model(model, Grid())
    assert input_refusal(INPUTS, model, Shrunk()) == (
        "equations.X0",
        'Reference data not found: factor("cn", "CN", 2023).',
    )


def test_a_broken_model_is_still_a_model_error_when_calculated():
    with pytest.raises(ModelError) as refused:
        calculate(model_with("EG + BE"), INPUTS)

    assert refused.value.field == "equations[1].expression"


def test_errors_carry_field_and_message_for_the_web_layer():
    with pytest.raises(EngineError) as refused:
        calculate(model_with(), {})

    assert (refused.value.field, refused.value.message) == (
        "parameters.EG",
        "This parameter is required.",
    )
    assert str(refused.value) == "parameters.EG: This parameter is required."


def test_a_result_too_large_for_its_declared_unit_is_refused():
    model = model_with("EG * 1e9998", unit="kWh")

    assert input_refusal({**INPUTS, "EG": "1"}, model) == (
        "equations.X0",
        "The result is too large.",
    )
