"""Checking an expression's units when a model is saved, whatever its values will be."""

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from . import messages
from .calculator import Calculator
from .errors import Refusal
from .evaluator import COMPARISONS, Evaluator, Quantity
from .expressions import OPERATOR_SYMBOLS, Lookup
from .limits import MAX_EXPONENT
from .units import Unit, check_powers, describe, dimensionless, is_dimensionless, same_dimension


@dataclass(frozen=True, eq=False)
class Dimension:
    """What the unit checker knows of a number: its unit.

    A bare `0` has no unit of its own (`unit` is None): it takes the unit of what it is added
    to, compared with or chosen instead of, so `max(0, BE - PE)` and `PE = 0` need no unit
    written. `zeros` are the literals that will take that unit once it is known.
    """

    unit: Unit | None
    zeros: tuple[ast.Constant, ...] = ()


@dataclass(frozen=True)
class SeriesDimension:
    """What the unit checker knows of a monitored series."""

    symbol: str
    unit: Unit


class _Condition:
    """What the unit checker knows of a comparison: that it is one."""


CONDITION = _Condition()


class UnitChecker(Evaluator):
    """Evaluates an expression over units, both sides of every conditional included.

    `names` maps each symbol to its `Dimension` or `SeriesDimension`, `lookups` each reference
    datum to its value. After `check`, `zero_units` holds the unit each bare `0` took.
    """

    def __init__(
        self,
        names: Mapping[str, Dimension | SeriesDimension],
        lookups: Mapping[Lookup, Quantity],
    ) -> None:
        super().__init__(names, lookups)
        self.zero_units: dict[ast.Constant, Unit] = {}

    def check(self, tree: ast.AST) -> Dimension:
        """The dimension of the number `tree` computes; raises `Refusal` where units disagree."""
        return self._number(self.evaluate(tree))

    def bind(self, dimension: Dimension, unit: Unit) -> Unit:
        """Give the bare zeros behind `dimension` the unit `unit`."""
        for zero in dimension.zeros:
            self.zero_units[zero] = unit
        return unit

    def _operators(self) -> dict[type[ast.AST], Callable[..., object]]:
        # Binary operators need the exponent's node, so _eval_binop handles them itself.
        return {
            ast.USub: self._number,
            ast.UAdd: self._number,
            ast.Not: self._condition,
            **{kind: partial(self._compare, OPERATOR_SYMBOLS[kind]) for kind in COMPARISONS},
        }

    def _eval_constant(self, node: ast.Constant) -> Dimension:
        if node.value == 0:
            return Dimension(None, (node,))
        return Dimension(dimensionless())

    def _eval_binop(self, node: ast.BinOp) -> Dimension:
        left = self._number(self._eval(node.left))
        right = self._number(self._eval(node.right))
        if isinstance(node.op, ast.Pow):
            return self._power(left, right, node.right)
        if isinstance(node.op, ast.Mult):
            return _checked(self._unit(left) * self._unit(right))
        if isinstance(node.op, ast.Div):
            return _checked(self._unit(left) / self._unit(right))
        return self._add(OPERATOR_SYMBOLS[type(node.op)], left, right)

    def _eval_boolop(self, node: ast.BoolOp) -> _Condition:
        # Every operand is checked, not only those a short circuit would reach.
        for value in node.values:
            self._condition(self._eval(value))
        return CONDITION

    def _eval_ifexp(self, node: ast.IfExp) -> Dimension:
        self._condition(self._eval(node.test))
        body = self._number(self._eval(node.body))
        orelse = self._number(self._eval(node.orelse))
        return self._agree(
            body,
            orelse,
            lambda left, right: messages.BRANCHES_DISAGREE.format(left=left, right=right),
        )

    def _lookup(self, quantity: Quantity) -> Dimension:
        return Dimension(quantity.unit)

    def _abs(self, value: object) -> Dimension:
        return self._number(value)

    def _sum(self, value: object) -> Dimension:
        if not isinstance(value, SeriesDimension):
            raise Refusal(messages.SUM_NEEDS_SERIES)
        return Dimension(value.unit)

    def _extreme(self, name: str, arguments: list[object]) -> Dimension:
        if len(arguments) == 1 and isinstance(arguments[0], SeriesDimension):
            return Dimension(arguments[0].unit)
        if len(arguments) == 1 or any(isinstance(value, SeriesDimension) for value in arguments):
            raise Refusal(messages.MIN_MAX_ARGUMENTS.format(name=name))
        result = self._number(arguments[0])
        for value in arguments[1:]:
            result = self._agree(
                result,
                self._number(value),
                lambda left, right: messages.FUNCTION_UNITS_DISAGREE.format(
                    name=name, left=left, right=right
                ),
            )
        return result

    def _add(self, symbol: str, left: Dimension, right: Dimension) -> Dimension:
        return self._agree(
            left,
            right,
            lambda first, second: messages.UNITS_DISAGREE.format(
                left=first, operator=symbol, right=second
            ),
        )

    def _compare(self, symbol: str, left: object, right: object) -> _Condition:
        self._add(symbol, self._number(left), self._number(right))
        return CONDITION

    def _power(self, base: Dimension, exponent: Dimension, exponent_node: ast.expr) -> Dimension:
        if not is_dimensionless(self._unit(exponent)):
            raise Refusal(messages.EXPONENT_WITH_UNIT)
        constant = self._constant(exponent_node)
        if constant is not None and abs(constant) > MAX_EXPONENT:
            raise Refusal(messages.EXPONENT_RANGE)
        base_unit = self._unit(base)
        if is_dimensionless(base_unit):
            return Dimension(dimensionless())
        if constant is None or constant != constant.to_integral_value():
            raise Refusal(messages.EXPONENT_NOT_CONSTANT)
        return _checked(base_unit ** int(constant))

    def _constant(self, node: ast.expr) -> Decimal | None:
        """The value of `node` if it is made of numbers alone, as in `10 ** (10 ** 10)`."""
        if any(isinstance(part, ast.Name | ast.Call) for part in ast.walk(node)):
            return None
        return Calculator({}, {}, {}).calculate(node).in_unit(dimensionless())

    def _agree(
        self, left: Dimension, right: Dimension, mismatch: Callable[[str, str], str]
    ) -> Dimension:
        """The dimension two numbers share, or a `Refusal` built by `mismatch` from their units."""
        if left.unit is None or right.unit is None:
            known = right.unit if left.unit is None else left.unit
            if known is None:
                return Dimension(None, left.zeros + right.zeros)
            self.bind(left, known)
            self.bind(right, known)
            return Dimension(known)
        if not same_dimension(left.unit, right.unit):
            raise Refusal(mismatch(describe(left.unit), describe(right.unit)))
        return Dimension(left.unit)

    def _unit(self, dimension: Dimension) -> Unit:
        """The unit of `dimension`, where a bare zero is a plain number."""
        if dimension.unit is None:
            return self.bind(dimension, dimensionless())
        return dimension.unit

    @staticmethod
    def _number(value: object) -> Dimension:
        if isinstance(value, SeriesDimension):
            raise Refusal(messages.SERIES_OUTSIDE_FUNCTION.format(symbol=value.symbol))
        if not isinstance(value, Dimension):
            raise Refusal(messages.CONDITION_AS_NUMBER)
        return value

    @staticmethod
    def _condition(value: object) -> _Condition:
        if value is not CONDITION:
            raise Refusal(messages.CONDITION_NEEDED)
        return CONDITION


def _checked(unit: Unit) -> Dimension:
    """The dimension of a product, quotient or power, whose unit's powers must stay small."""
    check_powers(unit)
    return Dimension(unit)
