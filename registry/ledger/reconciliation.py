"""Reconciliation of the ledger: the blocks of every issuance partition its serial range exactly
(no gap, no overlap, quantities sum to the issued amount; DESIGN "Credits and the ledger").

The database already refuses most broken states (a block's quantity matches its range, and on
PostgreSQL blocks of one issuance never overlap); this check proves the rest, which no single-row
constraint can express, and records each proof as a `ReconciliationRun`.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, groupby
from operator import itemgetter
from typing import Any

from django.db import transaction

from registry.ledger.models import Issuance, ReconciliationRun

# The problems a run keeps (all are counted): enough to act on, bounded however broken the
# ledger is, so a run row and its API answer stay small.
MAX_PROBLEMS = 100
# Rows fetched per round trip from the server-side cursor.
CHUNK_SIZE = 5000

GAP = "gap"
OVERLAP = "overlap"
SUM = "sum"
OUTSIDE = "outside"
NO_BLOCKS = "no blocks"
PROBLEM_KINDS = (GAP, OVERLAP, SUM, OUTSIDE, NO_BLOCKS)

Problem = dict[str, Any]
BlockRange = tuple[int, int, int]


@dataclass(frozen=True)
class Reconciliation:
    """The outcome of one pass over the ledger. `problems` holds the first `MAX_PROBLEMS`, in
    issuance and serial order; `problem_count` counts every one found."""

    ok: bool
    issuances_checked: int
    blocks_checked: int
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0


def _issuance_problems(
    first_serial: int, last_serial: int, quantity: int, blocks: Iterable[BlockRange]
) -> Iterator[Problem]:
    """Yield what keeps `blocks` from partitioning [first_serial, last_serial] into `quantity`
    credits, lazily, so that an issuance of any number of blocks is checked in constant memory.

    Precondition: `blocks` are (first, last, quantity) ordered by `first`.
    """
    next_serial = first_serial  # the first serial not yet covered by a block
    in_blocks = 0
    seen_any = False
    for first, last, block_quantity in blocks:
        seen_any = True
        in_blocks += block_quantity
        if first < first_serial or last > last_serial:
            yield {"problem": OUTSIDE, "first": first, "last": last}
            # Only the part inside the range can cover it, or overlap another block there.
            first, last = max(first, first_serial), min(last, last_serial)
            if first > last:
                continue
        if first > next_serial:
            yield {"problem": GAP, "first": next_serial, "last": first - 1}
        elif first < next_serial:
            yield {"problem": OVERLAP, "first": first, "last": min(last, next_serial - 1)}
        next_serial = max(next_serial, last + 1)
    if not seen_any:
        yield {"problem": NO_BLOCKS, "first": first_serial, "last": last_serial}
        return
    if next_serial <= last_serial:
        yield {"problem": GAP, "first": next_serial, "last": last_serial}
    if in_blocks != quantity:
        yield {"problem": SUM, "issued": quantity, "in_blocks": in_blocks}


def check_issuance(
    first_serial: int, last_serial: int, quantity: int, blocks: Iterable[BlockRange]
) -> list[Problem]:
    """What keeps `blocks` (first, last, quantity), ordered by `first`, from partitioning the
    issued range [first_serial, last_serial] of `quantity` credits; empty when they do.

    Problems, in serial order: `gap` and `overlap` name the serials missing or held twice,
    `outside` names a block reaching beyond the range, `sum` compares the issued quantity with
    the blocks' total, and `no blocks` names an issuance with none at all.
    """
    return list(_issuance_problems(first_serial, last_serial, quantity, blocks))


def reconcile() -> Reconciliation:
    """Check every issuance against its blocks, in one pass over one ordered query.

    One statement (issuances left-joined to their blocks, ordered by issuance and first serial)
    sees one snapshot, so issuances and blocks written meanwhile can't be half seen. It runs in a
    transaction so the server-side cursor streams rather than being materialised `WITH HOLD`;
    memory stays constant per issuance, and bounded by `MAX_PROBLEMS` overall.
    """
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
        .iterator(chunk_size=CHUNK_SIZE)
    )
    issuances = blocks = found = 0
    kept: list[Problem] = []

    def counted(group: Iterable[tuple]) -> Iterator[BlockRange]:
        nonlocal blocks
        for row in group:
            if row[4] is not None:  # an issuance without blocks joins one row of nulls
                blocks += 1
                yield row[4:7]

    with transaction.atomic():
        for issuance_id, group in groupby(rows, key=itemgetter(0)):
            head = next(group)
            issuances += 1
            _, first_serial, last_serial, quantity = head[:4]
            for problem in _issuance_problems(
                first_serial, last_serial, quantity, counted(chain([head], group))
            ):
                found += 1
                if len(kept) < MAX_PROBLEMS:
                    kept.append({"issuance": issuance_id, **problem})
    return Reconciliation(
        ok=found == 0,
        issuances_checked=issuances,
        blocks_checked=blocks,
        problems=kept,
        problem_count=found,
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
