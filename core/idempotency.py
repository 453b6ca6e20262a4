"""Exactly-once answers for mutating calls that carry an `Idempotency-Key` (ledger movements,
certificate claims).

Keys belong to the caller's organisation: two of its users retrying one order make one movement.
The key is reserved before the call runs (dj-stripe's `Event.process`, Stripe's design): a
pending record is inserted in the call's transaction, in a statement of its own before the call
takes any lock, and filled in with the answer once the call has run. A replay after the commit
finds its reservation refused, reads the stored answer and moves nothing; a replay racing the
first request waits on the unique index until the first commits and then reads its answer. Only
successful answers are stored: a refused call rolls its reservation back with everything else,
so a replay that waited runs the call itself, and a refused request may be retried with the same
key.
"""

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_noop

from core import rows
from core.errors import Conflict, InvalidInput, violates
from core.messages import Message
from core.models import IdempotencyRecord

KEY_REUSED = Message(gettext_noop("This Idempotency-Key was used for a different request."))
KEY_TOO_LONG = Message(gettext_noop("An Idempotency-Key has at most 255 characters."))
KEY_EMPTY = Message(
    gettext_noop("An Idempotency-Key may not be empty: send a unique key, or no header at all.")
)
# The unique index a racing replay waits on.
ONE_RECORD_PER_KEY = "idempotency_key_per_organization"

Answer = tuple[int, dict[str, Any]]


def request_hash(endpoint: str, body: Any) -> str:
    canonical = json.dumps(
        {"endpoint": endpoint, "body": body}, sort_keys=True, cls=DjangoJSONEncoder
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _records(user: Any, key: str) -> QuerySet[IdempotencyRecord]:
    return IdempotencyRecord.objects.filter(organization_id=user.organization_id, key=key)


def _answer(record: IdempotencyRecord, fingerprint: str) -> Answer:
    """The stored answer, for the request it answered only."""
    if record.request_hash != fingerprint:
        raise Conflict(KEY_REUSED)
    return record.response_status, record.response_body


def _reserve(record: IdempotencyRecord) -> bool:
    """Insert the pending record; False if the key is taken. A request with the same key that
    has not committed yet holds its index entry: the insert waits for it to commit (the key is
    taken) or to roll back (the key is ours)."""
    try:
        # A savepoint: the refused insert must leave the transaction usable to read the answer.
        with transaction.atomic():
            rows.insert(record)
    except IntegrityError as error:
        if not violates(error, ONE_RECORD_PER_KEY):
            raise
        return False
    return True


def run_once(
    *, user: Any, key: str | None, endpoint: str, body: Any, operation: Callable[[], Answer]
) -> Answer:
    """The answer of `operation`, run at most once per (organisation, key)."""
    if key is None:
        return operation()
    if not key.strip():
        raise InvalidInput({"Idempotency-Key": KEY_EMPTY})
    if len(key) > 255:
        raise InvalidInput({"Idempotency-Key": KEY_TOO_LONG})
    fingerprint = request_hash(endpoint, body)
    record = IdempotencyRecord(
        organization_id=user.organization_id,
        user=user,
        key=key,
        endpoint=endpoint,
        request_hash=fingerprint,
    )
    # One transaction, in this order: the reservation (before the operation's locks, so a
    # racing replay waits holding none), the operation, and the answer filled in. A key used
    # before is found by the reservation itself, refused by the unique index: no look-up
    # first, which every new request would pay for the rare replay.
    with transaction.atomic():
        if not _reserve(record):
            # The request that held the key has committed (with its answer), long ago or
            # while this one waited: that answer stands.
            return _answer(_records(user, key).get(), fingerprint)
        status, data = operation()
        record.response_status = status
        record.response_body = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
        rows.update(record, "response_status", "response_body")
    return status, data
