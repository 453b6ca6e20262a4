"""Calculating an expression the unit checker accepted, over Decimals with their units."""

import ast
import operator
from collections.abc import Callable, Mapping
from decimal import Decimal
from functools import partial
from typing import cast

from . import messages
from .errors import Refusal
from .evaluator import COMPARISONS, Evaluator, Quantity, Series
from .expressions import Lookup
from .limits import MAX_EXPONENT
from .units import Unit, dimensionless, is_dimensionless


class Calculator(Evaluator):
    """Evaluates an expression the unit checker accepted, over numbers with units.

    `names` maps each symbol to its `Quantity` or `Series`, `lookups` each reference datum to
    its value, and `zero_units` each bare `0` to the unit the checker gave it.
    """

    def __init__(
        self,
        names: Mapping[str, Quantity | Series],
        lookups: Mapping[Lookup, Quantity],
        zero_units: Mapping[ast.Constant, Unit],
    ) -> None:
        super().__init__(names, lookups)
        self.zero_units = zero_units

    def calculate(self, tree: ast.AST) -> Quantity:
        """The quantity `tree` computes; raises `Refusal` for a division by zero and the like.

        The unit checker has accepted `tree` with these names: it computes a number, uses series
        only in sum(), min() and max(), and its units agree.
        """
        return cast(Quantity, self.evaluate(tree))

    def _operators(self) -> dict[type[ast.AST], Callable[..., object]]:
        return {
            ast.Add: self._add,
            ast.Sub: self._subtract,
            ast.Mult: self._multiply,
            ast.Div: self._divide,
            ast.Pow: self._power,
            ast.USub: self._negate,
            ast.UAdd: self._identity,
            ast.Not: operator.not_,
            **{kind: partial(self._compare, test) for kind, test in COMPARISONS.items()},
        }

    def _eval_constant(self, node: ast.Constant) -> Quantity:
        unit = self.zero_units.get(node)
        return Quantity(node.value, dimensionless() if unit is None else unit)

    def _lookup(self, quantity: Quantity) -> Quantity:
        return quantity

    def _abs(self, value: Quantity) -> Quantity:
        return Quantity(abs(value.magnitude), value.unit)

    def _sum(self, value: Series) -> Quantity:
        return Quantity(value.total, value.unit)

    def _extreme(self, name: str, arguments: list[Quantity | Series]) -> Quantity:
        first = arguments[0]
        if isinstance(first, Series):
            return Quantity(first.least if name == "min" else first.greatest, first.unit)
        choose = min if name == "min" else max
        values = cast(list[Quantity], arguments)
        return Quantity(choose(value.in_unit(first.unit) for value in values), first.unit)

    def _add(self, left: Quantity, right: Quantity) -> Quantity:
        return Quantity(left.magnitude + right.in_unit(left.unit), left.unit)

    def _subtract(self, left: Quantity, right: Quantity) -> Quantity:
        return Quantity(left.magnitude - right.in_unit(left.unit), left.unit)

    def _multiply(self, left: Quantity, right: Quantity) -> Quantity:
        return Quantity(left.magnitude * right.magnitude, left.unit * right.unit)

    def _divide(self, left: Quantity, right: Quantity) -> Quantity:
        if right.magnitude == 0:
            raise Refusal(messages.DIVISION_BY_ZERO)
        return Quantity(left.magnitude / right.magnitude, left.unit / right.unit)

    def _power(self, base: Quantity, exponent: Quantity) -> Quantity:
        power = exponent.in_unit(dimensionless())
        if abs(power) > MAX_EXPONENT:
            raise Refusal(messages.EXPONENT_RANGE)
        if is_dimensionless(base.unit):
            magnitude, unit = base.in_unit(dimensionless()), dimensionless()
        else:
            # The unit checker allowed a unit only with a constant whole power.
            magnitude, unit = base.magnitude, base.unit ** int(power)
        if magnitude == 0 and power < 0:
            raise Refusal(messages.DIVISION_BY_ZERO)
        return Quantity(magnitude**power, unit)

    @staticmethod
    def _negate(value: Quantity) -> Quantity:
        return Quantity(-value.magnitude, value.unit)

    @staticmethod
    def _identity(value: Quantity) -> Quantity:
        return value

    @staticmethod
    def _compare(test: Callable[[Decimal, Decimal], bool], left: Quantity, right: Quantity) -> bool:
        return test(left.magnitude, right.in_unit(left.unit))
