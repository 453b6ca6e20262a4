"""The footprint of an AI workload and its green-algorithm rating, in Decimal throughout.

- IT energy (kWh) = average power per accelerator (W) x accelerators x hours / 1000, or the
  metered energy: what Patterson et al. (2021, "Carbon Emissions and Large Neural Network
  Training", Table 4) multiply, measured system power per accelerator included.
- Energy (kWh) = IT energy x PUE: the facility's energy per IT energy (ISO/IEC 30134-2).
- Emissions (kgCO2e) = energy x kgCO2e per kWh: a grid factor given, or the host's emissions of
  the year per kWh of its total energy. Location-based: grid electricity / total x the grid
  region's factor; market-based: (grid electricity - certificates x 1,000 kWh) / total x the
  residual factor (`compute.figures`, the GHG Protocol's dual Scope 2). The runs of a host share
  its on-site renewables and its certificates pro rata, so that they add up to its own Scope 2.
- Energy per unit of work (Wh) = energy x 1000 / the metric's value.
- Rating: five equal bands of (highest - lowest) / 5 between the lowest and the highest energy
  per unit of the runs compared; 5 for the most efficient band (the AI Energy Score's 5 stars),
  1 for the least. A value on an edge belongs to the more efficient band, so the lowest is
  always a 5 and, where the highest is above the lowest, the highest a 1. With every run alike
  (or one alone) there is a single point, and it rates 5: no run of the task does better.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext

from compute.figures import YearFigures
from compute.models import KWH_PER_CERTIFICATE
from compute.reference import ChosenFactor

WH_PER_KWH = Decimal(1000)
BANDS = 5
BEST_RATING = 5
# Wide enough for every column's digits (up to 40): the default context's 28 would round.
EXACT = Context(prec=100)
# Stored precision: energy to the microwatt-hour, masses to the milligram, PUE and the grid
# factors to 6 places (as readings store them), kgCO2e per kWh of a run and energies per unit
# to 12.
ENERGY = Decimal("1e-9")
MASS = Decimal("1e-6")
PUE = Decimal("1e-6")
FACTOR = Decimal("1e-6")
PER_KWH = Decimal("1e-12")
PER_UNIT = Decimal("1e-12")


def stored(value: Decimal, quantum: Decimal) -> Decimal:
    with localcontext(EXACT):
        return value.quantize(quantum, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class HostFactors:
    """What a run takes of its host's figures of a year: the PUE (to 6 places) and kgCO2e per
    kWh of the host's total energy, location-based and market-based, with the factors they come
    from."""

    pue: Decimal
    location_intensity: Decimal
    market_intensity: Decimal
    location: ChosenFactor
    market: ChosenFactor


def host_factors(figures: YearFigures) -> HostFactors:
    """The host's factors from its yearly figures (sums over its current readings)."""
    total = figures.total_energy_kwh
    grid = figures.grid_energy_kwh
    certificate_kwh = figures.certificates_quantity * KWH_PER_CERTIFICATE
    with localcontext(EXACT):
        location = grid / total * figures.location_factor.value
        market = (grid - certificate_kwh) / total * figures.market_factor.value
    return HostFactors(
        pue=stored(figures.pue, PUE),
        location_intensity=stored(location, PER_KWH),
        market_intensity=stored(market, PER_KWH),
        location=figures.location_factor,
        market=figures.market_factor,
    )


def it_energy_kwh(
    *,
    avg_power_watts: Decimal | None,
    accelerator_count: int,
    hours: Decimal,
    metered_energy_kwh: Decimal | None,
) -> Decimal:
    """The accelerators' energy before the PUE: metered, or average power x count x hours."""
    if metered_energy_kwh is not None:
        return metered_energy_kwh
    with localcontext(EXACT):
        return stored(avg_power_watts * accelerator_count * hours / WH_PER_KWH, ENERGY)


def times(quantity: Decimal, factor: Decimal, quantum: Decimal) -> Decimal:
    """quantity x factor, exact, then stored to `quantum`."""
    with localcontext(EXACT):
        return stored(quantity * factor, quantum)


def energy_per_unit_wh(energy_kwh: Decimal, metric_value: Decimal) -> Decimal:
    with localcontext(EXACT):
        return stored(energy_kwh * WH_PER_KWH / metric_value, PER_UNIT)


def rating_of(value: Decimal, lowest: Decimal, highest: Decimal) -> int:
    """The rating of an energy per unit among runs from `lowest` to `highest` (lowest <= value
    <= highest): 5 - k for the first band k whose upper edge, lowest + (k + 1) x (highest -
    lowest) / 5, the value does not exceed; compared as 5 x (value - lowest) <= (k + 1) x
    (highest - lowest), exactly, as the database's constraint compares it."""
    with localcontext(EXACT):
        above_lowest = BANDS * (value - lowest)
        span = highest - lowest
        for band in range(BANDS):
            if above_lowest <= (band + 1) * span:
                return BEST_RATING - band
    raise ValueError(f"{value} is not between {lowest} and {highest}")


def band_edges(lowest: Decimal, highest: Decimal) -> list[Decimal]:
    """The six edges of the five bands, from the lowest to the highest: rating 5 between the
    first two, rating 1 between the last two."""
    with localcontext(EXACT):
        span = highest - lowest
        return [lowest + span * step / BANDS for step in range(BANDS + 1)]
