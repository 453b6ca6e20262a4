"""Claims: the holder's, once, never expired, frozen or cancelled ones, never more than the
block holds; the claimed part split off the upper serials, a public record."""

import base64
from datetime import date, timedelta

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction

from certificates import selectors as certificate_selectors
from certificates.models import CertificateBlock, CertificateClaim
from certificates.reconciliation import reconcile
from certificates.services import claims
from certificates.services.claims import claim_certificates
from certificates.services.imports import import_certificates
from core import idempotency, transparency
from core.audit import canonical_bytes
from core.errors import AccessDenied, Conflict, InvalidInput
from core.models import AuditEntry
from tests.certificates.conftest import row
from tests.conftest import client_for, shanghai_midnight

URL = "/api/v1/green-certificates/claims/"
PERIOD = {"period_start": date(2025, 1, 1), "period_end": date(2025, 12, 31)}


def claim(users, block, quantity, **extra):
    return claim_certificates(
        actor=users["proponent"], block=block, quantity=quantity, **{**PERIOD, **extra}
    )


def set_state(block: CertificateBlock, state: str) -> None:
    """A state no service of this step produces yet (frozen, cancelled), written directly."""
    CertificateBlock.objects.filter(pk=block.pk).update(state=state)


def test_a_partial_claim_splits_the_block_the_holder_keeping_the_lower_serials(users, block):
    record = claim(users, block, 300, consumer="Cloudpeak Wuhu data centre")

    block.refresh_from_db()
    assert (block.serial_first, block.serial_last, block.quantity, block.state) == (
        1001,
        1700,
        700,
        "active",
    )
    claimed = record.block
    assert (claimed.serial_first, claimed.serial_last, claimed.quantity, claimed.state) == (
        1701,
        2000,
        300,
        "claimed",
    )
    assert claimed.holder_id == block.holder_id == record.claimant_id
    assert claimed.expires_on == block.expires_on and claimed.source_id == block.source_id
    assert (record.quantity, record.consumer, record.claimed_by) == (
        300,
        "Cloudpeak Wuhu data centre",
        users["proponent"],
    )
    assert reconcile().ok


def test_a_claim_shows_its_log_index_once_sealed(users, block, clients):
    record = claim(users, block, 10)
    url = f"{URL}{record.pk}/"
    assert certificate_selectors.claims().get(pk=record.pk).log_index is None
    assert clients["anonymous"].get(url).json()["log_index"] is None

    transparency.seal()

    entry = AuditEntry.objects.get(action="certificates.claim")
    assert entry.leaf_index is not None
    assert certificate_selectors.claims().get(pk=record.pk).log_index == entry.leaf_index
    assert clients["anonymous"].get(url).json()["log_index"] == entry.leaf_index
    # Claims are public records: anyone reads the entry's bytes.
    served = clients["anonymous"].get(f"/api/v1/transparency/entries/{entry.leaf_index}/")
    assert base64.b64decode(served.json()["entry"]) == canonical_bytes(entry)
    page = clients["anonymous"].get(f"/green-certificates/claims/{record.pk}/")
    assert f"index={entry.leaf_index}&amp;tree_size=" in page.content.decode()


def test_a_whole_claim_claims_the_block_itself(users, block):
    record = claim(users, block, 1000)

    assert record.block.pk == block.pk
    block.refresh_from_db()
    assert block.state == "claimed" and block.quantity == 1000
    assert CertificateBlock.objects.count() == 1


def test_the_claim_is_audited(users, block):
    record = claim(users, block, 10)

    entry = AuditEntry.objects.get(action="certificates.claim")
    assert entry.object_id == str(record.pk)
    assert entry.after["serial"] == record.block.serial
    assert entry.after["quantity"] == 10 and entry.after["from_block"] == block.pk


def test_a_claimed_block_is_never_claimed_again(users, block):
    record = claim(users, block, 100)

    with pytest.raises(Conflict) as refused:
        claim(users, record.block, 1)

    assert refused.value.message == claims.ALREADY_CLAIMED.format(serial=record.block.serial)


