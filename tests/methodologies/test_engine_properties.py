"""Properties of the engine over generated expressions and inputs.

Arithmetic is exact; no expression, however it is written, runs Python code or raises anything
but an `EngineError`; and every check and calculation finishes quickly, however large or deep
what it is given.
"""

import ast
import builtins
import keyword
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from methodologies.engine import (
    EngineError,
    EquationSpec,
    ModelSpec,
    ParameterSpec,
    calculate,
    check_model,
)

SYMBOLS = ("a", "b", "c")
# One decimal place and two significant digits, so that no generated expression needs more
# than the engine's 34 digits and every result can be compared exactly.
SMALL = st.decimals(min_value=Decimal("-9.9"), max_value=Decimal("9.9"), places=1)
DIVISORS = ("2", "4", "5", "8", "10")
# Generated text such as "1if" makes Python's tokenizer warn before the engine refuses it.
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")

FAST = settings(max_examples=150, deadline=timedelta(seconds=1))


class Grid:
    def factor(self, series: str, region: str, year: int) -> tuple[Decimal, str]:
        return {("cn", "CN", 2023): (Decimal("0.5703"), "tCO2/MWh")}[series, region, year]

    def gwp(self, assessment: str, gas: str) -> Decimal:
        return {("AR5", "CH4"): Decimal(28)}[assessment, gas]


@pytest.fixture(scope="module", autouse=True)
def units_ready() -> None:
    """Build the unit registry once, so the first example's time is not the registry's."""
    check_model(model_of("a * b + c"))


def model_of(expression: str, unit: str = "") -> ModelSpec:
    return ModelSpec(
        parameters=(
            *(ParameterSpec(symbol, "", "ex_ante") for symbol in SYMBOLS),
            ParameterSpec("m", "MWh", "monitored"),
            ParameterSpec("s", "MWh", "monitored", series=True),
        ),
        equations=(EquationSpec("X", expression, unit),),
        result="X",
    )


INPUTS = {"a": "2", "b": "-0.5", "c": "7", "m": "100", "s": ["1", "2", "3"]}


def written(value: Decimal) -> str:
    return f"({value})" if value < 0 else str(value)


@st.composite
def arithmetic(draw: st.DrawFn, depth: int, values: dict[str, Decimal]) -> tuple[str, Fraction]:
    """An expression over `values` and small numbers, with its exact value."""
    kind = draw(
        st.sampled_from(("leaf", "leaf", "binary", "divide", "negate"))
        if depth
        else st.just("leaf")
    )
    if kind == "leaf":
        if draw(st.booleans()):
            symbol = draw(st.sampled_from(SYMBOLS))
            return symbol, Fraction(values[symbol])
        number = draw(SMALL)
        return written(number), Fraction(number)
    text, value = draw(arithmetic(depth - 1, values))
    if kind == "negate":
        return f"-({text})", -value
    if kind == "divide":
        divisor = draw(st.sampled_from(DIVISORS))
        return f"({text}) / {divisor}", value / Fraction(divisor)
    operator = draw(st.sampled_from("+-*"))
    other_text, other = draw(arithmetic(depth - 1, values))
    exact = {"+": value + other, "-": value - other, "*": value * other}[operator]
    return f"({text}) {operator} ({other_text})", exact


@st.composite
def arithmetic_case(draw: st.DrawFn) -> tuple[dict[str, Decimal], str, Fraction]:
    values = {symbol: draw(SMALL) for symbol in SYMBOLS}
    text, exact = draw(arithmetic(3, values))
    return values, text, exact


@FAST
@given(arithmetic_case())
def test_arithmetic_agrees_with_exact_fractions(case):
    values, expression, exact = case
    inputs = {**INPUTS, **{symbol: str(value) for symbol, value in values.items()}}

    result = calculate(model_of(expression), inputs).result.value

    assert Fraction(result) == exact


@FAST
@given(st.decimals(min_value=-(10**12), max_value=10**12, places=6))
def test_unit_conversion_there_and_back_is_exact(value):
    model = ModelSpec(
        parameters=(ParameterSpec("EG", "MWh", "monitored"),),
        equations=(EquationSpec("EG_kWh", "EG", "kWh"), EquationSpec("EG_back", "EG_kWh", "MWh")),
        result="EG_back",
    )
    given_in_gwh = {"value": str(value), "unit": "GWh"}

    calculation = calculate(model, {"EG": given_in_gwh})

    assert calculation.values["EG_kWh"].value == value * 1_000_000
    assert calculation.result.value == value * 1000


