"""The audit writer and the sealer: plain inserts, sealed into the transparency log in id order,
and the stored log checked against the entries."""

import base64
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from core import merkle, tasks, transparency
from core.audit import canonical_bytes, record_event
from core.models import AuditEntry, LogNode, SignedTreeHead
from tests.conftest import make_organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def log(db) -> list[AuditEntry]:
    """Five entries written by real services, sealed."""
    for kind in ("proponent", "verifier", "regulator", "operator", "proponent"):
        make_organization(kind)
    transparency.seal()
    return list(AuditEntry.objects.order_by("leaf_index"))


def tamper(sql: str, params: list) -> None:
    """Change a log table behind the services' back, as an attacker with SQL access could."""
    with connection.cursor() as cursor:
        # Superuser only: replica mode skips ordinary triggers, the append-only ones included.
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def test_an_entry_is_a_plain_insert_sealed_later(db):
    organization = make_organization("proponent")
    entry = AuditEntry.objects.get(object_id=str(organization.pk))
    assert entry.leaf_index is None
    assert not SignedTreeHead.objects.exists()

    head = transparency.seal()

    entry.refresh_from_db()
    assert (entry.leaf_index, head.tree_size) == (0, 1)
    assert bytes(head.root_hash) == merkle.leaf_hash(canonical_bytes(entry))


def test_sealing_numbers_committed_entries_in_id_order_and_signs_the_head(log):
    assert [entry.leaf_index for entry in log] == [0, 1, 2, 3, 4]
    assert [entry.id for entry in log] == sorted(entry.id for entry in log)
    head = transparency.latest_head()
    assert head.tree_size == 5
    leaves = [merkle.leaf_hash(canonical_bytes(entry)) for entry in log]
    assert bytes(head.root_hash) == reference_root(leaves)
    message = f"5:{bytes(head.root_hash).hex()}:{head.timestamp}".encode()
    public = transparency.signing_key().public_key()
    public.verify(bytes(head.signature), message)  # raises if it does not verify


def test_sealing_again_with_nothing_new_signs_nothing(log):
    assert transparency.seal() is None
    assert SignedTreeHead.objects.count() == 1


def test_a_backlog_is_sealed_in_steps_each_with_its_head(log):
    for _ in range(7):
        make_organization("proponent")

    transparency.seal(batch=3)

    sizes = sorted(SignedTreeHead.objects.values_list("tree_size", flat=True))
    assert sizes == [5, 8, 11, 12]
    assert transparency.verify_log().ok


def test_canonical_bytes_are_sorted_json_of_the_stored_columns(log):
    after = {"name": "东海风电有限公司", "values": [1, "2", None, {"nested": True}]}
    record_event(actor=None, action="test.canonical", target=log[0], after=after)
    transparency.seal()

    entry = AuditEntry.objects.get(action="test.canonical")
    decoded = json.loads(canonical_bytes(entry))
    assert decoded["after"] == after
    assert decoded["index"] == entry.leaf_index == 5
    assert "东海" in canonical_bytes(entry).decode("utf-8")
    assert canonical_bytes(entry) == canonical_bytes(AuditEntry.objects.get(pk=entry.pk))
    leaf = LogNode.objects.get(level=0, index=5)
    assert bytes(leaf.hash) == merkle.leaf_hash(canonical_bytes(entry))


def test_an_intact_log_verifies(log):
    assert transparency.verify_log() == transparency.LogVerification(ok=True, entries=5)


def test_editing_an_entry_is_reported_at_its_leaf(log):
    tamper("UPDATE core_auditentry SET object_id = %s WHERE leaf_index = %s", ["forged", 3])

    result = transparency.verify_log()

    assert (result.ok, result.first_broken) == (False, 3)


def test_deleting_an_entry_is_reported_at_its_leaf(log):
    tamper("DELETE FROM core_auditentry WHERE leaf_index = %s", [2])

    result = transparency.verify_log()

    assert (result.ok, result.first_broken, result.problem) == (False, 2, "An entry is missing.")


def test_reordering_entries_is_reported(log):
    for old, new in ((1, 1000), (2, 1), (1000, 2)):  # swapped, around the unique index
        tamper("UPDATE core_auditentry SET leaf_index = %s WHERE leaf_index = %s", [new, old])

    assert transparency.verify_log().first_broken == 1


