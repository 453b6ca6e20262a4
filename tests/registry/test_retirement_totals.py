"""The kept retirement totals (`RetirementTotal`): each retirement counts its credits in the row of
its month (in Asia/Shanghai), purpose and stripe (project id modulo RETIREMENT_TOTAL_STRIPES), in
its own transaction; projects of one stripe add up; the retirements by month read them and say
what the certificates say; ledger 0012 fills them from the certificates; the reconciliation
catches a row edited behind the services' back; concurrent retirements keep them exact, and
retirements of projects in different stripes never wait on each other."""

import threading
from collections import Counter
from datetime import date, datetime
from types import SimpleNamespace

import pytest
import time_machine
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from core.errors import Conflict
from registry.ledger.models import CreditBlock, HoldingAccount, Retirement, RetirementTotal
from registry.ledger.reconciliation import check_retirement_totals, reconcile
from registry.ledger.services import movements
from registry.reporting.selectors import retirements_by_month
from tests.conftest import SHANGHAI
from tests.registry.test_concurrency import backend_pid, run_together, wait_until_waiting

FILL = __import__(
    "registry.ledger.migrations.0012_fill_retirement_totals", fromlist=["fill", "empty"]
)


def first_block(report) -> CreditBlock:
    return CreditBlock.objects.filter(issuance__report=report).order_by("first").first()


def retire(parties, block: CreditBlock, quantity: int, purpose: str = "public_good"):
    return movements.retire_credits(
        actor=parties["proponent"],
        block=CreditBlock.objects.get(pk=block.pk),
        quantity=quantity,
        beneficiary="A test beneficiary",
        purpose=purpose,
    )


def kept() -> dict[tuple[date, str, int], tuple[int, int]]:
    """Every kept row: (month, purpose, stripe) -> (credits, certificates)."""
    return {
        (row.month, row.purpose, row.stripe): (row.quantity, row.retirements)
        for row in RetirementTotal.objects.all()
    }


def by_the_certificates() -> list[dict]:
    """The retirements by month as the dashboard computed them before the kept totals: every
    certificate joined to its block, grouped by TruncMonth in the registry's time zone."""
    rows = (
        Retirement.objects.annotate(month=TruncMonth("created_at"))
        .values("month", "purpose")
        .annotate(credits=Sum("block__quantity"), retirements=Count("id"))
        .order_by("month", "purpose")
    )
    return [{**row, "month": row["month"].date()} for row in rows]


def at(year: int, month: int, day: int, hour: int, minute: int):
    """Travel to a moment on the registry's clock (Asia/Shanghai)."""
    return time_machine.travel(
        datetime(year, month, day, hour, minute, tzinfo=SHANGHAI), tick=False
    )


@pytest.mark.django_db
def test_a_retirement_counts_its_credits_in_its_month_purpose_and_stripe(
    lifecycle, parties, settings
):
    settings.RETIREMENT_TOTAL_STRIPES = 4
    block = first_block(lifecycle.report("issued"))

    with at(2024, 3, 15, 10, 0):
        retire(parties, block, 12, purpose="event_neutrality")

    assert kept() == {(date(2024, 3, 1), "event_neutrality", block.project_id % 4): (12, 1)}


@pytest.mark.django_db
def test_a_second_retirement_of_the_month_and_purpose_adds_to_the_row(lifecycle, parties, settings):
    settings.RETIREMENT_TOTAL_STRIPES = 4
    block = first_block(lifecycle.report("issued"))

    with at(2024, 3, 15, 10, 0):
        retire(parties, block, 12)
    with at(2024, 3, 20, 10, 0):
        retire(parties, block, 30)

    assert kept() == {(date(2024, 3, 1), "public_good", block.project_id % 4): (42, 2)}


@pytest.mark.django_db
def test_a_refused_retirement_counts_nothing(lifecycle, parties):
    block = first_block(lifecycle.report("issued"))

    with pytest.raises(Conflict, match="cannot move"):
        retire(parties, block, block.quantity + 1)

    assert kept() == {}