# Nothing is ever executed: only EngineError comes out, and the sentinel is never called.

_calls: list[tuple[object, ...]] = []


def _sentinel(*arguments: object) -> int:
    _calls.append(arguments)
    return 1


@contextmanager
def sentinel_in_builtins() -> Iterator[None]:
    """`sentinel()` callable from any Python code, as `__import__` and `open` are."""
    builtins.sentinel = _sentinel  # type: ignore[attr-defined]
    try:
        yield
    finally:
        del builtins.sentinel  # type: ignore[attr-defined]


def try_everything(expression: str) -> None:
    """Check and calculate `expression` as each kind of equation; only refusals may come out."""
    for unit in ("", "MWh", "tCO2"):
        model = model_of(expression, unit)
        with suppress(EngineError):
            check_model(model, Grid())
            calculate(model, INPUTS, Grid())


DANGEROUS_NAMES = (
    "sentinel",
    "__import__",
    "eval",
    "exec",
    "open",
    "compile",
    "globals",
    "locals",
    "getattr",
    "vars",
    "type",
    "os",
    "sys",
    "__builtins__",
    "__class__",
    "lambda",
    "print",
    "input",
    "breakpoint",
)
ENGINE_NAMES = ("a", "b", "c", "m", "s", "X", "abs", "min", "max", "sum", "factor", "gwp")
TOKENS = (
    *DANGEROUS_NAMES,
    *ENGINE_NAMES,
    "0",
    "1",
    "2.5",
    "1e400",
    "10",
    "-",
    "+",
    "*",
    "/",
    "**",
    "%",
    "//",
    "<",
    ">",
    "==",
    "!=",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    ".",
    ";",
    "=",
    ":=",
    "if",
    "else",
    "and",
    "or",
    "not",
    "for",
    "in",
    "is",
    "lambda",
    "yield",
    "await",
    "import",
    "'os'",
    '"cn"',
    '"CN"',
    "2023",
    "__class__",
    "__subclasses__",
    "__globals__",
    "system",
    "*args",
    "f'{a}'",
    "\\",
)


@settings(max_examples=300, deadline=timedelta(seconds=1))
@given(st.text(max_size=120))
def test_random_text_is_refused_or_calculated_never_run(text):
    with sentinel_in_builtins():
        try_everything(text)

    assert _calls == []


@settings(max_examples=300, deadline=timedelta(seconds=1))
@given(st.lists(st.sampled_from(TOKENS), max_size=25).map(" ".join))
def test_token_soup_is_refused_or_calculated_never_run(soup):
    with sentinel_in_builtins():
        try_everything(soup)
        try_everything(soup.replace(" ", ""))

    assert _calls == []


def python_trees() -> st.SearchStrategy[ast.expr]:
    """Python expressions of every kind, many of them dangerous."""
    names = (
        st.sampled_from(DANGEROUS_NAMES + ENGINE_NAMES)
        .filter(lambda name: not keyword.iskeyword(name))
        .map(lambda name: ast.Name(name, ast.Load()))
    )
    constants = st.one_of(
        st.integers(-(10**6), 10**6),
        st.sampled_from([0.5, 1e300, "os", "cn", "CN", None, True, b"x", 2023]),
    ).map(ast.Constant)
    attributes = st.sampled_from(("__class__", "__globals__", "__subclasses__", "system", "real"))
    operators = st.sampled_from(
        [
            ast.Add(),
            ast.Sub(),
            ast.Mult(),
            ast.Div(),
            ast.Pow(),
            ast.Mod(),
            ast.FloorDiv(),
            ast.LShift(),
        ]
    )
    comparisons = st.sampled_from([ast.Lt(), ast.Gt(), ast.Eq(), ast.In(), ast.Is()])

    def extend(children: st.SearchStrategy[ast.expr]) -> st.SearchStrategy[ast.expr]:
        arguments = st.lists(children, max_size=3)
        one = st.lists(children, min_size=1, max_size=1)
        two_or_more = st.lists(children, min_size=2, max_size=3)
        return st.one_of(
            st.builds(ast.BinOp, children, operators, children),
            st.builds(
                ast.UnaryOp, st.sampled_from([ast.USub(), ast.Not(), ast.Invert()]), children
            ),
            st.builds(ast.Compare, children, st.lists(comparisons, min_size=1, max_size=1), one),
            st.builds(ast.IfExp, children, children, children),
            st.builds(ast.Call, st.one_of(names, children), arguments, st.just([])),
            st.builds(ast.Attribute, children, attributes, st.just(ast.Load())),
            st.builds(ast.Subscript, children, children, st.just(ast.Load())),
            st.builds(ast.Tuple, arguments, st.just(ast.Load())),
            st.builds(ast.BoolOp, st.sampled_from([ast.And(), ast.Or()]), two_or_more),
            st.builds(
                ast.Lambda,
                st.just(ast.arguments([], [], None, [], [], None, [])),
                children,
            ),
            st.builds(
                ast.ListComp,
                children,
                children.map(
                    lambda iterable: [
                        ast.comprehension(ast.Name("x", ast.Store()), iterable, [], 0)
                    ]
                ),
            ),
        )

    return st.recursive(st.one_of(names, constants), extend, max_leaves=12)


