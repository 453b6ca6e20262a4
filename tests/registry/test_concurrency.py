"""Real threads, real PostgreSQL transactions: issuances, movements of shared credits, freezes,
idempotent replays and default accounts, each racing its like; the ledger adds up afterwards."""

import itertools
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction

from core import idempotency
from core.errors import Conflict, InvalidTransition
from core.models import IdempotencyRecord
from registry.ledger.api.serializers import RetirementSerializer
from registry.ledger.models import (
    CreditBlock,
    HoldingAccount,
    Issuance,
    Movement,
    Retirement,
)
from registry.ledger.reconciliation import reconcile
from registry.ledger.services import movements
from registry.ledger.services.issuance import default_account, issue_credits
from registry.projects.models import MonitoringReport
from tests.conftest import client_for, log_intact, make_organization, make_user

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


# --- Movements of shared credits ----------------------------------------------------------------


@pytest.fixture
def market(lifecycle, parties):
    """An issued report in the company's default account, a buyer with an account of its own,
    and `small_block(n)`: n credits moved from the company to the buyer, one block of the
    buyer's."""
    report = lifecycle.report("issued")
    buyer = make_user(make_organization("proponent", name="Buyer Co."), username="buyer")
    buyer_account = movements.open_account(
        actor=parties["operator"], organization=buyer.organization, name="Buyer main"
    )
    company_account = default_account(parties["proponent"].organization)
    source = CreditBlock.objects.filter(issuance__report=report).order_by("first").first()

    def small_block(quantity: int) -> CreditBlock:
        movement = movements.transfer_credits(
            actor=parties["proponent"],
            block=CreditBlock.objects.get(pk=source.pk),
            quantity=quantity,
            to_account=buyer_account,
        )
        return CreditBlock.objects.get(pk=movement.block_id)

    return {
        "issuance": report.issuance,
        "company": parties["proponent"],
        "company_account": company_account,
        "buyer": buyer,
        "buyer_account": buyer_account,
        "block": source,
        "small_block": small_block,
    }


def run_together(*calls: Callable[[], Any]) -> list[Any]:
    """Run each call in a thread of its own, all released at once; each one's return value, or
    the exception it raised. Every thread closes its database connection."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[index] = calls[index]()
        except BaseException as error:  # noqa: BLE001 - the test asserts on it
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung (deadlock?)"
    return outcomes


def wait_until_waiting(pid: int, timeout: float = 10) -> None:
    """Until the database backend `pid` waits on a lock another transaction holds."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT cardinality(pg_blocking_pids(%s))", [pid])
            if cursor.fetchone()[0]:
                return
            time.sleep(0.01)
    raise AssertionError(f"backend {pid} never waited on a lock")


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def assert_partitioned(issuance: Issuance) -> None:
    assert reconcile().ok, reconcile().problems
    blocks = list(issuance.blocks.order_by("first").values_list("first", "last", "quantity"))
    assert blocks[0][0] == issuance.first_serial
    assert blocks[-1][1] == issuance.last_serial
    assert all(after[0] == before[1] + 1 for before, after in itertools.pairwise(blocks))
    assert sum(quantity for _, _, quantity in blocks) == issuance.quantity


def test_of_eight_concurrent_transfers_exactly_the_three_that_fit_succeed(market):
    ten = market["small_block"](10)
    first, last = ten.first, ten.last

    def transfer() -> Movement:
        return movements.transfer_credits(
            actor=market["buyer"],
            block=CreditBlock.objects.get(pk=ten.pk),
            quantity=3,
            to_account=market["company_account"],
        )

    outcomes = run_together(*[transfer] * 8)

    moved = [outcome for outcome in outcomes if isinstance(outcome, Movement)]
    refused = [outcome for outcome in outcomes if not isinstance(outcome, Movement)]
    left = CreditBlock.objects.get(pk=ten.pk)
    assert len(moved) == 3, outcomes
    assert [type(error) for error in refused] == [Conflict] * 5, refused
    assert {error.message for error in refused} == {
        movements.NOT_ENOUGH.format(serial=left.serial, held=1, asked=3)
    }
    # The holder keeps the lower serials; each transfer took the top three of what was left.
    assert (left.first, left.last, left.quantity, left.account) == (
        first,
        first,
        1,
        market["buyer_account"],
    )
    assert sorted((m.first, m.last) for m in moved) == [
        (last - 8, last - 6),
        (last - 5, last - 3),
        (last - 2, last),
    ]
    assert all(m.block.account == market["company_account"] for m in moved)
    assert_partitioned(market["issuance"])
    assert log_intact()


