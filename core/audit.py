"""The one audit writer, and the canonical bytes of an entry that the transparency log commits to.

An entry is a plain insert in the transaction of the change it records: no row every write
locks. The sealer (`core.transparency.seal`) later gives each committed entry its leaf index and
extends the log's Merkle tree with it.
"""

import hashlib
import json
import logging
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from core import rows
from core.models import AuditEntry

logger = logging.getLogger(__name__)


def jsonable(value: Any) -> Any:
    """The value as plain JSON that round-trips unchanged through a JSON column.

    Decimals, floats, dates and UUIDs become strings: PostgreSQL's jsonb rewrites numbers such as
    1e16, which would change an entry's canonical bytes on the way back.
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
    raise TypeError(f"{type(value).__name__} cannot be written to the audit log")


def text_digest(text: str) -> str:
    """SHA-256 of a text, hex: how anonymous text (a public comment) enters the log, so that the
    log holds no one's words, only a commitment to them."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical_bytes(entry: AuditEntry) -> bytes:
    """What the log commits to for a sealed entry: its leaf index, id and content as JSON with
    sorted keys, no whitespace, UTF-8, the time in UTC. Computed from the stored columns, so an
    entry edited behind the application's back no longer matches its leaf hash."""
    content = {
        "index": entry.leaf_index,
        "id": entry.id,
        "recorded_at": entry.recorded_at.astimezone(UTC).isoformat(),
        "actor_id": entry.actor_id,
        "actor_username": entry.actor_username,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "before": entry.before,
        "after": entry.after,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def record_event(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Insert one entry in the caller's transaction (call it from the service that makes the
    change). It joins the log when the sealer next runs after its commit; rolled back with the
    change, it never existed."""
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    entry = rows.insert(
        AuditEntry(
            recorded_at=timezone.now(),
            actor_id=actor.pk if authenticated else None,
            actor_username=actor.get_username() if authenticated else "",
            action=action,
            object_type=target._meta.label_lower,
            object_id=str(target.pk),
            before=jsonable(before),
            after=jsonable(after),
        )
    )
    if settings.TRANSPARENCY_SEAL_ON_COMMIT:
        _seal_after_commit()
    return entry


def _seal_after_commit() -> None:
    """Without a task broker (the quickstart) no beat runs the sealer: the process that commits
    entries seals them itself, once per transaction, right after its commit."""
    if not connection.in_atomic_block:
        transaction.on_commit(_seal, robust=True)
        return
    # One seal per transaction, however many entries it records. (Django keeps the callbacks as
    # (savepoint ids, callable, robust); those of a savepoint rolled back are dropped.)
    if not any(callback[1] is _seal for callback in connection.run_on_commit):
        transaction.on_commit(_seal, robust=True)


def _seal() -> None:
    from core import transparency  # above this module: it reads entries' canonical bytes

    transparency.seal()
