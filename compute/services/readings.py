"""Recording a data centre's readings, with the green certificates claimed for them, in one
transaction: all of it or none.

A period is half-open, [period_start, period_end), and lies within one calendar year. A reading
of exactly the period of a current reading corrects it: the new reading supersedes the old one,
which keeps its row, and the certificates claimed before count for the correction too. The same
values again change nothing (a re-upload is idempotent). A period that overlaps a current
reading without being the same is refused.
"""

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.models import User
from certificates.locks import lock_block
from certificates.models import CertificateBlock, CertificateClaim
from certificates.services.claims import QUANTITY_NOT_POSITIVE, claim_certificates
from certificates.validity import is_expired
from compute import reference, rules
from compute.figures import Measured, reading_figures
from compute.locks import lock_data_centre
from compute.models import FIGURE_FIELDS, KWH_PER_CERTIFICATE, DataCentre, Reading, ReadingClaim
from compute.services import summaries
from core.audit import record_event
from core.errors import AccessDenied, Conflict, InvalidInput, violates
from core.messages import Message

PERIOD_EMPTY = Message(
    gettext_noop(
        "The period is empty: period_end is the day after the period's last day (periods are "
        "[period_start, period_end)), so it comes after period_start."
    )
)
PERIOD_REVERSED = Message(gettext_noop("period_end comes before period_start."))
PERIOD_SPANS_YEARS = Message(
    gettext_noop(
        "A reading lies within one calendar year: period_end is at most {limit}, the 1 January "
        "after period_start."
    )
)
ENERGY_NEGATIVE = Message(gettext_noop("An energy cannot be negative."))
WATER_NEGATIVE = Message(gettext_noop("A volume of water cannot be negative."))
RATIO_TOO_LARGE = Message(
    gettext_noop(
        "These figures make a {figure} of {limit:.0E} or more, which no data centre has: check the "
        "units of the energies and the water."
    )
)
IT_NOT_POSITIVE = Message(gettext_noop("IT energy must be above zero: PUE divides by it."))
IT_ABOVE_TOTAL = Message(
    gettext_noop("IT energy ({it} kWh) is part of the total facility energy ({total} kWh).")
)
ONSITE_ABOVE_TOTAL = Message(
    gettext_noop(
        "On-site renewable electricity ({onsite} kWh) is part of the total facility energy "
        "({total} kWh)."
    )
)
GREEN_ABOVE_GRID = Message(
    gettext_noop(
        "Green electricity above grid electricity: {quantity} certificates stand for "
        "{certificate_kwh} kWh, and the data centre took {grid} kWh from the grid (total facility "
        "energy minus on-site renewables)."
    )
)
BLOCK_NOT_POSITIVE = Message(
    gettext_noop("A block is named by its id, a whole number of at least 1.")
)
OVERLAP = Message(
    gettext_noop(
        "The period overlaps the current reading of {start} to {end} (period_end excluded); a "
        "correction repeats a reading's period exactly."
    )
)
NOT_HELD = Message(
    gettext_noop("The data centre's owner holds no green certificate block {block}.")
)

MEASURED_FIELDS = ("total_energy_kwh", "it_energy_kwh", "onsite_renewable_kwh", "water_m3")


class Recorded(NamedTuple):
    """The current reading of the period, and whether this call recorded it (False: the same
    values were recorded already, and nothing changed)."""

    reading: Reading
    created: bool


def year_end(period_start: date) -> date:
    """The latest period_end of a reading starting on `period_start`: the next 1 January."""
    return date(period_start.year + 1, 1, 1)


def _limit(figure: str) -> Decimal:
    """The first value a stored figure's column cannot hold."""
    column = Reading._meta.get_field(figure)
    return Decimal(10) ** (column.max_digits - column.decimal_places)


