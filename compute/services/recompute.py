"""Figures made with a stand-in factor, recomputed when a regulator adds the factor of their
year (registered in `methodologies.services.FACTOR_ADDED` by `ComputeConfig.ready`; the
methodology library audits each change, before and after)."""

from django.conf import settings
from django.db.models import Q

from compute import locks, reference
from compute.figures import Measured
from compute.models import FIGURE_FIELDS, Reading
from compute.services import summaries
from compute.services.readings import figures_of
from methodologies.models import EmissionFactor
from methodologies.services import Change


def _figures(reading: Reading) -> dict:
    return {field: getattr(reading, field) for field in FIGURE_FIELDS}


def recompute_for_factor(factor: EmissionFactor) -> list[Change]:
    """Recompute the current readings whose factor the new one may replace, and return those
    whose figures changed: readings with a stand-in (provisional) factor, and, for a region's
    first location-based factor, those that fell back to the national one.

    The data centres concerned are locked first, in primary-key order (`compute.locks`), as a
    reading's service locks its data centre before it reads the factors: a reading recorded
    concurrently is either seen here or computed with the new factor. Caller: the transaction
    that adds the factor.
    """
    roles = reference.factor_roles(factor)
    if not roles:
        return []
    # A region's own factor concerns its data centres; the national fallback and the residual
    # mix concern every data centre.
    regional = roles == {"location"} and factor.series == settings.COMPUTE_LOCATION_SERIES
    data_centres = locks.lock_data_centres(**({"grid_region": factor.region} if regional else {}))
    candidates = (
        Reading.objects.filter(data_centre_id__in=data_centres, superseded_at__isnull=True)
        .filter(
            Q(location_provisional=True)
            | Q(market_provisional=True)
            | ~Q(location_series=settings.COMPUTE_LOCATION_SERIES)
        )
        .select_related("data_centre")
    )
    changes: list[Change] = []
    for reading in candidates.order_by("pk"):
        measured = Measured(
            total_energy_kwh=reading.total_energy_kwh,
            it_energy_kwh=reading.it_energy_kwh,
            onsite_renewable_kwh=reading.onsite_renewable_kwh,
            certificates_quantity=reading.certificates_quantity,
            water_m3=reading.water_m3,
        )
        before = _figures(reading)
        after = figures_of(reading.data_centre.grid_region, reading.year, measured)
        if after == before:
            continue
        for field, value in after.items():
            setattr(reading, field, value)
        reading.save(update_fields=list(after))
        changes.append((reading, before, after))
    summaries.refresh_years((reading.data_centre_id, reading.year) for reading, _, _ in changes)
    return changes
