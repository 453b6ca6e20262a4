"""Uploading a data centre's readings as a table, one row a period (a CSV file, or JSON rows):
all rows or none, every bad cell named by its row (1: the first row after a CSV file's header)
and column. Each row is recorded by `record_reading`, the service of a reading posted alone, so
its figures, its correction of the current reading of the same period and its audit entry are
that service's, and a re-upload of the same rows changes nothing. Certificates are claimed with
a reading posted alone, never by an upload. Uploads of many rows run as jobs (`upload_jobs`).
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_noop

from accounts.models import User
from compute import rules
from compute.locks import lock_data_centre
from compute.models import DataCentre
from compute.services.readings import (
    MEASURED_FIELDS,
    reading_problems,
    record_reading,
    reference_read_once,
)
from core.errors import AccessDenied, InvalidInput, InvalidRows
from core.jobs import Progress, reporting
from core.messages import Message

DATE_COLUMNS = ("period_start", "period_end")
COLUMNS = (*DATE_COLUMNS, *MEASURED_FIELDS)
REQUIRED_COLUMNS = ("period_start", "period_end", "total_energy_kwh", "it_energy_kwh")
# A blank optional cell: no on-site renewables, no water given (as when posted without them).
DEFAULTS: dict[str, Decimal | None] = {"onsite_renewable_kwh": Decimal(0), "water_m3": None}
# The columns' precision (`Reading`: 20 digits, 3 of them decimal places): kWh to the Wh, m³ to
# the litre.
PLACES = Decimal("0.001")
WHOLE_DIGITS = 17

NO_ROWS = Message(gettext_noop("Send at least one row."))
REQUIRED = Message(gettext_noop("This column is required."))
NOT_A_DATE = Message(gettext_noop("A date is written YYYY-MM-DD, e.g. 2025-01-01."))
NOT_A_NUMBER = Message(
    gettext_noop("Not a number: write digits, with a decimal point if need be, e.g. 1300000.5.")
)
TOO_PRECISE = Message(gettext_noop("At most 3 decimal places."))
TOO_LARGE = Message(gettext_noop("At most 17 digits before the decimal point."))
UNKNOWN_COLUMN = Message(
    gettext_noop(
        "Not a column of a reading upload; the columns are: {columns}. Certificates are claimed "
        "with a reading posted alone."
    )
)
OVERLAPS_ROW = Message(
    gettext_noop(
        "The period overlaps row {other} of this upload ({start} to {end}, period_end excluded); a "
        "period appears at most once in an upload."
    )
)

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Uploaded:
    """What an upload did: of its `rows`, how many were recorded as new readings (`created`),
    corrected the current reading of their period (`corrected`), or repeated it (`unchanged`)."""

    rows: int
    created: int
    corrected: int
    unchanged: int


@dataclass
class _Row:
    """One row of an upload: its number, the values read, and its problems as (column,
    message)."""

    number: int
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)

    @property
    def period(self) -> tuple[date, date] | None:
        """The row's period, if it is a good one (both dates read, period_end not refused)."""
        if any(column not in self.values for column in DATE_COLUMNS):
            return None
        if any(column == "period_end" for column, _ in self.problems):
            return None
        return self.values["period_start"], self.values["period_end"]


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _date(text: str) -> date:
    if not DATE.match(text):
        raise ValueError(NOT_A_DATE)
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise ValueError(NOT_A_DATE) from error


def _decimal(text: str) -> Decimal:
    """The number a cell writes, as the column stores it; negatives are read, and refused as the
    posted readings' are (`reading_problems`)."""
    try:
        value = Decimal(text)
    except InvalidOperation as error:
        raise ValueError(NOT_A_NUMBER) from error
    if not value.is_finite() or "_" in text:
        raise ValueError(NOT_A_NUMBER)
    if value and value.adjusted() >= WHOLE_DIGITS:
        raise ValueError(TOO_LARGE)
    stored = value.quantize(PLACES)
    if stored != value:
        raise ValueError(TOO_PRECISE)
    return stored


