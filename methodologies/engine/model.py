"""Checking a methodology's model when it is saved, and calculating it for a monitoring period."""

import ast
import heapq
import keyword
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, localcontext

from . import messages
from .calculator import Calculator
from .dimensions import Dimension, SeriesDimension, UnitChecker
from .errors import EngineError, InputError, ModelError, Refusal
from .evaluator import Quantity, Series, arithmetic_refused
from .expressions import FUNCTIONS, Lookup, ParsedExpression, parse_expression
from .inputs import check_bounds, read_inputs
from .limits import (
    DECIMAL_CONTEXT,
    MAX_EQUATIONS,
    MAX_MODEL_LENGTH,
    MAX_PARAMETERS,
    MAX_SYMBOL_LENGTH,
    PRECISION,
)
from .spec import (
    PARAMETER_KINDS,
    Calculation,
    EquationSpec,
    ModelSpec,
    ParameterSpec,
    ReferenceResolver,
    Value,
)
from .units import Unit, describe, gwp_unit, parse_unit, same_dimension

_SYMBOL = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def check_model(
    model: ModelSpec, references: ReferenceResolver | None = None
) -> list[EquationSpec]:
    """Check `model` as a methodology is saved; its equations in the order they are evaluated.

    Refuses, with a `ModelError` naming the field: a symbol that is not an ASCII identifier, is
    reserved or is defined twice; a parameter with an unknown unit, bad bounds or default; an
    expression outside the language (see `expressions`) or over the size bounds (see `limits`);
    an undefined symbol; equations that form a cycle; an operation whose units disagree or an
    equation whose expression does not convert to its declared unit; a result that is neither
    a parameter nor an equation; and reference data the resolver does not have. A model that
    uses `factor()` or `gwp()` can only be checked with `references`.
    """
    with localcontext(DECIMAL_CONTEXT):
        plan = _compile(model, references, calculating=False)
    return [equation.spec for equation in plan.equations]


def calculate(
    model: ModelSpec,
    inputs: Mapping[str, object],
    references: ReferenceResolver | None = None,
) -> Calculation:
    """Calculate `model` from `inputs`, keyed by parameter symbol (see `read_inputs`).

    The model is checked again first, so a `ModelError` means it should never have been saved.
    Raises `InputError` naming `parameters.<symbol>` for a missing, unknown, malformed or
    out-of-bounds input, and `equations.<symbol>` when that equation cannot be calculated from
    these inputs (a division by zero, a result beyond 1e9999, reference data now missing).
    """
    with localcontext(DECIMAL_CONTEXT):
        plan = _compile(model, references, calculating=True)
        given = read_inputs(
            tuple((parameter.spec, parameter.unit) for parameter in plan.parameters), inputs
        )
        names: dict[str, Quantity | Series] = {}
        values: dict[str, Value] = {}
        for parameter in plan.parameters:
            symbol, value = parameter.spec.symbol, given[parameter.spec.symbol]
            if isinstance(value, tuple):
                names[symbol] = Series(value, parameter.unit)
            else:
                names[symbol] = Quantity(value, parameter.unit)
            values[symbol] = Value(value, parameter.spec.unit)
        calculator = Calculator(names, plan.lookups, plan.zero_units)
        for equation in plan.equations:
            symbol = equation.spec.symbol
            with _refusal_as(InputError, f"equations.{symbol}"), arithmetic_refused():
                quantity = calculator.calculate(equation.parsed.tree)
                magnitude = _tidy(quantity.in_unit(equation.unit))
            names[symbol] = Quantity(magnitude, equation.unit)
            values[symbol] = Value(magnitude, equation.spec.unit)
    return Calculation(values[model.result], values, plan.references)


@dataclass(frozen=True)
class _Parameter:
    spec: ParameterSpec
    unit: Unit


@dataclass(frozen=True)
class _Equation:
    spec: EquationSpec
    index: int
    unit: Unit
    parsed: ParsedExpression


@dataclass(frozen=True)
class _Plan:
    """A checked model: what a calculation needs, equations in dependency order."""

    parameters: tuple[_Parameter, ...]
    equations: tuple[_Equation, ...]
    lookups: dict[Lookup, Quantity]
    references: dict[str, Value]
    zero_units: dict[ast.Constant, Unit]


def _compile(model: ModelSpec, references: ReferenceResolver | None, *, calculating: bool) -> _Plan:
    """Check `model` and prepare it for calculation; raises `ModelError` naming the field.

    When `calculating`, reference data the resolver no longer has is an `InputError` naming
    the equation, as the period's data is what is missing, not the methodology.
    """
    if len(model.parameters) > MAX_PARAMETERS:
        raise ModelError("parameters", messages.TOO_MANY_PARAMETERS)
    if len(model.equations) > MAX_EQUATIONS:
        raise ModelError("equations", messages.TOO_MANY_EQUATIONS)
    written_length = sum(
        len(spec.expression) for spec in model.equations if isinstance(spec.expression, str)
    )
    if written_length > MAX_MODEL_LENGTH:
        raise ModelError("equations", messages.MODEL_TOO_LONG)
    defined: set[str] = set()
    parameters = tuple(
        _check_parameter(spec, index, defined) for index, spec in enumerate(model.parameters)
    )
    equations = [
        _check_equation(spec, index, defined) for index, spec in enumerate(model.equations)
    ]
    if model.result not in defined:
        raise ModelError("result", messages.UNDEFINED_SYMBOL.format(symbol=model.result))
    for equation in equations:
        undefined = [symbol for symbol in equation.parsed.symbols if symbol not in defined]
        if undefined:
            raise ModelError(
                _expression_field(equation),
                messages.UNDEFINED_SYMBOL.format(symbol=undefined[0]),
            )
    ordered = _in_dependency_order(equations)
    lookups, written = _resolve_lookups(ordered, references, calculating=calculating)
    zero_units = _check_units(parameters, ordered, lookups)
    return _Plan(parameters, tuple(ordered), lookups, written, zero_units)


def _resolve_lookups(
    equations: list[_Equation], references: ReferenceResolver | None, *, calculating: bool
) -> tuple[dict[Lookup, Quantity], dict[str, Value]]:
    """Each reference datum the equations use, as a quantity and as the resolver wrote it."""
    lookups: dict[Lookup, Quantity] = {}
    written: dict[str, Value] = {}
    for equation in equations:
        if calculating:
            error, field = InputError, f"equations.{equation.spec.symbol}"
        else:
            error, field = ModelError, _expression_field(equation)
        for lookup in equation.parsed.lookups:
            if lookup not in lookups:
                with _refusal_as(error, field):
                    lookups[lookup], written[str(lookup)] = _resolve(lookup, references)
    return lookups, written


def _check_units(
    parameters: tuple[_Parameter, ...],
    equations: list[_Equation],
    lookups: dict[Lookup, Quantity],
) -> dict[ast.Constant, Unit]:
    """Refuse an equation whose units disagree; the unit each bare zero takes.

    `equations` are in dependency order, so each equation's symbols are known when it is checked.
    """
    dimensions: dict[str, Dimension | SeriesDimension] = {
        parameter.spec.symbol: (
            SeriesDimension(parameter.spec.symbol, parameter.unit)
            if parameter.spec.series
            else Dimension(parameter.unit)
        )
        for parameter in parameters
    }
    zero_units: dict[ast.Constant, Unit] = {}
    for equation in equations:
        checker = UnitChecker(dimensions, lookups)
        with _refusal_as(ModelError, _expression_field(equation)):
            dimension = checker.check(equation.parsed.tree)
        if dimension.unit is None:
            checker.bind(dimension, equation.unit)
        elif not same_dimension(dimension.unit, equation.unit):
            raise ModelError(
                f"equations[{equation.index}].unit",
                messages.DECLARED_UNIT.format(
                    computed=describe(dimension.unit), declared=equation.spec.unit
                ),
            )
        zero_units.update(checker.zero_units)
        dimensions[equation.spec.symbol] = Dimension(equation.unit)
    return zero_units


def _check_parameter(spec: ParameterSpec, index: int, defined: set[str]) -> _Parameter:
    field = f"parameters[{index}]"
    _check_symbol(spec.symbol, f"{field}.symbol", defined)
    if spec.kind not in PARAMETER_KINDS:
        raise ModelError(f"{field}.kind", messages.KIND)
    with _refusal_as(ModelError, f"{field}.unit"):
        unit = parse_unit(spec.unit)
    if spec.series and spec.kind != "monitored":
        raise ModelError(f"{field}.series", messages.SERIES_NOT_MONITORED)
    for name in ("default", "minimum", "maximum"):
        value = getattr(spec, name)
        if value is not None and not (isinstance(value, Decimal) and value.is_finite()):
            raise ModelError(f"{field}.{name}", messages.NOT_A_DECIMAL)
    if spec.minimum is not None and spec.maximum is not None and spec.minimum > spec.maximum:
        raise ModelError(f"{field}.minimum", messages.BOUNDS_REVERSED)
    if spec.default is None:
        if spec.kind == "fixed":
            raise ModelError(f"{field}.default", messages.FIXED_NEEDS_DEFAULT)
    elif spec.series:
        raise ModelError(f"{field}.default", messages.SERIES_DEFAULT)
    else:
        with _refusal_as(ModelError, f"{field}.default"):
            check_bounds(spec.default, spec, unit)
    return _Parameter(spec, unit)


def _check_equation(spec: EquationSpec, index: int, defined: set[str]) -> _Equation:
    field = f"equations[{index}]"
    _check_symbol(spec.symbol, f"{field}.symbol", defined)
    with _refusal_as(ModelError, f"{field}.unit"):
        unit = parse_unit(spec.unit)
    with _refusal_as(ModelError, f"{field}.expression"):
        parsed = parse_expression(spec.expression)
    return _Equation(spec, index, unit, parsed)


