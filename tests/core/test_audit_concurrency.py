"""The audit verifier reads one view of the chain while other transactions keep appending."""

import threading

import pytest
from django.db import connection, transaction

from core.audit import record_event, verify_chain
from core.models import AuditCheck


@pytest.mark.django_db(transaction=True)
def test_the_verifier_never_reports_a_chain_broken_by_appends_committed_meanwhile():
    target = AuditCheck.objects.create(ok=True, entries=0)
    stop = threading.Event()
    appended = []

    def append_until_stopped() -> None:
        try:
            while not stop.is_set():
                with transaction.atomic():
                    record_event(actor=None, action="test.append", target=target)
                appended.append(1)
        finally:
            connection.close()

    writer = threading.Thread(target=append_until_stopped)
    writer.start()
    try:
        results = [verify_chain() for _ in range(60)]
    finally:
        stop.set()
        writer.join(timeout=30)

    assert len(appended) > 10, "the writer appended too little to race the verifier"
    assert [result for result in results if not result.ok] == []
    assert verify_chain().entries == len(appended)
