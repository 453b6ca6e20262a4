"""Every sentence the engine says to a person, in one place.

They are constants (some with a name filled in) so tests can assert them exactly and a
translation can replace them.
"""

from django.utils.translation import gettext_noop

from core.messages import Message

from .limits import (
    MAX_EQUATIONS,
    MAX_EXPONENT,
    MAX_EXPRESSION_LENGTH,
    MAX_MODEL_LENGTH,
    MAX_PARAMETERS,
    MAX_SERIES_LENGTH,
    MAX_SYMBOL_LENGTH,
    MAX_UNIT_POWER,
    PRECISION,
)

# The model: parameters, equations and the result.
TOO_MANY_PARAMETERS = Message(gettext_noop("A model can have at most {limit} parameters.")).format(
    limit=MAX_PARAMETERS
)
TOO_MANY_EQUATIONS = Message(gettext_noop("A model can have at most {limit} equations.")).format(
    limit=MAX_EQUATIONS
)
MODEL_TOO_LONG = Message(
    gettext_noop("The expressions are longer than {limit} characters in all.")
).format(limit=MAX_MODEL_LENGTH)
SYMBOL_FORM = Message(
    gettext_noop(
        "A symbol starts with a letter and has only ASCII letters, digits and underscores."
    )
)
SYMBOL_TOO_LONG = Message(gettext_noop("A symbol has at most {limit} characters.")).format(
    limit=MAX_SYMBOL_LENGTH
)
SYMBOL_RESERVED = Message(gettext_noop("{symbol} is a reserved word."))
SYMBOL_DUPLICATE = Message(gettext_noop("{symbol} is already defined."))
KIND = Message(gettext_noop("The kind must be fixed, ex_ante or monitored."))
FIXED_NEEDS_DEFAULT = Message(gettext_noop("A fixed parameter needs a default value."))
SERIES_NOT_MONITORED = Message(gettext_noop("Only a monitored parameter can be a series."))
SERIES_DEFAULT = Message(gettext_noop("A series parameter cannot have a default."))
NOT_A_DECIMAL = Message(gettext_noop("Must be a finite Decimal number."))
BOUNDS_REVERSED = Message(gettext_noop("The minimum is greater than the maximum."))
UNDEFINED_SYMBOL = Message(gettext_noop("Undefined symbol: {symbol}."))
CYCLE = Message(gettext_noop("Equations form a cycle: {cycle}."))
UNKNOWN_UNIT = Message(gettext_noop("Unknown unit: {unit}."))
OFFSET_UNIT = Message(
    gettext_noop("Units with an offset, such as degrees Celsius, are not supported: {unit}.")
)
UNIT_POWER = Message(
    gettext_noop("Units can only be raised to whole powers between -{limit} and {limit}.")
).format(limit=MAX_UNIT_POWER)
DECLARED_UNIT = Message(
    gettext_noop("The expression gives {computed}, which does not convert to {declared}.")
)

# The text of one expression.
NOT_AN_EXPRESSION = Message(gettext_noop("This is not a valid expression."))
TOO_LONG = Message(gettext_noop("The expression is longer than {limit} characters.")).format(
    limit=MAX_EXPRESSION_LENGTH
)
TOO_DEEP = Message(gettext_noop("The expression is nested too deeply."))
TOO_LARGE = Message(gettext_noop("The expression has too many parts."))
NOT_ALLOWED = Message(gettext_noop("Not allowed in an expression: {what}."))
UNKNOWN_FUNCTION = Message(gettext_noop("Unknown function: {name}."))
TEXT_OUTSIDE_LOOKUP = Message(
    gettext_noop("Text is only allowed as an argument of factor() or gwp().")
)
CONSTANT = Message(gettext_noop("Only numbers can be written as constants."))
FACTOR_ARGUMENTS = Message(
    gettext_noop(
        'factor() takes a series, a region and a year, as in factor("cn-national-average", "CN", '
        "2023)."
    )
)
GWP_ARGUMENTS = Message(
    gettext_noop('gwp() takes an assessment report and a gas, as in gwp("AR5", "CH4").')
)
ONE_ARGUMENT = Message(gettext_noop("{name}() takes one argument."))
MIN_MAX_ARGUMENTS = Message(gettext_noop("{name}() takes two or more values, or one series."))

