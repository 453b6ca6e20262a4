"""scripts/verify_log.py against a live server: it passes an intact log, and catches an entry
edited, deleted or reordered behind the application's back, a head signed with another key,
and a saved head the log no longer extends."""

import base64
import json
import subprocess
import sys

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.db import connection
from knox.models import AuthToken

from core import transparency
from core.models import AuditEntry
from tests.conftest import make_organization, make_user

SCRIPT = settings.BASE_DIR / "scripts" / "verify_log.py"


def verify(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, str(SCRIPT), url, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def behind_the_back(*statements: tuple[str, list]) -> None:
    """As a superuser with the triggers off (replica mode skips ordinary triggers)."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        try:
            for sql, params in statements:
                cursor.execute(sql, params)
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")


@pytest.fixture
def logged(live_server):
    """A live server whose log holds entries sealed on commit (no broker in the suite), and an
    operator's token, which sees every entry's bytes."""
    operator = make_user(make_organization("operator"))
    for kind in ("proponent", "verifier", "regulator"):
        make_organization(kind)
    transparency.seal()
    _, token = AuthToken.objects.create(user=operator)
    return live_server.url, token


@pytest.mark.django_db(transaction=True)
def test_an_intact_log_verifies_and_a_saved_head_is_checked_for_consistency(logged, tmp_path):
    url, token = logged
    state = tmp_path / "head.json"

    first = verify(url, "--all", "--token", token, "--state", str(state))
    assert first.returncode == 0, first.stderr
    assert "entry bytes and leaf hash" in first.stdout
    saved = json.loads(state.read_text())["tree_size"]

    make_organization("proponent")
    transparency.seal()
    second = verify(url, "--index", "0", "--state", str(state))

    assert second.returncode == 0, second.stderr
    assert f"consistent with the saved head of size {saved}" in second.stdout
    assert "leaf hash (entry bytes not shown)" in second.stdout  # anonymous
    assert json.loads(state.read_text())["tree_size"] == saved + 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "change",
    [
        [("UPDATE core_auditentry SET action = 'forged' WHERE leaf_index = 2", [])],
        [("DELETE FROM core_auditentry WHERE leaf_index = 2", [])],
        [
            ("UPDATE core_auditentry SET leaf_index = 1000 WHERE leaf_index = 1", []),
            ("UPDATE core_auditentry SET leaf_index = 1 WHERE leaf_index = 2", []),
            ("UPDATE core_auditentry SET leaf_index = 2 WHERE leaf_index = 1000", []),
        ],
    ],
    ids=["edited", "deleted", "reordered"],
)
def test_an_entry_changed_behind_the_applications_back_is_caught(logged, change):
    url, token = logged
    assert AuditEntry.objects.filter(leaf_index=2).exists()

    behind_the_back(*change)
    result = verify(url, "--all", "--token", token)

    assert result.returncode != 0
    assert "FAIL" in result.stderr and "entry" in result.stderr


@pytest.mark.django_db(transaction=True)
def test_a_head_signed_with_another_key_is_refused(logged):
    url, _ = logged
    head = transparency.latest_head()
    forged = Ed25519PrivateKey.generate().sign(
        transparency.signed_message(head.tree_size, bytes(head.root_hash), head.timestamp)
    )
    behind_the_back(
        ("UPDATE core_signedtreehead SET signature = %s WHERE id = %s", [forged, head.pk])
    )

    result = verify(url)

    assert result.returncode == 1
    assert "not signed by the log's key" in result.stderr


@pytest.mark.django_db(transaction=True)
def test_a_pinned_key_refuses_a_log_serving_another(logged):
    url, _ = logged
    other = Ed25519PrivateKey.generate().public_key().public_bytes_raw()

    result = verify(url, "--public-key", base64.b64encode(other).decode())

    assert result.returncode == 1


@pytest.mark.django_db(transaction=True)
def test_a_log_rewritten_since_the_saved_head_is_caught(logged, tmp_path):
    url, _ = logged
    state = tmp_path / "head.json"
    assert verify(url, "--state", str(state)).returncode == 0
    # The operator rewrites the stored tree and signs a new, larger head over the result: the
    # head verifies, but the earlier one is no prefix of it.
    make_organization("proponent")
    behind_the_back(("UPDATE core_lognode SET hash = sha256(hash)", []))
    transparency.seal()

    result = verify(url, "--state", str(state))

    assert result.returncode == 1
    assert "the log was rewritten" in result.stderr
