"""Read queries of compute accounting, scoped to the caller, and the yearly figures that the
workload footprint (a host's PUE and factors) and the statistics read."""

from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import ExtractYear

from compute import reference
from compute.figures import YearFigures, year_figures
from compute.models import DataCentre, Reading, ReadingClaim, Workload
from compute.reference import ChosenFactor
from core.roles import can_read_everything

# The reading columns a year sums.
SUMMED = (
    "total_energy_kwh",
    "it_energy_kwh",
    "onsite_renewable_kwh",
    "green_energy_kwh",
    "grid_energy_kwh",
    "certificates_quantity",
    "water_m3",
    "location_based_tco2e",
    "market_based_tco2e",
    "energy_for_assessment_kwh",
    "energy_for_assessment_tce",
)


def data_centres_visible_to(user: Any) -> QuerySet[DataCentre]:
    """A company's data centres are private to it, operators and regulators."""
    data_centres = DataCentre.objects.select_related("owner")
    if can_read_everything(user):
        return data_centres
    if not getattr(user, "is_authenticated", False):
        return data_centres.none()
    return data_centres.filter(owner_id=user.organization_id)


def workloads_visible_to(user: Any) -> QuerySet[Workload]:
    """A company's AI workloads are private to it, operators and regulators."""
    workloads = Workload.objects.select_related("owner", "data_centre")
    if can_read_everything(user):
        return workloads
    if not getattr(user, "is_authenticated", False):
        return workloads.none()
    return workloads.filter(owner_id=user.organization_id)


def current_readings() -> QuerySet[Reading]:
    """Readings not superseded by a correction: the ones every total counts."""
    return Reading.objects.filter(superseded_at__isnull=True)


def readings_of(data_centre: DataCentre) -> QuerySet[Reading]:
    """Every reading of the data centre, superseded ones included, the newest period first and,
    within a period, the latest correction first."""
    return (
        Reading.objects.filter(data_centre=data_centre)
        .select_related("superseded_by")
        .order_by("-period_start", "-id")
    )


def claims_of(readings: list[Reading]) -> dict[int, list[ReadingClaim]]:
    """The certificate claims each reading counts, by reading id: those made with it and with
    the earlier readings of the same period, which it corrects (a correction carries them over).
    """
    if not readings:
        return {}
    links = (
        ReadingClaim.objects.filter(
            reading__data_centre_id__in={reading.data_centre_id for reading in readings},
            reading__period_start__in={reading.period_start for reading in readings},
        )
        .select_related("reading", "claim__block")
        .order_by("id")
    )
    by_period = defaultdict(list)
    for link in links:
        made_with = link.reading
        by_period[made_with.data_centre_id, made_with.period_start, made_with.period_end].append(
            link
        )
    return {
        reading.pk: [
            link
            for link in by_period[reading.data_centre_id, reading.period_start, reading.period_end]
            if link.reading_id <= reading.pk
        ]
        for reading in readings
    }


def years_of(data_centre: DataCentre) -> list[int]:
    """The years with current readings, the latest first."""
    return list(
        current_readings()
        .filter(data_centre=data_centre)
        .annotate(year=ExtractYear("period_start"))
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )


def _stored_factors(readings: QuerySet[Reading]) -> tuple[ChosenFactor, ChosenFactor]:
    """The factors the year's readings were computed with (the latest reading's: the readings of
    a year share them, as a new factor recomputes them all in one transaction)."""
    latest = readings.order_by("-period_start", "-id").first()
    return (
        ChosenFactor(
            series=latest.location_series,
            region=latest.location_region,
            factor_year=latest.location_factor_year,
            value=latest.location_factor,
            provisional=latest.location_provisional,
        ),
        ChosenFactor(
            series=latest.market_series,
            region=latest.market_region,
            factor_year=latest.market_factor_year,
            value=latest.market_factor,
            provisional=latest.market_provisional,
        ),
    )


def yearly_figures(data_centre: DataCentre, year: int) -> YearFigures | None:
    """The data centre's figures of `year` over its current readings (by period_start's year),
    or None without any: PUE Σtotal / ΣIT, the tier of that PUE, the factors used."""
    readings = current_readings().filter(data_centre=data_centre, period_start__year=year)
    sums = readings.aggregate(
        readings=Count("id"),
        water_readings=Count("water_m3"),
        **{column: Sum(column) for column in SUMMED},
    )
    if not sums["readings"]:
        return None
    location, market = _stored_factors(readings)
    total, it = sums["total_energy_kwh"], sums["it_energy_kwh"]
    return year_figures(
        year=year,
        sums=sums,
        location=location,
        market=market,
        tiers=reference.tier_thresholds(),
        tier_scheme=settings.COMPUTE_TIER_SCHEME,
        targets=reference.targets(total, it),
    )


def latest_yearly_figures(data_centre: DataCentre) -> YearFigures | None:
    """The figures of the latest year with current readings, or None without any."""
    years = years_of(data_centre)
    return yearly_figures(data_centre, years[0]) if years else None
