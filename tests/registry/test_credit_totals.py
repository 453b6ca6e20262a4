"""The kept totals (`CreditTotal`): each issuance, retirement, cancellation, freeze and unfreeze
moves them in its own transaction, a transfer leaves them as they are, concurrent retirements
keep them exact; the issuance stores its split by vintage; the regulators' totals by project
come a page at a time; blocks and a block's history by cursor; `?serial=` through an index."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F, Q, Sum, Value
from django.db.models.functions import Concat

from core.api import CSVRenderer
from core.errors import Conflict
from registry.ledger.api.pagination import IdCursorPagination
from registry.ledger.models import CreditBlock, CreditTotal, Issuance
from registry.ledger.reconciliation import check_totals, reconcile
from registry.ledger.selectors import blocks_holding_serial
from registry.ledger.services import movements
from registry.reporting import selectors as reporting
from tests.conftest import client_for, make_organization, make_user
from tests.registry.test_concurrency import run_together

STATES = ("active", "frozen", "retired", "cancelled")


def kept(project_id: int, vintage: int) -> dict[str, int]:
    row = CreditTotal.objects.get(project_id=project_id, vintage=vintage)
    return {state: getattr(row, state) for state in STATES}


def of_blocks(project_id: int, vintage: int) -> dict[str, int]:
    blocks = CreditBlock.objects.filter(project_id=project_id, vintage=vintage)
    sums = blocks.aggregate(
        **{state: Sum("quantity", filter=Q(status=state), default=0) for state in STATES}
    )
    return {state: sums[state] for state in STATES}


@pytest.fixture
def issued(lifecycle, parties):
    """An issued report: two vintage blocks in the company's default account, and a buyer's
    account to transfer to."""
    report = lifecycle.report("issued")
    buyer = make_user(make_organization("proponent", name="Buyer Co."), username="buyer")
    account = movements.open_account(
        actor=parties["operator"], organization=buyer.organization, name="Buyer main"
    )
    block = CreditBlock.objects.filter(issuance__report=report).order_by("first").first()
    return {"issuance": report.issuance, "block": block, "buyer": buyer, "buyer_account": account}


@pytest.mark.django_db
class TestEachEventMovesTheTotals:
    def test_an_issuance_counts_each_vintage_active(self, issued, dates):
        issuance = issued["issuance"]
        first, second = dates.vintages

        blocks = {b.vintage: b.quantity for b in issuance.blocks.all()}

        for vintage in (first, second):
            assert kept(issuance.project_id, vintage) == {
                **dict.fromkeys(STATES, 0),
                "active": blocks[vintage],
            }
        assert sum(blocks.values()) == issuance.quantity

    def test_a_second_issuance_of_the_project_adds_to_its_rows(self, issued, lifecycle, dates):
        project = issued["issuance"].project
        second = dates.vintages[1]
        before = kept(project.pk, second)["active"]

        # The next year's period: the rest of the second vintage, and the start of a third.
        later = lifecycle.report(
            "issued",
            project=project,
            period_start=dates.period_end + timedelta(days=1),
            period_end=dates.period_end + timedelta(days=365),
        )

        split = {part["vintage"]: part["quantity"] for part in later.issuance.vintages}
        assert CreditTotal.objects.filter(project=project).count() == 3
        assert kept(project.pk, second)["active"] == before + split[second]
        assert kept(project.pk, second + 1)["active"] == split[second + 1]
        assert check_totals()[1] == 0

    def test_a_transfer_changes_no_total(self, issued, parties):
        block = issued["block"]
        before = kept(block.project_id, block.vintage)

        movements.transfer_credits(
            actor=parties["proponent"],
            block=block,
            quantity=100,
            to_account=issued["buyer_account"],
        )

        assert kept(block.project_id, block.vintage) == before

    def test_a_retirement_moves_active_to_retired(self, issued, parties):
        block = issued["block"]

        movements.retire_credits(
            actor=parties["proponent"],
            block=block,
            quantity=30,
            beneficiary="Shanghai Marathon",
            purpose="event_neutrality",
        )

        assert kept(block.project_id, block.vintage) == {
            "active": block.quantity - 30,
            "frozen": 0,
            "retired": 30,
            "cancelled": 0,
        }

    def test_a_freeze_and_an_unfreeze_move_the_whole_block(self, issued, parties):
        block = issued["block"]
        moved = movements.transfer_credits(
            actor=parties["proponent"],
            block=block,
            quantity=100,
            to_account=issued["buyer_account"],
        ).block

        movements.freeze_block(actor=parties["regulator"], block=moved)
        frozen = kept(block.project_id, block.vintage)
        movements.unfreeze_block(actor=parties["regulator"], block=moved)
        unfrozen = kept(block.project_id, block.vintage)

        assert (frozen["active"], frozen["frozen"]) == (block.quantity - 100, 100)
        assert (unfrozen["active"], unfrozen["frozen"]) == (block.quantity, 0)

    def test_a_cancellation_takes_active_or_frozen_credits(self, issued, parties):
        block = issued["block"]
        moved = movements.transfer_credits(
            actor=parties["proponent"],
            block=block,
            quantity=100,
            to_account=issued["buyer_account"],
        ).block
        movements.freeze_block(actor=parties["regulator"], block=moved)

        movements.cancel_credits(actor=parties["operator"], block=moved, quantity=40)
        movements.cancel_credits(
            actor=parties["operator"], block=CreditBlock.objects.get(pk=block.pk), quantity=5
        )

        assert kept(block.project_id, block.vintage) == {
            "active": block.quantity - 100 - 5,
            "frozen": 60,
            "retired": 0,
            "cancelled": 45,
        }
        assert kept(block.project_id, block.vintage) == of_blocks(block.project_id, block.vintage)

    def test_a_refused_movement_changes_no_total(self, issued, parties):
        block = issued["block"]
        before = kept(block.project_id, block.vintage)

        with pytest.raises(Conflict):
            movements.retire_credits(
                actor=parties["proponent"],
                block=block,
                quantity=block.quantity + 1,
                beneficiary="Too many",
                purpose="public_good",
            )

        assert kept(block.project_id, block.vintage) == before


@pytest.mark.django_db(transaction=True)
def test_concurrent_retirements_of_one_project_and_vintage_keep_the_totals_exact(issued, parties):
    """Eight holders' blocks of one vintage, retired at once: each retirement waits for the
    totals row of the one before, and none is lost."""
    block = issued["block"]
    pieces = [
        movements.transfer_credits(
            actor=parties["proponent"],
            block=CreditBlock.objects.get(pk=block.pk),
            quantity=10,
            to_account=issued["buyer_account"],
        ).block
        for _ in range(7)
    ]
    buyer = issued["buyer"]

    def retire(piece: CreditBlock, actor, quantity: int):
        return lambda: movements.retire_credits(
            actor=actor,
            block=CreditBlock.objects.get(pk=piece.pk),
            quantity=quantity,
            beneficiary="Race",
            purpose="public_good",
        )

    outcomes = run_together(
        retire(block, parties["proponent"], 1000),
        *(retire(piece, buyer, 3) for piece in pieces),
    )

    assert not [outcome for outcome in outcomes if isinstance(outcome, BaseException)], outcomes
    totals = kept(block.project_id, block.vintage)
    assert totals["retired"] == 1000 + 7 * 3
    assert totals == of_blocks(block.project_id, block.vintage)
    assert reconcile().ok


@pytest.mark.django_db
def test_the_reconciliation_catches_a_totals_row_edited_behind_the_services_back(issued):
    block = issued["block"]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_credittotal SET active = active - 7, retired = retired + 7 "
            "WHERE project_id = %s AND vintage = %s",
            [block.project_id, block.vintage],
        )

    result = reconcile()

    assert result.ok is False
    assert result.problems == [
        {
            "problem": "totals",
            "project": block.project_id,
            "vintage": block.vintage,
            "state": state,
            "in_totals": in_totals,
            "in_blocks": in_blocks,
        }
        for state, in_totals, in_blocks in [
            ("active", block.quantity - 7, block.quantity),
            ("retired", 7, 0),
        ]
    ]
    assert result.problem_count == 2


@pytest.mark.django_db
def test_the_reconciliation_catches_a_missing_and_an_invented_totals_row(issued):
    block = issued["block"]
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM ledger_credittotal WHERE project_id = %s AND vintage = %s",
            [block.project_id, block.vintage],
        )
        cursor.execute(
            "INSERT INTO ledger_credittotal (project_id, vintage, methodology_id, sector, "
            "province, active, frozen, retired, cancelled) SELECT project_id, 1999, "
            "methodology_id, sector, province, 5, 0, 0, 0 FROM ledger_credittotal "
            "WHERE project_id = %s",
            [block.project_id],
        )

    checked, differing, problems = check_totals()

    assert (checked, differing) == (3, 2)
    assert [(p["vintage"], p["in_totals"], p["in_blocks"]) for p in problems] == [
        (1999, 5, 0),
        (block.vintage, 0, block.quantity),
    ]


@pytest.mark.django_db
def test_the_reconciliation_catches_a_totals_row_grouped_under_another_province(issued):
    block = issued["block"]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_credittotal SET province = 'Tibet' WHERE project_id = %s "
            "AND vintage = %s",
            [block.project_id, block.vintage],
        )

    result = reconcile()

    assert (result.ok, result.problem_count) == (False, 1)
    assert result.problems == [
        {"problem": "totals grouping", "project": block.project_id, "vintage": block.vintage}
    ]


@pytest.mark.django_db
def test_a_movement_finding_no_totals_row_is_refused_whole(issued, parties):
    block = issued["block"]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledger_credittotal WHERE project_id = %s", [block.project_id])

    with pytest.raises(RuntimeError, match="No totals row"):
        movements.freeze_block(actor=parties["regulator"], block=block)

    assert CreditBlock.objects.get(pk=block.pk).status == "active"


# --- The split by vintage, stored -----------------------------------------------------------


@pytest.mark.django_db
def test_an_issuance_stores_its_split_by_vintage(issued, dates):
    issuance = issued["issuance"]
    first, second = dates.vintages

    assert issuance.vintages == [
        {
            "vintage": b.vintage,
            "first": b.first,
            "last": b.last,
            "quantity": b.quantity,
        }
        for b in issuance.blocks.order_by("first")
    ]
    assert [v["vintage"] for v in issuance.vintages] == [first, second]


@pytest.mark.django_db
def test_the_issuance_list_reads_the_stored_split_not_the_blocks(
    issued, parties, lifecycle, django_assert_max_num_queries
):
    lifecycle.report("issued")
    # Blocks split many times over change nothing in what the list shows.
    for _ in range(3):
        movements.transfer_credits(
            actor=parties["proponent"],
            block=CreditBlock.objects.get(pk=issued["block"].pk),
            quantity=1,
            to_account=issued["buyer_account"],
        )
    client = client_for(None)

    with django_assert_max_num_queries(3) as captured:
        response = client.get("/api/v1/issuances/")

    assert response.status_code == 200
    assert not [q for q in captured.captured_queries if "ledger_creditblock" in q["sql"]]
    stored = {i.pk: i.vintages for i in Issuance.objects.all()}
    assert {row["id"]: row["vintages"] for row in response.json()["results"]} == stored


@pytest.mark.django_db
def test_the_migration_fills_totals_and_splits_from_the_blocks(issued, parties):
    """Ledger 0010's SQL, run over what the services made, gives what the services keep."""
    migration = __import__(
        "registry.ledger.migrations.0010_fill_credit_totals_and_vintages",
        fromlist=["FILL_TOTALS"],
    )
    movements.retire_credits(
        actor=parties["proponent"],
        block=issued["block"],
        quantity=12,
        beneficiary="Before the migration",
        purpose="public_good",
    )
    totals = sorted(CreditTotal.objects.values_list("project", "vintage", *STATES))
    splits = dict(Issuance.objects.values_list("id", "vintages"))
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledger_credittotal")
        cursor.execute("UPDATE ledger_issuance SET vintages = '[]'::jsonb")
        cursor.execute(migration.FILL_TOTALS)
        cursor.execute(migration.FILL_VINTAGES)

    assert sorted(CreditTotal.objects.values_list("project", "vintage", *STATES)) == totals
    assert dict(Issuance.objects.values_list("id", "vintages")) == splits


