"""The transparency log's proofs against an independent RFC 9162 implementation, for every tree
size up to 64, and its public API."""

import base64
import hashlib
import importlib.util

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings

from core import transparency
from core.audit import canonical_bytes, record_event, text_digest
from core.models import AuditCheck, AuditEntry

pytestmark = pytest.mark.django_db

SIZE = 64


def load_verifier():
    """scripts/verify_log.py, loaded by path: it is no module of the project."""
    path = settings.BASE_DIR / "scripts" / "verify_log.py"
    spec = importlib.util.spec_from_file_location("verify_log", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


verifier = load_verifier()


# --- RFC 9162 §2.1, written straight from the text -----------------------------------------


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def largest_power_of_two_below(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(leaves: list[bytes]) -> bytes:
    if len(leaves) == 1:
        return leaves[0]
    k = largest_power_of_two_below(len(leaves))
    return sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:]))


def path(m: int, leaves: list[bytes]) -> list[bytes]:
    n = len(leaves)
    if n == 1:
        return []
    k = largest_power_of_two_below(n)
    if m < k:
        return [*path(m, leaves[:k]), mth(leaves[k:])]
    return [*path(m - k, leaves[k:]), mth(leaves[:k])]


def subproof(m: int, leaves: list[bytes], whole: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if whole else [mth(leaves)]
    k = largest_power_of_two_below(n)
    if m <= k:
        return [*subproof(m, leaves[:k], whole), mth(leaves[k:])]
    return [*subproof(m - k, leaves[k:], False), mth(leaves[:k])]


# --------------------------------------------------------------------------------------------


@pytest.fixture
def leaves(db) -> list[bytes]:
    """64 entries sealed in uneven steps (1, 2, 3, ... entries at a time), and their leaf
    hashes as the RFC computes them from the entries' canonical bytes."""
    target = AuditCheck.objects.create(ok=True, entries=0)
    recorded, step = 0, 1
    while recorded < SIZE:
        for _ in range(min(step, SIZE - recorded)):
            record_event(actor=None, action="test.entry", target=target, after={"n": recorded})
            recorded += 1
        transparency.seal()
        step += 1
    entries = AuditEntry.objects.order_by("leaf_index")
    return [sha256(b"\x00" + canonical_bytes(entry)) for entry in entries]


def test_every_inclusion_proof_up_to_64_leaves_is_the_rfcs(leaves):
    for size in range(1, SIZE + 1):
        root = mth(leaves[:size])
        for index in range(size):
            proof = transparency.inclusion_proof(index, size)
            assert proof == path(index, leaves[:size]), (index, size)
            assert verifier.verify_inclusion(index, size, leaves[index], proof, root)


def test_every_consistency_proof_up_to_64_leaves_is_the_rfcs(leaves):
    for second in range(1, SIZE + 1):
        second_root = mth(leaves[:second])
        for first in range(1, second + 1):
            proof = transparency.consistency_proof(first, second)
            assert proof == subproof(first, leaves[:second], True), (first, second)
            first_root = mth(leaves[:first])
            assert verifier.verify_consistency(first, second, first_root, second_root, proof)


def test_the_verifier_refuses_a_wrong_proof(leaves):
    root = mth(leaves[:13])
    proof = transparency.inclusion_proof(5, 13)
    assert not verifier.verify_inclusion(6, 13, leaves[5], proof, root)
    assert not verifier.verify_inclusion(5, 13, leaves[5], proof[:-1], root)
    proof = transparency.consistency_proof(6, 13)
    assert not verifier.verify_consistency(6, 13, mth(leaves[:7]), root, proof)


def test_the_signed_head_is_the_rfcs_root(leaves, clients):
    head = clients["anonymous"].get("/api/v1/transparency/head/").json()
    key = clients["anonymous"].get("/api/v1/transparency/key/").json()

    assert head["tree_size"] == SIZE and head["root_hash"] == mth(leaves).hex()
    assert key["algorithm"] == "Ed25519"
    message = f"{SIZE}:{head['root_hash']}:{head['timestamp']}".encode()
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(key["public_key"]))
    public.verify(base64.b64decode(head["signature"]), message)


