"""The figures of a reading and of a year, as ISO/IEC 30134 and the GHG Protocol's Scope 2
Guidance define them, in Decimal throughout.

- PUE = total facility energy / IT energy (30134-2); over a year Σtotal / ΣIT, energy-weighted,
  never a mean of the readings' ratios.
- Renewable share (REF, 30134-3) = renewable electricity / total, the renewable electricity being
  on-site generation plus certificates x 1,000 kWh.
- CUE (30134-8) = kgCO2e / IT kWh, location-based (and market-based, named so); WUE (30134-9) =
  litres of water / IT kWh, where water is given.
- Dual Scope 2: location-based = grid electricity (total - on-site renewables) x the grid
  region's factor; market-based = (grid electricity - certificates x 1,000 kWh) x the residual
  factor. On-site renewables are in neither.
- Energy for assessment = total - renewable electricity (non-fossil energy is outside energy-
  consumption control, NDRC 2024), also in tonnes of standard coal equivalent.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from compute.models import KWH_PER_CERTIFICATE
from compute.reference import ChosenFactor, Threshold, tier_of
from methodologies.models import EfficiencyTier

KG_PER_TONNE = Decimal(1000)
LITRES_PER_M3 = Decimal(1000)
# Stored precision: energy in Wh, masses in grams, ratios to 6 places.
ENERGY = Decimal("0.001")
MASS = Decimal("0.000001")
RATIO = Decimal("0.000001")


def _stored(value: Decimal, places: Decimal) -> Decimal:
    return value.quantize(places, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Measured:
    """What a reading's meters say. Preconditions (the service checks them): 0 < IT <= total,
    0 <= on-site renewables <= total, certificates x 1,000 kWh <= total - on-site, water >= 0."""

    total_energy_kwh: Decimal
    it_energy_kwh: Decimal
    onsite_renewable_kwh: Decimal
    certificates_quantity: int
    water_m3: Decimal | None


def reading_figures(
    measured: Measured,
    *,
    location: ChosenFactor,
    market: ChosenFactor,
    kgce_per_kwh: Decimal,
    tiers: list[EfficiencyTier],
) -> dict[str, Any]:
    """The figures of one reading, by the names of `compute.models.FIGURE_FIELDS`."""
    total, it = measured.total_energy_kwh, measured.it_energy_kwh
    certificate_kwh = measured.certificates_quantity * KWH_PER_CERTIFICATE
    green = measured.onsite_renewable_kwh + certificate_kwh
    grid = total - measured.onsite_renewable_kwh
    location_kg = grid * location.value
    market_kg = (grid - certificate_kwh) * market.value
    assessed = total - green
    return {
        "green_energy_kwh": _stored(green, ENERGY),
        "grid_energy_kwh": _stored(grid, ENERGY),
        "pue": _stored(total / it, RATIO),
        "renewable_share": _stored(green / total, RATIO),
        "location_based_tco2e": _stored(location_kg / KG_PER_TONNE, MASS),
        "market_based_tco2e": _stored(market_kg / KG_PER_TONNE, MASS),
        "energy_for_assessment_kwh": _stored(assessed, ENERGY),
        "energy_for_assessment_tce": _stored(assessed * kgce_per_kwh / KG_PER_TONNE, MASS),
        "cue": _stored(location_kg / it, RATIO),
        "cue_market_based": _stored(market_kg / it, RATIO),
        "wue": (
            None
            if measured.water_m3 is None
            else _stored(measured.water_m3 * LITRES_PER_M3 / it, RATIO)
        ),
        "location_series": location.series,
        "location_region": location.region,
        "location_factor_year": location.factor_year,
        "location_factor": _stored(location.value, RATIO),
        "location_provisional": location.provisional,
        "market_series": market.series,
        "market_region": market.region,
        "market_factor_year": market.factor_year,
        "market_factor": _stored(market.value, RATIO),
        "market_provisional": market.provisional,
        "tier": tier_of(total, it, tiers),
    }


@dataclass(frozen=True)
class YearFigures:
    """A data centre's figures over the current readings of one year (by period_start): sums,
    and ratios of the sums. `water_m3` and `wue` only where every reading gives water."""

    year: int
    readings: int
    total_energy_kwh: Decimal
    it_energy_kwh: Decimal
    onsite_renewable_kwh: Decimal
    green_energy_kwh: Decimal
    grid_energy_kwh: Decimal
    certificates_quantity: int
    water_m3: Decimal | None
    pue: Decimal
    renewable_share: Decimal
    cue: Decimal
    cue_market_based: Decimal
    wue: Decimal | None
    location_based_tco2e: Decimal
    market_based_tco2e: Decimal
    energy_for_assessment_kwh: Decimal
    energy_for_assessment_tce: Decimal
    location_factor: ChosenFactor
    market_factor: ChosenFactor
    tier: str
    tier_scheme: str
    targets: list[Threshold]

    @property
    def provisional(self) -> bool:
        return self.location_factor.provisional or self.market_factor.provisional

    @property
    def factor_year(self) -> int:
        return min(self.location_factor.factor_year, self.market_factor.factor_year)


def year_figures(
    *,
    year: int,
    sums: dict[str, Any],
    location: ChosenFactor,
    market: ChosenFactor,
    tiers: list[EfficiencyTier],
    tier_scheme: str,
    targets: list[Threshold],
) -> YearFigures:
    """The year's figures from the sums of its current readings' columns (`readings`, the
    count, and `water_readings`, how many give water, beside the column sums)."""
    total, it = sums["total_energy_kwh"], sums["it_energy_kwh"]
    location_tonnes, market_tonnes = sums["location_based_tco2e"], sums["market_based_tco2e"]
    water = sums["water_m3"] if sums["water_readings"] == sums["readings"] else None
    return YearFigures(
        year=year,
        readings=sums["readings"],
        total_energy_kwh=total,
        it_energy_kwh=it,
        onsite_renewable_kwh=sums["onsite_renewable_kwh"],
        green_energy_kwh=sums["green_energy_kwh"],
        grid_energy_kwh=sums["grid_energy_kwh"],
        certificates_quantity=sums["certificates_quantity"],
        water_m3=water,
        pue=total / it,
        renewable_share=sums["green_energy_kwh"] / total,
        cue=location_tonnes * KG_PER_TONNE / it,
        cue_market_based=market_tonnes * KG_PER_TONNE / it,
        wue=None if water is None else water * LITRES_PER_M3 / it,
        location_based_tco2e=location_tonnes,
        market_based_tco2e=market_tonnes,
        energy_for_assessment_kwh=sums["energy_for_assessment_kwh"],
        energy_for_assessment_tce=sums["energy_for_assessment_tce"],
        location_factor=location,
        market_factor=market,
        tier=tier_of(total, it, tiers),
        tier_scheme=tier_scheme,
        targets=targets,
    )