# --- The regulators' totals by project, a page at a time -------------------------------------


@pytest.mark.django_db
def test_totals_by_project_come_a_page_at_a_time_with_a_link_to_the_next(lifecycle, monkeypatch):
    projects = sorted(lifecycle.report("issued").project_id for _ in range(3))
    monkeypatch.setattr(reporting, "PROJECT_PAGE_SIZE", 2)
    monkeypatch.setattr("registry.reporting.api.views.PROJECT_PAGE_SIZE", 2)
    client = client_for(None)

    first = client.get("/api/v1/stats/totals/", {"group_by": "project"})
    second = client.get(first["Link"].split(";")[0].strip("<>"))
    whole = client.get("/api/v1/stats/totals/", {"group_by": "project", "format": "csv"})

    assert [row["key"] for row in first.json()] == [str(p) for p in projects[:2]]
    assert f"after={projects[1]}&" in first["Link"]
    assert first["Link"].endswith('>; rel="next"')
    assert [row["key"] for row in second.json()] == [str(projects[2])]
    assert "Link" not in second
    assert len(whole.content.decode().strip().splitlines()) == 1 + 3


@pytest.mark.django_db
def test_other_groupings_are_not_paged(lifecycle, monkeypatch):
    for _ in range(2):
        lifecycle.report("issued")
    monkeypatch.setattr("registry.reporting.api.views.PROJECT_PAGE_SIZE", 1)

    response = client_for(None).get("/api/v1/stats/totals/", {"group_by": "vintage"})

    assert len(response.json()) == 2
    assert "Link" not in response


