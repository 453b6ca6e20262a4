"""The transparency log (RFC 9162): sealing audit entries into a Merkle tree, signed tree heads,
proofs, and the check of the stored tree against the entries.

**Sealing.** `seal` takes the committed entries without a leaf index in id order, numbers them
on from the latest head's size, stores the hashes of the perfect subtrees they complete
(`LogNode`, see `core.merkle`) and signs a new head, all in one transaction under an advisory
lock, so one sealer runs at a time and a head never names leaves that are not stored. Beat runs
it every TRANSPARENCY_SEAL_SECONDS (`core.seal`); without a broker the process that commits
entries runs it after each commit (`core.audit`).

**The key** is Ed25519, read from TRANSPARENCY_SIGNING_KEY (base64 of the 32 raw bytes, or
PEM) or the file TRANSPARENCY_SIGNING_KEY_FILE; never stored in the database. With
TRANSPARENCY_CREATE_KEY set (the quickstart), a missing key file is made.

**Who sees an entry's bytes.** Leaf hashes and proofs are public; an entry's bytes go to
operators and regulators, and to anyone when the object it records is public. Apps say which of
their objects are public from `AppConfig.ready()` (`register_public_records`); an object type no
app registered is not public.
"""

import base64
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Expression, OuterRef, Subquery

from core import merkle
from core.audit import canonical_bytes
from core.models import AuditEntry, SignedTreeHead

# pg_advisory_xact_lock's key for the sealer: "LOG" in ASCII.
SEAL_LOCK_KEY = 0x4C4F47
# Entries sealed per transaction (and per signed head): a long backlog is sealed in steps, each
# committed, so a failure loses at most one step and readers see progress.
SEAL_BATCH = 20_000

_public_records: dict[str, Callable[[str], bool]] = {}


def register_public_records(object_type: str, is_public: Callable[[str], bool]) -> None:
    """Entries about objects of `object_type` (`app_label.model`) are shown to anyone when
    `is_public(object_id)` is true."""
    known = _public_records.setdefault(object_type, is_public)
    if known is not is_public:
        raise ImproperlyConfigured(f"{object_type!r} already has a public-record rule.")


def is_public_record(entry: AuditEntry) -> bool:
    is_public = _public_records.get(entry.object_type)
    return is_public is not None and is_public(entry.object_id)


# --- The key -------------------------------------------------------------------------------


def signing_key() -> Ed25519PrivateKey:
    return _load_key(
        settings.TRANSPARENCY_SIGNING_KEY,
        str(settings.TRANSPARENCY_SIGNING_KEY_FILE or ""),
        settings.TRANSPARENCY_CREATE_KEY,
    )


@cache
def _load_key(value: str, path: str, create: bool) -> Ed25519PrivateKey:
    if not value and path:
        file = Path(path)
        if not file.exists() and create:
            file.parent.mkdir(parents=True, exist_ok=True)
            pem = Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as out:
                out.write(pem)
        value = file.read_text()
    if not value:
        raise ImproperlyConfigured(
            "The transparency log needs a signing key: set TRANSPARENCY_SIGNING_KEY or "
            "TRANSPARENCY_SIGNING_KEY_FILE."
        )
    value = value.strip()
    if value.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(value.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ImproperlyConfigured("The transparency signing key must be an Ed25519 key.")
        return key
    raw = base64.b64decode(value, validate=True)
    if len(raw) != 32:
        raise ImproperlyConfigured("TRANSPARENCY_SIGNING_KEY must be 32 raw bytes in base64.")
    return Ed25519PrivateKey.from_private_bytes(raw)


def public_key() -> bytes:
    """The raw 32 bytes of the log's public key."""
    return (
        signing_key()
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


def signed_message(tree_size: int, root_hash: bytes, timestamp: int) -> bytes:
    """What a head's signature covers: ASCII `<tree_size>:<root hash, hex>:<timestamp>`."""
    return f"{tree_size}:{root_hash.hex()}:{timestamp}".encode("ascii")


# --- Sealing -------------------------------------------------------------------------------


def latest_head() -> SignedTreeHead | None:
    return SignedTreeHead.objects.order_by("-tree_size").first()


def seal(batch: int = SEAL_BATCH) -> SignedTreeHead | None:
    """Seal every entry committed and not yet sealed; the last head signed, or None if there was
    nothing to seal. Safe to run at any time and in any number of processes."""
    head = None
    while (sealed := _seal_step(batch)) is not None:
        head = sealed
    return head


@transaction.atomic
def _seal_step(batch: int) -> SignedTreeHead | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK_KEY])
    latest = latest_head()
    size = latest.tree_size if latest else 0
    entries = list(AuditEntry.objects.filter(leaf_index__isnull=True).order_by("id")[:batch])
    if not entries:
        return None
    for offset, entry in enumerate(entries):
        entry.leaf_index = size + offset
    leaves = [merkle.leaf_hash(canonical_bytes(entry)) for entry in entries]
    # The perfect parts of the tree so far are the only stored nodes the new ones build on.
    stored = read_nodes(merkle.perfect_parts(0, size)) if size else {}
    new = merkle.extend(size, leaves, stored.__getitem__)
    end = size + len(entries)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditentry AS entry SET leaf_index = sealed.leaf_index "
            "FROM unnest(%s::bigint[], %s::bigint[]) AS sealed(id, leaf_index) "
            "WHERE entry.id = sealed.id AND entry.leaf_index IS NULL",
            [[entry.id for entry in entries], [entry.leaf_index for entry in entries]],
        )
        if cursor.rowcount != len(entries):  # only a sealer outside the lock could cause it
            raise RuntimeError("Entries were sealed by another process during a seal.")
        nodes = list(new.items())
        cursor.execute(
            "INSERT INTO core_lognode (level, index, hash) "
            "SELECT * FROM unnest(%s::smallint[], %s::bigint[], %s::bytea[])",
            [[n[0][0] for n in nodes], [n[0][1] for n in nodes], [n[1] for n in nodes]],
        )
    root = merkle.root(end, {**stored, **new})
    timestamp = time.time_ns() // 1_000_000
    return SignedTreeHead.objects.create(
        tree_size=end,
        root_hash=root,
        timestamp=timestamp,
        signature=signing_key().sign(signed_message(end, root, timestamp)),
    )


