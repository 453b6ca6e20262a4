"""Reconciliation of the ledger: the blocks of every issuance partition its serial range exactly
(no gap, no overlap, quantities sum to the issued amount; DESIGN "Credits and the ledger"), the
kept totals (`CreditTotal`) are the blocks' sums per project, vintage and state, and the kept
retirement totals (`RetirementTotal`) are the retirement certificates' sums per month and
purpose.

The database already refuses most broken states (a block's quantity matches its range, and on
PostgreSQL blocks of one issuance never overlap); this check proves the rest, which no single-row
constraint can express, and records each proof as a `ReconciliationRun`.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction

from core import partitions
from core.partitions import BlockRange, Problem, check_partitions, range_problems
from registry.ledger.models import (
    CreditBlock,
    CreditTotal,
    Issuance,
    ReconciliationRun,
    Retirement,
    RetirementTotal,
)
from registry.projects.models import Project

__all__ = [
    "PROBLEM_KINDS",
    "Reconciliation",
    "check_issuance",
    "check_retirement_totals",
    "check_totals",
    "reconcile",
]

TOTALS = "totals"
# A kept totals row whose methodology, sector or province is not its project's.
TOTALS_GROUPING = "totals grouping"
# A kept retirement total (credits or certificates) of a month and purpose, summed over its
# stripes, that is not the retirements' own.
RETIREMENT_TOTALS = "retirement totals"
PROBLEM_KINDS = (*partitions.PROBLEM_KINDS, TOTALS, TOTALS_GROUPING, RETIREMENT_TOTALS)
# The kept retirement totals' figures: credits retired, and certificates made.
RETIREMENT_FIGURES = ("quantity", "retirements")
STATES = tuple(CreditBlock.Status.values)


@dataclass(frozen=True)
class Reconciliation:
    """The outcome of one pass over the ledger. `problems` holds the first problems found, in
    issuance and serial order; `problem_count` counts every one found."""

    ok: bool
    issuances_checked: int
    blocks_checked: int
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    totals_checked: int = 0
    retirement_totals_checked: int = 0


def check_issuance(
    first_serial: int, last_serial: int, quantity: int, blocks: Iterable[BlockRange]
) -> list[Problem]:
    """What keeps `blocks` (first, last, quantity), ordered by `first`, from partitioning the
    issued range [first_serial, last_serial] of `quantity` credits; empty when they do.

    Problems, in serial order: `gap` and `overlap` name the serials missing or held twice,
    `outside` names a block reaching beyond the range, `sum` compares the issued quantity with
    the blocks' total, and `no blocks` names an issuance with none at all.
    """
    return list(range_problems(first_serial, last_serial, quantity, blocks, whole="issued"))


def check_totals() -> tuple[int, int, list[Problem]]:
    """Compare the kept totals with the blocks' sums per project, vintage and state, in one
    query (a full join of the two groupings); returns the (project, vintage) pairs compared,
    how many problems there are, and the first `MAX_PROBLEMS` of them: each (project, vintage,
    state) sum that differs, `{"problem": "totals", project, vintage, state, in_totals,
    in_blocks}`, and each row whose copy of its project's methodology, sector or province is
    not the project's, `{"problem": "totals grouping", project, vintage}`."""
    sums = ", ".join(
        f"COALESCE(SUM(quantity) FILTER (WHERE status = '{state}'), 0)::bigint AS {state}"
        for state in STATES
    )
    blocks = connection.ops.quote_name(CreditBlock._meta.db_table)
    kept = connection.ops.quote_name(CreditTotal._meta.db_table)
    projects = connection.ops.quote_name(Project._meta.db_table)
    columns = ", ".join(f"COALESCE(k.{state}, 0), COALESCE(b.{state}, 0)" for state in STATES)
    # Names are our own (the table names and the fixed states); nothing comes from outside.
    sql = f"""
        WITH b AS (SELECT project_id, vintage, {sums} FROM {blocks} GROUP BY project_id, vintage)
        SELECT COALESCE(k.project_id, b.project_id), COALESCE(k.vintage, b.vintage),
               k.id IS NOT NULL AND (k.methodology_id, k.sector, k.province)
                   IS DISTINCT FROM (p.methodology_id, p.sector, p.province),
               {columns}
        FROM {kept} k FULL JOIN b ON b.project_id = k.project_id AND b.vintage = k.vintage
        LEFT JOIN {projects} p ON p.id = k.project_id
        ORDER BY 1, 2
    """  # noqa: S608
    checked, differing, problems = 0, 0, []
    with connection.cursor() as cursor:
        cursor.execute(sql)
        for project, vintage, regrouped, *figures in cursor.fetchall():
            checked += 1
            found = []
            if regrouped:
                found.append({"problem": TOTALS_GROUPING, "project": project, "vintage": vintage})
            found += [
                {
                    "problem": TOTALS,
                    "project": project,
                    "vintage": vintage,
                    "state": state,
                    "in_totals": figures[2 * index],
                    "in_blocks": figures[2 * index + 1],
                }
                for index, state in enumerate(STATES)
                if figures[2 * index] != figures[2 * index + 1]
            ]
            differing += len(found)
            problems.extend(found[: partitions.MAX_PROBLEMS - len(problems)])
    return checked, differing, problems