def reading_problems(
    period_start: date | None,
    period_end: date | None,
    energies: Mapping[str, Decimal | None],
    water_m3: Decimal | None,
    certificates: Sequence[Mapping[str, Any]] = (),
) -> dict[str, str]:
    """What no data centre's state could make right, a message per field: what `record_reading`
    refuses before any lock, and what an upload checks each row for (`uploads`). A value that
    is None (a cell an upload could not read) is not checked, nor what depends on it."""
    errors: dict[str, str] = {}
    if period_start is not None and period_end is not None:
        if period_end == period_start:
            errors["period_end"] = PERIOD_EMPTY
        elif period_end < period_start:
            errors["period_end"] = PERIOD_REVERSED
        elif period_end > year_end(period_start):
            errors["period_end"] = PERIOD_SPANS_YEARS.format(limit=year_end(period_start))
    for field, value in energies.items():
        if value is not None and value < 0:
            errors[field] = ENERGY_NEGATIVE
    if water_m3 is not None and water_m3 < 0:
        errors["water_m3"] = WATER_NEGATIVE
    total, it, onsite = (energies.get(field) for field in MEASURED_FIELDS[:3])
    if it is not None and "it_energy_kwh" not in errors:
        if it == 0:
            errors["it_energy_kwh"] = IT_NOT_POSITIVE
        elif total is not None and it > total >= 0:
            errors["it_energy_kwh"] = IT_ABOVE_TOTAL.format(it=it, total=total)
        elif total is not None and total >= 0 and total / it >= _limit("pue"):
            errors["it_energy_kwh"] = RATIO_TOO_LARGE.format(figure="PUE", limit=_limit("pue"))
        elif water_m3 is not None and water_m3 >= 0 and water_m3 * 1000 / it >= _limit("wue"):
            errors["water_m3"] = RATIO_TOO_LARGE.format(figure="WUE", limit=_limit("wue"))
    readable = onsite is not None and total is not None and "onsite_renewable_kwh" not in errors
    if readable and onsite > total >= 0:
        errors["onsite_renewable_kwh"] = ONSITE_ABOVE_TOTAL.format(onsite=onsite, total=total)
    for index, request in enumerate(certificates):
        for field, message in (("block", BLOCK_NOT_POSITIVE), ("quantity", QUANTITY_NOT_POSITIVE)):
            value = request.get(field)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                errors[f"certificates[{index}].{field}"] = message
    return errors


def _check(
    period_start: date,
    period_end: date,
    energies: Mapping[str, Decimal],
    water_m3: Decimal | None,
    certificates: Sequence[Mapping[str, Any]],
) -> None:
    """Refuse what no data centre's state could make right, naming each field, before any lock."""
    errors = reading_problems(period_start, period_end, energies, water_m3, certificates)
    if errors:
        raise InvalidInput(errors)


# The reference data `figures_of` read, by (grid region, year), inside `reference_read_once`.
_reference_read: ContextVar[dict[tuple[str, int], dict[str, Any]] | None] = ContextVar(
    "compute_reference_read", default=None
)


@contextmanager
def reference_read_once() -> Iterator[None]:
    """Within the block, `figures_of` reads the reference data of a grid region and year once:
    for a caller recording many readings of one data centre under its lock (an upload). No
    factor its figures use can be added meanwhile: the transaction adding one locks the data
    centres it may concern before it commits (`recompute`), and waits for this lock."""
    token = _reference_read.set({})
    try:
        yield
    finally:
        _reference_read.reset(token)


def figures_of(grid_region: str, year: int, measured: Measured) -> dict[str, Any]:
    """A reading's figures with the reference data stored now: the factors of its year, or the
    ones that stand in for them."""
    read = _reference_read.get()
    data = None if read is None else read.get((grid_region, year))
    if data is None:
        data = {
            "location": reference.location_factor(grid_region, year),
            "market": reference.residual_factor(year),
            "kgce_per_kwh": reference.kgce_per_kwh(),
            "tiers": reference.tier_thresholds(),
        }
        if read is not None:
            read[(grid_region, year)] = data
    return reading_figures(measured, **data)


def snapshot(reading: Reading) -> dict[str, Any]:
    """A reading as the audit chain records it: its period, measured values and figures."""
    fields = ("period_start", "period_end", *MEASURED_FIELDS, "certificates_quantity")
    return {field: getattr(reading, field) for field in (*fields, *FIGURE_FIELDS)}


def _unchanged(
    previous: Reading, energies: Mapping[str, Decimal], water_m3: Decimal | None, requests: Counter
) -> bool:
    """The same values as the current reading, and no certificates but the ones claimed with it:
    sending a reading again changes nothing."""
    same_values = all(getattr(previous, field) == value for field, value in energies.items())
    if not same_values or previous.water_m3 != water_m3:
        return False
    claimed = Counter(previous.claims.values_list("named_block", "claim__quantity"))
    return not requests or requests == claimed


def _refused_field(block_pk: int, today: date) -> str:
    """Which part of a refused certificate request was wrong: the quantity, if the block could
    be claimed at all (active, unexpired), else the block."""
    block = CertificateBlock.objects.get(pk=block_pk)
    claimable = block.state == CertificateBlock.State.ACTIVE and not is_expired(
        block.expires_on, today
    )
    return "quantity" if claimable else "block"