@pytest.mark.django_db
def test_totals_are_the_blocks_grouped_for_every_grouping(issued, parties):
    movements.retire_credits(
        actor=parties["proponent"],
        block=issued["block"],
        quantity=3,
        beneficiary="B",
        purpose="public_good",
    )
    keys = {
        "vintage": F("vintage"),
        "methodology": Concat(
            "project__methodology__code", Value("-"), "project__methodology__version"
        ),
        "sector": F("project__sector"),
        "province": F("project__province"),
        "project": F("project_id"),
    }
    assert set(keys) == set(reporting.GROUPINGS)
    for group_by, key in keys.items():
        expected = (
            CreditBlock.objects.values(key=key)
            .annotate(
                **{state: Sum("quantity", filter=Q(status=state), default=0) for state in STATES}
            )
            .order_by("key")
        )
        rows = reporting.credit_totals(group_by=group_by)
        assert [{"key": r["key"], **{s: r[s] for s in STATES}} for r in rows] == [
            {**row, "key": str(row["key"])} for row in expected
        ], group_by


# --- Blocks and a block's history by cursor; a serial through an index ------------------------


@pytest.mark.django_db
def test_blocks_list_by_cursor(issued, parties, monkeypatch):
    for _ in range(3):
        movements.transfer_credits(
            actor=parties["proponent"],
            block=CreditBlock.objects.get(pk=issued["block"].pk),
            quantity=1,
            to_account=issued["buyer_account"],
        )
    monkeypatch.setattr(IdCursorPagination, "page_size", 2)
    client = client_for(parties["operator"])

    pages, url = [], "/api/v1/credit-blocks/"
    while url:
        body = client.get(url).json()
        assert (set(body), body["count"]) == ({"count", "next", "previous", "results"}, None)
        pages.append([block["id"] for block in body["results"]])
        url = body["next"]

    assert [len(page) for page in pages] == [2, 2, 1]
    assert sum(pages, []) == sorted(CreditBlock.objects.values_list("id", flat=True))
    assert "cursor=" in client.get("/api/v1/credit-blocks/").json()["next"]