def check_retirement_totals() -> tuple[int, int, list[Problem]]:
    """Compare the kept retirement totals, summed over their stripes, with the retirement
    certificates' sums per month (in the registry's time zone) and purpose, in one query (a
    full join of the two groupings): the stripe only spreads the locks, so a change of
    `RETIREMENT_TOTAL_STRIPES` moves no sum. Returns the (month, purpose) pairs compared, how
    many problems there are, and the first `MAX_PROBLEMS` of them: each figure that differs,
    `{"problem": "retirement totals", month (ISO date), purpose, figure ("quantity" or
    "retirements"), in_totals, in_retirements}`."""
    kept = connection.ops.quote_name(RetirementTotal._meta.db_table)
    retirements = connection.ops.quote_name(Retirement._meta.db_table)
    blocks = connection.ops.quote_name(CreditBlock._meta.db_table)
    # Names are our own table names; the time zone is a parameter.
    sql = f"""
        WITH k AS (SELECT month, purpose, SUM(quantity)::bigint AS quantity,
                          SUM(retirements)::bigint AS retirements
                   FROM {kept} GROUP BY month, purpose),
             r AS (SELECT date_trunc('month', r.created_at AT TIME ZONE %s)::date AS month,
                          r.purpose, SUM(b.quantity)::bigint AS quantity,
                          COUNT(*)::bigint AS retirements
                   FROM {retirements} r JOIN {blocks} b ON b.id = r.block_id GROUP BY 1, 2)
        SELECT COALESCE(k.month, r.month), COALESCE(k.purpose, r.purpose),
               COALESCE(k.quantity, 0), COALESCE(r.quantity, 0),
               COALESCE(k.retirements, 0), COALESCE(r.retirements, 0)
        FROM k FULL JOIN r ON r.month = k.month AND r.purpose = k.purpose
        ORDER BY 1, 2
    """  # noqa: S608
    checked, differing, problems = 0, 0, []
    with connection.cursor() as cursor:
        cursor.execute(sql, [settings.TIME_ZONE])
        for month, purpose, *figures in cursor.fetchall():
            checked += 1
            found = [
                {
                    "problem": RETIREMENT_TOTALS,
                    "month": month.isoformat(),
                    "purpose": purpose,
                    "figure": figure,
                    "in_totals": figures[2 * index],
                    "in_retirements": figures[2 * index + 1],
                }
                for index, figure in enumerate(RETIREMENT_FIGURES)
                if figures[2 * index] != figures[2 * index + 1]
            ]
            differing += len(found)
            problems.extend(found[: partitions.MAX_PROBLEMS - len(problems)])
    return checked, differing, problems


def reconcile() -> Reconciliation:
    """Check every issuance against its blocks, in one pass over one ordered query (issuances
    left-joined to their blocks, ordered by issuance and first serial), then the kept totals
    against the blocks' sums (`check_totals`), then the kept retirement totals against the
    retirements' sums (`check_retirement_totals`). Each is one statement, so each sees one
    snapshot: a movement committed meanwhile never shows as a difference."""
    rows = (
        Issuance.objects.order_by("id", "blocks__first")
        .values_list(
            "id",
            "first_serial",
            "last_serial",
            "quantity",
            "blocks__first",
            "blocks__last",
            "blocks__quantity",
        )
        .iterator(chunk_size=partitions.CHUNK_SIZE)
    )
    result = check_partitions(rows, key="issuance", whole="issued")
    totals_checked, totals_differing, totals_problems = check_totals()
    retired_checked, retired_differing, retired_problems = check_retirement_totals()
    problems = result.problems + totals_problems + retired_problems
    return Reconciliation(
        ok=result.ok and not totals_differing and not retired_differing,
        issuances_checked=result.ranges_checked,
        blocks_checked=result.blocks_checked,
        problems=problems[: partitions.MAX_PROBLEMS],
        problem_count=result.problem_count + totals_differing + retired_differing,
        totals_checked=totals_checked,
        retirement_totals_checked=retired_checked,
    )


def record_reconciliation() -> ReconciliationRun:
    """Reconcile the ledger and record the outcome. Safe to run any number of times: it only
    reads the ledger and adds one observation."""
    result = reconcile()
    return ReconciliationRun.objects.create(
        ok=result.ok,
        issuances_checked=result.issuances_checked,
        blocks_checked=result.blocks_checked,
        problem_count=result.problem_count,
        problems=result.problems,
        totals_checked=result.totals_checked,
        retirement_totals_checked=result.retirement_totals_checked,
    )


def start_reconciliation() -> None:
    """Run a reconciliation as a task (`ledger.reconcile`) once the caller's transaction
    commits: a request that asks for one never scans the ledger itself, where a worker runs
    the tasks. Without a broker (the quickstart) it runs in this process, as the task would."""
    transaction.on_commit(_enqueue)


def _enqueue() -> None:
    from registry.ledger.tasks import reconcile_ledger as task  # the task calls this module

    if task.app.conf.task_always_eager:
        # As core.jobs does: in process, without taking a producer from the broker's pool.
        task.apply()
    else:
        task.delay()


def last_reconciliation() -> ReconciliationRun | None:
    """The most recent run, if any has run."""
    return ReconciliationRun.objects.order_by("-created_at", "-id").first()