@pytest.mark.django_db
def test_projects_of_one_stripe_add_up_and_the_dashboard_sums_the_stripes(
    lifecycle, parties, settings
):
    """Three projects over two stripes: two of them share one (pigeonhole), whose row holds
    both their retirements; the retirements by month sum both stripes."""
    settings.RETIREMENT_TOTAL_STRIPES = 2
    blocks = [first_block(lifecycle.report("issued")) for _ in range(3)]
    quantities = [10, 20, 30]

    with at(2024, 5, 10, 9, 0):
        for block, quantity in zip(blocks, quantities, strict=True):
            retire(parties, block, quantity, purpose="compliance")

    expected: Counter = Counter()
    certificates: Counter = Counter()
    for block, quantity in zip(blocks, quantities, strict=True):
        expected[block.project_id % 2] += quantity
        certificates[block.project_id % 2] += 1
    assert max(certificates.values()) >= 2
    assert kept() == {
        (date(2024, 5, 1), "compliance", stripe): (expected[stripe], certificates[stripe])
        for stripe in expected
    }
    assert retirements_by_month() == [
        {"month": date(2024, 5, 1), "purpose": "compliance", "credits": 60, "retirements": 3}
    ]


@pytest.mark.django_db
def test_the_month_is_the_one_in_shanghai_not_in_utc(lifecycle, parties):
    """23:30 on 31 January in Shanghai is January; 00:30 on 1 February in Shanghai is February,
    though it is still 31 January (16:30) in UTC."""
    block = first_block(lifecycle.report("issued"))

    with at(2024, 1, 31, 23, 30):
        retire(parties, block, 5)
    with at(2024, 2, 1, 0, 30):
        retire(parties, block, 7)

    assert retirements_by_month() == [
        {"month": date(2024, 1, 1), "purpose": "public_good", "credits": 5, "retirements": 1},
        {"month": date(2024, 2, 1), "purpose": "public_good", "credits": 7, "retirements": 1},
    ]
    assert retirements_by_month() == by_the_certificates()


@pytest.mark.django_db
def test_the_retirements_by_month_read_the_kept_rows_not_the_certificates(
    lifecycle, parties, django_assert_max_num_queries
):
    block = first_block(lifecycle.report("issued"))
    retire(parties, block, 5)

    with django_assert_max_num_queries(1) as captured:
        retirements_by_month()

    [query] = captured.captured_queries
    assert "ledger_retirementtotal" in query["sql"]
    assert '"ledger_retirement"' not in query["sql"]
    assert "ledger_creditblock" not in query["sql"]


@pytest.fixture
def retired_over_months(lifecycle, parties):
    """Retirements of two projects over three months and three purposes, through the service."""
    blocks = [first_block(lifecycle.report("issued")) for _ in range(2)]
    moments = [(2023, 12, 31, 23, 59), (2024, 1, 1, 0, 1), (2024, 1, 15, 12, 0)]
    for index, moment in enumerate(moments):
        with at(*moment):
            for block, purpose in zip(blocks, ("public_good", "compliance"), strict=True):
                retire(parties, block, 3 + index, purpose=purpose)
    with at(2024, 2, 29, 23, 59):
        retire(parties, blocks[1], 11, purpose="corporate_neutrality")
    return blocks


@pytest.mark.django_db
def test_the_data_migration_fills_what_the_service_keeps(retired_over_months):
    """Ledger 0012, run over what the services made, gives the rows the services keep; reversed,
    it leaves the table empty."""
    made = kept()
    # Two purposes in December and January, one in February; each purpose is one project's.
    assert len(made) == 5
    editor = SimpleNamespace(connection=connection)

    FILL.empty(None, editor)
    assert kept() == {}
    FILL.fill(None, editor)

    assert kept() == made
    assert retirements_by_month() == by_the_certificates()
    assert reconcile().ok


@pytest.mark.django_db
def test_the_reconciliation_checks_the_retirement_totals(retired_over_months):
    assert check_retirement_totals() == (5, 0, [])
    assert reconcile().retirement_totals_checked == 5


