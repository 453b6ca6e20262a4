"""What compute accounting reads of the reference data (`methodologies`): the grid region of a
province, the emission factor of each Scope 2 role for a year, the PUE tiers and targets, and
the standard-coal equivalent of electricity. Which series plays which role is a setting
(`COMPUTE_*`); the numbers are rows, never literals here."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_noop

from core.errors import Conflict
from core.messages import Message
from methodologies.engine import convert_value
from methodologies.models import (
    EfficiencyTier,
    EmissionFactor,
    EnergyConversion,
    ProvinceGridRegion,
)

FACTOR_UNIT = "kgCO2/kWh"
# The address of electricity's standard-coal equivalent in the reference data (GB/T 2589).
ELECTRICITY = {"carrier": "electricity", "unit": "kWh"}
FAILS = "fails the limit value"

NO_FACTOR = Message(
    gettext_noop(
        "No emission factor of the series {series} is stored for {region}: a regulator adds it "
        "(POST /api/v1/emission-factors/), or the installation loads the reference data."
    )
)
NO_TIERS = Message(
    gettext_noop("No PUE tiers of the scheme {scheme} are stored: load the reference data.")
)
NO_CONVERSION = Message(
    gettext_noop("No standard-coal equivalent of electricity is stored: load the reference data.")
)


class MissingReferenceData(Conflict):
    """The reference data a figure needs is not stored (409): nothing to compute it with."""


@dataclass(frozen=True)
class ChosenFactor:
    """The emission factor used for a year, in kgCO2/kWh: the year's own where published, else
    the latest year before it (or the earliest, for a year before any), `provisional`."""

    series: str
    region: str
    factor_year: int
    value: Decimal
    provisional: bool


@dataclass(frozen=True)
class Threshold:
    """A PUE threshold of the reference data and whether a PUE meets it."""

    scheme: str
    tier: str
    pue_max: Decimal
    met: bool


def grid_regions(province: str) -> dict[str, str]:
    """The regional grids a province lies in, each with the part of it that does ("Inner
    Mongolia (west)"); one for most provinces."""
    rows = ProvinceGridRegion.objects.filter(province=province).order_by("grid_region")
    return {row.grid_region: row.area for row in rows}


def _chosen(series: str, region: str, year: int) -> ChosenFactor | None:
    published = {
        data_year: (value, unit)
        for data_year, value, unit in EmissionFactor.objects.filter(
            series=series, region=region
        ).values_list("data_year", "value", "unit")
    }
    if not published:
        return None
    if year in published:
        chosen = year
    else:
        # China publishes a year's factors about two years late: the latest year stands in.
        earlier = [data_year for data_year in published if data_year < year]
        chosen = max(earlier) if earlier else min(published)
    value, unit = published[chosen]
    return ChosenFactor(
        series=series,
        region=region,
        factor_year=chosen,
        value=convert_value(value, unit, FACTOR_UNIT),
        provisional=chosen != year,
    )


def location_factor(grid_region: str, year: int) -> ChosenFactor:
    """The location-based factor: the grid region's average, or the national average where the
    region has none."""
    chosen = _chosen(settings.COMPUTE_LOCATION_SERIES, grid_region, year) or _chosen(
        settings.COMPUTE_NATIONAL_SERIES, settings.COMPUTE_NATIONAL_REGION, year
    )
    if chosen is None:
        raise MissingReferenceData(
            NO_FACTOR.format(series=settings.COMPUTE_LOCATION_SERIES, region=grid_region)
        )
    return chosen


def residual_factor(year: int) -> ChosenFactor:
    """The market-based factor for grid electricity no certificate backs: the residual mix."""
    series, region = settings.COMPUTE_RESIDUAL_SERIES, settings.COMPUTE_NATIONAL_REGION
    chosen = _chosen(series, region, year)
    if chosen is None:
        raise MissingReferenceData(NO_FACTOR.format(series=series, region=region))
    return chosen


def factor_roles(factor: EmissionFactor) -> set[str]:
    """Which roles a stored factor plays: "location" (a region's, or the national fallback) and
    "market" (the residual mix)."""
    roles = set()
    national = factor.region == settings.COMPUTE_NATIONAL_REGION
    if factor.series == settings.COMPUTE_LOCATION_SERIES or (
        factor.series == settings.COMPUTE_NATIONAL_SERIES and national
    ):
        roles.add("location")
    if factor.series == settings.COMPUTE_RESIDUAL_SERIES and national:
        roles.add("market")
    return roles


def tier_thresholds() -> list[EfficiencyTier]:
    """The grades of `COMPUTE_TIER_SCHEME`, the most efficient (lowest PUE) first."""
    tiers = list(
        EfficiencyTier.objects.filter(scheme=settings.COMPUTE_TIER_SCHEME).order_by("pue_max")
    )
    if not tiers:
        raise MissingReferenceData(NO_TIERS.format(scheme=settings.COMPUTE_TIER_SCHEME))
    return tiers


def tier_of(total_energy_kwh: Decimal, it_energy_kwh: Decimal, tiers: list[EfficiencyTier]) -> str:
    """The best grade whose `pue_max` the PUE does not exceed (GB 40879-2021), or FAILS above
    the last. Compared as total <= pue_max x IT: exact, no rounded ratio decides a boundary."""
    for tier in tiers:
        if total_energy_kwh <= tier.pue_max * it_energy_kwh:
            return tier.tier
    return FAILS


def targets(total_energy_kwh: Decimal, it_energy_kwh: Decimal) -> list[Threshold]:
    """The policy targets and reference points (`COMPUTE_TARGET_SCHEMES`) beside the tier, each
    met when the PUE does not exceed it; in the order of the setting, then by PUE."""
    schemes = list(settings.COMPUTE_TARGET_SCHEMES)
    rows = EfficiencyTier.objects.filter(scheme__in=schemes)
    ordered = sorted(rows, key=lambda row: (schemes.index(row.scheme), row.pue_max, row.tier))
    return [
        Threshold(
            scheme=row.scheme,
            tier=row.tier,
            pue_max=row.pue_max,
            met=total_energy_kwh <= row.pue_max * it_energy_kwh,
        )
        for row in ordered
    ]


def kgce_per_kwh() -> Decimal:
    """Kilograms of standard coal equivalent per kWh of electricity (GB/T 2589)."""
    value = (
        EnergyConversion.objects.filter(**ELECTRICITY)
        .values_list("kgce_per_unit", flat=True)
        .first()
    )
    if value is None:
        raise MissingReferenceData(NO_CONVERSION)
    return value