def test_more_than_the_block_holds_is_refused(users, block):
    with pytest.raises(Conflict) as refused:
        claim(users, block, 1001)

    assert refused.value.message == claims.NOT_ENOUGH.format(
        serial=block.serial, held=1000, asked=1001
    )


@pytest.mark.parametrize("state", ["frozen", "cancelled", "expired"])
def test_only_active_certificates_are_claimed(users, block, state):
    set_state(block, state)

    with pytest.raises(Conflict) as refused:
        claim(users, block, 1)

    assert refused.value.message == claims.NOT_ACTIVE.format(serial=block.serial, state=state)


def test_a_certificate_is_claimed_on_its_last_valid_day_and_refused_the_day_after(users, holders):
    with time_machine.travel(shanghai_midnight(date(2025, 6, 1))):
        import_certificates(
            actor=users["operator"],
            rows=[row(holders["holder"], 1, 100, generation_month="2024-03")],
        )
    block = CertificateBlock.objects.get()
    assert block.expires_on == date(2026, 2, 28)

    with time_machine.travel(shanghai_midnight(date(2026, 2, 28)) + timedelta(hours=23)):
        claim(users, block, 10)
    with (
        time_machine.travel(shanghai_midnight(date(2026, 3, 1))),
        pytest.raises(Conflict) as refused,
    ):
        claim(users, block, 10)

    # The expiry task has not run: the block is active still, and the date alone refuses it.
    block.refresh_from_db()
    assert block.state == "active"
    assert refused.value.message == claims.EXPIRED.format(
        serial=block.serial, expires_on=date(2026, 2, 28)
    )


@pytest.mark.parametrize("quantity", [0, -1, True, 1.5])
def test_a_quantity_is_a_whole_number_of_at_least_one(users, block, quantity):
    with pytest.raises(InvalidInput) as refused:
        claim(users, block, quantity)

    assert refused.value.errors == {"quantity": [claims.QUANTITY_NOT_POSITIVE]}


def test_the_period_is_ordered(users, block):
    with pytest.raises(InvalidInput) as refused:
        claim(users, block, 1, period_start=date(2025, 2, 1), period_end=date(2025, 1, 31))

    assert refused.value.errors == {"period_end": [claims.PERIOD_REVERSED]}


def test_a_one_day_period_is_a_period(users, block):
    record = claim(users, block, 1, period_start=date(2025, 2, 1), period_end=date(2025, 2, 1))

    assert record.period_start == record.period_end


@pytest.mark.parametrize("role", ["verifier", "regulator", "operator"])
def test_only_the_holder_claims(users, block, role):
    with pytest.raises(AccessDenied):
        claim_certificates(actor=users[role], block=block, quantity=1, **PERIOD)


def test_another_company_may_not_claim_the_holders_certificates(users, holders, block):
    with pytest.raises(AccessDenied):
        claim_certificates(actor=holders["other_user"], block=block, quantity=1, **PERIOD)
    assert not CertificateClaim.objects.exists()


def test_a_refused_claim_changes_nothing(users, block):
    with pytest.raises(Conflict):
        claim(users, block, 5000)

    block.refresh_from_db()
    assert block.quantity == 1000 and CertificateBlock.objects.count() == 1


# --- API ------------------------------------------------------------------------------------


def body(block, quantity=100, **extra):
    return {
        "block": block.pk,
        "quantity": quantity,
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
        **extra,
    }


def test_the_holder_claims_through_the_api(clients, block):
    response = clients["proponent"].post(URL, body(block, consumer="Wuhu DC"), format="json")

    assert response.status_code == 201, response.json()
    record = CertificateClaim.objects.get()
    data = response.json()
    assert data["id"] == record.pk and data["block"] == record.block_id
    assert (data["serial_first"], data["serial_last"], data["quantity"]) == (1901, 2000, 100)
    assert data["claimant"] == block.holder_id and data["consumer"] == "Wuhu DC"
    assert data["period_start"] == "2025-01-01" and data["period_end"] == "2025-12-31"
    assert data["generation_month"] == f"{block.generation_month:%Y-%m}"
    assert data["data_centre"] is None and data["log_index"] is None


