"""The calculation trace a verifier reads shows each submitted value as it was submitted: every
digit the engine accepts (34 significant), no padding and no rounding to a shorter context."""

from decimal import Decimal

import pytest

from methodologies import engine
from methodologies.calculation import calculation_trace
from tests.methodologies.test_api import INPUTS, draft, published  # noqa: F401

MODEL = engine.ModelSpec(
    parameters=(
        engine.ParameterSpec(symbol="share", unit="1", kind="monitored"),
        engine.ParameterSpec(symbol="mass", unit="t", kind="monitored"),
    ),
    equations=(engine.EquationSpec(symbol="ER", expression="share * mass", unit="t"),),
    result="ER",
)
THIRTY_FOUR_DIGITS = "0.7921000000000000000000000000000001"


@pytest.mark.parametrize(
    ("submitted", "shown"),
    [
        ("0.7921", "0.7921"),
        ("0.79210", "0.7921"),
        ({"value": "79.21", "unit": "percent"}, "0.7921"),
        (THIRTY_FOUR_DIGITS, THIRTY_FOUR_DIGITS),
        ("1234567890123456789012345678901234", "1234567890123456789012345678901234"),
        ("1234567890123456789012345678901234E+6", "1234567890123456789012345678901234000000"),
    ],
)
def test_a_submitted_value_reads_as_submitted(submitted, shown):
    calculation = engine.calculate(MODEL, {"share": submitted, "mass": "1"})

    trace = calculation_trace(calculation, "ER")

    assert trace["values"]["share"] == {"value": shown, "unit": "1"}
    assert trace["result"]["value"] == shown
    assert Decimal(trace["values"]["share"]["value"]) == calculation.values["share"].value


@pytest.mark.django_db
def test_the_calculate_answer_echoes_every_digit_submitted(clients, published):  # noqa: F811
    inputs = {**INPUTS, "EF_grid_OM": THIRTY_FOUR_DIGITS, "EG_export": "1000000.5"}

    response = clients["verifier"].post(
        f"/api/v1/methodologies/{published['id']}/calculate/",
        {"parameters": inputs},
        format="json",
    )

    assert response.status_code == 200
    values = response.json()["values"]
    assert values["EF_grid_OM"] == {"value": THIRTY_FOUR_DIGITS, "unit": "tCO2/MWh"}
    assert values["EG_export"] == {"value": "1000000.5", "unit": "MWh"}
    assert values["EF_grid_BM"] == {"value": "0.387", "unit": "tCO2/MWh"}
