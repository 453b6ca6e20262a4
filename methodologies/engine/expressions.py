"""Reading one equation's expression: parse it, and refuse anything but the small language
methodologies are written in.

The language: numbers, declared symbols, + - * / **, unary minus, brackets, comparisons joined by
`and`, `or`, `not`, the conditional `x if condition else y`, `abs()`, `min()`, `max()`,
`sum(series)`, and the reference-data lookups `factor(series, region, year)` and
`gwp(assessment, gas)` with literal arguments. Everything else (attributes, indexing, lambdas,
comprehensions, other functions and operators) is refused here, before anything is evaluated.
"""

import ast
import json
import re
from dataclasses import dataclass
from decimal import Overflow, localcontext
from typing import cast

from . import messages
from .errors import Refusal
from .limits import (
    DECIMAL_CONTEXT,
    MAX_DEPTH,
    MAX_EXPRESSION_LENGTH,
    MAX_NODES,
    MAX_TEXT_LENGTH,
)

LOOKUP_FUNCTIONS = frozenset({"factor", "gwp"})
FUNCTIONS = frozenset({"abs", "max", "min", "sum"}) | LOOKUP_FUNCTIONS

OPERATOR_SYMBOLS: dict[type[ast.AST], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Pow: "**",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
}
_ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)
_UNARY = (ast.USub, ast.UAdd, ast.Not)
_COMPARISONS = (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE)

_REFUSED_OPERATORS: dict[type[ast.AST], str] = {
    ast.Mod: "%",
    ast.FloorDiv: "//",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.BitAnd: "&",
    ast.Invert: "~",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Is: "is",
    ast.IsNot: "is not",
}
_REFUSED_NODES: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access",
    ast.Subscript: "indexing",
    ast.Slice: "slices",
    ast.Lambda: "lambda functions",
    ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.List: "lists, tuples, sets and dicts",
    ast.Tuple: "lists, tuples, sets and dicts",
    ast.Set: "lists, tuples, sets and dicts",
    ast.Dict: "lists, tuples, sets and dicts",
    ast.JoinedStr: "formatted text",
    ast.FormattedValue: "formatted text",
    ast.NamedExpr: "assignments",
    ast.Starred: "unpacking",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
}


@dataclass(frozen=True)
class Lookup:
    """A reference datum an expression looks up, such as `gwp("AR5", "CH4")`."""

    function: str
    arguments: tuple[str | int, ...]

    def __str__(self) -> str:
        written = (json.dumps(argument, ensure_ascii=False) for argument in self.arguments)
        return f"{self.function}({', '.join(written)})"


@dataclass(frozen=True, eq=False)
class ParsedExpression:
    """An expression that passed every check of its text.

    `tree` is the parsed expression with each number replaced by its exact `Decimal`; it is
    only ever walked by the evaluators, never compiled. `symbols` lists the symbols it uses in
    order of appearance, `lookups` the reference data it needs.
    """

    text: str
    tree: ast.expr
    symbols: tuple[str, ...]
    lookups: tuple[Lookup, ...]


def parse_expression(text: str) -> ParsedExpression:
    """Parse and check `text`; raises `Refusal` naming the first thing that is not allowed."""
    if not isinstance(text, str) or not text.strip():
        raise Refusal(messages.NOT_AN_EXPRESSION)
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise Refusal(messages.TOO_LONG)
    source = text.strip()
    # Python's parser gives up at 200 nested brackets with a message of its own; counting first
    # gives the same answer as any other too-deep expression.
    if _bracket_depth(source) > MAX_DEPTH:
        raise Refusal(messages.TOO_DEEP)
    try:
        tree = ast.parse(source, mode="eval").body
    except (SyntaxError, ValueError) as error:
        raise Refusal(messages.NOT_AN_EXPRESSION) from error
    # Python's parser reads \r\n and \r as line ends too.
    lines = [line.encode() for line in re.split(r"\r\n|\r|\n", source)]
    names: list[ast.Name] = []
    lookups: list[Lookup] = []
    pending: list[tuple[ast.AST, int]] = [(tree, 1)]
    count = 0
    # A loop with its own stack rather than recursion, so a deep tree is refused, not a crash.
    while pending:
        node, depth = pending.pop()
        count += 1
        if count > MAX_NODES:
            raise Refusal(messages.TOO_LARGE)
        if depth > MAX_DEPTH:
            raise Refusal(messages.TOO_DEEP)
        children = _check_node(node, lines, names, lookups)
        pending.extend((child, depth + 1) for child in children)
    names.sort(key=lambda name: (name.lineno, name.col_offset))
    symbols = tuple(dict.fromkeys(name.id for name in names))
    return ParsedExpression(text, tree, symbols, tuple(dict.fromkeys(lookups)))


