"""Real threads, real PostgreSQL transactions: twenty holders' requests claim one block at
once; exactly the claims that fit succeed, the rest are refused, and the block's row still
partitions its range."""

import threading

import pytest
from django.db import connection

from certificates.models import CertificateBlock, CertificateClaim
from certificates.reconciliation import reconcile
from certificates.services import claims
from certificates.services.claims import claim_certificates
from core.errors import Conflict
from tests.certificates.conftest import this_month
from tests.conftest import log_intact

pytestmark = pytest.mark.django_db(transaction=True)

CLAIMS = 20
EACH = 70  # 1,000 certificates: 14 claims fit, 6 do not


def test_twenty_concurrent_claims_of_one_block_claim_exactly_what_fits(users, block):
    barrier = threading.Barrier(CLAIMS)
    outcomes: list[str] = []
    messages: list[str] = []
    lock = threading.Lock()

    def claim() -> None:
        try:
            barrier.wait(timeout=20)
            claim_certificates(
                actor=users["proponent"],
                block=CertificateBlock.objects.get(pk=block.pk),
                quantity=EACH,
                period_start=this_month(),
                period_end=this_month(),
            )
            outcome = "claimed"
        except Conflict as error:
            outcome = "409"
            with lock:
                messages.append(error.message)
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=claim) for _ in range(CLAIMS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(outcomes) == ["409"] * 6 + ["claimed"] * 14
    remaining = CertificateBlock.objects.get(pk=block.pk)
    assert remaining.state == "active" and remaining.quantity == 1000 - 14 * EACH
    expected = claims.NOT_ENOUGH.format(serial=remaining.serial, held=20, asked=EACH)
    assert messages == [expected] * 6
    claimed = CertificateBlock.objects.filter(state="claimed")
    assert claimed.count() == CertificateClaim.objects.count() == 14
    assert sum(claimed.values_list("quantity", flat=True)) == 14 * EACH
    assert reconcile().ok
    assert log_intact()
