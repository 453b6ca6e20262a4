"""Transfers, retirements, cancellations and freezes, through the services and the API."""

import base64

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from core import idempotency, transparency
from core.audit import canonical_bytes
from core.errors import AccessDenied, Conflict, InvalidInput
from core.models import AuditEntry, IdempotencyRecord
from registry.ledger.models import (
    CreditBlock,
    HoldingAccount,
    Issuance,
    Movement,
    Retirement,
)
from registry.ledger.services import issuance, movements
from registry.ledger.services.issuance import default_account
from tests.conftest import client_for, log_intact, make_organization, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def holdings(lifecycle, parties):
    """The company holds an issuance, one block per vintage (the two years of the period); a
    buyer has an account of its own."""
    report = lifecycle.report("issued")
    buyer = make_user(make_organization("proponent", name="Buyer Co."), username="buyer")
    buyer_account = movements.open_account(
        actor=parties["operator"], organization=buyer.organization, name="Buyer main"
    )
    blocks = list(CreditBlock.objects.filter(issuance__report=report).order_by("first"))
    return {
        "company": parties["proponent"],
        "buyer": buyer,
        "account": default_account(parties["proponent"].organization),
        "buyer_account": buyer_account,
        "block": blocks[0],
        "blocks": blocks,
    }


def post(user, url: str, body: dict, key: str | None = None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client_for(user).post(url, body, format="json", **headers)


# --- Transfers --------------------------------------------------------------------------------


def test_partial_transfer_splits_block_and_the_holder_keeps_the_lower_serials(holdings):
    block = holdings["block"]
    first, last, quantity = block.first, block.last, block.quantity

    response = post(
        holdings["company"],
        "/api/v1/transfers/",
        {"block": block.pk, "quantity": 1000, "to_account": holdings["buyer_account"].pk},
    )

    assert response.status_code == 201, response.json()
    block.refresh_from_db()
    moved = CreditBlock.objects.get(pk=response.json()["block"])
    assert (block.first, block.last, block.quantity) == (first, last - 1000, quantity - 1000)
    assert (moved.first, moved.last, moved.quantity) == (last - 999, last, 1000)
    assert moved.account == holdings["buyer_account"]
    assert response.json()["serial"] == moved.serial
    assert log_intact()


def test_whole_transfer_moves_the_block_itself(holdings):
    block = holdings["block"]

    response = post(
        holdings["company"],
        "/api/v1/transfers/",
        {"block": block.pk, "quantity": block.quantity, "to_account": holdings["buyer_account"].pk},
    )

    assert response.status_code == 201
    block.refresh_from_db()
    assert response.json()["block"] == block.pk
    assert block.account == holdings["buyer_account"]
    assert CreditBlock.objects.filter(issuance_id=block.issuance_id).count() == 2


def test_moving_more_than_held_is_a_409(holdings):
    block = holdings["block"]

    response = post(
        holdings["company"],
        "/api/v1/retirements/",
        {
            "block": block.pk,
            "quantity": block.quantity + 1,
            "beneficiary": "X",
            "purpose": "public_good",
        },
    )

    assert response.status_code == 409
    assert response.json() == {
        "detail": movements.NOT_ENOUGH.format(
            serial=block.serial, held=block.quantity, asked=block.quantity + 1
        )
    }
    assert not Retirement.objects.exists()


def test_a_frozen_block_does_not_move(holdings, parties):
    block = holdings["block"]
    frozen = post(parties["regulator"], f"/api/v1/credit-blocks/{block.pk}/freeze/", {})

    response = post(
        holdings["company"],
        "/api/v1/transfers/",
        {"block": block.pk, "quantity": 1, "to_account": holdings["buyer_account"].pk},
    )

    assert frozen.status_code == 200
    assert response.status_code == 409
    assert response.json() == {
        "detail": movements.NOT_ACTIVE.format(serial=block.serial, status="frozen")
    }
    assert (
        post(parties["regulator"], f"/api/v1/credit-blocks/{block.pk}/unfreeze/", {}).status_code
        == 200
    )
    block.refresh_from_db()
    assert block.status == "active"


def test_retired_credits_never_move_again(holdings, parties):
    certificate = movements.retire_credits(
        actor=holdings["company"],
        block=holdings["block"],
        quantity=10,
        beneficiary="X",
        purpose="corporate_neutrality",
    )

    with pytest.raises(Conflict) as error:
        movements.cancel_credits(actor=parties["operator"], block=certificate.block)
    api = post(
        holdings["company"],
        "/api/v1/transfers/",
        {"block": certificate.block.pk, "quantity": 1, "to_account": holdings["buyer_account"].pk},
    )

    assert error.value.message == movements.NOT_ACTIVE.format(
        serial=certificate.block.serial, status="retired"
    )
    # The retirement account is not the company's: the retired block is out of its reach.
    assert api.status_code == 400
    assert "block" in api.json()


def test_transfers_go_to_existing_holding_accounts_only(holdings):
    retirement = movements.system_account(HoldingAccount.Kind.RETIREMENT)
    body = {"block": holdings["block"].pk, "quantity": 1}

    missing = post(holdings["company"], "/api/v1/transfers/", {**body, "to_account": 999999})
    system = post(holdings["company"], "/api/v1/transfers/", {**body, "to_account": retirement.pk})
    same = post(
        holdings["company"], "/api/v1/transfers/", {**body, "to_account": holdings["account"].pk}
    )

    assert missing.status_code == 400
    assert missing.json() == {"to_account": ['Invalid pk "999999" - object does not exist.']}
    assert system.status_code == 400
    assert system.json() == {"to_account": [movements.SYSTEM_TARGET]}
    assert same.json() == {"to_account": [movements.SAME_ACCOUNT]}
    assert Movement.objects.filter(kind="transfer").count() == 0


@pytest.mark.parametrize("role", ["buyer", "verifier", "regulator", "operator"])
def test_only_the_holder_moves_credits(role, holdings, parties):
    user = holdings["buyer"] if role == "buyer" else parties[role]

    response = post(
        user,
        "/api/v1/transfers/",
        {"block": holdings["block"].pk, "quantity": 1, "to_account": holdings["buyer_account"].pk},
    )

    # Operators and regulators see the block but may not move it; others cannot see it.
    assert response.status_code == (403 if role in ("regulator", "operator") else 400)
    assert Movement.objects.filter(kind="transfer").count() == 0


def test_a_frozen_account_moves_nothing_in_or_out(holdings, parties):
    url = f"/api/v1/accounts/{holdings['buyer_account'].pk}"
    assert post(parties["operator"], f"{url}/freeze/", {"note": "court order"}).status_code == 200
    body = {
        "block": holdings["block"].pk,
        "quantity": 5,
        "to_account": holdings["buyer_account"].pk,
    }

    refused = post(holdings["company"], "/api/v1/transfers/", body)
    post(parties["operator"], f"{url}/unfreeze/", {})
    accepted = post(holdings["company"], "/api/v1/transfers/", body)

    assert refused.status_code == 409
    assert refused.json() == {"detail": movements.ACCOUNT_FROZEN.format(account="Buyer main")}
    assert accepted.status_code == 201


@pytest.mark.parametrize("role", ["proponent", "verifier", "buyer"])
def test_companies_and_verifiers_cannot_freeze(role, holdings, parties):
    user = holdings["buyer"] if role == "buyer" else parties[role]
    account = holdings["buyer_account"]

    response = post(user, f"/api/v1/accounts/{account.pk}/freeze/", {})

    assert response.status_code in {403, 404}
    account.refresh_from_db()
    assert not account.frozen


def test_operators_cancel_credits_and_nobody_else(holdings, parties):
    block = holdings["block"]
    url = f"/api/v1/credit-blocks/{block.pk}/cancel/"

    refused = [
        post(parties[r], url, {"quantity": 5}).status_code for r in ("regulator", "proponent")
    ]
    cancelled = post(parties["operator"], url, {"quantity": 5, "note": "double counted"})

    assert refused == [403, 403]
    assert cancelled.status_code == 201
    assert CreditBlock.objects.get(pk=cancelled.json()["block"]).status == "cancelled"
    with pytest.raises(AccessDenied):
        movements.cancel_credits(actor=holdings["company"], block=block)


def test_an_unknown_block_and_account_are_both_named_and_hidden_blocks_are_unknown(holdings):
    """The serializer checks only the ids' shape; the service, reading under its locks, refuses
    a block the caller may not see exactly as a missing one, and names every unknown field."""
    theirs = movements.transfer_credits(
        actor=holdings["company"],
        block=holdings["block"],
        quantity=1,
        to_account=holdings["buyer_account"],
    ).block
    refused = {
        "hidden": {"block": theirs.pk, "to_account": holdings["account"].pk},
        "missing": {"block": 999999, "to_account": 999998},
        "beyond bigint": {"block": 2**63, "to_account": holdings["account"].pk},
        "boolean": {"block": True, "to_account": holdings["account"].pk},
    }

    answers = {
        name: post(holdings["company"], "/api/v1/transfers/", {**body, "quantity": 1}).json()
        for name, body in refused.items()
    }

    assert answers == {
        "hidden": {"block": [movements.NO_SUCH_ROW.format(pk=theirs.pk)]},
        "missing": {
            "block": [movements.NO_SUCH_ROW.format(pk=999999)],
            "to_account": [movements.NO_SUCH_ROW.format(pk=999998)],
        },
        "beyond bigint": {"block": [movements.NO_SUCH_ROW.format(pk=2**63)]},
        "boolean": {"block": ["Incorrect type. Expected pk value, received bool."]},
    }
    with pytest.raises(InvalidInput) as by_id:
        movements.retire_credits(
            actor=holdings["company"],
            block=theirs.pk,
            quantity=1,
            beneficiary="X",
            purpose="public_good",
        )
    assert by_id.value.errors == {"block": [movements.NO_SUCH_ROW.format(pk=theirs.pk)]}
    assert Movement.objects.filter(kind__in=["transfer", "retirement"]).count() == 1


@pytest.mark.parametrize("to", ["own account", "another company"])
def test_a_block_given_by_id_that_changes_hands_before_its_lock_is_refused(
    to, holdings, parties, monkeypatch
):
    """Between the statement that locks the block's account and the block's own lock, the
    block moves (simulated in the same transaction) to an account not locked: a 409 where the
    caller may still see it, else as unknown as any other holder's block."""
    block = holdings["block"]
    organization = (
        block.account.organization
        if to == "own account"
        else make_organization("proponent", name="Third Co.")
    )
    elsewhere = movements.open_account(
        actor=parties["operator"], organization=organization, name="Elsewhere"
    )
    real = movements.lock_block_accounts_shared

    def then_moved(block_pk, pks):
        locked = real(block_pk, pks)
        CreditBlock.objects.filter(pk=block_pk).update(account=elsewhere)
        return locked

    monkeypatch.setattr(movements, "lock_block_accounts_shared", then_moved)

    with pytest.raises((Conflict, InvalidInput)) as refused:
        movements.transfer_credits(
            actor=holdings["company"],
            block=block.pk,
            quantity=1,
            to_account=holdings["buyer_account"].pk,
        )

    if to == "another company":
        assert refused.value.errors == {"block": [movements.NO_SUCH_ROW.format(pk=block.pk)]}
    else:
        assert refused.value.message == movements.BLOCK_MOVED.format(serial=block.serial)


# What one transfer over HTTP sends to the database: the token with its user and organisation;
# then, in the transaction (a savepoint here, inside the test's own transaction; BEGIN and
# COMMIT when served), both accounts share-locked in one statement that finds the block's
# account, the block locked, shrunk, the moved part inserted, the movement, the audit entry.
TRANSFER_STATEMENTS = [
    "SELECT knox_authtoken",
    "SAVEPOINT",
    "SELECT ledger_holdingaccount FOR SHARE",
    "SELECT ledger_creditblock FOR UPDATE",
    "UPDATE ledger_creditblock",
    "INSERT INTO ledger_creditblock",
    "INSERT INTO ledger_movement",
    "INSERT INTO core_auditentry",
    "RELEASE SAVEPOINT",
]


def statement(sql: str) -> str:
    """The kind of an SQL statement and the table it reads or writes first, e.g. `SELECT
    ledger_creditblock FOR UPDATE`."""
    words = sql.replace('"', "").split()
    if words[0] in ("SAVEPOINT", "RELEASE"):
        return "RELEASE SAVEPOINT" if words[0] == "RELEASE" else "SAVEPOINT"
    if words[0] == "SELECT":
        lock = f" FOR {words[-1]}" if words[-2] == "FOR" else ""
        return f"SELECT {words[words.index('FROM') + 1].split('.')[0]}{lock}"
    if words[0] == "UPDATE":
        return f"UPDATE {words[1]}"
    return f"INSERT INTO {words[2]}"


def test_a_transfer_over_http_reads_the_token_then_makes_six_statements_in_one_transaction(
    holdings,
):
    """Pinned: a statement more on this path (a lookup the serializer does again, a query for
    the caller's organisation, a needless savepoint) fails here. An `Idempotency-Key` adds its
    reservation (an insert in a savepoint of its own, which finds a used key too: no look-up
    first), the service's savepoint inside the key's transaction, and the stored answer."""
    client = client_for(holdings["company"])
    body = {
        "block": holdings["block"].pk,
        "quantity": 1,
        "to_account": holdings["buyer_account"].pk,
    }

    with CaptureQueriesContext(connection) as plain:
        first = client.post("/api/v1/transfers/", body, format="json")
    with CaptureQueriesContext(connection) as keyed:
        second = client.post("/api/v1/transfers/", body, format="json", HTTP_IDEMPOTENCY_KEY="k")

    assert (first.status_code, second.status_code) == (201, 201)
    sent = [statement(query["sql"]) for query in plain.captured_queries]
    assert sent == TRANSFER_STATEMENTS, "\n".join(q["sql"] for q in plain.captured_queries)
    assert len(keyed) == len(TRANSFER_STATEMENTS) + 6, "\n".join(
        q["sql"] for q in keyed.captured_queries
    )


# --- Idempotency --------------------------------------------------------------------------------


def test_a_replay_returns_the_first_answer_and_moves_nothing(holdings):
    body = {
        "block": holdings["block"].pk,
        "quantity": 7,
        "to_account": holdings["buyer_account"].pk,
    }

    first = post(holdings["company"], "/api/v1/transfers/", body, key="order-42")
    again = post(holdings["company"], "/api/v1/transfers/", body, key="order-42")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert Movement.objects.filter(kind="transfer").count() == 1
    [entry] = AuditEntry.objects.filter(action="ledger.transfer")
    assert entry.object_id == str(first.json()["id"])
    assert log_intact()


def test_a_key_reused_with_another_body_is_refused(holdings):
    body = {
        "block": holdings["block"].pk,
        "quantity": 7,
        "to_account": holdings["buyer_account"].pk,
    }
    post(holdings["company"], "/api/v1/transfers/", body, key="order-43")

    response = post(
        holdings["company"], "/api/v1/transfers/", {**body, "quantity": 8}, key="order-43"
    )

    assert response.status_code == 409
    assert response.json() == {"detail": idempotency.KEY_REUSED}
    assert Movement.objects.filter(kind="transfer").count() == 1


def test_retirement_replays_return_the_same_certificate(holdings):
    body = {
        "block": holdings["block"].pk,
        "quantity": 3,
        "beneficiary": "Expo 2026",
        "purpose": "event_neutrality",
    }

    first = post(holdings["company"], "/api/v1/retirements/", body, key="retire-1")
    again = post(holdings["company"], "/api/v1/retirements/", body, key="retire-1")

    assert again.json() == first.json()
    assert Retirement.objects.count() == 1


def test_keys_belong_to_the_holder_organisation(holdings, parties):
    """Two users of one company retrying one order make one transfer; another company's key
    of the same name is its own."""
    body = {
        "block": holdings["block"].pk,
        "quantity": 1,
        "to_account": holdings["buyer_account"].pk,
    }
    colleague = make_user(holdings["company"].organization, username="colleague")

    first = post(holdings["company"], "/api/v1/transfers/", body, key="shared-key")
    retried = post(colleague, "/api/v1/transfers/", body, key="shared-key")
    other_body = post(colleague, "/api/v1/transfers/", {**body, "quantity": 2}, key="shared-key")
    moved = CreditBlock.objects.get(pk=first.json()["block"])
    buyer_body = {"block": moved.pk, "quantity": 1, "to_account": holdings["account"].pk}
    buyer = post(holdings["buyer"], "/api/v1/transfers/", buyer_body, key="shared-key")

    assert (first.status_code, retried.status_code) == (201, 201)
    assert retried.json() == first.json()
    assert other_body.status_code == 409
    assert other_body.json() == {"detail": idempotency.KEY_REUSED}
    assert buyer.status_code == 201
    assert buyer.json()["id"] != first.json()["id"]
    assert Movement.objects.filter(kind="transfer").count() == 2
    assert IdempotencyRecord.objects.filter(key="shared-key").count() == 2


def test_an_empty_idempotency_key_is_a_400_and_stores_nothing(holdings):
    body = {
        "block": holdings["block"].pk,
        "quantity": 1,
        "to_account": holdings["buyer_account"].pk,
    }

    empty = post(holdings["company"], "/api/v1/transfers/", body, key="")
    blank = post(holdings["company"], "/api/v1/transfers/", body, key="   ")

    assert (empty.status_code, blank.status_code) == (400, 400)
    assert empty.json() == blank.json() == {"Idempotency-Key": [idempotency.KEY_EMPTY]}
    assert not Movement.objects.filter(kind="transfer").exists()
    assert not IdempotencyRecord.objects.exists()


def test_a_refused_call_stores_no_key_and_may_be_retried(holdings, parties):
    block = holdings["block"]
    body = {"block": block.pk, "quantity": 5, "to_account": holdings["buyer_account"].pk}
    movements.freeze_block(actor=parties["regulator"], block=block)

    refused = post(holdings["company"], "/api/v1/transfers/", body, key="order-44")
    movements.unfreeze_block(actor=parties["regulator"], block=block)
    retried = post(holdings["company"], "/api/v1/transfers/", body, key="order-44")

    assert refused.status_code == 409
    assert retried.status_code == 201
    [record] = IdempotencyRecord.objects.filter(key="order-44")
    assert (record.response_status, record.response_body) == (201, retried.json())


# --- Queries and certificates -------------------------------------------------------------------


def test_accounts_show_balances_by_project_and_vintage(holdings):
    response = client_for(holdings["company"]).get("/api/v1/accounts/")

    [account] = response.json()["results"]
    assert account["balances"] == [
        {"project": b.project_id, "vintage": b.vintage, "active": b.quantity, "frozen": 0}
        for b in holdings["blocks"]
    ]


def test_a_serial_finds_its_block_and_the_whole_history(holdings):
    block = holdings["block"]
    movements.transfer_credits(
        actor=holdings["company"], block=block, quantity=100, to_account=holdings["buyer_account"]
    )
    moved = CreditBlock.objects.get(account=holdings["buyer_account"])
    buyer = client_for(holdings["buyer"])

    found = buyer.get("/api/v1/credit-blocks/", {"serial": str(moved.last)}).json()["results"]
    by_serial = buyer.get("/api/v1/credit-blocks/", {"serial": moved.serial}).json()["results"]
    history = buyer.get(f"/api/v1/credit-blocks/{moved.pk}/history/").json()["results"]

    assert [b["id"] for b in found] == [b["id"] for b in by_serial] == [moved.pk]
    assert [h["kind"] for h in history] == ["issuance", "transfer"]
    assert history[1]["to_account"] == holdings["buyer_account"].pk


def test_retirement_certificates_are_public(holdings, dates):
    certificate = movements.retire_credits(
        actor=holdings["company"],
        block=holdings["block"],
        quantity=250,
        beneficiary="Expo 2026",
        purpose="event_neutrality",
    )

    response = client_for(None).get(f"/api/v1/retirements/{certificate.pk}/")

    body = response.json()
    assert response.status_code == 200
    assert (body["quantity"], body["beneficiary"], body["purpose"], body["vintage"]) == (
        250,
        "Expo 2026",
        "event_neutrality",
        dates.period_start.year,  # the first block is of the period's first year
    )
    assert body["serial"] == certificate.block.serial
    assert body["last"] == holdings["block"].last


def test_a_retirement_certificate_shows_its_log_index_and_links_to_its_proof(holdings):
    certificate = movements.retire_credits(
        actor=holdings["company"],
        block=holdings["block"],
        quantity=250,
        beneficiary="Expo 2026",
        purpose="event_neutrality",
    )
    anyone = client_for(None)
    url = f"/api/v1/retirements/{certificate.pk}/"
    assert anyone.get(url).json()["log_index"] is None

    transparency.seal()

    entry = AuditEntry.objects.get(action="ledger.retirement")
    assert anyone.get(url).json()["log_index"] == entry.leaf_index is not None
    # Its movement is a public record: anyone reads the entry's bytes; a transfer's is not.
    served = anyone.get(f"/api/v1/transparency/entries/{entry.leaf_index}/").json()
    assert base64.b64decode(served["entry"]) == canonical_bytes(entry)
    page = anyone.get(f"/retirements/{certificate.pk}/").content.decode()
    assert f"inclusion/?index={entry.leaf_index}&amp;tree_size=" in page


def test_a_transfers_log_entry_hides_its_bytes_from_anyone(holdings):
    movements.transfer_credits(
        actor=holdings["company"],
        block=holdings["block"],
        quantity=10,
        to_account=holdings["buyer_account"],
    )
    transparency.seal()
    entry = AuditEntry.objects.get(action="ledger.transfer")

    served = client_for(None).get(f"/api/v1/transparency/entries/{entry.leaf_index}/").json()

    assert "entry" not in served and served["leaf_hash"]


def test_postgresql_refuses_an_overlapping_block_written_around_the_services(holdings):
    block = holdings["block"]

    with pytest.raises(IntegrityError), transaction.atomic():
        CreditBlock.objects.create(
            issuance_id=block.issuance_id,
            project_id=block.project_id,
            vintage=block.vintage,
            first=block.last,
            last=block.last + 10,
            quantity=11,
            account=holdings["buyer_account"],
        )


# --- Refusals decided by the services (never a 500) ---------------------------------------------


@pytest.mark.parametrize("quantity", [0, -5])
def test_a_quantity_below_one_is_a_400_on_quantity(quantity, holdings, parties):
    block = holdings["block"]
    calls = {
        "transfer": lambda: movements.transfer_credits(
            actor=holdings["company"],
            block=block,
            quantity=quantity,
            to_account=holdings["buyer_account"],
        ),
        "retirement": lambda: movements.retire_credits(
            actor=holdings["company"],
            block=block,
            quantity=quantity,
            beneficiary="X",
            purpose="public_good",
        ),
        "cancellation": lambda: movements.cancel_credits(
            actor=parties["operator"], block=block, quantity=quantity
        ),
    }

    for call in calls.values():
        with pytest.raises(InvalidInput) as refused:
            call()
        assert refused.value.errors == {"quantity": [movements.QUANTITY_NOT_POSITIVE]}

    block.refresh_from_db()
    assert (block.quantity, block.status) == (holdings["blocks"][0].quantity, "active")
    assert not Movement.objects.exclude(kind="issuance").exists()


def test_freezing_a_block_that_changed_hands_since_it_was_read_is_a_409(holdings, parties):
    read = CreditBlock.objects.get(pk=holdings["block"].pk)
    movements.transfer_credits(
        actor=holdings["company"],
        block=holdings["block"],
        quantity=read.quantity,
        to_account=holdings["buyer_account"],
    )

    with pytest.raises(Conflict) as freeze:
        movements.freeze_block(actor=parties["regulator"], block=read)
    with pytest.raises(Conflict) as unfreeze:
        movements.unfreeze_block(actor=parties["regulator"], block=read)

    assert (
        freeze.value.message
        == unfreeze.value.message
        == movements.BLOCK_MOVED.format(serial=read.serial)
    )
    moved = CreditBlock.objects.get(pk=read.pk)
    assert (moved.account, moved.status) == (holdings["buyer_account"], "active")
    assert not Movement.objects.filter(kind__in=["freeze", "unfreeze"]).exists()


def test_a_second_default_account_is_a_409_naming_the_default(holdings, parties):
    organization = holdings["company"].organization

    response = post(
        parties["operator"],
        "/api/v1/accounts/",
        {"organization": organization.pk, "name": "Second main", "is_default": True},
    )
    second = post(
        parties["operator"], "/api/v1/accounts/", {"organization": organization.pk, "name": "Ops"}
    )

    assert response.status_code == 409
    assert response.json() == {
        "detail": movements.DEFAULT_EXISTS.format(
            organization=organization.name, account=holdings["account"].name
        )
    }
    assert second.status_code == 201
    assert second.json()["is_default"] is False
    assert (
        HoldingAccount.objects.get(organization=organization, is_default=True)
        == (holdings["account"])
    )


def test_issuing_into_a_frozen_default_account_is_a_409_naming_it(lifecycle, parties):
    report = lifecycle.report("issuance_review")
    account = default_account(parties["proponent"].organization)
    movements.set_account_frozen(actor=parties["regulator"], account=account, frozen=True)

    response = post(parties["operator"], f"/api/v1/monitoring-reports/{report.pk}/issue/", {})

    assert response.status_code == 409
    assert response.json() == {"detail": issuance.INTO_FROZEN_ACCOUNT.format(account=account.name)}
    report.refresh_from_db()
    assert report.status == "issuance_review"
    assert not Issuance.objects.filter(report=report).exists()

    movements.set_account_frozen(actor=parties["regulator"], account=account, frozen=False)
    again = post(parties["operator"], f"/api/v1/monitoring-reports/{report.pk}/issue/", {})
    assert again.status_code == 201
