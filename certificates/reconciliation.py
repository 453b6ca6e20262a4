"""Reconciliation of green certificates: the blocks of every imported row partition its serial
range exactly (no gap, no overlap, no block outside it, quantities summing to the row's).

The database refuses overlaps and a block whose quantity does not match its range; this proves
the rest, which no single-row constraint can express."""

from certificates.models import CertificateRange, ReconciliationRun
from core import partitions
from core.partitions import (
    GAP,
    NO_BLOCKS,
    OUTSIDE,
    OVERLAP,
    SUM,
    Partitions,
    check_partitions,
)

__all__ = ["GAP", "NO_BLOCKS", "OUTSIDE", "OVERLAP", "SUM", "reconcile", "record_reconciliation"]


def reconcile() -> Partitions:
    """Check every imported row against its blocks in one ordered query (one snapshot),
    streamed from a server-side cursor, in constant memory per row."""
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
        .iterator(chunk_size=partitions.CHUNK_SIZE)
    )
    return check_partitions(rows, key="range", whole="imported")


def record_reconciliation() -> ReconciliationRun:
    """Reconcile the certificates and record the outcome. Safe to run any number of times: it
    only reads the blocks and adds one observation."""
    result = reconcile()
    return ReconciliationRun.objects.create(
        ok=result.ok,
        ranges_checked=result.ranges_checked,
        blocks_checked=result.blocks_checked,
        problem_count=result.problem_count,
        problems=result.problems,
    )
