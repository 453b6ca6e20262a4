"""Writers append without waiting on each other, while sealers run: after the last seal every
committed entry has exactly one leaf index, and the indexes have no gap."""

import threading

import pytest
from django.db import connection, transaction
from django.test import override_settings

from core import transparency
from core.audit import record_event
from core.models import AuditCheck, AuditEntry

WRITERS = 4
ENTRIES_PER_WRITER = 40


@pytest.mark.django_db(transaction=True)
@override_settings(TRANSPARENCY_SEAL_ON_COMMIT=False)
def test_concurrent_writers_and_sealers_leave_no_gap_and_no_duplicate_leaf_index():
    target = AuditCheck.objects.create(ok=True, entries=0)
    start = threading.Barrier(WRITERS + 2)
    writing = threading.Event()
    errors: list[BaseException] = []

    def write() -> None:
        try:
            start.wait()
            for number in range(ENTRIES_PER_WRITER):
                with transaction.atomic():
                    record_event(actor=None, action="test.append", target=target)
                    if number % 5 == 0:  # some transactions record two entries
                        record_event(actor=None, action="test.append", target=target)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    def seal_while_writing() -> None:
        try:
            start.wait()
            while writing.is_set():
                transparency.seal(batch=7)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    writing.set()
    writers = [threading.Thread(target=write) for _ in range(WRITERS)]
    sealers = [threading.Thread(target=seal_while_writing) for _ in range(2)]
    for thread in writers + sealers:
        thread.start()
    for thread in writers:
        thread.join(timeout=120)
    writing.clear()
    for thread in sealers:
        thread.join(timeout=120)
    transparency.seal()

    assert errors == []
    expected = WRITERS * (ENTRIES_PER_WRITER + ENTRIES_PER_WRITER // 5)
    indexes = list(AuditEntry.objects.order_by("leaf_index").values_list("leaf_index", flat=True))
    assert indexes == list(range(expected))
    assert transparency.latest_head().tree_size == expected
    assert transparency.verify_log().ok