@pytest.mark.django_db
def test_the_reconciliation_catches_a_row_edited_and_a_row_invented(retired_over_months):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_retirementtotal SET quantity = quantity + 3 "
            "WHERE month = '2024-02-01' AND purpose = 'corporate_neutrality'"
        )
        cursor.execute(
            "INSERT INTO ledger_retirementtotal (month, purpose, stripe, quantity, retirements) "
            "VALUES ('2019-07-01', 'public_good', 0, 8, 1)"
        )

    result = reconcile()

    assert result.ok is False
    assert result.problem_count == 3
    assert result.problems == [
        {"problem": "retirement totals", "month": "2019-07-01", "purpose": "public_good",
         "figure": "quantity", "in_totals": 8, "in_retirements": 0},
        {"problem": "retirement totals", "month": "2019-07-01", "purpose": "public_good",
         "figure": "retirements", "in_totals": 1, "in_retirements": 0},
        {"problem": "retirement totals", "month": "2024-02-01",
         "purpose": "corporate_neutrality", "figure": "quantity", "in_totals": 14,
         "in_retirements": 11},
    ]  # fmt: skip


@pytest.mark.django_db
def test_a_change_of_the_stripe_count_moves_no_sum(retired_over_months, settings, parties):
    """Rows kept under 16 stripes and then under 3 still sum to the certificates."""
    settings.RETIREMENT_TOTAL_STRIPES = 3
    with at(2024, 2, 29, 23, 59):
        retire(parties, retired_over_months[0], 2, purpose="corporate_neutrality")

    assert retirements_by_month() == by_the_certificates()
    assert reconcile().ok


@pytest.mark.django_db(transaction=True)
def test_concurrent_retirements_keep_the_retirement_totals_exact(lifecycle, parties, settings):
    """Three projects over two stripes, each retiring twice from one block at once: six
    retirements of one month and purpose, racing on shared rows; none is lost."""
    settings.RETIREMENT_TOTAL_STRIPES = 2
    blocks = [first_block(lifecycle.report("issued")) for _ in range(3)]
    calls = [
        (block, quantity) for block in blocks for quantity in (4, 9)
    ]  # two retirements of each block, the second waiting on the block's lock

    outcomes = run_together(
        *(lambda b=block, q=quantity: retire(parties, b, q) for block, quantity in calls)
    )

    assert not [outcome for outcome in outcomes if isinstance(outcome, BaseException)], outcomes
    assert sum(row.quantity for row in RetirementTotal.objects.all()) == 3 * (4 + 9)
    assert sum(row.retirements for row in RetirementTotal.objects.all()) == 6
    assert retirements_by_month() == by_the_certificates()
    assert reconcile().ok, reconcile().problems


@pytest.mark.django_db(transaction=True)
def test_retirements_of_projects_in_different_stripes_never_wait_on_each_other(
    lifecycle, parties, settings
):
    """While one project's retirement holds its stripe's row uncommitted, a project of another
    stripe retires at once (with a lock timeout that would refuse any wait), and a project of
    the same stripe waits for the row until the first commits."""
    settings.RETIREMENT_TOTAL_STRIPES = 2
    blocks = [first_block(lifecycle.report("issued")) for _ in range(3)]
    by_stripe: dict[int, list[CreditBlock]] = {}
    for block in blocks:
        by_stripe.setdefault(block.project_id % 2, []).append(block)
    shared = next(group for group in by_stripe.values() if len(group) == 2)
    holder, same_stripe = shared
    other = [block for block in blocks if block.project_id % 2 != holder.project_id % 2]
    # Opened beforehand: a first retirement opening it would hold its row for everyone.
    movements.system_account(HoldingAccount.Kind.RETIREMENT)
    held, release, started = threading.Event(), threading.Event(), threading.Event()
    pids: list[int] = []

    def hold_a_retirement_open():
        with transaction.atomic():
            retire(parties, holder, 1)
            held.set()
            release.wait(timeout=20)

    def retire_in_the_same_stripe():
        pids.append(backend_pid())
        started.set()
        retire(parties, same_stripe, 1)

    first = in_thread(hold_a_retirement_open)
    try:
        assert held.wait(timeout=20)
        if other:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '2s'")
                retire(parties, other[0], 1)
        second = in_thread(retire_in_the_same_stripe)
        assert started.wait(timeout=20)
        wait_until_waiting(pids[0])
    finally:
        release.set()
        first.join(timeout=30)
    second.join(timeout=30)

    assert not first.is_alive() and not second.is_alive()
    assert sum(row.retirements for row in RetirementTotal.objects.all()) == 2 + len(other[:1])
    assert reconcile().ok


def in_thread(call) -> threading.Thread:
    """`call` started in a thread of its own, which closes its database connection."""

    def run():
        try:
            call()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread
