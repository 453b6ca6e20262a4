"""Reading the values given to a calculation into Decimals in each parameter's unit."""

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation, Overflow, localcontext

from . import messages
from .errors import InputError, Refusal
from .limits import DECIMAL_CONTEXT, MAX_SERIES_LENGTH, MAX_TEXT_LENGTH, PRECISION
from .spec import ParameterSpec
from .units import (
    Unit,
    convert,
    describe,
    dimensionless,
    parse_unit,
    same_dimension,
)

InputValue = Decimal | tuple[Decimal, ...]


def read_inputs(
    parameters: tuple[tuple[ParameterSpec, Unit], ...], inputs: Mapping[str, object]
) -> dict[str, InputValue]:
    """Each parameter's value, in its unit, from `inputs` or its default.

    A value is a number (int, Decimal, or text such as "0.7921"), or `{"value": ..., "unit":
    ...}` in any unit that converts to the parameter's; a series is a list of such values. A
    float is read as the shortest decimal that it prints as, which is what was typed unless it
    had more than 15 digits; send text or Decimal to be exact. A missing value and `None` are the
    same. A value for a fixed parameter or an unknown symbol is refused rather than ignored, so
    a mistaken report is never calculated as if it were right.

    Raises `InputError` naming `parameters.<symbol>` (or `parameters.<symbol>[<index>]` within a
    series).
    """
    values: dict[str, InputValue] = {}
    for spec, unit in parameters:
        field = f"parameters.{spec.symbol}"
        given = inputs.get(spec.symbol)
        if spec.kind == "fixed" and given is not None:
            raise InputError(field, messages.FIXED_PARAMETER)
        if given is None:
            if spec.default is None:
                raise InputError(field, messages.REQUIRED)
            values[spec.symbol] = spec.default
        elif spec.series:
            values[spec.symbol] = _read_series(given, spec, unit, field)
        else:
            values[spec.symbol] = _read_scalar(given, spec, unit, field)
    known = {spec.symbol for spec, _ in parameters}
    for symbol in inputs:
        if symbol not in known:
            raise InputError(f"parameters.{symbol}", messages.UNKNOWN_PARAMETER)
    return values


def check_bounds(value: Decimal, spec: ParameterSpec, unit: Unit) -> None:
    """Refuse `value` (in the parameter's unit) if it is outside the parameter's bounds."""
    if spec.minimum is not None and value < spec.minimum:
        raise Refusal(messages.BELOW_MINIMUM.format(bound=_with_unit(spec.minimum, spec, unit)))
    if spec.maximum is not None and value > spec.maximum:
        raise Refusal(messages.ABOVE_MAXIMUM.format(bound=_with_unit(spec.maximum, spec, unit)))


def _read_series(given: object, spec: ParameterSpec, unit: Unit, field: str) -> tuple[Decimal, ...]:
    if not isinstance(given, list | tuple):
        raise InputError(field, messages.SERIES_EXPECTED)
    if not given:
        raise InputError(field, messages.SERIES_EMPTY)
    if len(given) > MAX_SERIES_LENGTH:
        raise InputError(field, messages.SERIES_TOO_LONG)
    return tuple(
        _read_scalar(value, spec, unit, f"{field}[{index}]") for index, value in enumerate(given)
    )


def _read_scalar(given: object, spec: ParameterSpec, unit: Unit, field: str) -> Decimal:
    if isinstance(given, list | tuple):
        raise InputError(field, messages.SCALAR_EXPECTED)
    try:
        with localcontext(DECIMAL_CONTEXT):
            value = _read_value(given, spec, unit)
            check_bounds(value, spec, unit)
    except Refusal as refusal:
        raise InputError(field, refusal.message) from refusal
    return value


def _read_value(given: object, spec: ParameterSpec, unit: Unit) -> Decimal:
    if not isinstance(given, Mapping):
        return read_number(given)
    if set(given) != {"value", "unit"} or not isinstance(given["unit"], str):
        raise Refusal(messages.VALUE_OBJECT)
    number = read_number(given["value"])
    given_unit = parse_unit(given["unit"])
    if not same_dimension(given_unit, unit):
        raise Refusal(
            messages.INCOMPATIBLE_UNIT.format(given=given["unit"], expected=_written(spec, unit))
        )
    try:
        return convert(number, given_unit, unit)
    except Overflow as error:
        raise Refusal(messages.NUMBER_RANGE) from error


def read_number(given: object) -> Decimal:
    """A finite Decimal of at most PRECISION significant digits, from a number or its text."""
    if isinstance(given, bool):
        raise Refusal(messages.NUMBER)
    if isinstance(given, float):
        given = repr(given)
    if isinstance(given, str):
        if len(given) > MAX_TEXT_LENGTH:
            raise Refusal(messages.NUMBER)
        try:
            value = Decimal(given.strip())
        except InvalidOperation as error:
            raise Refusal(messages.NUMBER) from error
    elif isinstance(given, int | Decimal):
        value = Decimal(given)
    else:
        raise Refusal(messages.NUMBER)
    if not value.is_finite():
        raise Refusal(messages.NUMBER)
    if value and not DECIMAL_CONTEXT.Emin <= value.adjusted() <= DECIMAL_CONTEXT.Emax:
        raise Refusal(messages.NUMBER_RANGE)
    digits = "".join(map(str, value.as_tuple().digits)).rstrip("0")
    if len(digits) > PRECISION:
        raise Refusal(messages.TOO_PRECISE)
    return value


def _with_unit(bound: Decimal, spec: ParameterSpec, unit: Unit) -> str:
    written = format(bound.normalize(), "f")
    return written if unit == dimensionless() else f"{written} {spec.unit}"


def _written(spec: ParameterSpec, unit: Unit) -> str:
    """The parameter's unit as the methodology writes it, or "dimensionless" for "" and "1"."""
    return describe(unit) if unit == dimensionless() else spec.unit
