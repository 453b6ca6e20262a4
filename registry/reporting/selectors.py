"""The regulators' totals: credits issued, retired, cancelled, active and frozen, grouped by
vintage, methodology, sector, province or project, in one aggregate query over the kept totals
(`registry.ledger.models.CreditTotal`, one row per project and vintage, which the ledger's
services keep in the transaction of each movement), never over the blocks.

Every issued credit is in exactly one block, in exactly one state, so per group
`issued = active + frozen + retired + cancelled` holds by construction (the reconciliation
proves the blocks partition each issuance and the kept totals are the blocks' sums)."""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from psycopg import ClientCursor

from core.provinces import Province
from core.sectors import Sector
from registry.ledger.models import CreditTotal, Issuance, RetirementTotal
from registry.projects.models import Project

STATES = ("active", "frozen", "retired", "cancelled")
# The JSON answer by project comes a page at a time (`after`); the CSV has every row.
PROJECT_PAGE_SIZE = 100


@dataclass(frozen=True)
class Grouping:
    """How the kept totals are grouped: on one of their columns, whose groups are then joined
    (`join`, on its id) to the rows that give each its key and label, if the column's value
    and its choice label are not enough. Trusted SQL fragments, written here only."""

    column: str
    join: str = ""
    key: str = "t.grouped"
    label: str = "NULL"
    choices: type | None = None


GROUPINGS = {
    "vintage": Grouping(column="vintage"),
    "methodology": Grouping(
        column="methodology_id",
        join="methodologies_methodology",
        key="j.code || '-' || j.version",
        label="j.title",
    ),
    "sector": Grouping(column="sector", choices=Sector),
    "province": Grouping(column="province", choices=Province),
    "project": Grouping(column="project_id", join="projects_project", label="j.title"),
}


def _totals_query(
    grouping: Grouping,
    *,
    vintage: int | None,
    province: str | None,
    sector: str | None,
    after: int | None,
    limit: int | None,
    project: int | None = None,
) -> tuple[str, list]:
    """The SQL of one grouping's totals, `key, label, active, frozen, retired, cancelled` per
    group ordered by key, and its parameters."""
    conditions, parameters = [], []
    filters = (("vintage", vintage), ("province", province), ("sector", sector))
    for column, value in (*filters, ("project_id", project)):
        if value not in (None, ""):
            conditions.append(f"{column} = %s")
            parameters.append(value)
    if grouping.column == "project_id" and after is not None:
        conditions.append("project_id > %s")
        parameters.append(after)
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    paged = ""
    if limit is not None:
        paged = f"ORDER BY {grouping.column} LIMIT %s"
        parameters.append(limit)
    sums = ", ".join(f"SUM({state})::bigint AS {state}" for state in STATES)
    joined = f"JOIN {grouping.join} j ON j.id = t.grouped" if grouping.join else ""
    # Every name is this module's own; every value a parameter.
    sql = f"""
        SELECT {grouping.key} AS key, {grouping.label} AS label, {", ".join(STATES)}
        FROM (SELECT {grouping.column} AS grouped, {sums}
              FROM {CreditTotal._meta.db_table} {where}
              GROUP BY {grouping.column} {paged}) t
        {joined}
        ORDER BY 1
    """  # noqa: S608
    return sql, parameters


def credit_totals(
    *,
    group_by: str,
    vintage: int | None = None,
    province: str | None = None,
    sector: str | None = None,
    after: int | None = None,
    limit: int | None = None,
    project: int | None = None,
) -> list[dict]:
    """One row per group, ordered by key: `{key, label, issued, active, frozen, retired,
    cancelled}`, whole credits; the key as a string (a vintage year, a methodology's
    code-version, a sector or province value, a project id).

    One query: the kept totals (at most projects x vintages rows, filtered on their own
    columns) summed per group, then joined to the group's methodology or project for its key
    and label. By project, `after` (a project id) and `limit` read one page, the first `limit`
    projects past `after` in id order, along the unique index on (project, vintage). With
    `project`, the totals of that project alone (by vintage: its credits per vintage)."""
    grouping = GROUPINGS[group_by]
    sql, parameters = _totals_query(
        grouping,
        vintage=vintage,
        province=province,
        sector=sector,
        after=after,
        limit=limit,
        project=project,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        fetched = cursor.fetchall()
    rows = []
    for key, label, *figures in fetched:
        if grouping.choices is not None:
            label = grouping.choices(key).label
        elif group_by == "project":
            label = f"{Project.reference_of(key)} {label}"
        by_state = dict(zip(STATES, figures, strict=True))
        rows.append({"key": str(key), "label": str(key) if label is None else label,
                     "issued": sum(figures), **by_state})  # fmt: skip
    return rows


def project_totals_csv(
    *, vintage: int | None = None, province: str | None = None, sector: str | None = None
) -> bytes:
    """Every project's totals as CSV, the rows of `credit_totals(group_by="project")` under a
    header of their keys, written by PostgreSQL (`COPY ... TO STDOUT`): tens of thousands of
    rows, which Python's csv module would take longer to write than the query takes to run.
    The label is the project's reference (`Project.reference_of`) and title, so it starts with
    `P` and is never a formula to a spreadsheet."""
    sql, parameters = _totals_query(
        GROUPINGS["project"],
        vintage=vintage,
        province=province,
        sector=sector,
        after=None,
        limit=None,
    )
    reference = "'P' || lpad(key::text, greatest(6, length(key::text)), '0')"
    states = ", ".join(STATES)
    rows = f"""
        SELECT key, {reference} || ' ' || label AS label,
               {" + ".join(STATES)} AS issued, {states}
        FROM ({sql}) totals ORDER BY key
    """  # noqa: S608
    with connection.cursor() as cursor:
        raw = cursor.cursor
        # COPY takes no parameters: they are bound here, by psycopg, as literals.
        query = ClientCursor(raw.connection).mogrify(rows, parameters)
        out = bytearray()
        with raw.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv, HEADER)") as copy:
            for chunk in copy:
                out += chunk
    return bytes(out)


def retirements_by_month() -> list[dict]:
    """Credits retired per calendar month (in the registry's time zone) and purpose, in one
    aggregate query over the kept retirement totals (`registry.ledger.models.RetirementTotal`,
    at most months x purposes x stripes rows, kept by `retire_credits` in the transaction of
    each retirement), never over the certificates and their blocks: `{month (the first day, a
    date), purpose, credits, retirements}`, ordered by month then purpose. Retirements are
    public records, so these figures are too."""
    rows = (
        RetirementTotal.objects.values("month", "purpose")
        .annotate(credits=Sum("quantity"), retirements=Sum("retirements"))
        .order_by("month", "purpose")
    )
    return list(rows)


def issued_by_month() -> list[dict]:
    """Credits issued per calendar month (in the registry's time zone), in one aggregate query
    over the issuances: `{month (the first day, a date), credits, issuances}`, by month."""
    rows = (
        Issuance.objects.annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(credits=Sum("quantity"), issuances=Count("id"))
        .order_by("month")
    )
    return [{**row, "month": row["month"].date()} for row in rows]