def lookup_of(call: ast.Call) -> Lookup:
    """The lookup a `factor()` or `gwp()` call that passed `parse_expression` makes."""
    function = cast(ast.Name, call.func).id
    return Lookup(function, tuple(cast(ast.Constant, argument).value for argument in call.args))


def _bracket_depth(source: str) -> int:
    depth = deepest = 0
    for character in source:
        if character in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif character in ")]}":
            depth -= 1
    return deepest


def _check_node(
    node: ast.AST, lines: list[bytes], names: list[ast.Name], lookups: list[Lookup]
) -> tuple[ast.AST, ...]:
    """Refuse `node` if it is not part of the language; otherwise its sub-expressions."""
    if isinstance(node, ast.Name):
        names.append(node)
        return ()
    if isinstance(node, ast.Constant):
        _read_number(node, lines)
        return ()
    if isinstance(node, ast.UnaryOp):
        _check_operator(node.op, _UNARY)
        return (node.operand,)
    if isinstance(node, ast.BinOp):
        _check_operator(node.op, _ARITHMETIC)
        return (node.left, node.right)
    if isinstance(node, ast.BoolOp):
        return tuple(node.values)
    if isinstance(node, ast.Compare):
        for operator in node.ops:
            _check_operator(operator, _COMPARISONS)
        return (node.left, *node.comparators)
    if isinstance(node, ast.IfExp):
        return (node.test, node.body, node.orelse)
    if isinstance(node, ast.Call):
        return _check_call(node, lookups)
    raise Refusal(messages.NOT_ALLOWED.format(what=_describe(node)))


def _check_operator(operator: ast.AST, allowed: tuple[type[ast.AST], ...]) -> None:
    if not isinstance(operator, allowed):
        what = f"the operator {_REFUSED_OPERATORS.get(type(operator), type(operator).__name__)}"
        raise Refusal(messages.NOT_ALLOWED.format(what=what))


def _read_number(node: ast.Constant, lines: list[bytes]) -> None:
    """Replace a number's value with its exact Decimal, read from the text as written (the
    float Python parsed would not be exact: 0.1 is not one tenth)."""
    value = node.value
    if isinstance(value, str):
        raise Refusal(messages.TEXT_OUTSIDE_LOOKUP)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Refusal(messages.CONSTANT)
    if isinstance(value, float):
        # A number is on one line; ast gives its columns as UTF-8 byte offsets.
        line = lines[node.lineno - 1]
        value = line[node.col_offset : node.end_col_offset].decode()
    try:
        with localcontext(DECIMAL_CONTEXT) as context:
            node.value = context.create_decimal(value)
    except Overflow as error:
        raise Refusal(messages.NUMBER_RANGE) from error


def _check_call(node: ast.Call, lookups: list[Lookup]) -> tuple[ast.AST, ...]:
    if not isinstance(node.func, ast.Name):
        what = _REFUSED_NODES.get(type(node.func), "calling anything but a function")
        raise Refusal(messages.NOT_ALLOWED.format(what=what))
    name = node.func.id
    if name not in FUNCTIONS:
        raise Refusal(messages.UNKNOWN_FUNCTION.format(name=name))
    if node.keywords:
        raise Refusal(messages.NOT_ALLOWED.format(what="keyword arguments"))
    if any(isinstance(argument, ast.Starred) for argument in node.args):
        raise Refusal(messages.NOT_ALLOWED.format(what="unpacking"))
    if name in LOOKUP_FUNCTIONS:
        _check_lookup(node)
        lookups.append(lookup_of(node))
        return ()
    if name in ("abs", "sum") and len(node.args) != 1:
        raise Refusal(messages.ONE_ARGUMENT.format(name=name))
    if not node.args:
        raise Refusal(messages.MIN_MAX_ARGUMENTS.format(name=name))
    return tuple(node.args)


def _check_lookup(node: ast.Call) -> None:
    """Lookups take literal arguments, so the data they need (and its unit) is known when the
    methodology is checked, not only when it is calculated."""
    name = cast(ast.Name, node.func).id
    kinds = (str, str, int) if name == "factor" else (str, str)
    if len(node.args) != len(kinds) or not all(
        _is_literal(argument, kind) for argument, kind in zip(node.args, kinds, strict=True)
    ):
        raise Refusal(messages.FACTOR_ARGUMENTS if name == "factor" else messages.GWP_ARGUMENTS)


def _is_literal(argument: ast.AST, kind: type) -> bool:
    if not isinstance(argument, ast.Constant) or type(argument.value) is not kind:
        return False
    if kind is str:
        return 0 < len(argument.value) <= MAX_TEXT_LENGTH
    return 0 < argument.value < 10_000  # a year


def _describe(node: ast.AST) -> str:
    return _REFUSED_NODES.get(type(node), type(node).__name__)
