"""Real threads, real PostgreSQL transactions: eight corrections of one period, each claiming
certificates of one block, arrive at once. They queue on the data centre's lock: each supersedes
the one before, the claims that fit are made, the others are refused with nothing left behind,
and one reading of the period stays current."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from certificates.models import CertificateBlock, CertificateClaim
from certificates.reconciliation import reconcile
from compute.models import DataCentre, Reading
from compute.services.readings import record_reading
from core.errors import InvalidInput
from tests.compute.conftest import certificates
from tests.conftest import log_intact

pytestmark = pytest.mark.django_db(transaction=True)

READINGS = 8
EACH = 100  # a block of 500: five claims fit


def test_concurrent_corrections_of_one_period_queue_on_the_data_centre(users, company, data_centre):
    block = certificates(users["operator"], company, 1, 500)
    barrier = threading.Barrier(READINGS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def record(index: int) -> None:
        try:
            barrier.wait(timeout=20)
            record_reading(
                actor=users["proponent"],
                data_centre=DataCentre.objects.get(pk=data_centre["id"]),
                period_start=date(2025, 1, 1),
                period_end=date(2025, 2, 1),
                total_energy_kwh=Decimal(1_300_000 + index),
                it_energy_kwh=Decimal(1_000_000),
                certificates=[{"block": block, "quantity": EACH}],
            )
            outcome = "recorded"
        except InvalidInput as error:
            outcome = next(iter(error.errors))
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=record, args=(index,)) for index in range(READINGS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(outcomes) == ["certificates[0].block"] * 3 + ["recorded"] * 5
    [current] = Reading.objects.filter(superseded_at__isnull=True)
    assert current.certificates_quantity == 5 * EACH
    assert Reading.objects.count() == 5
    chain, reading = [], current
    while reading is not None:
        chain.append(reading.pk)
        reading = reading.supersedes
    assert len(chain) == 5
    assert CertificateClaim.objects.count() == 5
    assert set(CertificateBlock.objects.values_list("state", flat=True)) == {"claimed"}
    assert reconcile().ok
    assert log_intact()
