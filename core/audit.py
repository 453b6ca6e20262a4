"""The one audit writer, and the verifier of the hash chain it builds.

Each entry stores the SHA-256 of the previous entry and the SHA-256 of its own canonical JSON, so
editing, deleting or reordering any entry breaks the chain at that entry.
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import models, transaction
from django.utils import timezone

from core import rows
from core.models import AuditChainHead, AuditEntry

GENESIS_HASH = "0" * 64
_HASHED_FIELDS = (
    "id",
    "recorded_at",
    "actor_id",
    "actor_username",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
    "previous_hash",
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


def entry_hash(fields: Mapping[str, Any]) -> str:
    """SHA-256 of an entry's canonical JSON (sorted keys, no whitespace, UTC timestamp)."""
    content = {name: fields[name] for name in _HASHED_FIELDS}
    content["recorded_at"] = fields["recorded_at"].astimezone(UTC).isoformat()
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@transaction.atomic(savepoint=False)
def record_event(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Append one event to the chain.

    Call it from the service that makes the change, inside that service's transaction, after its
    other locks: the chain head is the last lock of the global order and is held until commit, so
    entries are numbered in commit order.
    """
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    fields = {
        "actor_id": actor.pk if authenticated else None,
        "actor_username": actor.get_username() if authenticated else "",
        "action": action,
        "object_type": target._meta.label_lower,
        "object_id": str(target.pk),
        "before": jsonable(before),
        "after": jsonable(after),
    }
    # Everything above is ready before the head is locked: every other append waits from here
    # to this transaction's commit, so the locked part is one read, one hash and two writes.
    head = _locked_head()
    fields.update(id=head.sequence + 1, recorded_at=timezone.now(), previous_hash=head.last_hash)
    entry = rows.insert(AuditEntry(**fields, entry_hash=entry_hash(fields)))
    head.sequence, head.last_hash = entry.id, entry.entry_hash
    rows.update(head, "sequence", "last_hash")
    return entry


def _locked_head() -> AuditChainHead:
    """The chain head, locked until the caller's transaction ends."""
    locked = rows.select(AuditChainHead, [1], lock="update")
    if locked:
        return locked[0]
    # The first entry of a new database (or of a test database just flushed).
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

    A missing entry is reported by its position; entries cut from the end are reported as the
    position after the last one left, found by comparing with the chain head.
    """
    expected_id = 1
    previous_hash = GENESIS_HASH
    count = 0
    rows = AuditEntry.objects.order_by("id").values_list(*_HASHED_FIELDS, "entry_hash")
    for row in rows.iterator(chunk_size=2000):
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
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.sequence != count or head.last_hash != previous_hash):
        return ChainVerification(ok=False, entries=count, first_broken=count + 1)
    return ChainVerification(ok=True, entries=count, first_broken=None)
