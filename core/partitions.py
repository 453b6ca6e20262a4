"""Proof that serial-range blocks partition the range they were cut from: no gap, no overlap, no
block outside it, quantities summing to the whole. Credit blocks partition their issuance, green
certificate blocks their imported row; the database refuses overlaps and a block whose quantity
does not match its range, and this proves the rest, which no single-row constraint expresses."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, groupby
from operator import itemgetter
from typing import Any

from django.db import transaction

# The problems a pass keeps (all are counted): enough to act on, bounded however broken the
# data is, so a stored run and its API answer stay small.
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


def range_problems(
    first_serial: int,
    last_serial: int,
    quantity: int,
    blocks: Iterable[BlockRange],
    *,
    whole: str = "issued",
) -> Iterator[Problem]:
    """Yield what keeps `blocks` from partitioning [first_serial, last_serial] into `quantity`
    units, lazily, so that a range of any number of blocks is checked in constant memory.
    `whole` names the range's quantity in a `sum` problem ("issued", "imported").

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
        yield {"problem": SUM, whole: quantity, "in_blocks": in_blocks}


@dataclass(frozen=True)
class Partitions:
    """The outcome of one pass: `problems` holds the first `MAX_PROBLEMS` (each naming its
    range under the pass's key), in range and serial order; `problem_count` counts them all."""

    ranges_checked: int
    blocks_checked: int
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0

    @property
    def ok(self) -> bool:
        return self.problem_count == 0


def check_partitions(rows: Iterable[tuple], *, key: str, whole: str) -> Partitions:
    """Check every range against its blocks in one pass over `rows`: (range id, first, last,
    quantity, block first, block last, block quantity), ordered by range id and block first, a
    range without blocks as one row of null block columns (a left join).

    Give it one ordered query's iterator: one statement sees one snapshot, so ranges and blocks
    written meanwhile can't be half seen. It runs in a transaction so the server-side cursor
    streams rather than being materialised `WITH HOLD`; memory stays constant per range.
    """
    ranges = blocks = found = 0
    kept: list[Problem] = []

    def counted(group: Iterable[tuple]) -> Iterator[BlockRange]:
        nonlocal blocks
        for row in group:
            if row[4] is not None:
                blocks += 1
                yield row[4:7]

    with transaction.atomic():
        for range_id, group in groupby(rows, key=itemgetter(0)):
            head = next(group)
            ranges += 1
            _, first_serial, last_serial, quantity = head[:4]
            for problem in range_problems(
                first_serial, last_serial, quantity, counted(chain([head], group)), whole=whole
            ):
                found += 1
                if len(kept) < MAX_PROBLEMS:
                    kept.append({key: range_id, **problem})
    return Partitions(
        ranges_checked=ranges, blocks_checked=blocks, problems=kept, problem_count=found
    )