@pytest.mark.django_db
def test_a_blocks_history_lists_by_cursor(issued, parties, monkeypatch):
    moved = movements.transfer_credits(
        actor=parties["proponent"],
        block=issued["block"],
        quantity=1,
        to_account=issued["buyer_account"],
    ).block
    monkeypatch.setattr(IdCursorPagination, "page_size", 1)
    client = client_for(issued["buyer"])

    first = client.get(f"/api/v1/credit-blocks/{moved.pk}/history/").json()
    second = client.get(first["next"]).json()

    assert [row["kind"] for row in first["results"]] == ["issuance"]
    assert [row["kind"] for row in second["results"]] == ["transfer"]
    assert (second["next"], second["count"]) == (None, None)


@pytest.mark.django_db
def test_a_serial_is_found_through_the_range_index(issued):
    block = issued["block"]
    blocks = blocks_holding_serial(CreditBlock.objects.all(), block.first + 5)

    with connection.cursor() as cursor:
        # A handful of rows would be read whole; this asks whether the index serves the query.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = blocks.explain()

    assert list(blocks) == [block]
    assert "block_serial_range_idx" in plan
    assert not blocks_holding_serial(CreditBlock.objects.all(), 2**63).exists()


@pytest.mark.django_db
def test_the_csv_by_project_is_what_the_csv_renderer_makes_of_the_rows(lifecycle, parties):
    shanghai = lifecycle.report("issued")
    hainan = lifecycle.project("registered", title='Hainan "Blue" wind, phase 2', province="Hainan")
    lifecycle.report("issued", project=hainan)
    block = CreditBlock.objects.filter(issuance__report=shanghai).order_by("first").first()
    movements.retire_credits(
        actor=parties["proponent"], block=block, quantity=9, beneficiary="B", purpose="public_good"
    )

    query = {"group_by": "project", "format": "csv"}
    response = client_for(None).get("/api/v1/stats/totals/", query)
    in_hainan = client_for(None).get("/api/v1/stats/totals/", {**query, "province": "Hainan"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content == CSVRenderer().render(reporting.credit_totals(group_by="project"))
    assert in_hainan.content == CSVRenderer().render(
        reporting.credit_totals(group_by="project", province="Hainan")
    )