def test_a_rewritten_leaf_hash_is_reported(log):
    tamper("UPDATE core_lognode SET hash = sha256(hash) WHERE level = 0 AND index = %s", [4])

    assert transparency.verify_log().first_broken == 4


def test_a_head_signed_with_another_key_is_reported(log):
    head = transparency.latest_head()
    forged = Ed25519PrivateKey.generate().sign(
        transparency.signed_message(head.tree_size, bytes(head.root_hash), head.timestamp)
    )
    tamper("UPDATE core_signedtreehead SET signature = %s WHERE id = %s", [forged, head.pk])

    result = transparency.verify_log()

    assert (result.ok, result.problem) == (False, "The latest head's signature does not verify.")


def test_the_command_names_the_broken_leaf(log, capsys):
    call_command("verify_audit_log")
    assert "intact: 5 entries" in capsys.readouterr().out

    tamper("UPDATE core_auditentry SET action = %s WHERE leaf_index = %s", ["forged", 1])

    with pytest.raises(CommandError, match="broken at leaf 1"):
        call_command("verify_audit_log")


def test_postgresql_refuses_rewriting_entries_through_the_orm(log):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=log[1].pk).update(action="forged")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=log[1].pk).update(leaf_index=99)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=log[4].pk).delete()

    assert AuditEntry.objects.get(pk=log[1].pk).action == "organization.created"
    assert transparency.verify_log().ok


def test_an_entry_rolled_back_with_its_change_never_reaches_the_log(log):
    with pytest.raises(RuntimeError), transaction.atomic():
        make_organization("proponent", name="Never registered Co.")
        raise RuntimeError("the change failed")

    assert transparency.seal() is None
    assert AuditEntry.objects.count() == 5


@override_settings(TRANSPARENCY_SEAL_ON_COMMIT=True)
def test_without_a_broker_entries_are_sealed_once_their_transaction_commits(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        make_organization("proponent")
        make_organization("verifier")

    assert len(callbacks) == 1  # one seal per transaction
    assert transparency.latest_head().tree_size == 2


@override_settings(TRANSPARENCY_SEAL_ON_COMMIT=False)
def test_with_a_broker_commits_leave_sealing_to_beat(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        make_organization("proponent")

    assert callbacks == []
    assert AuditEntry.objects.get().leaf_index is None


def test_beat_runs_the_sealer_every_transparency_seal_seconds(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["seal-transparency-log"]

    assert schedule == {"task": "core.seal", "schedule": settings.TRANSPARENCY_SEAL_SECONDS}
    assert 0 < settings.TRANSPARENCY_SEAL_SECONDS <= 10


def test_the_seal_task_answers_the_new_tree_size(log):
    make_organization("proponent")

    assert tasks.seal.apply().get() == 6
    assert tasks.seal.apply().get() is None


def test_the_signing_key_may_be_given_as_pem_in_a_file_and_is_made_when_asked(tmp_path):
    path = tmp_path / "var" / "key.pem"
    with override_settings(TRANSPARENCY_SIGNING_KEY="", TRANSPARENCY_SIGNING_KEY_FILE=str(path)):
        with pytest.raises(FileNotFoundError):
            transparency.signing_key()
        with override_settings(TRANSPARENCY_CREATE_KEY=True):
            made = transparency.signing_key()
        assert path.read_text().startswith("-----BEGIN PRIVATE KEY-----")
        assert oct(path.stat().st_mode & 0o777) == "0o600"
        assert transparency.public_key() == made.public_key().public_bytes_raw()


def test_the_signing_key_from_the_environment_is_32_raw_bytes_in_base64():
    raw = bytes(range(32))
    with override_settings(TRANSPARENCY_SIGNING_KEY=base64.b64encode(raw).decode()):
        expected = Ed25519PrivateKey.from_private_bytes(raw).public_key().public_bytes_raw()
        assert transparency.public_key() == expected


def reference_root(leaves: list[bytes]) -> bytes:
    """RFC 9162 MTH, recursively."""
    if len(leaves) == 1:
        return leaves[0]
    k = merkle.split(len(leaves))
    return merkle.node_hash(reference_root(leaves[:k]), reference_root(leaves[k:]))
