"""The one audit writer, and the verifier of the hash chain it builds.

Each entry stores the SHA-256 of the previous entry and its own hash, which covers its position,
that previous hash and the SHA-256 of its own canonical JSON, so editing, deleting or reordering
any entry breaks the chain at that entry.
"""

import hashlib
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import connection, models, transaction
from django.utils import timezone

from core import rows
from core.models import AuditChainHead, AuditEntry

GENESIS_HASH = "0" * 64
# What an entry says; its position and the link to the entry before are hashed on top.
_CONTENT_FIELDS = (
    "recorded_at",
    "actor_id",
    "actor_username",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
)
_HASHED_FIELDS = ("id", *_CONTENT_FIELDS, "previous_hash")

# The append on PostgreSQL, in one statement: lock the head, insert the entry linked to it, move
# the head on. The entry's hash is `link_hash` in SQL, over the content hash computed beforehand.
# Statement and commit are the whole time the head is locked: every other append waits for it,
# so no client round trip (and no wait for the client's process to be scheduled) comes between.
_APPEND = """
WITH head AS (
    SELECT sequence + 1 AS id, last_hash FROM core_auditchainhead WHERE id = 1 FOR UPDATE
), entry AS (
    INSERT INTO core_auditentry (id, recorded_at, actor_id, actor_username, action, object_type,
                                 object_id, before, after, previous_hash, entry_hash)
    SELECT head.id, %s, %s, %s, %s, %s, %s, %s, %s, head.last_hash,
           encode(sha256(convert_to(head.id || ':' || head.last_hash || ':' || %s, 'UTF8')), 'hex')
    FROM head
    RETURNING id, previous_hash, entry_hash
)
UPDATE core_auditchainhead SET sequence = entry.id, last_hash = entry.entry_hash
FROM entry WHERE core_auditchainhead.id = 1
RETURNING entry.id
"""

# The entries `appended_at_end` holds back, in the order recorded; None outside such a block.
_held_back: ContextVar[list[dict[str, Any]] | None] = ContextVar(
    "held_back_audit_entries", default=None
)


def jsonable(value: Any) -> Any:
    """The value as plain JSON that round-trips unchanged through a JSON column.

    Decimals, floats, dates and UUIDs become strings: PostgreSQL's jsonb rewrites numbers such as
    1e16, which would change an entry's hash on the way back.
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, float | Decimal | UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    raise TypeError(f"{type(value).__name__} cannot be written to the audit chain")


def content_hash(fields: Mapping[str, Any]) -> str:
    """SHA-256 of what an entry says, as canonical JSON (sorted keys, no whitespace, the time in
    UTC)."""
    content = {name: fields[name] for name in _CONTENT_FIELDS}
    content["recorded_at"] = fields["recorded_at"].astimezone(UTC).isoformat()
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def link_hash(position: int, previous_hash: str, content: str) -> str:
    """An entry's hash: SHA-256 of `<position>:<previous entry's hash>:<content hash>`."""
    return hashlib.sha256(f"{position}:{previous_hash}:{content}".encode()).hexdigest()


def entry_hash(fields: Mapping[str, Any]) -> str:
    """The hash an entry with these fields must carry."""
    return link_hash(fields["id"], fields["previous_hash"], content_hash(fields))


@transaction.atomic(savepoint=False)
def record_event(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> None:
    """Append one event to the chain (inside `appended_at_end`, when that block ends).

    Call it from the service that makes the change, inside that service's transaction, after its
    other locks: the chain head is the last lock of the global order and is held until commit, so
    entries are numbered in commit order. The entry's content is hashed before the head is
    locked; its time is when the service recorded it, so entries committed within the same
    moment may carry times a little out of their order in the chain.
    """
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    fields = {
        "recorded_at": timezone.now(),
        "actor_id": actor.pk if authenticated else None,
        "actor_username": actor.get_username() if authenticated else "",
        "action": action,
        "object_type": target._meta.label_lower,
        "object_id": str(target.pk),
        "before": jsonable(before),
        "after": jsonable(after),
    }
    held_back = _held_back.get()
    if held_back is None:
        _append(fields, content_hash(fields))
    else:
        held_back.append(fields)


@contextmanager
def appended_at_end() -> Iterator[None]:
    """A transaction whose audit entries are appended as its block ends, after everything else
    it writes: for a wrapper that writes after the service it wraps (the idempotency record of a
    ledger call), so that the chain head, locked from an append until commit, waits on none of
    those writes. A block nested in another joins the outer one.

    The block must not catch the failure of a nested atomic block and go on: an entry recorded
    in the part rolled back would still be appended.
    """
    if _held_back.get() is not None:
        with transaction.atomic():
            yield
        return
    held_back: list[dict[str, Any]] = []
    token = _held_back.set(held_back)
    with transaction.atomic():
        try:
            yield
        finally:
            _held_back.reset(token)
        for fields in held_back:
            _append(fields, content_hash(fields))


def _append(fields: Mapping[str, Any], content: str) -> None:
    """Append the entry whose content hashes to `content`, in one statement (`_APPEND`)."""
    meta = AuditEntry._meta
    values = [
        meta.get_field(name).get_db_prep_save(fields[name], connection) for name in _CONTENT_FIELDS
    ]
    with connection.cursor() as cursor:
        cursor.execute(_APPEND, [*values, content])
        if cursor.fetchone() is None:
            _head()  # the first entry of a new (or just flushed) database
            cursor.execute(_APPEND, [*values, content])


def _head() -> AuditChainHead:
    """The chain head, made at the first entry of a new database (or a test database just
    flushed); locked until the caller's transaction ends."""
    locked = rows.select(AuditChainHead, [1], lock="update")
    if locked:
        return locked[0]
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"sequence": 0, "last_hash": GENESIS_HASH}
    )
    return head


@dataclass(frozen=True)
class ChainVerification:
    """The outcome of recomputing the chain: `first_broken` is the first bad position, if any."""

    ok: bool
    entries: int
    first_broken: int | None


def verify_chain() -> ChainVerification:
    """Recompute every entry's hash and link, in chain order, and name the first broken one.

    One view of the chain, whatever commits meanwhile: the head is read first, then the entries
    up to its position. The head and its entry are written by one statement of one transaction,
    so every entry up to the head's position had committed when the head was read, and an entry
    appended later lies beyond it. A missing entry is reported by its position; entries cut from
    the end are reported as the position after the last one left.
    """
    head = AuditChainHead.objects.filter(pk=1).first()
    expected_id = 1
    previous_hash = GENESIS_HASH
    count = 0
    entries = AuditEntry.objects.order_by("id").values_list(*_HASHED_FIELDS, "entry_hash")
    if head is not None:
        entries = entries.filter(id__lte=head.sequence)
    for row in entries.iterator(chunk_size=2000):
        fields = dict(zip(_HASHED_FIELDS, row[:-1], strict=True))
        stored_hash = row[-1]
        position = fields["id"]
        if (
            position != expected_id
            or fields["previous_hash"] != previous_hash
            or entry_hash(fields) != stored_hash
        ):
            return ChainVerification(ok=False, entries=count, first_broken=expected_id)
        count += 1
        expected_id += 1
        previous_hash = stored_hash
    if head is not None and (head.sequence != count or head.last_hash != previous_hash):
        return ChainVerification(ok=False, entries=count, first_broken=count + 1)
    return ChainVerification(ok=True, entries=count, first_broken=None)
