"""Reference data: the shipped CSV files, their loader, and the resolver the engine reads."""

import csv
import re
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from methodologies.models import (
    EfficiencyTier,
    EmissionFactor,
    EnergyConversion,
    GlobalWarmingPotential,
    ProvinceGridRegion,
)

DATA_DIR = Path(__file__).resolve().parent / "reference_data"


class ReferenceDataConflict(Exception):
    """A shipped row differs from the stored row at its address; stored rows never change."""


class DatabaseReferences:
    """The engine's `ReferenceResolver`, reading the stored reference data."""

    def factor(self, series: str, region: str, year: int) -> tuple[Decimal, str]:
        row = (
            EmissionFactor.objects.filter(series=series, region=region, data_year=year)
            .values_list("value", "unit")
            .first()
        )
        if row is None:
            raise LookupError(f"{series} {region} {year}")
        return row

    def gwp(self, assessment: str, gas: str) -> Decimal:
        value = (
            GlobalWarmingPotential.objects.filter(set=assessment, gas=gas)
            .values_list("value", flat=True)
            .first()
        )
        if value is None:
            raise LookupError(f"{assessment} {gas}")
        return value


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


# Each shipped file's rows, read as (the columns that address a stored row, the other columns).
Row = tuple[dict[str, object], dict[str, object]]
# "Inner Mongolia (west)" is a part of the province "Inner Mongolia".
AREA_PART = re.compile(r"\s*\([^)]*\)$")


def _factor(row: dict[str, str]) -> Row:
    address = {"series": row["series"], "region": row["region"], "data_year": int(row["data_year"])}
    return address, {
        "value": Decimal(row["value"]),
        "unit": row["unit"],
        "published": row["published"],
        "source": row["source"],
        "confidence": row["confidence"],
    }


def _gwp(row: dict[str, str]) -> Row:
    return {"set": row["set"], "gas": row["gas"]}, {
        "value": Decimal(row["gwp100"]),
        "source": row["source"],
    }


def _grid_region(row: dict[str, str]) -> Row:
    return {"area": row["province"]}, {
        "province": AREA_PART.sub("", row["province"]),
        "grid_region": row["grid_region"],
        "note": row["note"],
    }


def _tier(row: dict[str, str]) -> Row:
    return {"scheme": row["scheme"], "tier": row["tier"]}, {
        "pue_max": Decimal(row["pue_max"]),
        "source": row["source"],
        "confidence": row["confidence"],
    }


def _conversion(row: dict[str, str]) -> Row:
    return {"carrier": row["carrier"], "unit": row["unit"]}, {
        "kgce_per_unit": Decimal(row["kgce_per_unit"]),
        "source": row["source"],
        "confidence": row["confidence"],
    }


# (file, model, how a row is read, the columns a stored row must agree on).
SHIPPED = (
    ("emission-factors.csv", EmissionFactor, _factor, ("value", "unit")),
    ("gwp.csv", GlobalWarmingPotential, _gwp, ("value",)),
    ("china-grid-regions.csv", ProvinceGridRegion, _grid_region, ("province", "grid_region")),
    ("dc-efficiency-tiers.csv", EfficiencyTier, _tier, ("pue_max",)),
    ("energy-conversion.csv", EnergyConversion, _conversion, ("kgce_per_unit",)),
)


@transaction.atomic
def load_reference_data() -> dict[str, int]:
    """Insert the shipped rows that are not stored yet; returns how many were added, per model
    (by its plural name: "emission factors").

    Raises ReferenceDataConflict if a stored row at the same address holds another value.
    """
    added: dict[str, int] = {}
    for name, model, read, compared in SHIPPED:
        count = 0
        for row in _rows(name):
            address, values = read(row)
            stored, created = model.objects.get_or_create(**address, defaults=values)
            if not created and any(getattr(stored, f) != values[f] for f in compared):
                shipped = ", ".join(f"{f} {values[f]}" for f in compared)
                raise ReferenceDataConflict(f"{stored} differs from the shipped {shipped}")
            count += created
        added[str(model._meta.verbose_name_plural)] = count
    return added
