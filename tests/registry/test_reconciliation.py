from datetime import datetime

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections

from core import partitions
from registry.ledger import reconciliation
from registry.ledger.models import CreditBlock, Issuance, ReconciliationRun
from registry.ledger.reconciliation import check_issuance, reconcile, record_reconciliation
from registry.ledger.services.movements import retire_credits
from registry.ledger.tasks import RECONCILE_LOCK, reconcile_ledger

URL = "/api/v1/reconciliation/"


# The pure check, for shapes the database refuses to hold (an overlap, on PostgreSQL).


def test_blocks_that_partition_the_range_have_no_problem():
    assert check_issuance(101, 200, 100, [(101, 150, 50), (151, 151, 1), (152, 200, 49)]) == []


def test_a_missing_range_is_a_gap_and_the_sum_falls_short():
    assert check_issuance(1, 10, 10, [(1, 3, 3), (7, 10, 4)]) == [
        {"problem": "gap", "first": 4, "last": 6},
        {"problem": "sum", "issued": 10, "in_blocks": 7},
    ]


def test_gaps_at_both_ends_are_named():
    assert check_issuance(1, 10, 10, [(3, 8, 6)]) == [
        {"problem": "gap", "first": 1, "last": 2},
        {"problem": "gap", "first": 9, "last": 10},
        {"problem": "sum", "issued": 10, "in_blocks": 6},
    ]


def test_serials_held_twice_are_an_overlap():
    assert check_issuance(1, 10, 10, [(1, 6, 6), (5, 10, 6)]) == [
        {"problem": "overlap", "first": 5, "last": 6},
        {"problem": "sum", "issued": 10, "in_blocks": 12},
    ]


def test_a_block_inside_another_overlaps_only_its_own_serials():
    assert check_issuance(1, 10, 10, [(1, 10, 10), (4, 5, 2)]) == [
        {"problem": "overlap", "first": 4, "last": 5},
        {"problem": "sum", "issued": 10, "in_blocks": 12},
    ]


def test_quantities_that_do_not_sum_to_the_issued_amount():
    assert check_issuance(1, 10, 10, [(1, 5, 5), (6, 10, 4)]) == [
        {"problem": "sum", "issued": 10, "in_blocks": 9},
    ]


def test_a_block_beyond_the_range_is_outside():
    assert check_issuance(1, 10, 10, [(1, 10, 10), (11, 12, 2)]) == [
        {"problem": "outside", "first": 11, "last": 12},
        {"problem": "sum", "issued": 10, "in_blocks": 12},
    ]


def test_a_block_straddling_the_start_is_outside_and_covers_its_inner_part():
    assert check_issuance(5, 10, 6, [(3, 7, 5), (8, 10, 3)]) == [
        {"problem": "outside", "first": 3, "last": 7},
        {"problem": "sum", "issued": 6, "in_blocks": 8},
    ]


def test_an_issuance_without_blocks_is_named_once():
    assert check_issuance(1, 10, 10, []) == [{"problem": "no blocks", "first": 1, "last": 10}]


def test_blocks_are_consumed_lazily():
    blocks = iter([(1, 5, 5), (6, 10, 5)])

    assert check_issuance(1, 10, 10, blocks) == []
    assert list(blocks) == []


# The ledger, built through the services and broken around them.


