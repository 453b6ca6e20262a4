"""The data-centre statistics: a year's figures of the data centres, grouped by province, grid
region or tier, in one aggregate query over their yearly sums (`DataCentreYear`, kept by
`compute.services.summaries` in the transaction of each reading), not over the readings.

A data centre's year is the sum of its current readings whose period starts in the year; its
tier is the best grade its yearly PUE (Σtotal / ΣIT) meets. A group's PUE is Σtotal / ΣIT over
its data centres and its renewable share Σgreen / Σtotal: weighted by energy (ISO/IEC 30134),
never a mean of the data centres' ratios.

Published to the public, a group of fewer than COMPUTE_PUBLIC_MIN_GROUP data centres is
withheld, lest its figures be one company's (DESIGN: aggregates published to the public hide
groups of fewer than 3 data centres); operators and regulators see every group. Withheld groups
are left out, and counted (`DataCentreTotals.withheld`).
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Max, Sum

from compute import reference
from compute.models import DataCentreYear
from core.provinces import Province
from core.roles import can_read_everything
from methodologies.models import ProvinceGridRegion

GROUPINGS = {
    "province": F("data_centre__province"),
    "grid_region": F("data_centre__grid_region"),
    "tier": F("tier"),
}
SUMMED = (
    "total_energy_kwh",
    "it_energy_kwh",
    "green_energy_kwh",
    "location_based_tco2e",
    "market_based_tco2e",
    "energy_for_assessment_kwh",
)


@dataclass(frozen=True)
class DataCentreTotals:
    """The groups of one year the caller may see (`rows`, ordered by key; by grade for tiers),
    and how many groups were withheld from it. `year` is None where no reading is stored."""

    group_by: str
    year: int | None
    rows: list[dict[str, Any]]
    withheld: int


def years() -> list[int]:
    """The years with current readings, the latest first."""
    return list(DataCentreYear.objects.order_by("-year").values_list("year", flat=True).distinct())


def latest_year() -> int | None:
    return DataCentreYear.objects.aggregate(latest=Max("year"))["latest"]


def minimum_group(user: Any) -> int:
    """The fewest data centres a group the user sees may have: 1 for operators and regulators,
    COMPUTE_PUBLIC_MIN_GROUP for everyone else."""
    return 1 if can_read_everything(user) else settings.COMPUTE_PUBLIC_MIN_GROUP


def _plain(value: Decimal) -> str:
    """1.300 as 1.3."""
    return format(value.normalize(), "f")


def _labels(group_by: str, keys: list[str]) -> tuple[dict[str, str], list[str]]:
    """Each key's label, and the keys in the order shown."""
    if group_by == "province":
        return {key: Province(key).label for key in keys}, sorted(keys)
    if group_by == "grid_region":
        areas: dict[str, list[str]] = {}
        for region, area in ProvinceGridRegion.objects.filter(grid_region__in=keys).values_list(
            "grid_region", "area"
        ):
            areas.setdefault(region, []).append(area)
        labels = {
            key: f"{key} ({', '.join(sorted(areas[key]))})" if key in areas else key for key in keys
        }
        return labels, sorted(keys)
    # Tiers: the grades from the most efficient, then the data centres above the limit value.
    thresholds = reference.tier_thresholds()
    grades = {tier.tier: tier for tier in thresholds}
    labels = {}
    for key in keys:
        if key in grades:
            labels[key] = f"Grade {key}: PUE ≤ {_plain(grades[key].pue_max)}"
        elif key == reference.FAILS:
            labels[key] = f"Fails the limit value: PUE > {_plain(thresholds[-1].pue_max)}"
        else:  # a grade of thresholds no longer stored
            labels[key] = key
    order = [tier.tier for tier in thresholds] + [reference.FAILS]
    rank = {key: order.index(key) if key in order else len(order) for key in keys}
    return labels, sorted(keys, key=lambda key: (rank[key], key))


def data_centre_totals(*, user: Any, group_by: str, year: int | None = None) -> DataCentreTotals:
    """The figures of `year` (by default the latest year with readings) per group: `{key,
    label, year, data_centres, total_energy_kwh, it_energy_kwh, pue, renewable_share,
    location_based_tco2e, market_based_tco2e, energy_for_assessment_kwh}`, the groups of fewer
    than `minimum_group(user)` data centres left out."""
    if year is None:
        year = latest_year()
    if year is None:
        return DataCentreTotals(group_by=group_by, year=None, rows=[], withheld=0)
    sums = (
        DataCentreYear.objects.filter(year=year)
        .values(key=GROUPINGS[group_by])
        .annotate(data_centres=Count("id"), **{column: Sum(column) for column in SUMMED})
        .order_by()
    )
    smallest = minimum_group(user)
    groups = {row["key"]: row for row in sums}
    shown = {key: row for key, row in groups.items() if row["data_centres"] >= smallest}
    labels, order = _labels(group_by, list(shown))
    rows = []
    for key in order:
        row = shown[key]
        total, it = row["total_energy_kwh"], row["it_energy_kwh"]
        rows.append(
            {
                "key": key,
                "label": labels[key],
                "year": year,
                "data_centres": row["data_centres"],
                "total_energy_kwh": total,
                "it_energy_kwh": it,
                "pue": total / it,
                "renewable_share": row["green_energy_kwh"] / total,
                "location_based_tco2e": row["location_based_tco2e"],
                "market_based_tco2e": row["market_based_tco2e"],
                "energy_for_assessment_kwh": row["energy_for_assessment_kwh"],
            }
        )
    return DataCentreTotals(
        group_by=group_by, year=year, rows=rows, withheld=len(groups) - len(shown)
    )