@pytest.mark.parametrize("role", ["anonymous", "proponent", "verifier", "regulator", "operator"])
def test_a_claim_record_is_public(clients, users, block, role):
    record = claim(users, block, 10)

    response = clients[role].get(f"{URL}{record.pk}/")

    assert response.status_code == 200
    assert response.json()["serial_first"] == 1991


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 401), ("verifier", 404), ("regulator", 403), ("operator", 403)],
)
def test_only_the_holder_may_claim_through_the_api(clients, block, role, expected):
    response = clients[role].post(URL, body(block), format="json")

    assert response.status_code == expected
    assert not CertificateClaim.objects.exists()


def test_another_companys_block_is_a_404(holders, block):
    response = client_for(holders["other_user"]).post(URL, body(block), format="json")

    assert response.status_code == 404


def test_a_claim_of_a_claimed_block_is_a_409(clients, users, block):
    claim(users, block, 1000)

    response = clients["proponent"].post(URL, body(block, 1), format="json")

    assert response.status_code == 409
    assert response.json() == {"detail": claims.ALREADY_CLAIMED.format(serial=block.serial)}


def test_a_claim_of_more_than_the_block_is_a_409(clients, block):
    response = clients["proponent"].post(URL, body(block, 1001), format="json")

    assert response.status_code == 409
    assert response.json()["detail"] == claims.NOT_ENOUGH.format(
        serial=block.serial, held=1000, asked=1001
    )


def test_bad_claim_input_is_a_400_naming_each_field(clients, block):
    response = clients["proponent"].post(
        URL,
        {"block": "x", "quantity": 0, "period_start": "2025-13-01", "data_centre": 0},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {
        "block",
        "quantity",
        "period_start",
        "period_end",
        "data_centre",
    }


def test_a_reversed_period_is_a_400(clients, block):
    response = clients["proponent"].post(
        URL, body(block, period_start="2025-02-01", period_end="2025-01-01"), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"period_end": [claims.PERIOD_REVERSED]}


def test_claims_are_not_listed_nor_changed(clients, users, block):
    record = claim(users, block, 10)

    assert clients["operator"].get(URL).status_code == 405
    assert clients["proponent"].put(f"{URL}{record.pk}/", {}, format="json").status_code == 405
    assert clients["proponent"].delete(f"{URL}{record.pk}/").status_code == 405


def test_a_claimed_block_is_refused_by_the_database_too(users, block):
    record = claim(users, block, 10)

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE certificates_certificateblock SET state = 'active' WHERE id = %s",
            [record.block_id],
        )


def test_a_replayed_claim_with_its_idempotency_key_claims_once(clients, block):
    headers = {"HTTP_IDEMPOTENCY_KEY": "claim-2025-q1"}
    first = clients["proponent"].post(URL, body(block), format="json", **headers)
    replay = clients["proponent"].post(URL, body(block), format="json", **headers)

    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json()
    assert CertificateClaim.objects.count() == 1
    block.refresh_from_db()
    assert block.quantity == 900


def test_an_idempotency_key_reused_for_another_claim_is_a_409(clients, block):
    headers = {"HTTP_IDEMPOTENCY_KEY": "claim-2025-q1"}
    clients["proponent"].post(URL, body(block), format="json", **headers)
    other = clients["proponent"].post(URL, {**body(block), "quantity": 5}, format="json", **headers)

    assert other.status_code == 409
    assert other.json() == {"detail": idempotency.KEY_REUSED}
    assert CertificateClaim.objects.count() == 1


def test_a_refused_claim_keeps_its_idempotency_key_free(clients, block):
    headers = {"HTTP_IDEMPOTENCY_KEY": "claim-big"}
    refused = clients["proponent"].post(
        URL, {**body(block), "quantity": 5000}, format="json", **headers
    )
    retried = clients["proponent"].post(URL, body(block), format="json", **headers)

    assert refused.status_code == 409
    assert retried.status_code == 201
    assert CertificateClaim.objects.count() == 1
