"""Reconciliation of green certificates: the blocks of every imported row partition its serial
range exactly (no gap, no overlap, no block outside it, quantities summing to the row's).

The database refuses overlaps and a block whose quantity does not match its range; this proves
the rest, which no single-row constraint can express."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, groupby
from operator import itemgetter
from typing import Any

from django.db import transaction

from certificates.models import CertificateRange

# Problems kept (all are counted), and rows fetched per round trip.
MAX_PROBLEMS = 100
CHUNK_SIZE = 5000

GAP = "gap"
OVERLAP = "overlap"
SUM = "sum"
OUTSIDE = "outside"
NO_BLOCKS = "no blocks"

Problem = dict[str, Any]


@dataclass(frozen=True)
class Reconciliation:
    ok: bool
    ranges_checked: int
    blocks_checked: int
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0


def range_problems(
    first_serial: int, last_serial: int, quantity: int, blocks: Iterable[tuple[int, int, int]]
) -> Iterator[Problem]:
    """What keeps `blocks` (first, last, quantity), ordered by first, from partitioning
    [first_serial, last_serial] into `quantity` certificates, lazily, in serial order."""
    next_serial = first_serial  # the first serial no block has covered yet
    in_blocks = 0
    seen_any = False
    for first, last, block_quantity in blocks:
        seen_any = True
        in_blocks += block_quantity
        if first < first_serial or last > last_serial:
            yield {"problem": OUTSIDE, "first": first, "last": last}
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
        yield {"problem": SUM, "imported": quantity, "in_blocks": in_blocks}


def reconcile() -> Reconciliation:
    """Check every imported row against its blocks in one ordered query (one snapshot), streamed
    from a server-side cursor inside a transaction, in constant memory per row."""
    rows = (
        CertificateRange.objects.order_by("id", "blocks__serial_first")
        .values_list(
            "id",
            "serial_first",
            "serial_last",
            "quantity",
            "blocks__serial_first",
            "blocks__serial_last",
            "blocks__quantity",
        )
        .iterator(chunk_size=CHUNK_SIZE)
    )
    ranges = blocks = found = 0
    kept: list[Problem] = []

    def counted(group: Iterable[tuple]) -> Iterator[tuple[int, int, int]]:
        nonlocal blocks
        for row in group:
            if row[4] is not None:  # a row without blocks joins one row of nulls
                blocks += 1
                yield row[4:7]

    with transaction.atomic():
        for range_id, group in groupby(rows, key=itemgetter(0)):
            head = next(group)
            ranges += 1
            _, first_serial, last_serial, quantity = head[:4]
            for problem in range_problems(
                first_serial, last_serial, quantity, counted(chain([head], group))
            ):
                found += 1
                if len(kept) < MAX_PROBLEMS:
                    kept.append({"range": range_id, **problem})
    return Reconciliation(
        ok=found == 0,
        ranges_checked=ranges,
        blocks_checked=blocks,
        problems=kept,
        problem_count=found,
    )
