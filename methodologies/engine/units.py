"""Units: one pint registry with the carbon-accounting units, and exact conversions.

Conversion factors are worked out as fractions from each unit's factor to SI, and a converted
value is rounded once, at the end, so conversions are exact wherever the result fits in
PRECISION digits: 1000 GWh is 1,000,000 MWh, and 1 kgCO2/kWh is 1 tCO2/MWh.
"""

import re
import threading
from decimal import Decimal, localcontext
from fractions import Fraction
from functools import cache, lru_cache
from tokenize import TokenError

import pint
from pint.util import UnitsContainer, to_units_container

from . import messages
from .errors import Refusal
from .limits import DECIMAL_CONTEXT, MAX_UNIT_LENGTH, MAX_UNIT_POWER, PRECISION

Unit = pint.Unit

# pint's own units cover energy (kWh, MWh, GWh, GJ, TJ), mass (kg, t) and plain ratios (%, ppm),
# and "", "1" or "dimensionless" is a plain number.
# Emissions are not plain masses: each greenhouse gas is a dimension of its own, so a tonne of
# methane never adds to a tonne of CO2 equivalent (tCH4 + tCO2e is refused when a methodology is
# checked) and a fuel's mass in t never passes for emissions. Only a global warming potential,
# `gwp()` (in tCO2e per tonne of the gas), turns a gas into CO2 equivalent.
# CO2 and CO2e share one dimension (the GWP of CO2 is 1 by definition). Carbon, tC, is counted
# in it too, at 1: methodologies convert carbon to CO2 with the number 44/12 in an equation
# (CDM Tool 03), so tC is the label of a quantity that equation turns into tCO2.
# pint's prefixes then give ktCO2e, MtCO2e, kgCH4 and so on.
_CARBON_UNITS = (
    "tCO2e = [carbon_dioxide_equivalent]",
    "tCO2 = tCO2e",
    "kgCO2e = tCO2e / 1000",
    "kgCO2 = kgCO2e",
    "gCO2e = tCO2e / 1000000",
    "gCO2 = gCO2e",
    "tC = tCO2e",
    "tCH4 = [methane]",
    "gCH4 = tCH4 / 1000000",
    "tN2O = [nitrous_oxide]",
    "gN2O = tN2O / 1000000",
)

# What a unit may be written with: names, numbers, * / ^ ** powers, round brackets, %; anything
# else (quotes, commas, other brackets) is refused before pint's parser sees it.
_UNIT_TEXT = re.compile(r"[A-Za-z0-9_ */^()%.\-]*")

# A gas as gwp() names it, such as CH4 or N2O.
_FORMULA = re.compile(r"[A-Z][A-Za-z0-9]*")

_registry: pint.UnitRegistry | None = None
_registry_lock = threading.Lock()


def registry() -> pint.UnitRegistry:
    """The engine's unit registry, built on first use (it takes a fraction of a second)."""
    # One registry per process: units from two registries cannot be combined.
    global _registry
    if _registry is None:
        # A lock, so two threads never build two registries whose units would then not mix.
        with _registry_lock:
            if _registry is None:
                with localcontext(DECIMAL_CONTEXT):
                    built = pint.UnitRegistry(non_int_type=Decimal)
                    for definition in _CARBON_UNITS:
                        built.define(definition)
                _registry = built
    return _registry


def parse_unit(text: str) -> Unit:
    """The unit written as `text` ("MWh", "tCO2/MWh", "%", "" or "1" for dimensionless).

    Raises `Refusal` for a unit pint does not know, one with an offset (degrees Celsius), or one
    with a power that is not a whole number between -MAX_UNIT_POWER and MAX_UNIT_POWER.
    """
    if not isinstance(text, str) or len(text) > MAX_UNIT_LENGTH or not _UNIT_TEXT.fullmatch(text):
        raise Refusal(messages.UNKNOWN_UNIT.format(unit=text))
    return _parse_unit(text.strip())


@lru_cache(maxsize=1024)
def _parse_unit(text: str) -> Unit:
    units = registry()
    try:
        with localcontext(DECIMAL_CONTEXT):
            unit = units.parse_units(text)
            # A unit with an offset does not convert by a factor: 0 degC is 273.15 K.
            zero = units.Quantity(Decimal(0), unit).to_root_units().magnitude
    except (
        pint.PintError,
        ValueError,
        ArithmeticError,
        TokenError,
        TypeError,
        # pint's parser asserts on a dangling operator ("MWh*", "1/", "-", ".") and looks up
        # what it cannot find ("1e^0"): still an unknown unit, never a crash.
        AssertionError,
        LookupError,
        AttributeError,
    ) as error:
        raise Refusal(messages.UNKNOWN_UNIT.format(unit=text)) from error
    if zero != 0:
        raise Refusal(messages.OFFSET_UNIT.format(unit=text))
    check_powers(unit)
    return unit


