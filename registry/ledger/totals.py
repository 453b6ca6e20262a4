"""The kept totals: credits per project, vintage and state (`CreditTotal`), and credits retired
per month and purpose (`RetirementTotal`), moved by the ledger's services in the transaction of
each change, with `col = col + n` in one statement.

Locks: each statement locks the one totals row it changes until commit, after every other ledger
row the service locks (project, report, accounts, block, serial counter, green certificate
blocks; `registry.ledger.locks`) and before the audit entry. Two movements of the same project
and vintage wait on each other here for the rest of their transactions, which is short: a
row-level wait, never a global one. An issuance changes its vintages' rows in vintage order.

A retirement takes two totals rows, always in this order: its project and vintage's
`CreditTotal` row (`move`), then its month, purpose and stripe's `RetirementTotal` row
(`add_retired`); no service takes them the other way round, and none takes two retirement
rows, so the two never deadlock. The retirement row is striped (`RETIREMENT_TOTAL_STRIPES`,
by project) so that it is no hot row: without stripes every retirement of a month and purpose
would wait on one row, a global lock in effect; with them, retirements of two projects wait on
each other only when the projects share a stripe, and those of one project already wait on each
other at its `CreditTotal` row.
"""

from datetime import date, datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone

from registry.ledger.models import CreditBlock, CreditTotal, RetirementTotal
from registry.projects.models import Project

STATES = tuple(CreditBlock.Status.values)

TOTALS_MISSING = "No totals row for project {project}, vintage {vintage}: the totals are broken."


class TotalsMissing(RuntimeError):
    """A movement found no totals row for credits that were issued: only a hand edit of the
    table makes this, and the transaction must not go on over it."""


def _table() -> str:
    return connection.ops.quote_name(CreditTotal._meta.db_table)


def add_issued(*, project: Project, split: dict[int, int]) -> None:
    """Count newly issued (active) credits of `project`, `split` by vintage; a vintage's first
    issuance makes its row, with the project's methodology, sector and province. Caller holds
    the project lock."""
    sql = (
        f"INSERT INTO {_table()} AS t "  # noqa: S608 - our own table name
        "(project_id, vintage, methodology_id, sector, province, active, frozen, retired, "
        "cancelled) VALUES (%s, %s, %s, %s, %s, %s, 0, 0, 0) "
        "ON CONFLICT (project_id, vintage) DO UPDATE SET active = t.active + EXCLUDED.active"
    )
    design = [project.methodology_id, project.sector, project.province]
    with connection.cursor() as cursor:
        for vintage in sorted(split):
            cursor.execute(sql, [project.pk, vintage, *design, split[vintage]])


def move(*, project_id: int, vintage: int, quantity: int, from_state: str, to_state: str) -> None:
    """Count `quantity` credits of a project's vintage as `to_state` instead of `from_state`.
    Caller holds the lock of the block they are in, and has changed its state."""
    if from_state not in STATES or to_state not in STATES or from_state == to_state:
        raise ValueError(f"no move of totals from {from_state!r} to {to_state!r}")
    # Column names from the fixed list of states above; values are parameters.
    sql = (
        f"UPDATE {_table()} SET {from_state} = {from_state} - %s, "  # noqa: S608
        f"{to_state} = {to_state} + %s WHERE project_id = %s AND vintage = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [quantity, quantity, project_id, vintage])
        if cursor.rowcount != 1:
            raise TotalsMissing(TOTALS_MISSING.format(project=project_id, vintage=vintage))


def retirement_month(moment: datetime) -> date:
    """The month a retirement made at `moment` counts in: its first day, in the registry's time
    zone (TIME_ZONE, Asia/Shanghai), as the retirements by month have always been grouped."""
    return timezone.localtime(moment, timezone.get_default_timezone()).date().replace(day=1)


def retirement_stripe(project_id: int) -> int:
    """The stripe a project's retirements are counted in (`RETIREMENT_TOTAL_STRIPES`)."""
    return project_id % settings.RETIREMENT_TOTAL_STRIPES


def add_retired(*, project_id: int, month: date, purpose: str, quantity: int) -> None:
    """Count one retirement certificate of `quantity` credits of a project, made in `month`
    (`retirement_month`) for `purpose`; the stripe's first retirement of the month and purpose
    makes its row. Caller has moved the project and vintage's `CreditTotal` row already (the
    lock order above)."""
    table = connection.ops.quote_name(RetirementTotal._meta.db_table)
    sql = (
        f"INSERT INTO {table} AS t "  # noqa: S608 - our own table name
        "(month, purpose, stripe, quantity, retirements) VALUES (%s, %s, %s, %s, 1) "
        "ON CONFLICT (month, purpose, stripe) DO UPDATE SET "
        "quantity = t.quantity + EXCLUDED.quantity, retirements = t.retirements + 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [month, purpose, retirement_stripe(project_id), quantity])