def corrupt(sql: str, params: list) -> None:
    """Change blocks behind the services' back, as a faulty migration or a hand fix could."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def issued(lifecycle) -> list[Issuance]:
    """Two issuances, each of two vintage blocks (the period spans two calendar years)."""
    issuances = [lifecycle.report("issued").issuance for _ in range(2)]
    assert CreditBlock.objects.count() == 4
    return issuances


def test_issued_credits_reconcile(issued):
    result = reconcile()

    # Two projects, each of two vintages: four (project, vintage) totals.
    assert result == reconciliation.Reconciliation(
        ok=True,
        issuances_checked=2,
        blocks_checked=4,
        problems=[],
        problem_count=0,
        totals_checked=4,
    )


def test_an_empty_ledger_reconciles(db):
    assert reconcile() == reconciliation.Reconciliation(
        ok=True, issuances_checked=0, blocks_checked=0
    )


def test_blocks_split_by_retirements_still_reconcile(issued, parties, monkeypatch):
    block = CreditBlock.objects.filter(issuance=issued[0]).order_by("first").first()
    retire_credits(
        actor=parties["proponent"],
        block=block,
        quantity=1000,
        beneficiary="Shanghai Expo 2025",
        purpose="event_neutrality",
    )
    # A tiny fetch size makes issuance groups straddle cursor fetches.
    monkeypatch.setattr(partitions, "CHUNK_SIZE", 1)

    result = reconcile()

    assert (result.ok, result.issuances_checked, result.blocks_checked) == (True, 2, 5)


def test_a_shrunk_block_leaves_a_gap_and_a_short_sum(issued):
    issuance = issued[1]
    block = CreditBlock.objects.filter(issuance=issuance).order_by("first").first()
    corrupt(
        "UPDATE ledger_creditblock SET last = last - 10, quantity = quantity - 10 WHERE id = %s",
        [block.pk],
    )

    result = reconcile()

    assert result.ok is False
    assert result.problems == [
        {"issuance": issuance.pk, "problem": "gap", "first": block.last - 9, "last": block.last},
        {
            "issuance": issuance.pk,
            "problem": "sum",
            "issued": issuance.quantity,
            "in_blocks": issuance.quantity - 10,
        },
        {
            "problem": "totals",
            "project": block.project_id,
            "vintage": block.vintage,
            "state": "active",
            "in_totals": block.quantity,
            "in_blocks": block.quantity - 10,
        },
    ]
    assert result.problem_count == 3


def test_blocks_moved_to_another_issuance_are_outside_there_and_missing_here(issued):
    robbed, receiving = issued
    corrupt(
        "UPDATE ledger_creditblock SET issuance_id = %s WHERE issuance_id = %s",
        [receiving.pk, robbed.pk],
    )
    moved = list(CreditBlock.objects.filter(first__lte=robbed.last_serial, issuance=receiving))

    result = reconcile()

    assert (result.ok, result.issuances_checked, result.blocks_checked) == (False, 2, 4)
    assert result.problems == [
        {
            "issuance": robbed.pk,
            "problem": "no blocks",
            "first": robbed.first_serial,
            "last": robbed.last_serial,
        },
        *(
            {"issuance": receiving.pk, "problem": "outside", "first": b.first, "last": b.last}
            for b in sorted(moved, key=lambda b: b.first)
        ),
        {
            "issuance": receiving.pk,
            "problem": "sum",
            "issued": receiving.quantity,
            "in_blocks": receiving.quantity + robbed.quantity,
        },
    ]


def test_problems_kept_are_capped_but_all_are_counted(issued, monkeypatch):
    monkeypatch.setattr(partitions, "MAX_PROBLEMS", 3)
    corrupt("UPDATE ledger_creditblock SET last = last - 1, quantity = quantity - 1", [])

    result = reconcile()

    # Each issuance: a gap after each of its two blocks, and a short sum; and each of the four
    # (project, vintage) totals one more than its block.
    assert result.problem_count == 6 + 4
    assert [(p["issuance"], p["problem"]) for p in result.problems] == [
        (issued[0].pk, "gap"),
        (issued[0].pk, "gap"),
        (issued[0].pk, "sum"),
    ]


def test_a_recorded_run_stores_the_outcome(issued):
    corrupt(
        "UPDATE ledger_creditblock SET last = last - 1, quantity = quantity - 1 WHERE id = %s",
        [CreditBlock.objects.filter(issuance=issued[0]).order_by("-first").first().pk],
    )

    run = record_reconciliation()

    run.refresh_from_db()
    assert (run.ok, run.issuances_checked, run.blocks_checked) == (False, 2, 4)
    assert [p["problem"] for p in run.problems] == ["gap", "sum", "totals"]
    assert run.problem_count == 3


def test_the_task_run_twice_adds_two_runs_and_changes_no_block(issued):
    blocks_before = list(CreditBlock.objects.values_list("id", "first", "last", "quantity"))

    first_id = reconcile_ledger()
    second_id = reconcile_ledger()

    assert second_id != first_id
    runs = ReconciliationRun.objects.filter(pk__in=[first_id, second_id])
    assert [(r.ok, r.issuances_checked, r.blocks_checked) for r in runs] == [(True, 2, 4)] * 2
    assert list(CreditBlock.objects.values_list("id", "first", "last", "quantity")) == (
        blocks_before
    )


# The endpoint.


def parsed(body: dict) -> dict:
    return {**body, "created_at": datetime.fromisoformat(body["created_at"])}


def as_stored(run: ReconciliationRun) -> dict:
    return {
        "id": run.pk,
        "created_at": run.created_at,
        "ok": run.ok,
        "issuances_checked": run.issuances_checked,
        "blocks_checked": run.blocks_checked,
        "totals_checked": run.totals_checked,
        "retirement_totals_checked": run.retirement_totals_checked,
        "problem_count": run.problem_count,
        "problems": run.problems,
    }


@pytest.mark.parametrize("role", ["operator", "regulator"])
def test_before_any_run_the_endpoint_says_so(role, clients):
    response = clients[role].get(URL)

    assert response.status_code == 404
    assert response.json() == {"detail": "No reconciliation has run yet."}


@pytest.mark.parametrize("role", ["operator", "regulator"])
def test_operators_and_regulators_read_the_last_run(role, clients, issued):
    record_reconciliation()
    last = record_reconciliation()

    response = clients[role].get(URL)

    assert response.status_code == 200
    assert parsed(response.json()) == as_stored(last)


@pytest.mark.parametrize("role", ["operator", "regulator"])
def test_a_post_answers_the_last_run_and_starts_a_new_one_as_a_task(
    role, clients, issued, django_capture_on_commit_callbacks
):
    last = record_reconciliation()

    with django_capture_on_commit_callbacks(execute=False) as started:
        response = clients[role].post(URL)

    # The answer is the run recorded before, and no run was made inside the request.
    assert response.status_code == 202
    assert parsed(response.json()) == as_stored(last)
    assert ReconciliationRun.objects.count() == 1
    # The task runs once the request's transaction commits (eagerly, in the tests).
    [enqueue] = started
    enqueue()
    new = ReconciliationRun.objects.exclude(pk=last.pk).get()
    assert (new.ok, new.issuances_checked, new.totals_checked) == (True, 2, 4)
    assert parsed(clients[role].get(URL).json()) == as_stored(new)


def test_a_post_before_any_run_says_one_has_started(
    clients, issued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = clients["regulator"].post(URL)

    assert (response.status_code, response.json()) == (
        202,
        {"detail": "No reconciliation has run yet; one has started."},
    )
    assert ReconciliationRun.objects.get().ok is True


def test_a_second_run_asked_for_while_one_runs_leaves_at_once(issued):
    # The run under way: another session holding the run's lock.
    running = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with running.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [RECONCILE_LOCK])

        assert reconcile_ledger() is None
        with running.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [RECONCILE_LOCK])
    finally:
        running.close()
    assert not ReconciliationRun.objects.exists()
    assert reconcile_ledger() is not None


def test_the_endpoint_shows_the_problems_found(clients, issued, django_capture_on_commit_callbacks):
    corrupt(
        "UPDATE ledger_creditblock SET last = last - 5, quantity = quantity - 5 WHERE id = %s",
        [CreditBlock.objects.filter(issuance=issued[0]).order_by("-first").first().pk],
    )

    with django_capture_on_commit_callbacks(execute=True):
        clients["regulator"].post(URL)
    body = clients["regulator"].get(URL).json()

    shrunk = CreditBlock.objects.filter(issuance=issued[0]).order_by("-first").first()
    assert body["ok"] is False
    assert body["problems"] == [
        {
            "issuance": issued[0].pk,
            "problem": "gap",
            "first": issued[0].last_serial - 4,
            "last": issued[0].last_serial,
        },
        {
            "issuance": issued[0].pk,
            "problem": "sum",
            "issued": issued[0].quantity,
            "in_blocks": issued[0].quantity - 5,
        },
        # The kept totals still count the 5 credits the blocks lost.
        {
            "problem": "totals",
            "project": shrunk.project_id,
            "vintage": shrunk.vintage,
            "state": "active",
            "in_totals": shrunk.quantity + 5,
            "in_blocks": shrunk.quantity,
        },
    ]
    assert body["problem_count"] == 3


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    ("role", "status"), [("proponent", 403), ("verifier", 403), ("anonymous", 401)]
)
def test_other_roles_cannot_reach_reconciliation(method, role, status, clients):
    record_reconciliation()

    response = getattr(clients[role], method)(URL)

    assert response.status_code == status
    assert ReconciliationRun.objects.count() == 1
