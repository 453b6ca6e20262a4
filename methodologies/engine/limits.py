"""Bounds that keep every check and calculation small, whatever a methodology or a report holds.

Each bound is far above what a real methodology needs (ACM0002's longest equation has a few dozen
parts) and far below what would let one request hold a worker for long or fill its memory.
"""

from decimal import ROUND_HALF_EVEN, Context, DivisionByZero, InvalidOperation, Overflow

# 34 significant digits is IEEE 754 decimal128: exact for any meter reading or emission factor
# in practice, and bounded so no multiplication grows without limit.
PRECISION = 34

# Every number is kept between 1e-9999 and 1e9999; a result beyond that is refused, not rounded
# to infinity. Inexact results (1/3) round half to even, as decimal128 does.
DECIMAL_CONTEXT = Context(
    prec=PRECISION,
    rounding=ROUND_HALF_EVEN,
    Emin=-9999,
    Emax=9999,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)

MAX_EXPRESSION_LENGTH = 2000  # characters in one equation's expression
# Characters in all of a model's expressions: checking and calculating cost about a millisecond
# per hundred characters, so this keeps a model under a second however its equations are split.
MAX_MODEL_LENGTH = 20_000
MAX_DEPTH = 100  # nesting of brackets and operations in one expression
MAX_NODES = 500  # operations, symbols and numbers in one expression
MAX_EXPONENT = 100  # largest |n| in x ** n
MAX_UNIT_POWER = 10  # largest |n| in a unit such as m**3
MAX_PARAMETERS = 500
MAX_EQUATIONS = 500
MAX_SERIES_LENGTH = 10_000  # values in one monitored series (hourly for a year is 8,784)
MAX_SYMBOL_LENGTH = 64
MAX_UNIT_LENGTH = 64  # characters in a unit such as "tCO2/MWh"
MAX_TEXT_LENGTH = 100  # characters in a number given as text, or in a reference-data name
