"""From stored methodology versions to the engine's models, and calculations on them."""

from datetime import datetime
from decimal import Context, Decimal
from functools import lru_cache
from typing import Any

from methodologies import engine
from methodologies.models import Methodology
from methodologies.reference import DatabaseReferences


def model_spec(
    *, parameters: list[dict[str, Any]], equations: list[dict[str, Any]], result: str
) -> engine.ModelSpec:
    """The engine's model from parameter and equation dictionaries (API or stored fields)."""
    return engine.ModelSpec(
        parameters=tuple(
            engine.ParameterSpec(
                symbol=p["symbol"],
                unit=p["unit"],
                kind=p["kind"],
                default=p.get("default"),
                minimum=p.get("minimum"),
                maximum=p.get("maximum"),
                series=p.get("series", False),
            )
            for p in parameters
        ),
        equations=tuple(
            engine.EquationSpec(symbol=e["symbol"], expression=e["expression"], unit=e["unit"])
            for e in equations
        ),
        result=result,
    )


def _without_trailing_zeros(value: Decimal) -> Decimal:
    """`value` without trailing zeros, every significant digit kept.

    `Decimal.normalize()` also rounds to the current context's precision, 28 digits by
    default, so a 34-digit input would be shown as another number; a context exactly as wide
    as the value's digits (and with room for any exponent) drops zeros and nothing else.
    """
    digits = len(value.as_tuple().digits)
    return value.normalize(Context(prec=max(digits, 1), Emin=-999999, Emax=999999))


def _as_written(value: Decimal | None) -> Decimal | None:
    """A stored decimal without the column's trailing zeros: 0.75, not 0.750000000000000."""
    return None if value is None else _without_trailing_zeros(value)


def stored_model(methodology: Methodology) -> engine.ModelSpec:
    parameters = methodology.parameters.values(
        "symbol", "unit", "kind", "default", "minimum", "maximum", "series"
    )
    return model_spec(
        parameters=[
            {**p, **{k: _as_written(p[k]) for k in ("default", "minimum", "maximum")}}
            for p in parameters
        ],
        equations=list(methodology.equations.values("symbol", "expression", "unit")),
        result=methodology.result_symbol,
    )


@lru_cache(maxsize=256)
def _published_model(methodology_id: int, published_at: datetime) -> engine.ModelSpec:
    """A published version's model, read once per process: published versions never change.

    Keyed by publication time too, so a row id reused by another database (a test run's) never
    serves a stale model.
    """
    return stored_model(Methodology.objects.get(pk=methodology_id))


def calculate(methodology: Methodology, inputs: dict[str, Any]) -> engine.Calculation:
    """Run the methodology on `inputs`; raises `engine.InputError` naming the parameter."""
    if methodology.published_at is None:
        model = stored_model(methodology)
    else:
        model = _published_model(methodology.pk, methodology.published_at)
    return engine.calculate(model, inputs, DatabaseReferences())


def _decimal_text(value: Decimal | tuple[Decimal, ...]) -> str | list[str]:
    """Decimals as plain strings without trailing zeros; a series as a list of them. Every
    digit is kept: an input reads as it was submitted ("0.7921"), however many digits it had."""
    if isinstance(value, tuple):
        return [format(_without_trailing_zeros(item), "f") for item in value]
    return format(_without_trailing_zeros(value), "f")


def calculation_trace(calculation: engine.Calculation, result_symbol: str) -> dict[str, Any]:
    """A calculation as JSON: the result, every value with its unit, and the reference data
    used. The calculate endpoint answers with it, and claims store it for the verifier."""
    return {
        "result": {
            "symbol": result_symbol,
            "value": _decimal_text(calculation.result.value),
            "unit": calculation.result.unit,
        },
        "values": {
            symbol: {"value": _decimal_text(value.value), "unit": value.unit}
            for symbol, value in calculation.values.items()
        },
        "references": {
            lookup: {"value": _decimal_text(value.value), "unit": value.unit}
            for lookup, value in calculation.references.items()
        },
    }