def _parse(number: int, raw: Mapping[str, Any]) -> _Row:
    """Read each cell of a row and check the row as `record_reading` checks a reading before
    any lock (`reading_problems`), with the cells that could be read."""
    row = _Row(number)
    for column in COLUMNS:
        text = _text(raw.get(column))
        if text == "":
            if column in REQUIRED_COLUMNS:
                row.problems.append((column, REQUIRED))
            else:
                row.values[column] = DEFAULTS[column]
            continue
        try:
            row.values[column] = _date(text) if column in DATE_COLUMNS else _decimal(text)
        except ValueError as error:
            # The Message itself, not str(): a web page shows it translated.
            row.problems.append((column, error.args[0] if error.args else str(error)))
    problems = reading_problems(
        row.values.get("period_start"),
        row.values.get("period_end"),
        {column: row.values.get(column) for column in MEASURED_FIELDS[:3]},
        row.values.get("water_m3"),
    )
    row.problems.extend(problems.items())
    return row


def _unknown_columns(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Each column that is not one of COLUMNS, named once, at the first row that has it: a
    misspelt optional column would otherwise be read as blank. A nameless column left blank (a
    spreadsheet's trailing comma) is no column."""
    seen: set[str] = set()
    problems = []
    for number, raw in enumerate(rows, start=1):
        for column, value in raw.items():
            if column in COLUMNS or column in seen or (column == "" and _text(value) == ""):
                continue
            seen.add(column)
            message = UNKNOWN_COLUMN.format(columns=", ".join(COLUMNS))
            problems.append({"row": number, "column": column, "message": message})
    return problems


def _overlapping(parsed: Sequence[_Row]) -> None:
    """Name, on each row whose period overlaps (or repeats) that of a row starting no later and
    not named itself, that row: the rows not named have periods apart from each other, and
    leaving out the named ones mends the file. Periods are half-open: one ending on the day
    another starts is apart from it."""
    kept: _Row | None = None  # the last row not named, whose period ends last of them
    with_period = [row for row in parsed if row.period is not None]
    for row in sorted(with_period, key=lambda row: (row.period, row.number)):
        start = row.period[0]
        if kept is not None and start < kept.period[1]:
            other_start, other_end = kept.period
            message = OVERLAPS_ROW.format(other=kept.number, start=other_start, end=other_end)
            row.problems.append(("period_start", message))
        else:
            kept = row


@transaction.atomic
def upload_readings(
    *,
    actor: User,
    data_centre: DataCentre,
    rows: Sequence[Mapping[str, Any]],
    progress: Progress | None = None,
) -> Uploaded:
    """Record `rows` (`{column: value}`, columns `COLUMNS`, the dates YYYY-MM-DD) as readings of
    the data centre, all or none: each through `record_reading`, a new reading, a correction of
    the current reading of its period or, with its values again, nothing. Any bad row refuses
    the upload (`InvalidRows`), every bad cell named: a cell that cannot be read, a reading that
    could not be posted alone, rows whose periods overlap, a row the service refuses (a period
    overlapping a current reading of another period). `progress(rows_done)`, if given, hears of
    the rows recorded (a job's, `upload_jobs`)."""
    if not rules.can_record_readings(actor, data_centre):
        raise AccessDenied()
    if not rows:
        raise InvalidRows([{"row": 0, "column": "rows", "message": NO_ROWS}])
    parsed = [_parse(number, raw) for number, raw in enumerate(rows, start=1)]
    _overlapping(parsed)
    created = corrected = unchanged = 0
    # A row the service refuses rolls back its savepoint, and the upload then always ends in
    # InvalidRows. Under the data centre's lock the reference data its figures use cannot
    # change, and is read once a year of readings.
    with reference_read_once():
        # Readings of the data centre queue here for the whole upload, as for one reading.
        locked = lock_data_centre(data_centre.pk)
        for row in reporting(parsed, progress):
            if row.problems:
                continue  # still recording the others: each refusal of theirs is named too
            try:
                recorded = record_reading(actor=actor, data_centre=locked, **row.values)
            except InvalidInput as error:
                row.problems.extend(
                    (column, message)
                    for column, messages in error.errors.items()
                    for message in messages
                )
                continue
            if not recorded.created:
                unchanged += 1
            elif recorded.reading.supersedes_id is not None:
                corrected += 1
            else:
                created += 1
        problems = _unknown_columns(rows) + [
            {"row": row.number, "column": column, "message": message}
            for row in parsed
            for column, message in row.problems
        ]
        if problems:
            raise InvalidRows(sorted(problems, key=lambda problem: problem["row"]))
    return Uploaded(rows=len(rows), created=created, corrected=corrected, unchanged=unchanged)
