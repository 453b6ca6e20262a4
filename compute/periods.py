"""A data centre's current readings over a span of days, and what they add up to: the IT energy,
total energy and PUE that a monitoring report of its PUE-improvement project (CR-DC-001) takes
from the meters rather than from typed numbers.

The span is of whole days, first and last included, as a monitoring period is; a reading is
half-open, [period_start, period_end). A reading lies within the span when it starts on or after
its first day and ends (period_end) no later than the day after its last. The sums are over the
readings within; PUE is Σtotal / ΣIT (ISO/IEC 30134-2 over a period: energy-weighted, never an
average of the readings' ratios).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Context, Decimal, localcontext

from compute.models import Reading
from compute.selectors import current_readings
from methodologies.models import READING_QUANTITY_UNITS, ReadingQuantity

# The 34 significant digits the methodology engine calculates with (decimal128): the sums of
# the columns are exact, and PUE is one division rounded to them.
_CONTEXT = Context(prec=34)


@dataclass(frozen=True)
class SpanReadings:
    """The current readings of a data centre within a span of days, in period order, and how
    they fail to cover it: the days no reading covers (runs of days, first and last included),
    and the readings that run across the span's first or last day (counted in no sum)."""

    first_day: date
    last_day: date
    readings: tuple[Reading, ...]
    uncovered: tuple[tuple[date, date], ...]
    across_start: Reading | None
    across_end: Reading | None

    @property
    def total_energy_kwh(self) -> Decimal:
        with localcontext(_CONTEXT):
            return sum((reading.total_energy_kwh for reading in self.readings), Decimal(0))

    @property
    def it_energy_kwh(self) -> Decimal:
        with localcontext(_CONTEXT):
            return sum((reading.it_energy_kwh for reading in self.readings), Decimal(0))

    @property
    def pue(self) -> Decimal | None:
        it = self.it_energy_kwh
        if not it:
            return None
        with localcontext(_CONTEXT):
            return self.total_energy_kwh / it

    def quantity(self, name: str) -> tuple[Decimal, str]:
        """The value of a `ReadingQuantity` over the readings, and its unit."""
        values = {
            ReadingQuantity.IT_ENERGY: self.it_energy_kwh,
            ReadingQuantity.TOTAL_ENERGY: self.total_energy_kwh,
            ReadingQuantity.PUE: self.pue,
        }
        return values[name], READING_QUANTITY_UNITS[name]


def span_readings(data_centre_id: int, first_day: date, last_day: date) -> SpanReadings:
    """The data centre's current readings over [first_day, last_day] (both included), read in
    one query, so that they are the current readings of one moment."""
    end = last_day + timedelta(days=1)  # the span as a half-open period
    overlapping = list(
        current_readings()
        .filter(data_centre_id=data_centre_id, period_start__lt=end, period_end__gt=first_day)
        .order_by("period_start", "id")
    )
    within = [r for r in overlapping if r.period_start >= first_day and r.period_end <= end]
    across_start = next((r for r in overlapping if r.period_start < first_day), None)
    across_end = next((r for r in overlapping if r.period_end > end), None)
    # Current readings never overlap (an exclusion constraint), so in period order each gap is
    # between one reading's end and the next one's start.
    uncovered = []
    cursor = first_day
    for reading in overlapping:
        if reading.period_start > cursor:
            uncovered.append((cursor, reading.period_start - timedelta(days=1)))
        cursor = max(cursor, reading.period_end)
    if cursor < end:
        uncovered.append((cursor, last_day))
    return SpanReadings(
        first_day=first_day,
        last_day=last_day,
        readings=tuple(within),
        uncovered=tuple(uncovered),
        across_start=across_start,
        across_end=across_end,
    )