@pytest.mark.parametrize(("quantity", "left"), [(4, 6), (10, 0)])
def test_a_freeze_racing_a_transfer_lands_before_or_after_it(quantity, left, market, parties):
    """Either the transfer went first and the freeze froze what was left (or, when the whole
    block moved, was told so), or the freeze went first and the transfer was refused."""
    orders = set()
    for _ in range(3):
        block = market["small_block"](10)
        transfer, freeze = run_together(
            lambda block=block: movements.transfer_credits(
                actor=market["buyer"],
                block=CreditBlock.objects.get(pk=block.pk),
                quantity=quantity,
                to_account=market["company_account"],
            ),
            lambda block=block: movements.freeze_block(
                actor=parties["regulator"], block=CreditBlock.objects.get(pk=block.pk)
            ),
        )

        now = CreditBlock.objects.get(pk=block.pk)
        if isinstance(transfer, Movement):
            orders.add("transfer first")
            moved = CreditBlock.objects.get(pk=transfer.block_id)
            assert moved.account == market["company_account"]
            if left:
                assert isinstance(freeze, Movement), freeze
                assert (now.quantity, now.status, now.account) == (
                    left,
                    "frozen",
                    market["buyer_account"],
                )
                assert moved.status == "active"
            elif isinstance(freeze, Movement):
                # The freeze read the block after the transfer: it froze it where it went.
                assert (now.pk, now.status) == (moved.pk, "frozen")
            else:
                assert isinstance(freeze, Conflict), freeze
                assert freeze.message == movements.BLOCK_MOVED.format(serial=now.serial)
                assert now.status == "active"
        else:
            orders.add("freeze first")
            assert isinstance(freeze, Movement), freeze
            assert isinstance(transfer, Conflict), transfer
            assert transfer.message == movements.NOT_ACTIVE.format(
                serial=block.serial, status="frozen"
            )
            assert (now.quantity, now.status, now.account) == (
                10,
                "frozen",
                market["buyer_account"],
            )
    assert orders  # which orders happened is up to the scheduler; both are correct
    assert_partitioned(market["issuance"])


# --- Idempotent replays racing the first request ------------------------------------------------


def test_a_replay_racing_the_first_request_gets_the_first_answer(market):
    """The replay arrives while the first request holds the block: it waits on the key, then
    answers what the first stored, instead of running and failing on the moved block."""
    block = market["block"]
    body = {
        "block": block.pk,
        "quantity": block.quantity,
        "beneficiary": "X",
        "purpose": "public_good",
    }
    retired, release = threading.Event(), threading.Event()
    pids: list[int] = []

    def retire(*, pause: bool) -> idempotency.Answer:
        def operation() -> idempotency.Answer:
            certificate = movements.retire_credits(
                actor=market["company"],
                block=CreditBlock.objects.get(pk=block.pk),
                quantity=block.quantity,
                beneficiary="X",
                purpose="public_good",
            )
            if pause:
                retired.set()
                release.wait(timeout=10)
            return 201, RetirementSerializer(certificate).data

        return idempotency.run_once(
            user=market["company"],
            key="order-7",
            endpoint="retirements",
            body=body,
            operation=operation,
        )

    def replay() -> idempotency.Answer:
        retired.wait(timeout=10)
        pids.append(backend_pid())
        return retire(pause=False)

    first, again = run_waiting(lambda: retire(pause=True), [replay], retired, release, pids)

    assert isinstance(first, tuple), first
    assert first[0] == 201
    assert again == first
    assert Retirement.objects.count() == 1
    assert Movement.objects.filter(kind="retirement").count() == 1
    assert IdempotencyRecord.objects.filter(key="order-7").count() == 1