def check_powers(unit: Unit) -> None:
    """Refuse a unit with a power that is not whole or is beyond MAX_UNIT_POWER.

    Conversions raise each unit's factor to its power exactly, so powers are kept small.
    """
    for power in to_units_container(unit).values():
        if power != int(power) or abs(power) > MAX_UNIT_POWER:
            raise Refusal(messages.UNIT_POWER)


@cache
def dimensionless() -> Unit:
    """The unit of a plain number."""
    return registry().dimensionless


def is_dimensionless(unit: Unit) -> bool:
    """Whether `unit` is a plain number, possibly scaled (%, ppm, kWh/MWh)."""
    return bool(unit.dimensionless)


def same_dimension(first: Unit, second: Unit) -> bool:
    """Whether one unit converts to the other (MWh and TJ; tCO2 and kg)."""
    return bool(first.dimensionality == second.dimensionality)


def convert(magnitude: Decimal, source: Unit, target: Unit) -> Decimal:
    """`magnitude` in `source`, as a number in `target`.

    Rounded once, to PRECISION digits, so exact whenever the result fits: 1.8e6 GJ is 500000
    MWh although a GJ is 0.2777... MWh. Raises `Refusal` if the units measure different things,
    and decimal's `Overflow` beyond 1e9999.
    """
    if source == target:
        return magnitude
    if not same_dimension(source, target):
        raise Refusal(
            messages.INCOMPATIBLE_UNIT.format(given=describe(source), expected=describe(target))
        )
    ratio = _ratio(to_units_container(source), to_units_container(target))
    with localcontext(DECIMAL_CONTEXT) as context:
        # Enough digits for the product to be exact, so the division is the only rounding.
        context.prec = len(magnitude.as_tuple().digits) + len(str(ratio.numerator))
        product = magnitude * ratio.numerator
        context.prec = PRECISION
        return product / ratio.denominator


@lru_cache(maxsize=4096)
def _ratio(source: UnitsContainer, target: UnitsContainer) -> Fraction:
    return _factor_to_root(source) / _factor_to_root(target)


def _factor_to_root(units: UnitsContainer) -> Fraction:
    """The exact factor from `units` to SI base units, unit by unit.

    pint's own factor for a compound unit is a rounded Decimal (tCO2/MWh gives 2.77…8E-7), so
    each named unit's factor, which is exact, is taken alone and combined as a fraction.
    """
    total = Fraction(1)
    for name, power in units.items():
        total *= _named_factor(name) ** int(power)
    return total


@lru_cache(maxsize=1024)
def _named_factor(name: str) -> Fraction:
    with localcontext(DECIMAL_CONTEXT):
        factor, _ = registry().get_root_units(name)
    return Fraction(factor)


def gwp_unit(gas: str) -> str:
    """The unit of the global warming potential of `gas`: tCO2e per tonne of the gas
    ("tCO2e/tCH4"). A qualified gas ("CH4-fossil") is the gas before the first hyphen.

    Raises `Refusal` for a gas with no unit defined above: its GWP cannot be used until its
    unit is added here.
    """
    formula = gas.split("-", 1)[0]
    text = f"tCO2e/t{formula}"
    if _FORMULA.fullmatch(formula):
        try:
            parse_unit(text)
        except Refusal:
            pass
        else:
            return text
    raise Refusal(messages.GWP_GAS.format(gas=gas))


def describe(unit: Unit) -> str:
    """A unit as a person reads it: "MWh", "tCO2/MWh", "dimensionless"."""
    return format(unit, "~P") or "dimensionless"


def converts_to(text: str, reference: str) -> bool:
    """Whether `text` is a known unit that converts to `reference` (False for unknown units)."""
    try:
        return same_dimension(parse_unit(text), parse_unit(reference))
    except Refusal:
        return False


def convert_value(magnitude: Decimal, source: str, target: str) -> Decimal:
    """`magnitude` in `source` expressed in `target`, exactly; ValueError if they don't convert."""
    try:
        return convert(magnitude, parse_unit(source), parse_unit(target))
    except Refusal as error:
        raise ValueError(error.message) from error
