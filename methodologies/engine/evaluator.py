"""What the unit checker and the calculator share: values with units, and a simpleeval
evaluator cut down to the nodes `parse_expression` lets through.

Because the evaluator knows only those nodes, an expression that slipped past the parser's
checks would still meet simpleeval's refusal, never Python.
"""

import ast
import operator
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, DivisionByZero, InvalidOperation, Overflow, localcontext
from functools import cached_property
from typing import cast

from simpleeval import InvalidExpression, SimpleEval

from . import messages
from .errors import Refusal
from .expressions import LOOKUP_FUNCTIONS, Lookup, lookup_of
from .limits import DECIMAL_CONTEXT
from .units import Unit, convert


@dataclass(frozen=True)
class Quantity:
    """A number in a unit."""

    magnitude: Decimal
    unit: Unit

    def in_unit(self, unit: Unit) -> Decimal:
        """The magnitude in `unit`, which must measure the same thing."""
        return convert(self.magnitude, self.unit, unit)


@dataclass(frozen=True)
class Series:
    """A monitored series: one number per sub-period, all in one unit.

    Its total, least and greatest values are worked out once, however many equations use them.
    """

    magnitudes: tuple[Decimal, ...]
    unit: Unit

    @cached_property
    def total(self) -> Decimal:
        return sum(self.magnitudes, Decimal(0))

    @cached_property
    def least(self) -> Decimal:
        return min(self.magnitudes)

    @cached_property
    def greatest(self) -> Decimal:
        return max(self.magnitudes)


COMPARISONS: dict[type[ast.AST], Callable[[Decimal, Decimal], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}


@contextmanager
def arithmetic_refused() -> Iterator[None]:
    """Decimal arithmetic in the engine's context, its failures as refusals a person reads."""
    try:
        with localcontext(DECIMAL_CONTEXT):
            yield
    except DivisionByZero as error:
        raise Refusal(messages.DIVISION_BY_ZERO) from error
    except Overflow as error:
        raise Refusal(messages.RESULT_TOO_LARGE) from error
    except InvalidOperation as error:
        raise Refusal(messages.RESULT_NOT_REAL) from error


class Evaluator(SimpleEval):
    """What both evaluators share: the allowed nodes, symbols and function calls."""

    def __init__(self, names: Mapping[str, object], lookups: Mapping[Lookup, Quantity]) -> None:
        super().__init__(operators=self._operators(), functions={}, names=names)
        self.lookups = lookups
        # Only what parse_expression lets through; simpleeval refuses any other node.
        self.nodes = {
            ast.Name: self._eval_name,
            ast.Constant: self._eval_constant,
            ast.UnaryOp: self._eval_unaryop,
            ast.BinOp: self._eval_binop,
            ast.BoolOp: self._eval_boolop,
            ast.Compare: self._eval_compare,
            ast.IfExp: self._eval_ifexp,
            ast.Call: self._eval_call,
        }

    def _operators(self) -> dict[type[ast.AST], Callable[..., object]]:
        raise NotImplementedError

    def evaluate(self, tree: ast.AST) -> object:
        """Evaluate `tree`, from `parse_expression`; raises `Refusal` if it cannot be."""
        with arithmetic_refused():
            try:
                return self.eval("", previously_parsed=tree)
            except InvalidExpression as error:
                raise Refusal(messages.NOT_AN_EXPRESSION) from error

    def _eval_name(self, node: ast.Name) -> object:
        try:
            return self.names[node.id]
        except KeyError:
            raise Refusal(messages.UNDEFINED_SYMBOL.format(symbol=node.id)) from None

    def _eval_call(self, node: ast.Call) -> object:
        name = cast(ast.Name, node.func).id  # parse_expression lets only names be called
        if name in LOOKUP_FUNCTIONS:
            return self._lookup(self.lookups[lookup_of(node)])
        arguments = [self._eval(argument) for argument in node.args]
        if name == "abs":
            return self._abs(arguments[0])
        if name == "sum":
            return self._sum(arguments[0])
        return self._extreme(name, arguments)

    def _lookup(self, quantity: Quantity) -> object:
        raise NotImplementedError

    def _abs(self, value: object) -> object:
        raise NotImplementedError

    def _sum(self, value: object) -> object:
        raise NotImplementedError

    def _extreme(self, name: str, arguments: list[object]) -> object:
        raise NotImplementedError
