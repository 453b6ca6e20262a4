import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from accounts.models import Organization
from core.audit import (
    GENESIS_HASH,
    appended_at_end,
    content_hash,
    link_hash,
    record_event,
    verify_chain,
)
from core.models import AuditChainHead, AuditEntry
from tests.conftest import make_organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(db) -> list[AuditEntry]:
    """A chain of five entries written by real services."""
    for kind in ("proponent", "verifier", "regulator", "operator", "proponent"):
        make_organization(kind)
    return list(AuditEntry.objects.order_by("id"))


def tamper(sql: str, params: list) -> None:
    """Change the audit table behind the services' back, as an attacker with SQL access could."""
    with connection.cursor() as cursor:
        # Superuser only: replica mode skips ordinary triggers, the append-only one included.
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def test_entries_link_to_their_predecessor(chain):
    assert [e.id for e in chain] == [1, 2, 3, 4, 5]
    assert chain[0].previous_hash == GENESIS_HASH
    for previous, entry in zip(chain, chain[1:], strict=False):
        assert entry.previous_hash == previous.entry_hash
    head = AuditChainHead.objects.get()
    assert (head.sequence, head.last_hash) == (5, chain[-1].entry_hash)


def test_the_hash_links_position_previous_hash_and_content_as_python_computes_them(chain):
    """On PostgreSQL the link is hashed in the append statement itself; it must be the hash
    Python computes, for any content (here Chinese text and nested values)."""
    after = {"name": "东海风电有限公司", "values": [1, "2", None, {"nested": True}]}

    record_event(actor=None, action="test.linked", target=chain[0], after=after)

    stored = AuditEntry.objects.get(pk=6)
    fields = {name.attname: getattr(stored, name.attname) for name in AuditEntry._meta.fields}
    assert stored.after == after
    assert stored.previous_hash == chain[-1].entry_hash
    assert stored.entry_hash == link_hash(6, chain[-1].entry_hash, content_hash(fields))
    assert verify_chain().ok


def test_an_intact_chain_verifies(chain):
    assert verify_chain() == verify_chain().__class__(ok=True, entries=5, first_broken=None)


def test_editing_an_entry_is_reported_at_that_entry(chain):
    tamper("UPDATE core_auditentry SET object_id = %s WHERE id = %s", ["forged", 3])

    result = verify_chain()

    assert (result.ok, result.entries, result.first_broken) == (False, 2, 3)


def test_rewriting_an_entry_with_a_fresh_hash_breaks_the_next_link(chain):
    tamper("UPDATE core_auditentry SET entry_hash = %s WHERE id = %s", ["f" * 64, 2])

    assert verify_chain().first_broken == 2


def test_deleting_an_entry_is_reported_at_its_position(chain):
    tamper("DELETE FROM core_auditentry WHERE id = %s", [4])

    assert verify_chain().first_broken == 4


def test_cutting_the_tail_is_reported_after_the_last_entry_left(chain):
    tamper("DELETE FROM core_auditentry WHERE id >= %s", [4])

    result = verify_chain()

    assert (result.ok, result.first_broken) == (False, 4)


def test_the_command_names_the_broken_entry(chain, capsys):
    call_command("verify_audit_chain")
    assert "intact: 5 entries" in capsys.readouterr().out

    tamper("UPDATE core_auditentry SET action = %s WHERE id = %s", ["forged", 2])

    with pytest.raises(CommandError, match="broken at entry 2"):
        call_command("verify_audit_chain")


def test_postgresql_refuses_update_and_delete_through_the_orm(chain):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=2).update(action="forged")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=5).delete()

    assert AuditEntry.objects.get(pk=2).action == "organization.created"
    assert verify_chain().ok


def test_entries_recorded_in_appended_at_end_follow_the_blocks_other_writes(chain):
    with appended_at_end():
        record_event(actor=None, action="test.first", target=chain[0])
        make_organization("proponent")  # its own entry is held back too
        record_event(actor=None, action="test.last", target=chain[0])
        assert AuditEntry.objects.count() == 5

    actions = list(AuditEntry.objects.filter(id__gt=5).values_list("action", flat=True))
    assert actions == ["test.first", "organization.created", "test.last"]
    assert verify_chain().ok


def test_a_failing_appended_at_end_block_appends_nothing(chain):
    with pytest.raises(RuntimeError), appended_at_end():
        make_organization("proponent", name="Never registered Co.")
        raise RuntimeError("the wrapped call failed")

    assert AuditEntry.objects.count() == 5
    assert not Organization.objects.filter(name="Never registered Co.").exists()
    assert verify_chain().ok


def test_a_nested_appended_at_end_block_joins_the_outer_one(chain):
    with appended_at_end():
        with appended_at_end():
            record_event(actor=None, action="test.inner", target=chain[0])
        assert AuditEntry.objects.count() == 5
        record_event(actor=None, action="test.outer", target=chain[0])

    actions = list(AuditEntry.objects.filter(id__gt=5).values_list("action", flat=True))
    assert actions == ["test.inner", "test.outer"]
