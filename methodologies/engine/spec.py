"""What a caller gives the engine (a model, a reference-data resolver) and what it gets back."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, Protocol

ParameterKind = Literal["fixed", "ex_ante", "monitored"]
PARAMETER_KINDS: tuple[ParameterKind, ...] = ("fixed", "ex_ante", "monitored")


@dataclass(frozen=True)
class ParameterSpec:
    """An input of a model, in `unit`.

    `fixed` parameters take their `default` from the methodology and cannot be entered;
    `ex_ante` ones are set at project design and `monitored` ones reported for each period, and
    both fall back to `default` when not given. A `series` (monitored only) is a list of values,
    one per sub-period, used through `sum()`, `min()` or `max()`. `minimum` and `maximum` are
    inclusive and in `unit`; for a series they bound each value.
    """

    symbol: str
    unit: str
    kind: ParameterKind
    default: Decimal | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    series: bool = False


@dataclass(frozen=True)
class EquationSpec:
    """`symbol = expression`, whose value is converted to `unit`."""

    symbol: str
    expression: str
    unit: str


@dataclass(frozen=True)
class ModelSpec:
    """A methodology's calculation: its parameters, its equations and the symbol it yields."""

    parameters: tuple[ParameterSpec, ...]
    equations: tuple[EquationSpec, ...]
    result: str


@dataclass(frozen=True)
class Value:
    """A number with its unit, as the methodology writes the unit.

    `value` is a tuple, one entry per sub-period, for a series parameter.
    """

    value: Decimal | tuple[Decimal, ...]
    unit: str


@dataclass(frozen=True)
class Calculation:
    """The outcome of a calculation and the trace a verifier reads.

    `values` holds every parameter (declaration order) and then every equation (dependency
    order), each in its declared unit; `references` holds each reference datum used, keyed by
    its lookup as written, such as `factor("cn-national-average", "CN", 2023)`.
    """

    result: Value
    values: dict[str, Value]
    references: dict[str, Value] = field(default_factory=dict)


class ReferenceResolver(Protocol):
    """Versioned reference data the caller looks up for the engine.

    Both methods raise `LookupError` (a `KeyError` will do) when there is no such datum.
    """

    def factor(self, series: str, region: str, year: int) -> tuple[Decimal, str]:
        """An emission factor and its unit: `factor("cn-national-average", "CN", 2023)` may
        return `(Decimal("0.5703"), "tCO2/MWh")`."""
        ...

    def gwp(self, assessment: str, gas: str) -> Decimal:
        """A global warming potential: `gwp("AR5", "CH4")` is `Decimal("28")`, which the
        engine reads in tCO2e per tonne of the gas (tCO2e/tCH4).

        The assessment report comes first, as the series does in `factor()`."""
        ...