def _check_symbol(symbol: object, field: str, defined: set[str]) -> None:
    if not isinstance(symbol, str) or not _SYMBOL.fullmatch(symbol):
        raise ModelError(field, messages.SYMBOL_FORM)
    if len(symbol) > MAX_SYMBOL_LENGTH:
        raise ModelError(field, messages.SYMBOL_TOO_LONG)
    if keyword.iskeyword(symbol) or symbol in FUNCTIONS:
        raise ModelError(field, messages.SYMBOL_RESERVED.format(symbol=symbol))
    if symbol in defined:
        raise ModelError(field, messages.SYMBOL_DUPLICATE.format(symbol=symbol))
    defined.add(symbol)


def _in_dependency_order(equations: list[_Equation]) -> list[_Equation]:
    """The equations with each after those it uses; among equations ready at once, the one
    declared first. Refuses a cycle, naming its equations from the first declared."""
    by_symbol = {equation.spec.symbol: equation for equation in equations}
    uses = {
        equation.spec.symbol: [symbol for symbol in equation.parsed.symbols if symbol in by_symbol]
        for equation in equations
    }
    waiting = {symbol: set(used) for symbol, used in uses.items()}
    users: dict[str, list[str]] = {symbol: [] for symbol in uses}
    for symbol, used in uses.items():
        for dependency in used:
            users[dependency].append(symbol)
    ready = [equation.index for equation in equations if not waiting[equation.spec.symbol]]
    heapq.heapify(ready)
    ordered: list[_Equation] = []
    while ready:
        equation = equations[heapq.heappop(ready)]
        ordered.append(equation)
        for user in users[equation.spec.symbol]:
            waiting[user].discard(equation.spec.symbol)
            if not waiting[user]:
                heapq.heappush(ready, by_symbol[user].index)
    if len(ordered) < len(equations):
        raise _cycle_error(equations, uses, {equation.spec.symbol for equation in ordered})
    return ordered


def _cycle_error(
    equations: list[_Equation], uses: dict[str, list[str]], ordered: set[str]
) -> ModelError:
    """Every equation left unordered uses another one left, so following those uses from any
    of them comes back round to a cycle."""
    symbol = next(
        equation.spec.symbol for equation in equations if equation.spec.symbol not in ordered
    )
    path: list[str] = []
    while symbol not in path:
        path.append(symbol)
        symbol = next(used for used in uses[symbol] if used not in ordered)
    cycle = path[path.index(symbol) :]
    by_symbol = {equation.spec.symbol: equation for equation in equations}
    first = min(cycle, key=lambda member: by_symbol[member].index)
    start = cycle.index(first)
    cycle = cycle[start:] + cycle[:start] + [first]
    return ModelError(
        _expression_field(by_symbol[first]), messages.CYCLE.format(cycle=" → ".join(cycle))
    )


def _resolve(lookup: Lookup, references: ReferenceResolver | None) -> tuple[Quantity, Value]:
    """A reference datum as a quantity, and as the resolver wrote it for the trace."""
    if references is None:
        raise Refusal(messages.REFERENCES_NEEDED.format(lookup=lookup))
    try:
        if lookup.function == "factor":
            value, unit_text = references.factor(*lookup.arguments)  # type: ignore[arg-type]
        else:
            # A GWP turns a tonne of its gas into tonnes of CO2 equivalent: the one way
            # between the gases' dimensions (see `units`).
            assessment, gas = lookup.arguments
            value = references.gwp(assessment, gas)  # type: ignore[arg-type]
            unit_text = gwp_unit(gas)  # type: ignore[arg-type]
    except LookupError as error:
        raise Refusal(messages.REFERENCE_NOT_FOUND.format(lookup=lookup)) from error
    if not isinstance(value, Decimal) or not value.is_finite():
        raise Refusal(messages.REFERENCE_NOT_A_NUMBER.format(lookup=lookup))
    try:
        unit = parse_unit(unit_text)
    except Refusal as error:
        raise Refusal(messages.REFERENCE_UNIT.format(lookup=lookup, unit=unit_text)) from error
    return Quantity(value, unit), Value(value, unit_text)


def _tidy(value: Decimal) -> Decimal:
    """`value` without the trailing zeros multiplication leaves (687370.875000 is 687370.875),
    and without an exponent where its digits fit (1E+6 is 1000000)."""
    tidy = value.normalize()
    if tidy.as_tuple().exponent > 0 and tidy.adjusted() < PRECISION:  # type: ignore[operator]
        return tidy.quantize(Decimal(1))
    return tidy


def _expression_field(equation: _Equation) -> str:
    return f"equations[{equation.index}].expression"


@contextmanager
def _refusal_as(error: type[EngineError], field: str) -> Iterator[None]:
    """Turn a `Refusal` raised inside into `error` naming `field`."""
    try:
        yield
    except Refusal as refusal:
        raise error(field, refusal.message) from refusal
