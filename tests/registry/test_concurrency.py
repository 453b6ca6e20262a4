"""Real threads, real PostgreSQL transactions: two operators issue the same report at once."""

import threading

import pytest
from django.db import connection

from core.errors import InvalidTransition
from registry.ledger.models import CreditBlock, Issuance
from registry.ledger.services.issuance import issue_credits
from registry.projects.models import MonitoringReport
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_operators_issuing_at_once_make_exactly_one_issuance(lifecycle, parties):
    report = lifecycle.report("issuance_review")
    second_operator = make_user(parties["operator"].organization, username="operator2")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def issue(actor) -> None:
        try:
            barrier.wait(timeout=10)
            issue_credits(actor=actor, report=MonitoringReport.objects.get(pk=report.pk))
            outcomes.append("issued")
        except InvalidTransition:
            outcomes.append("409")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=issue, args=(a,)) for a in (parties["operator"], second_operator)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["409", "issued"]
    assert Issuance.objects.filter(report=report).count() == 1
    issued = Issuance.objects.get(report=report)
    assert sum(CreditBlock.objects.filter(issuance=issued).values_list("quantity", flat=True)) == (
        issued.quantity
    )