@settings(
    max_examples=300,
    deadline=timedelta(seconds=1),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(python_trees())
def test_random_python_is_refused_or_calculated_never_run(tree):
    expression = ast.unparse(ast.fix_missing_locations(tree))

    with sentinel_in_builtins():
        try_everything(expression)

    assert _calls == []


def test_expressions_are_never_given_to_python_eval_or_exec(monkeypatch):
    def refuse(*arguments: object) -> None:
        raise AssertionError("the engine called eval or exec")

    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)

    calculation = calculate(model_of("max(a, b) * c if abs(a) > 0 else sum(s) / m"), INPUTS)

    assert calculation.result.value == 14


def test_the_sentinel_would_notice_python_running():
    with sentinel_in_builtins():
        eval("sentinel()")  # noqa: S307 - proves the sentinel sees code that runs

    assert _calls.pop() == ()


# Everything finishes under a bound, and is refused rather than computed when it is too big.

PATHOLOGICAL = st.one_of(
    st.integers(1, 3000).map(lambda n: "(" * n + "a" + ")" * n),
    st.integers(1, 2500).map(lambda n: "-" * n + "a"),
    st.integers(1, 2500).map(lambda n: "not " * n + "a > 0"),
    st.integers(1, 800).map(lambda n: "2 ** " * n + "2"),
    st.integers(1, 1200).map(lambda n: "a + " * n + "a"),
    st.integers(1, 1200).map(lambda n: "a * " * n + "a"),
    st.integers(1, 700).map(lambda n: "max(" + "a, " * n + "a)"),
    st.integers(1, 400).map(lambda n: "a if a > 0 else " * n + "a"),
    st.integers(1, 400).map(lambda n: "abs(" * n + "a" + ")" * n),
    st.tuples(st.integers(-(10**6), 10**6), st.integers(-(10**6), 10**6)).map(
        lambda pair: f"{pair[0]} ** {pair[1]}"
    ),
    st.sampled_from(
        [
            "9 ** 9 ** 9",
            "(10 ** 100) ** 100",
            "1e9999 * 1e9999",
            "(a * 1e5000) ** 2",
            "1e-9999 ** 100",
            "(0.5 ** 100) ** 100",
            "2 ** (2 ** (2 ** (2 ** 2)))",
            "a ** (a * 1000)",
            "m ** 10 * m ** 10 / m ** 20",
            "(m ** 10) ** 10",
            "1" * 2001,
            "9" * 1999 + " * " + "9" * 1,
            "sum(s) ** 100",
        ]
    ),
)


@settings(max_examples=200, deadline=timedelta(seconds=1))
@given(PATHOLOGICAL)
def test_huge_or_deep_expressions_finish_or_are_refused(expression):
    try_everything(expression)


HUGE_NUMBERS = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True),
    st.integers(),
    st.integers(0, 4000).map(lambda digits: "9" * digits),
    st.integers(-(10**9), 10**9).map(lambda exponent: f"1e{exponent}"),
    st.floats(),
    st.text(max_size=50),
)


@settings(max_examples=200, deadline=timedelta(seconds=1))
@given(
    a=HUGE_NUMBERS,
    m=st.one_of(
        HUGE_NUMBERS,
        st.fixed_dictionaries(
            {"value": HUGE_NUMBERS, "unit": st.sampled_from(["GWh", "TJ", "kWh", "MWh**2", "%"])}
        ),
    ),
    series_length=st.integers(0, 12_000),
)
def test_huge_inputs_finish_or_are_refused(a, m, series_length):
    model = model_of("a ** 3 * sum(s) / m * m + min(s) * a ** 2 * a", "MWh")
    inputs = {**INPUTS, "a": a, "m": m, "s": ["1.5"] * series_length}

    with suppress(EngineError):
        calculate(model, inputs)
