"""Eight threads move shared credits at random for a few seconds, on real PostgreSQL
transactions; afterwards the ledger must still add up."""

import random
import threading
import time
from collections import Counter

import pytest
from django.db import connection

from core.errors import AccessDenied, Conflict
from registry.ledger.models import CreditBlock, HoldingAccount, Issuance, Movement, Retirement
from registry.ledger.reconciliation import reconcile
from registry.ledger.services import movements
from registry.ledger.services.issuance import default_account
from tests.conftest import log_intact, make_organization, make_user

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8
SECONDS = 4.0


def test_random_transfers_and_retirements_never_double_spend(lifecycle, parties):
    issuances = [lifecycle.report("issued").issuance for _ in range(2)]
    holders = [parties["proponent"]]
    for index in range(2):
        holders.append(make_user(make_organization("proponent", name=f"Trader {index}")))
        movements.open_account(
            actor=parties["operator"], organization=holders[-1].organization, name=f"Trader {index}"
        )
    accounts = {user.pk: default_account(user.organization) for user in holders}
    outcomes: Counter[str] = Counter()
    errors: list[BaseException] = []
    deadline = time.monotonic() + SECONDS

    def trade(seed: int) -> None:
        rng = random.Random(seed)
        try:
            while time.monotonic() < deadline:
                user = rng.choice(holders)
                blocks = list(
                    CreditBlock.objects.filter(
                        account=accounts[user.pk], status="active"
                    ).values_list("pk", "quantity")[:20]
                )
                if not blocks:
                    continue
                pk, held = rng.choice(blocks)
                block = CreditBlock.objects.get(pk=pk)
                # Sometimes more than the block holds, so refusals happen under contention.
                quantity = rng.randint(1, min(held, 5000) + 2)
                try:
                    if rng.random() < 0.7:
                        others = [u for u in holders if u.pk != user.pk]
                        movements.transfer_credits(
                            actor=user,
                            block=block,
                            quantity=quantity,
                            to_account=accounts[rng.choice(others).pk],
                        )
                        outcomes["transfer"] += 1
                    else:
                        movements.retire_credits(
                            actor=user,
                            block=block,
                            quantity=quantity,
                            beneficiary=f"beneficiary {seed}",
                            purpose="corporate_neutrality",
                        )
                        outcomes["retirement"] += 1
                except Conflict:
                    outcomes["409"] += 1
                except AccessDenied:
                    # The block changed hands between this thread's read and its call.
                    outcomes["403"] += 1
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=trade, args=(seed,)) for seed in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=SECONDS + 60)

    assert not errors, errors
    assert not any(thread.is_alive() for thread in threads), "a thread hung (deadlock?)"
    assert outcomes["transfer"] > 0 and outcomes["retirement"] > 0, outcomes

    # Every issuance is still partitioned exactly by its blocks: nothing spent twice.
    result = reconcile()
    assert result.ok, result.problems
    for issuance in Issuance.objects.filter(pk__in=[i.pk for i in issuances]):
        assert sum(issuance.blocks.values_list("quantity", flat=True)) == issuance.quantity

    # Retired credits never moved again: no movement after a retirement touches its range.
    for retirement in Movement.objects.filter(kind="retirement"):
        later = Movement.objects.filter(
            issuance_id=retirement.issuance_id,
            id__gt=retirement.id,
            first__lte=retirement.last,
            last__gte=retirement.first,
        )
        assert not later.exists(), retirement
    retired = CreditBlock.objects.filter(status="retired")
    retirement_account = HoldingAccount.objects.get(kind="retirement")
    assert set(retired.values_list("account", flat=True)) == {retirement_account.pk}
    assert Retirement.objects.count() == retired.count() == outcomes["retirement"]
    assert Movement.objects.filter(kind="transfer").count() == outcomes["transfer"]
    assert log_intact()