# --- Proofs --------------------------------------------------------------------------------


def read_nodes(nodes: Iterable[merkle.Node]) -> dict[merkle.Node, bytes]:
    """The stored hashes of these nodes, in one query."""
    nodes = list(nodes)
    if not nodes:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT level, index, hash FROM core_lognode WHERE (level, index) IN "
            "(SELECT * FROM unnest(%s::smallint[], %s::bigint[]))",
            [[level for level, _ in nodes], [index for _, index in nodes]],
        )
        return {(level, index): bytes(value) for level, index, value in cursor.fetchall()}


def _hashes(spans: list[merkle.Span]) -> list[bytes]:
    stored = read_nodes(merkle.nodes_of(spans))
    return [merkle.span_hash(span, stored) for span in spans]


def inclusion_proof(index: int, tree_size: int) -> list[bytes]:
    """The audit path of leaf `index` in the tree of `tree_size` leaves (0 <= index < size,
    size at most the latest head's)."""
    return _hashes(merkle.inclusion_spans(index, tree_size))


def consistency_proof(first: int, second: int) -> list[bytes]:
    """The proof that the tree of `first` leaves is a prefix of the tree of `second`
    (1 <= first <= second, second at most the latest head's)."""
    return _hashes(merkle.consistency_spans(first, second))


def leaf(index: int) -> bytes | None:
    return read_nodes([(0, index)]).get((0, index))


def log_index_of(object_type: str, action: str, object_id: Expression | OuterRef) -> Subquery:
    """The leaf index of the entry recording `action` on the object, once sealed: an
    annotation for the records that show their place in the log."""
    entries = AuditEntry.objects.filter(
        object_type=object_type, action=action, object_id=object_id
    ).order_by("id")
    return Subquery(entries.values("leaf_index")[:1])


# --- Verification --------------------------------------------------------------------------


@dataclass(frozen=True)
class LogVerification:
    """The outcome of checking the stored log: `first_broken` is the first wrong leaf index."""

    ok: bool
    entries: int
    first_broken: int | None = None
    problem: str = ""


def verify_log() -> LogVerification:
    """Check the latest head's signature, then recompute every sealed entry's leaf hash, every
    stored node and the head's root from the entries themselves, in leaf order."""
    head = latest_head()
    if head is None:
        return LogVerification(ok=True, entries=0)
    try:
        signing_key().public_key().verify(
            bytes(head.signature),
            signed_message(head.tree_size, bytes(head.root_hash), head.timestamp),
        )
    except InvalidSignature:
        return LogVerification(False, 0, None, "The latest head's signature does not verify.")
    builder = _TreeBuilder()
    expected = 0
    entries = AuditEntry.objects.filter(leaf_index__lt=head.tree_size).order_by("leaf_index")
    for entry in entries.iterator(chunk_size=2000):
        if entry.leaf_index != expected:
            return LogVerification(False, expected, expected, "An entry is missing.")
        mismatch = builder.add(merkle.leaf_hash(canonical_bytes(entry)))
        if mismatch is not None:
            return LogVerification(False, mismatch, mismatch, "A stored hash does not match.")
        expected += 1
    if expected != head.tree_size:
        return LogVerification(False, expected, expected, "An entry is missing.")
    mismatch = builder.finish()
    if mismatch is not None:
        return LogVerification(False, mismatch, mismatch, "A stored hash does not match.")
    if builder.root() != bytes(head.root_hash):
        return LogVerification(False, expected, None, "The head's root does not match.")
    return LogVerification(ok=True, entries=expected)


class _TreeBuilder:
    """Rebuilds the tree leaf by leaf, comparing every completed node with the stored one in
    batches; `add` and `finish` answer the first leaf index under a mismatch, if any."""

    BATCH = 5000

    def __init__(self) -> None:
        self.size = 0
        self.stack: list[tuple[int, bytes]] = []  # (level, hash) of the perfect parts so far
        self.pending: dict[merkle.Node, bytes] = {}

    def add(self, leaf_hash: bytes) -> int | None:
        level, value, index = 0, leaf_hash, self.size
        self.pending[(0, index)] = value
        while self.stack and self.stack[-1][0] == level:
            _, left = self.stack.pop()
            level, value, index = level + 1, merkle.node_hash(left, value), index >> 1
            self.pending[(level, index)] = value
        self.stack.append((level, value))
        self.size += 1
        return self.finish() if len(self.pending) >= self.BATCH else None

    def finish(self) -> int | None:
        stored = read_nodes(self.pending)
        wrong = [node for node, value in self.pending.items() if stored.get(node) != value]
        self.pending = {}
        # A wrong leaf makes every node above it wrong too: name the lowest level's first.
        return min(((level, index << level) for level, index in wrong), default=(0, None))[1]

    def root(self) -> bytes:
        return merkle.compose([value for _, value in self.stack]) if self.stack else b""