def test_proofs_over_http(leaves, clients):
    client = clients["anonymous"]
    inclusion = client.get("/api/v1/transparency/proof/inclusion/?index=5&tree_size=13").json()
    consistency = client.get("/api/v1/transparency/proof/consistency/?first=6&second=13").json()

    assert inclusion == {
        "index": 5,
        "tree_size": 13,
        "audit_path": [value.hex() for value in path(5, leaves[:13])],
    }
    assert consistency == {
        "first": 6,
        "second": 13,
        "proof": [value.hex() for value in subproof(6, leaves[:13], True)],
    }


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("inclusion/?index=x&tree_size=3", "index"),
        ("inclusion/?tree_size=3", "index"),
        ("inclusion/?index=1&tree_size=0", "tree_size"),
        ("inclusion/?index=1&tree_size=65", "tree_size"),
        ("inclusion/?index=3&tree_size=3", "index"),
        ("inclusion/?index=-1&tree_size=3", "index"),
        ("consistency/?first=0&second=3", "first"),
        ("consistency/?first=4&second=3", "first"),
        ("consistency/?first=1&second=65", "second"),
        ("consistency/?first=1", "second"),
    ],
)
def test_a_bad_proof_request_is_a_400_naming_the_field(leaves, clients, query, field):
    response = clients["anonymous"].get(f"/api/v1/transparency/proof/{query}")

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_an_entry_beyond_the_head_is_a_404(leaves, clients):
    assert clients["operator"].get(f"/api/v1/transparency/entries/{SIZE}/").status_code == 404


def test_an_index_beyond_any_database_integer_is_a_404(leaves, clients):
    huge = "100000000000000000000"
    assert clients["anonymous"].get(f"/api/v1/transparency/entries/{huge}/").status_code == 404


def test_before_anything_is_sealed_there_is_no_head(db, clients):
    assert clients["anonymous"].get("/api/v1/transparency/head/").status_code == 404


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        ("anonymous", False),
        ("proponent", False),
        ("verifier", False),
        ("regulator", True),
        ("operator", True),
    ],
)
def test_the_bytes_of_a_private_record_go_to_operators_and_regulators(clients, role, shown):
    # The users fixture's organisations recorded their entries: not public records.
    transparency.seal()
    entry = AuditEntry.objects.get(leaf_index=0)

    data = clients[role].get("/api/v1/transparency/entries/0/").json()

    assert data["index"] == 0
    assert data["leaf_hash"] == sha256(b"\x00" + canonical_bytes(entry)).hex()
    assert ("entry" in data) is shown
    if shown:
        assert base64.b64decode(data["entry"]) == canonical_bytes(entry)


def test_the_bytes_of_a_public_record_go_to_anyone(clients, monkeypatch):
    target = AuditCheck.objects.create(ok=True, entries=0)
    record_event(actor=None, action="test.public", target=target)
    transparency.seal()
    monkeypatch.setitem(transparency._public_records, "core.auditcheck", lambda pk: True)
    entry = AuditEntry.objects.get(action="test.public")

    data = clients["anonymous"].get(f"/api/v1/transparency/entries/{entry.leaf_index}/").json()

    assert base64.b64decode(data["entry"]) == canonical_bytes(entry)


def test_anonymous_comments_enter_the_log_as_a_digest_only():
    assert text_digest("好") == hashlib.sha256("好".encode()).hexdigest()


def test_audit_verify_answers_nothing_before_the_first_check(clients):
    first = clients["regulator"].get("/api/v1/audit/verify/").json()

    assert first == {
        "ok": None,
        "entries": None,
        "first_broken": None,
        "problem": None,
        "checked_at": None,
    }


def test_audit_verify_answers_the_last_check_and_starts_a_new_one(
    leaves, clients, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as started:
        first = clients["regulator"].get("/api/v1/audit/verify/").json()
    assert first["entries"] == 0  # the check the fixture recorded, before any entry
    assert len(started) == 1
    started[0]()  # the task, in-process (no broker in the suite)

    answer = clients["operator"].get("/api/v1/audit/verify/").json()

    assert (answer["ok"], answer["entries"], answer["first_broken"]) == (True, SIZE, None)
    assert clients["proponent"].get("/api/v1/audit/verify/").status_code == 403