def _claim(
    actor: User,
    data_centre: DataCentre,
    reading: Reading,
    certificates: Sequence[Mapping[str, int]],
) -> list[CertificateClaim]:
    """Claim each request's certificates for the reading's period (claims' periods include their
    last day). Caller holds the data centre's lock; the blocks are locked here, by primary key,
    before the first claim."""
    named = {request["block"] for request in certificates}
    held = {
        block.pk: block
        for block in CertificateBlock.objects.filter(pk__in=named, holder_id=data_centre.owner_id)
    }
    for index, request in enumerate(certificates):
        if request["block"] not in held:
            raise InvalidInput({f"certificates[{index}].block": NOT_HELD.format(**request)})
    for pk in sorted(held):
        lock_block(pk)
    claims = []
    for index, request in enumerate(certificates):
        try:
            claim = claim_certificates(
                actor=actor,
                block=held[request["block"]],
                quantity=request["quantity"],
                period_start=reading.period_start,
                period_end=reading.period_end - timedelta(days=1),
                consumer=data_centre.name,
                data_centre=data_centre.pk,
            )
        except AccessDenied as error:
            message = NOT_HELD.format(**request)
            raise InvalidInput({f"certificates[{index}].block": message}) from error
        except Conflict as error:
            field = _refused_field(request["block"], timezone.localdate())
            raise InvalidInput({f"certificates[{index}].{field}": error.message}) from error
        ReadingClaim.objects.create(reading=reading, claim=claim, named_block=request["block"])
        claims.append(claim)
    return claims


@transaction.atomic
def record_reading(
    *,
    actor: User,
    data_centre: DataCentre,
    period_start: date,
    period_end: date,
    total_energy_kwh: Decimal,
    it_energy_kwh: Decimal,
    onsite_renewable_kwh: Decimal = Decimal(0),
    water_m3: Decimal | None = None,
    certificates: Sequence[Mapping[str, int]] = (),
) -> Recorded:
    """Record the data centre's meters over [period_start, period_end) and claim `certificates`
    (`[{block, quantity}]`, blocks of its owner) for them: a new reading, a correction of the
    current reading of exactly this period, or, with the same values again, nothing."""
    if not rules.can_record_readings(actor, data_centre):
        raise AccessDenied()
    energies = {
        "total_energy_kwh": total_energy_kwh,
        "it_energy_kwh": it_energy_kwh,
        "onsite_renewable_kwh": onsite_renewable_kwh,
    }
    _check(period_start, period_end, energies, water_m3, certificates)
    # Locked for the read-decide-write: readings of one data centre queue here, and each
    # sees the current readings the ones before it left.
    locked = lock_data_centre(data_centre.pk)
    previous = None
    for current in Reading.objects.filter(
        data_centre=locked,
        superseded_at__isnull=True,
        period_start__lt=period_end,
        period_end__gt=period_start,
    ):
        if (current.period_start, current.period_end) != (period_start, period_end):
            overlap = OVERLAP.format(start=current.period_start, end=current.period_end)
            raise InvalidInput({"period_start": overlap})
        previous = current

    requested = sum(request["quantity"] for request in certificates)
    quantity = requested + (previous.certificates_quantity if previous else 0)
    grid = total_energy_kwh - onsite_renewable_kwh
    if quantity * KWH_PER_CERTIFICATE > grid:
        raise InvalidInput(
            {
                "certificates": GREEN_ABOVE_GRID.format(
                    quantity=quantity, certificate_kwh=quantity * KWH_PER_CERTIFICATE, grid=grid
                )
            }
        )
    requests = Counter((request["block"], request["quantity"]) for request in certificates)
    if previous is not None and _unchanged(previous, energies, water_m3, requests):
        return Recorded(previous, created=False)

    if previous is not None:
        # The one change a stored reading ever takes: it is no longer current.
        previous.superseded_at = timezone.now()
        previous.save(update_fields=["superseded_at"])
    measured = Measured(
        total_energy_kwh=total_energy_kwh,
        it_energy_kwh=it_energy_kwh,
        onsite_renewable_kwh=onsite_renewable_kwh,
        certificates_quantity=quantity,
        water_m3=water_m3,
    )
    reading = Reading(
        data_centre=locked,
        period_start=period_start,
        period_end=period_end,
        total_energy_kwh=total_energy_kwh,
        it_energy_kwh=it_energy_kwh,
        onsite_renewable_kwh=onsite_renewable_kwh,
        water_m3=water_m3,
        certificates_quantity=quantity,
        supersedes=previous,
        recorded_by=actor,
        **figures_of(locked.grid_region, period_start.year, measured),
    )
    try:
        with transaction.atomic():
            reading.save()
    except IntegrityError as error:
        # Only a write around this service's lock could get here.
        if not violates(error, "readings_do_not_overlap"):
            raise
        raise InvalidInput(
            {"period_start": OVERLAP.format(start=period_start, end=period_end)}
        ) from error
    claims = _claim(actor, locked, reading, certificates)
    summaries.refresh_year(locked.pk, period_start.year)

    after = snapshot(reading)
    after["claims"] = [claim.pk for claim in claims]
    record_event(
        actor=actor,
        action="reading.corrected" if previous else "reading.recorded",
        target=reading,
        before=None if previous is None else {"reading": previous.pk, **snapshot(previous)},
        after=after,
    )
    return Recorded(reading, created=True)
