"""The methodology engine: a methodology's calculation as data, checked and calculated.

A model (`ModelSpec`) is parameters with units and bounds, and equations `symbol = expression`
with the unit of their result. `check_model` refuses a model that could not be calculated (an
undefined symbol, a cycle, units that disagree) before it is saved; `calculate` evaluates it
from a period's inputs and returns every value with its unit. Errors are `ModelError` and
`InputError`, each with the `field` to change and a `message` for the person changing it.

Expressions use numbers, symbols, + - * / **, brackets, comparisons with and/or/not,
`x if condition else y`, abs(), min(), max(), sum(series), and reference data looked up with
`factor(series, region, year)` and `gwp(assessment, gas)`. They are evaluated by simpleeval over
Decimal, never by Python's `eval`, and every step is bounded (see `limits`).

Pure Python: no Django here, so the engine can be tested and reused alone.
"""

from .errors import EngineError, InputError, ModelError
from .model import calculate, check_model
from .spec import (
    Calculation,
    EquationSpec,
    ModelSpec,
    ParameterKind,
    ParameterSpec,
    ReferenceResolver,
    Value,
)
from .units import convert_value, converts_to

__all__ = [
    "Calculation",
    "EngineError",
    "EquationSpec",
    "InputError",
    "ModelError",
    "ModelSpec",
    "ParameterKind",
    "ParameterSpec",
    "ReferenceResolver",
    "Value",
    "calculate",
    "check_model",
    "convert_value",
    "converts_to",
]
