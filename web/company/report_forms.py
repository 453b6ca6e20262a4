"""The monitoring report form: the period, the verifier, and the monitored series, typed in a
table (one row a sub-period) or uploaded as a CSV file (a header naming the series' symbols,
then one row a sub-period). Cells are read as the methodology engine reads them; what a value
means (bounds, units, the claim) is `create_report`'s to decide, and its refusals of a cell
come back named by row and column."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError

from accounts.models import Organization
from core.errors import InvalidInput
from core.messages import localized
from core.parsers import CSVParser
from methodologies.engine.errors import Refusal
from methodologies.engine.inputs import read_number
from methodologies.models import Parameter
from registry.projects.models import Project
from web.company.project_forms import (
    DATE_INPUT,
    PARAMETER_FIELD,
    parameter_field_name,
    parameter_help,
    parameter_widget,
    verifiers,
)

# Rows of the typed table: a monitoring year by month. A longer series is uploaded as CSV.
TABLE_ROWS = 12


def cell_name(row: int, symbol: str) -> str:
    return f"row_{row}_{symbol}"


def row_problem(row: int, column: str, message: str) -> str:
    return gettext("row %(row)s, column %(column)s: %(message)s") % {
        "row": row,
        "column": column,
        "message": localized(message),
    }


class ReportForm(forms.Form):
    """A monitoring report of one registered project of the company."""

    period_start = forms.DateField(label=_("Monitoring period start"), widget=DATE_INPUT)
    period_end = forms.DateField(label=_("Monitoring period end"), widget=DATE_INPUT)
    verifier = forms.ModelChoiceField(
        label=_("Engaged verifier"), queryset=Organization.objects.none()
    )
    series_file = forms.FileField(
        label=_("Monitored series as a CSV file"),
        required=False,
        help_text=_(
            "A header naming the series' symbols, then one row a sub-period. When a file is "
            "given, the table below is not read."
        ),
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["verifier"].queryset = verifiers().exclude(pk=project.verifier_id)
        # Values the data centre's readings give, and ex-ante values fixed at validation,
        # are not reported.
        from_readings = set(project.methodology.data_centre_readings or {})
        monitored = [
            parameter
            for parameter in project.methodology.parameters.all()
            if parameter.kind == Parameter.Kind.MONITORED and parameter.symbol not in from_readings
        ]
        self.series = [parameter for parameter in monitored if parameter.series]
        self.scalars = [parameter for parameter in monitored if not parameter.series]
        for parameter in self.scalars:
            self.fields[parameter_field_name(parameter.symbol)] = forms.CharField(
                label=f"{parameter.name} ({parameter.symbol})",
                required=False,
                widget=parameter_widget(parameter),
                help_text=parameter_help(parameter),
            )
        for row in range(1, TABLE_ROWS + 1):
            for parameter in self.series:
                self.fields[cell_name(row, parameter.symbol)] = forms.CharField(
                    label=gettext("%(symbol)s, row %(row)s")
                    % {"symbol": parameter.symbol, "row": row},
                    required=False,
                    widget=parameter_widget(parameter),
                )
        self.row_numbers: list[int] = []
        self.from_file = False

    def scalar_fields(self):
        return [self[parameter_field_name(parameter.symbol)] for parameter in self.scalars]

    def table(self):
        """The typed table: one row per sub-period, one cell per series."""
        return [
            (row, [self[cell_name(row, parameter.symbol)] for parameter in self.series])
            for row in range(1, TABLE_ROWS + 1)
        ]

    def parameters(self) -> dict | None:
        """The monitored values as `create_report` takes them, or None with the problems of
        the cells added to the form, each named by row and column."""
        values = {}
        for parameter in self.scalars:
            text = (self.cleaned_data.get(parameter_field_name(parameter.symbol)) or "").strip()
            if text:
                values[parameter.symbol] = text
        upload = self.cleaned_data.get("series_file")
        rows = self._file_rows(upload) if upload else self._table_rows()
        if rows is None:
            return None
        problems = [
            row_problem(number, column, message)
            for number, row in rows
            for column, text in row.items()
            if (message := _cell_problem(text)) is not None
        ]
        for problem in problems:
            self.add_error("series_file" if self.from_file else None, problem)
        if problems:
            return None
        self.row_numbers = [number for number, _ in rows]
        columns = [parameter.symbol for parameter in self.series]
        if self.from_file:
            columns = list(rows[0][1]) if rows else columns
        for column in columns:
            values[column] = [row.get(column, "") for _, row in rows]
        return values

    def _table_rows(self) -> list[tuple[int, dict]]:
        rows = []
        for row in range(1, TABLE_ROWS + 1):
            cells = {
                parameter.symbol: (
                    self.cleaned_data.get(cell_name(row, parameter.symbol)) or ""
                ).strip()
                for parameter in self.series
            }
            if any(cells.values()):
                rows.append((row, cells))
        return rows

    def _file_rows(self, upload) -> list[tuple[int, dict]] | None:
        """The CSV file's rows, numbered from 1 after the header (as the registry's other
        uploads number them); None with the file's problem added if it cannot be read."""
        self.from_file = True
        try:
            parsed = CSVParser().parse(upload)
        except ParseError as error:
            # The parser's message, English text by now: its translation by that text.
            self.add_error("series_file", gettext(str(error.detail)))
            return None
        if not parsed["rows"]:
            self.add_error("series_file", gettext("The file has a header but no rows."))
            return None
        return [
            (number, {column: (text or "").strip() for column, text in row.items()})
            for number, row in enumerate(parsed["rows"], start=1)
        ]

    def add_service_errors(self, error: InvalidInput) -> None:
        """The service's refusal next to its field: a refused cell named by row and column, a
        refused series by its column, anything else next to the field it names."""
        scalars = {parameter.symbol for parameter in self.scalars}
        table = "series_file" if self.from_file else None
        for key, messages in error.errors.items():
            match = PARAMETER_FIELD.match(key)
            for message in messages:
                if match and match["index"] is not None:
                    index = int(match["index"])
                    known = index < len(self.row_numbers)
                    row = self.row_numbers[index] if known else index + 1
                    self.add_error(table, row_problem(row, match["symbol"], localized(message)))
                elif match and match["symbol"] in scalars:
                    self.add_error(parameter_field_name(match["symbol"]), localized(message))
                elif match:
                    problem = gettext("column %(column)s: %(message)s") % {
                        "column": match["symbol"],
                        "message": localized(message),
                    }
                    self.add_error(table, problem)
                else:
                    self.add_error(key if key in self.fields else None, localized(message))


def _cell_problem(text: str) -> str | None:
    """Why a cell is not a number, as the engine says it; None for a number."""
    try:
        read_number(text)
    except Refusal as refusal:
        return localized(refusal.message)
    return None
