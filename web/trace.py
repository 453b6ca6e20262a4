"""A calculation trace (a report's claim, a project's estimate) as the rows of a table a
verifier reads: the methodology's parameters with the values used, its equations in order
with the value each gave, and the reference data looked up; every value with its unit."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from methodologies.models import Methodology

KIND_LABELS = {
    "fixed": _("Fixed by the methodology"),
    "ex_ante": _("Set in the design"),
    "monitored": _("Monitored"),
}


@dataclass(frozen=True)
class TraceRow:
    """One line of the trace: `values` holds one number, or each of a monitored series."""

    symbol: str
    name: str
    kind: str
    expression: str
    values: tuple[Decimal | str, ...]
    unit: str
    is_result: bool = False

    @property
    def series(self) -> bool:
        return len(self.values) > 1


def _numbers(value: Any) -> tuple[Decimal | str, ...]:
    """The stored text as decimals (shown in the reader's locale); text that is not a number
    as it was stored."""
    items = value if isinstance(value, list) else [value]
    numbers: list[Decimal | str] = []
    for item in items:
        try:
            numbers.append(Decimal(str(item)))
        except InvalidOperation:
            numbers.append(str(item))
    return tuple(numbers)


def trace_rows(methodology: Methodology, trace: dict[str, Any]) -> list[TraceRow]:
    """Parameters first, then equations in evaluation order, then reference data."""
    values = trace.get("values", {})
    result_symbol = trace.get("result", {}).get("symbol", methodology.result_symbol)
    rows = []
    for parameter in methodology.parameters.all():
        used = values.get(parameter.symbol)
        rows.append(
            TraceRow(
                symbol=parameter.symbol,
                name=parameter.name,
                kind=str(KIND_LABELS.get(parameter.kind, parameter.kind)),
                expression="",
                values=_numbers(used["value"]) if used else (),
                unit=used["unit"] if used else parameter.unit,
            )
        )
    for equation in methodology.equations.all():
        used = values.get(equation.symbol)
        rows.append(
            TraceRow(
                symbol=equation.symbol,
                name=equation.description,
                kind=str(_("Equation")),
                expression=equation.expression,
                values=_numbers(used["value"]) if used else (),
                unit=used["unit"] if used else equation.unit,
                is_result=equation.symbol == result_symbol,
            )
        )
    for lookup, used in trace.get("references", {}).items():
        rows.append(
            TraceRow(
                symbol=lookup,
                name="",
                kind=str(_("Reference data")),
                expression="",
                values=_numbers(used["value"]),
                unit=used["unit"],
            )
        )
    return rows
