"""Every sentence the engine says to a person, in one place.

They are constants (some with a name filled in) so tests can assert them exactly and a
translation can replace them.
"""

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
TOO_MANY_PARAMETERS = f"A model can have at most {MAX_PARAMETERS} parameters."
TOO_MANY_EQUATIONS = f"A model can have at most {MAX_EQUATIONS} equations."
MODEL_TOO_LONG = f"The expressions are longer than {MAX_MODEL_LENGTH} characters in all."
SYMBOL_FORM = "A symbol starts with a letter and has only ASCII letters, digits and underscores."
SYMBOL_TOO_LONG = f"A symbol has at most {MAX_SYMBOL_LENGTH} characters."
SYMBOL_RESERVED = "{symbol} is a reserved word."
SYMBOL_DUPLICATE = "{symbol} is already defined."
KIND = "The kind must be fixed, ex_ante or monitored."
FIXED_NEEDS_DEFAULT = "A fixed parameter needs a default value."
SERIES_NOT_MONITORED = "Only a monitored parameter can be a series."
SERIES_DEFAULT = "A series parameter cannot have a default."
NOT_A_DECIMAL = "Must be a finite Decimal number."
BOUNDS_REVERSED = "The minimum is greater than the maximum."
UNDEFINED_SYMBOL = "Undefined symbol: {symbol}."
CYCLE = "Equations form a cycle: {cycle}."
UNKNOWN_UNIT = "Unknown unit: {unit}."
OFFSET_UNIT = "Units with an offset, such as degrees Celsius, are not supported: {unit}."
UNIT_POWER = (
    f"Units can only be raised to whole powers between -{MAX_UNIT_POWER} and {MAX_UNIT_POWER}."
)
DECLARED_UNIT = "The expression gives {computed}, which does not convert to {declared}."

# The text of one expression.
NOT_AN_EXPRESSION = "This is not a valid expression."
TOO_LONG = f"The expression is longer than {MAX_EXPRESSION_LENGTH} characters."
TOO_DEEP = "The expression is nested too deeply."
TOO_LARGE = "The expression has too many parts."
NOT_ALLOWED = "Not allowed in an expression: {what}."
UNKNOWN_FUNCTION = "Unknown function: {name}."
TEXT_OUTSIDE_LOOKUP = "Text is only allowed as an argument of factor() or gwp()."
CONSTANT = "Only numbers can be written as constants."
FACTOR_ARGUMENTS = (
    'factor() takes a series, a region and a year, as in factor("cn-national-average", "CN", 2023).'
)
GWP_ARGUMENTS = 'gwp() takes an assessment report and a gas, as in gwp("AR5", "CH4").'
ONE_ARGUMENT = "{name}() takes one argument."
MIN_MAX_ARGUMENTS = "{name}() takes two or more values, or one series."

# What an expression computes.
UNITS_DISAGREE = "Units do not agree: {left} {operator} {right}."
BRANCHES_DISAGREE = "Units do not agree: the two results of 'if … else' are {left} and {right}."
FUNCTION_UNITS_DISAGREE = "Units do not agree: {name}() of {left} and {right}."
SERIES_OUTSIDE_FUNCTION = "{symbol} is a series: use it inside sum(), min() or max()."
SUM_NEEDS_SERIES = "sum() takes a monitored series."
CONDITION_AS_NUMBER = "A comparison can only be used as the condition of 'if … else'."
CONDITION_NEEDED = "A condition must be a comparison, such as x > 0."
EXPONENT_WITH_UNIT = "An exponent must be a plain number without a unit."
EXPONENT_NOT_CONSTANT = (
    "A quantity with a unit can only be raised to a constant whole number, such as x ** 2."
)
EXPONENT_RANGE = f"Exponents must be between -{MAX_EXPONENT} and {MAX_EXPONENT}."
DIVISION_BY_ZERO = "Division by zero."
RESULT_TOO_LARGE = "The result is too large."
RESULT_NOT_REAL = "The result is not a real number."

# Reference data looked up by factor() and gwp().
REFERENCES_NEEDED = "Reference data is needed for {lookup}."
REFERENCE_NOT_FOUND = "Reference data not found: {lookup}."
REFERENCE_NOT_A_NUMBER = "Reference data for {lookup} is not a finite Decimal number."
REFERENCE_UNIT = "Reference data for {lookup} has an unknown unit: {unit}."
GWP_GAS = "gwp() knows no unit for the gas {gas}: the engine has CO2, CH4 and N2O."

# The inputs of a calculation.
REQUIRED = "This parameter is required."
UNKNOWN_PARAMETER = "Unknown parameter."
FIXED_PARAMETER = "This parameter is fixed by the methodology and cannot be entered."
NUMBER = "A valid number is required."
NUMBER_RANGE = "The number is too large or too small."
TOO_PRECISE = f"At most {PRECISION} significant digits are allowed."
VALUE_OBJECT = 'Give a number, or an object with a "value" and a "unit".'
INCOMPATIBLE_UNIT = "{given} cannot be converted to {expected}."
SERIES_EXPECTED = "A list of values is required, one per sub-period."
SCALAR_EXPECTED = "A single value is required, not a list."
SERIES_EMPTY = "At least one value is required."
SERIES_TOO_LONG = f"At most {MAX_SERIES_LENGTH} values are allowed."
BELOW_MINIMUM = "Must be at least {bound}."
ABOVE_MAXIMUM = "Must be at most {bound}."