# What an expression computes.
UNITS_DISAGREE = Message(gettext_noop("Units do not agree: {left} {operator} {right}."))
BRANCHES_DISAGREE = Message(
    gettext_noop("Units do not agree: the two results of 'if … else' are {left} and {right}.")
)
FUNCTION_UNITS_DISAGREE = Message(
    gettext_noop("Units do not agree: {name}() of {left} and {right}.")
)
SERIES_OUTSIDE_FUNCTION = Message(
    gettext_noop("{symbol} is a series: use it inside sum(), min() or max().")
)
SUM_NEEDS_SERIES = Message(gettext_noop("sum() takes a monitored series."))
CONDITION_AS_NUMBER = Message(
    gettext_noop("A comparison can only be used as the condition of 'if … else'.")
)
CONDITION_NEEDED = Message(gettext_noop("A condition must be a comparison, such as x > 0."))
EXPONENT_WITH_UNIT = Message(gettext_noop("An exponent must be a plain number without a unit."))
EXPONENT_NOT_CONSTANT = Message(
    gettext_noop(
        "A quantity with a unit can only be raised to a constant whole number, such as x ** 2."
    )
)
EXPONENT_RANGE = Message(gettext_noop("Exponents must be between -{limit} and {limit}.")).format(
    limit=MAX_EXPONENT
)
DIVISION_BY_ZERO = Message(gettext_noop("Division by zero."))
RESULT_TOO_LARGE = Message(gettext_noop("The result is too large."))
RESULT_NOT_REAL = Message(gettext_noop("The result is not a real number."))

# Reference data looked up by factor() and gwp().
REFERENCES_NEEDED = Message(gettext_noop("Reference data is needed for {lookup}."))
REFERENCE_NOT_FOUND = Message(gettext_noop("Reference data not found: {lookup}."))
REFERENCE_NOT_A_NUMBER = Message(
    gettext_noop("Reference data for {lookup} is not a finite Decimal number.")
)
REFERENCE_UNIT = Message(gettext_noop("Reference data for {lookup} has an unknown unit: {unit}."))
GWP_GAS = Message(
    gettext_noop("gwp() knows no unit for the gas {gas}: the engine has CO2, CH4 and N2O.")
)

# The inputs of a calculation.
REQUIRED = Message(gettext_noop("This parameter is required."))
UNKNOWN_PARAMETER = Message(gettext_noop("Unknown parameter."))
FIXED_PARAMETER = Message(
    gettext_noop("This parameter is fixed by the methodology and cannot be entered.")
)
NUMBER = Message(gettext_noop("A valid number is required."))
NUMBER_RANGE = Message(gettext_noop("The number is too large or too small."))
TOO_PRECISE = Message(gettext_noop("At most {limit} significant digits are allowed.")).format(
    limit=PRECISION
)
VALUE_OBJECT = Message(gettext_noop('Give a number, or an object with a "value" and a "unit".'))
INCOMPATIBLE_UNIT = Message(gettext_noop("{given} cannot be converted to {expected}."))
SERIES_EXPECTED = Message(gettext_noop("A list of values is required, one per sub-period."))
SCALAR_EXPECTED = Message(gettext_noop("A single value is required, not a list."))
SERIES_EMPTY = Message(gettext_noop("At least one value is required."))
SERIES_TOO_LONG = Message(gettext_noop("At most {limit} values are allowed.")).format(
    limit=MAX_SERIES_LENGTH
)
BELOW_MINIMUM = Message(gettext_noop("Must be at least {bound}."))
ABOVE_MAXIMUM = Message(gettext_noop("Must be at most {bound}."))
