"""Reference data: the shipped CSV files, their loader, and the resolver the engine reads."""

import csv
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from methodologies.models import EmissionFactor, GlobalWarmingPotential

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


@transaction.atomic
def load_reference_data() -> tuple[int, int]:
    """Insert the shipped rows that are not stored yet; returns (factors, gwps) added.

    Raises ReferenceDataConflict if a stored row at the same address holds another value.
    """
    added_factors = added_gwps = 0
    for row in _rows("emission-factors.csv"):
        factor, created = EmissionFactor.objects.get_or_create(
            series=row["series"],
            region=row["region"],
            data_year=int(row["data_year"]),
            defaults={
                "value": Decimal(row["value"]),
                "unit": row["unit"],
                "published": row["published"],
                "source": row["source"],
                "confidence": row["confidence"],
            },
        )
        if not created and (factor.value, factor.unit) != (Decimal(row["value"]), row["unit"]):
            raise ReferenceDataConflict(f"{factor} differs from the shipped {row['value']}")
        added_factors += created
    for row in _rows("gwp.csv"):
        gwp, created = GlobalWarmingPotential.objects.get_or_create(
            set=row["set"],
            gas=row["gas"],
            defaults={"value": Decimal(row["gwp100"]), "source": row["source"]},
        )
        if not created and gwp.value != Decimal(row["gwp100"]):
            raise ReferenceDataConflict(f"{gwp} differs from the shipped {row['gwp100']}")
        added_gwps += created
    return added_factors, added_gwps
