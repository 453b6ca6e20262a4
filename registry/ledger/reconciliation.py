"""Reconciliation of the ledger: the blocks of every issuance partition its serial range exactly
(no gap, no overlap, quantities sum to the issued amount; DESIGN "Credits and the ledger").

The database already refuses most broken states (a block's quantity matches its range, and on
PostgreSQL blocks of one issuance never overlap); this check proves the rest, which no single-row
constraint can express, and records each proof as a `ReconciliationRun`.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from core import partitions
from core.partitions import PROBLEM_KINDS, BlockRange, Problem, check_partitions, range_problems
from registry.ledger.models import Issuance, ReconciliationRun

__all__ = ["PROBLEM_KINDS", "Reconciliation", "check_issuance", "reconcile"]


@dataclass(frozen=True)
class Reconciliation:
    """The outcome of one pass over the ledger. `problems` holds the first problems found, in
    issuance and serial order; `problem_count` counts every one found."""

    ok: bool
    issuances_checked: int
    blocks_checked: int
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0


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


def reconcile() -> Reconciliation:
    """Check every issuance against its blocks, in one pass over one ordered query (issuances
    left-joined to their blocks, ordered by issuance and first serial)."""
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
    return Reconciliation(
        ok=result.ok,
        issuances_checked=result.ranges_checked,
        blocks_checked=result.blocks_checked,
        problems=result.problems,
        problem_count=result.problem_count,
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
    )


def last_reconciliation() -> ReconciliationRun | None:
    """The most recent run, if any has run."""
    return ReconciliationRun.objects.order_by("-created_at", "-id").first()
