"""The regulators' totals: credits issued, retired, cancelled, active and frozen, grouped by
vintage, methodology, sector, province or project, in one aggregate query over the kept totals
(`registry.ledger.models.CreditTotal`, one row per project and vintage, which the ledger's
services keep in the transaction of each movement), never over the blocks.

Every issued credit is in exactly one block, in exactly one state, so per group
`issued = active + frozen + retired + cancelled` holds by construction (the reconciliation
proves the blocks partition each issuance and the kept totals are the blocks' sums)."""

from dataclasses import dataclass

from django.db.models import F, Sum, Value
from django.db.models.functions import Concat

from core.provinces import Province
from core.sectors import Sector
from registry.ledger.models import CreditTotal
from registry.projects.models import Project

STATES = ("active", "frozen", "retired", "cancelled")
# The JSON answer by project comes a page at a time (`after`); the CSV has every row.
PROJECT_PAGE_SIZE = 100


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
    after: int | None = None,
    limit: int | None = None,
) -> list[dict]:
    """One row per group, ordered by key: `{key, label, issued, active, frozen, retired,
    cancelled}`, whole credits; the key as a string (a vintage year, a methodology's
    code-version, a sector or province value, a project id).

    By project, `after` (a project id) and `limit` read one page: the first `limit` projects
    past `after`, in id order (the unique index on the kept totals' project and vintage)."""
    grouping = GROUPINGS[group_by]
    totals = CreditTotal.objects.all()
    if vintage is not None:
        totals = totals.filter(vintage=vintage)
    if province:
        totals = totals.filter(project__province=province)
    if sector:
        totals = totals.filter(project__sector=sector)
    if group_by == "project" and after is not None:
        totals = totals.filter(project_id__gt=after)
    columns = {"key": grouping.key}
    if grouping.label is not None:
        columns["label"] = grouping.label
    rows = (
        totals.values(**columns).annotate(**{state: Sum(state) for state in STATES}).order_by("key")
    )
    if limit is not None:
        rows = rows[:limit]
    answer = []
    for row in rows:
        label = row.pop("label", None)
        if grouping.choices is not None:
            label = grouping.choices(row["key"]).label
        elif group_by == "project":
            label = f"{Project.reference_of(row['key'])} {label}"
        key = str(row["key"])
        figures = {state: row[state] for state in STATES}
        issued = sum(figures.values())
        answer.append({"key": key, "label": key if label is None else label, "issued": issued,
                       **figures})  # fmt: skip
    return answer
