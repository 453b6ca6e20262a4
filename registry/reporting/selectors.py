"""The regulators' totals: credits issued, retired, cancelled, active and frozen, grouped by
vintage, methodology, sector, province or project, in one aggregate query over the blocks.

Every issued credit is in exactly one block, in exactly one state, so per group
`issued = active + frozen + retired + cancelled` holds by construction (the reconciliation
proves the blocks partition each issuance)."""

from dataclasses import dataclass

from django.db.models import F, Q, Sum, Value
from django.db.models.functions import Coalesce, Concat

from core.provinces import Province
from core.sectors import Sector
from registry.ledger.models import CreditBlock
from registry.projects.models import Project

STATES = {
    "active": CreditBlock.Status.ACTIVE,
    "frozen": CreditBlock.Status.FROZEN,
    "retired": CreditBlock.Status.RETIRED,
    "cancelled": CreditBlock.Status.CANCELLED,
}


@dataclass(frozen=True)
class Grouping:
    """How blocks are grouped: the key's expression, and the label's, if it is not the key's
    choice label."""

    key: object
    label: object | None = None
    choices: type | None = None


GROUPINGS = {
    "vintage": Grouping(key=F("vintage")),
    "methodology": Grouping(
        key=Concat("project__methodology__code", Value("-"), "project__methodology__version"),
        label=F("project__methodology__title"),
    ),
    "sector": Grouping(key=F("project__sector"), choices=Sector),
    "province": Grouping(key=F("project__province"), choices=Province),
    "project": Grouping(key=F("project_id"), label=F("project__title")),
}


def credit_totals(
    *,
    group_by: str,
    vintage: int | None = None,
    province: str | None = None,
    sector: str | None = None,
) -> list[dict]:
    """One row per group, ordered by key: `{key, label, issued, active, frozen, retired,
    cancelled}`, whole credits; the key as a string (a vintage year, a methodology's
    code-version, a sector or province value, a project id)."""
    grouping = GROUPINGS[group_by]
    blocks = CreditBlock.objects.all()
    if vintage is not None:
        blocks = blocks.filter(vintage=vintage)
    if province:
        blocks = blocks.filter(project__province=province)
    if sector:
        blocks = blocks.filter(project__sector=sector)
    columns = {"key": grouping.key}
    if grouping.label is not None:
        columns["label"] = grouping.label
    sums = {
        name: Coalesce(Sum("quantity", filter=Q(status=status)), 0)
        for name, status in STATES.items()
    }
    totals = (
        blocks.values(**columns)
        .annotate(issued=Coalesce(Sum("quantity"), 0), **sums)
        .order_by("key")
    )
    rows = []
    for row in totals:
        label = row.pop("label", None)
        if grouping.choices is not None:
            label = grouping.choices(row["key"]).label
        elif group_by == "project":
            label = f"{Project.reference_of(row['key'])} {label}"
        key = str(row["key"])
        figures = {name: row[name] for name in ("issued", *STATES)}
        rows.append({"key": key, "label": key if label is None else label, **figures})
    return rows