def test_two_identical_retirements_posted_at_once_with_one_key_make_one(market):
    block = market["block"]
    body = {
        "block": block.pk,
        "quantity": block.quantity,
        "beneficiary": "X",
        "purpose": "public_good",
    }
    colleague = make_user(market["company"].organization, username="colleague")
    clients = [client_for(market["company"]), client_for(colleague)]

    responses = run_together(
        *[
            lambda client=client: client.post(
                "/api/v1/retirements/", body, format="json", HTTP_IDEMPOTENCY_KEY="order-8"
            )
            for client in clients
        ]
    )

    assert [response.status_code for response in responses] == [201, 201], responses
    assert responses[0].json() == responses[1].json()
    assert Retirement.objects.count() == 1
    assert Movement.objects.filter(kind="retirement").count() == 1


# --- One default account per organisation -------------------------------------------------------


def test_opening_a_default_account_while_a_first_issuance_opens_one_is_a_409(parties):
    """The default account an issuance opens is not committed yet when the operator asks for
    one: the operator's insert waits on the unique index, and is answered with a 409."""
    organization = make_organization("proponent", name="Newcomer Co.")
    opened, release = threading.Event(), threading.Event()
    pids: list[int] = []

    def issuance_opens_default() -> HoldingAccount:
        with transaction.atomic():
            account = default_account(organization)
            opened.set()
            release.wait(timeout=10)
        return account

    def operator_opens_default() -> HoldingAccount:
        opened.wait(timeout=10)
        pids.append(backend_pid())
        return movements.open_account(
            actor=parties["operator"], organization=organization, name="Main", is_default=True
        )

    def operator_opens_another() -> HoldingAccount:
        opened.wait(timeout=10)
        pids.append(backend_pid())
        return movements.open_account(
            actor=parties["operator"], organization=organization, name="Trading"
        )

    outcomes = run_waiting(
        issuance_opens_default,
        [operator_opens_default, operator_opens_another],
        opened,
        release,
        pids,
    )

    default, refused, other = outcomes
    assert isinstance(default, HoldingAccount), default
    assert isinstance(refused, Conflict), refused
    assert refused.message == movements.DEFAULT_EXISTS.format(
        organization=organization.name, account=default.name
    )
    assert isinstance(other, HoldingAccount), other
    assert other.is_default is False
    assert list(HoldingAccount.objects.filter(organization=organization, is_default=True)) == [
        default
    ]


def test_a_first_issuance_racing_the_operator_finds_the_default_the_operator_opened(parties):
    organization = make_organization("proponent", name="Newcomer Co.")
    opened, release = threading.Event(), threading.Event()
    pids: list[int] = []

    def operator_opens_default() -> HoldingAccount:
        with transaction.atomic():
            account = movements.open_account(
                actor=parties["operator"], organization=organization, name="Main", is_default=True
            )
            opened.set()
            release.wait(timeout=10)
        return account

    def issuance_opens_default() -> HoldingAccount:
        opened.wait(timeout=10)
        pids.append(backend_pid())
        return default_account(organization)

    opened_by_operator, found = run_waiting(
        operator_opens_default, [issuance_opens_default], opened, release, pids
    )

    assert isinstance(opened_by_operator, HoldingAccount), opened_by_operator
    assert found == opened_by_operator


def run_waiting(
    holder: Callable[[], Any],
    waiters: list[Callable[[], Any]],
    held: threading.Event,
    release: threading.Event,
    pids: list[int],
) -> list[Any]:
    """Run `holder`, which sets `held` inside its transaction and then waits for `release`,
    and the `waiters`, each of which appends its backend pid to `pids` once `held` is set; set
    `release` once every waiter waits on a lock. The outcomes: holder's first."""
    outcomes: list[Any] = [None] * (1 + len(waiters))

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            outcomes[index] = call()
        except BaseException as error:  # noqa: BLE001 - the test asserts on it
            outcomes[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, call))
        for index, call in enumerate([holder, *waiters])
    ]
    for thread in threads:
        thread.start()
    try:
        assert held.wait(timeout=10)
        deadline = time.monotonic() + 10
        while len(pids) < len(waiters) and time.monotonic() < deadline:
            time.sleep(0.01)
        for pid in pids:
            wait_until_waiting(pid)
    finally:
        release.set()
        for thread in threads:
            thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a thread hung (deadlock?)"
    return outcomes
