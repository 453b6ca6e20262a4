"""The CR-DC-001 link: where a methodology takes monitored parameters from a data centre's
readings (`Methodology.data_centre_readings`), its project names one of its company's data
centres, and a monitoring report of the project takes those parameters from the current readings
of that data centre over the report's period, never from typed numbers (DESIGN.md, "Carbon
accounting for compute").

The report's period (whole days, both ends included) is covered by the readings wholly within
it, each day exactly once: no day without a reading, and no reading running across either end,
so that the meters and the claim count the same days. Readings carry no verification state of
their own: the current readings (not superseded by a correction) are the ones counted, and the
report records which they were and their values, for the verifier; a correction recorded after
the report was filed leaves the report as it was calculated.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_noop

from accounts.models import Organization
from compute.models import DataCentre
from compute.periods import SpanReadings, span_readings
from core.errors import Conflict, InvalidInput
from core.messages import Message
from methodologies.models import Methodology
from registry.projects.models import Project

DATA_CENTRE_REQUIRED = Message(
    gettext_noop(
        "Under {identifier} the reports take {parameters} from the readings of the project's data "
        "centre: name it (one of your organisation's data centres)."
    )
)
DATA_CENTRE_NOT_MONITORED = Message(
    gettext_noop(
        "Only projects whose reports take monitored parameters from a data centre's readings name "
        "a data centre; under {identifier} they take none."
    )
)
DATA_CENTRE_NOT_OWN = Message(gettext_noop("The data centre must be one of the proponent's own."))
DATA_CENTRE_MISSING = Message(
    gettext_noop(
        "{reference} names no data centre, and under {identifier} its reports take {parameters} "
        "from the data centre's readings: withdraw it and file it again naming its data centre."
    )
)
FROM_READINGS = Message(
    gettext_noop(
        "Taken from the readings of the project's data centre over the monitoring period: it "
        "cannot be reported."
    )
)
ACROSS_START = Message(
    gettext_noop(
        "The data centre's reading of {start} to {end} (period_end excluded) runs across the start "
        "of the monitoring period: a report counts whole readings, so start it on {start} or {end}."
    )
)
ACROSS_END = Message(
    gettext_noop(
        "The data centre's reading of {start} to {end} (period_end excluded) runs across the end "
        "of the monitoring period: a report counts whole readings, so end it on {before} or "
        "{last}."
    )
)
UNCOVERED = Message(
    gettext_noop(
        "The readings of data centre {data_centre} do not cover {days} of the monitoring period: "
        "record them first."
    )
)


def _parameters_from_readings(methodology: Methodology) -> str:
    """The parameters the methodology takes from a data centre's readings, as a person reads
    them: "E_IT and PUE_PJ"."""
    symbols = list(methodology.data_centre_readings)
    return " and ".join([", ".join(symbols[:-1]), symbols[-1]] if len(symbols) > 1 else symbols)


def data_centre_problem(
    methodology: Methodology, proponent: Organization, data_centre: DataCentre | None
) -> str | None:
    """What is wrong with a project design's `data_centre`, if anything: it is named exactly
    where the methodology takes parameters from readings, and is the proponent's own."""
    if methodology.data_centre_readings and data_centre is None:
        return DATA_CENTRE_REQUIRED.format(
            identifier=methodology.identifier,
            parameters=_parameters_from_readings(methodology),
        )
    if data_centre is not None and not methodology.data_centre_readings:
        return DATA_CENTRE_NOT_MONITORED.format(identifier=methodology.identifier)
    if data_centre is not None and data_centre.owner_id != proponent.pk:
        return DATA_CENTRE_NOT_OWN
    return None


def require_data_centre(project: Project) -> None:
    """Refuse (409) a project whose methodology takes monitored parameters from a data centre's
    readings but that names no data centre: one filed before its methodology took them (an
    installation that stored the version before `data_centre_readings`)."""
    methodology = project.methodology
    if methodology.data_centre_readings and project.data_centre_id is None:
        raise Conflict(
            DATA_CENTRE_MISSING.format(
                reference=project.reference,
                identifier=methodology.identifier,
                parameters=_parameters_from_readings(methodology),
            )
        )


@dataclass(frozen=True)
class Metered:
    """The monitored values the readings give, as calculation inputs (`{symbol: {value,
    unit}}`), and what the report records of them (`calculation_trace["data_centre"]`)."""

    inputs: dict[str, dict[str, Any]]
    trace: dict[str, Any]


def refuse_typed(project: Project, parameters: dict[str, Any]) -> None:
    """Refuse (400, per parameter) the monitored values that the readings give."""
    typed = sorted(set(project.methodology.data_centre_readings) & set(parameters))
    if typed:
        raise InvalidInput({f"parameters.{symbol}": FROM_READINGS for symbol in typed})


def metered(project: Project, period_start: date, period_end: date) -> Metered:
    """The monitored values of [period_start, period_end] from the project's data centre's
    current readings; 400 on `period_start` or `period_end` where they do not cover it exactly.
    Caller has checked that the project names its data centre."""
    span = span_readings(project.data_centre_id, period_start, period_end)
    _require_covered(span, project.data_centre_id)
    inputs = {}
    for symbol, name in project.methodology.data_centre_readings.items():
        value, unit = span.quantity(name)
        inputs[symbol] = {"value": value, "unit": unit}
    return Metered(inputs=inputs, trace=_trace(project, span))


def _require_covered(span: SpanReadings, data_centre_id: int) -> None:
    errors: dict[str, list[str]] = {}
    if span.across_start is not None:
        reading = span.across_start
        errors.setdefault("period_start", []).append(
            ACROSS_START.format(start=reading.period_start, end=reading.period_end)
        )
    if span.uncovered:
        days = ", ".join(
            str(first) if first == last else f"{first} to {last}" for first, last in span.uncovered
        )
        errors.setdefault("period_start", []).append(
            UNCOVERED.format(days=days, data_centre=data_centre_id)
        )
    if span.across_end is not None:
        reading = span.across_end
        errors.setdefault("period_end", []).append(
            ACROSS_END.format(
                start=reading.period_start,
                end=reading.period_end,
                before=reading.period_start - timedelta(days=1),
                last=reading.period_end - timedelta(days=1),
            )
        )
    if errors:
        raise InvalidInput(errors)


def _text(value: Decimal) -> str:
    """A decimal as plain text without trailing zeros: "1000000", "1.28"."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _trace(project: Project, span: SpanReadings) -> dict[str, Any]:
    """What the verifier checks the claim's metered values against: the readings counted,
    their sums, and which parameter took which quantity."""
    return {
        "id": project.data_centre_id,
        "parameters": dict(project.methodology.data_centre_readings),
        "readings": [
            {
                "id": reading.pk,
                "period_start": reading.period_start.isoformat(),
                "period_end": reading.period_end.isoformat(),
                "total_energy_kwh": _text(reading.total_energy_kwh),
                "it_energy_kwh": _text(reading.it_energy_kwh),
            }
            for reading in span.readings
        ],
        "total_energy_kwh": _text(span.total_energy_kwh),
        "it_energy_kwh": _text(span.it_energy_kwh),
        "pue": _text(span.pue),
    }
