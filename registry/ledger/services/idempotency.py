"""Exactly-once answers for mutating ledger calls that carry an `Idempotency-Key`.

The key is stored with the answer in the same transaction as the movement it answers for
(dj-stripe's pattern): a replay with the same request gets the stored answer and moves nothing;
two requests racing with one key both run, but the loser's insert of the key fails on the
unique constraint, its work is rolled back, and it answers with what the winner stored.
Only successful answers are stored: a refused request may be retried with the same key.
"""

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError

from accounts.models import User
from core import rows
from core.audit import appended_at_end
from core.errors import Conflict, InvalidInput
from registry.ledger.models import IdempotencyRecord

KEY_REUSED = "This Idempotency-Key was used for a different request."
KEY_TOO_LONG = "An Idempotency-Key has at most 255 characters."

Answer = tuple[int, dict[str, Any]]


def request_hash(endpoint: str, body: Any) -> str:
    canonical = json.dumps(
        {"endpoint": endpoint, "body": body}, sort_keys=True, cls=DjangoJSONEncoder
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _stored(user: User, key: str, fingerprint: str) -> Answer | None:
    record = IdempotencyRecord.objects.filter(user=user, key=key).first()
    if record is None:
        return None
    if record.request_hash != fingerprint:
        raise Conflict(KEY_REUSED)
    return record.response_status, record.response_body


def run_once(
    *, user: User, key: str | None, endpoint: str, body: Any, operation: Callable[[], Answer]
) -> Answer:
    """The answer of `operation`, run at most once per (user, key)."""
    if key is None:
        return operation()
    if len(key) > 255:
        raise InvalidInput({"Idempotency-Key": KEY_TOO_LONG})
    fingerprint = request_hash(endpoint, body)
    answer = _stored(user, key, fingerprint)
    if answer is not None:
        return answer
    try:
        # The operation's audit entries go last, after the record: the chain head is then locked
        # only from their append to the commit, as for a call without a key.
        with appended_at_end():
            status, data = operation()
            record = IdempotencyRecord(
                user=user,
                key=key,
                endpoint=endpoint,
                request_hash=fingerprint,
                response_status=status,
                response_body=json.loads(json.dumps(data, cls=DjangoJSONEncoder)),
            )
            rows.insert(record)
    except IntegrityError:
        # A concurrent request with this key committed first: its answer stands, ours is undone.
        answer = _stored(user, key, fingerprint)
        if answer is None:
            raise
        return answer
    return status, data
