"""Claiming certificates: a holder declares them consumed for a period, once. The claimed part
is split off the block (the holder keeps the lower serials) and never moves again."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.models import User
from certificates import rules
from certificates.consumers import data_centre_name
from certificates.locks import lock_block
from certificates.models import CertificateBlock, CertificateClaim
from certificates.splits import split_off
from certificates.validity import is_expired
from core.audit import record_event
from core.errors import AccessDenied, Conflict, InvalidInput
from core.messages import Message, Term

QUANTITY_NOT_POSITIVE = Message(
    gettext_noop("A quantity is a whole number of certificates, at least 1.")
)
PERIOD_REVERSED = Message(gettext_noop("The period ends before it starts."))
NOT_ENOUGH = Message(
    gettext_noop("Block {serial} holds {held} certificates; {asked} cannot be claimed.")
)
ALREADY_CLAIMED = Message(
    gettext_noop("Block {serial} is claimed already: a certificate is claimed once.")
)
NOT_ACTIVE = Message(
    gettext_noop("Block {serial} is {state}: only active certificates are claimed.")
)
EXPIRED = Message(
    gettext_noop("Block {serial} expired on {expires_on}: expired certificates are not claimed.")
)
NOT_YOUR_DATA_CENTRE = Message(gettext_noop("Your organisation has no data centre {data_centre}."))


def _check_input(quantity: int, period_start: date, period_end: date) -> None:
    """Refuse what no block could satisfy, before any lock."""
    errors = {}
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        errors["quantity"] = QUANTITY_NOT_POSITIVE
    if period_end < period_start:
        errors["period_end"] = PERIOD_REVERSED
    if errors:
        raise InvalidInput(errors)


def _check_claimable(actor: User, block: CertificateBlock, quantity: int, today: date) -> None:
    """Caller holds the block lock."""
    if not rules.holds(actor, block):
        raise AccessDenied()
    if block.state == CertificateBlock.State.CLAIMED:
        raise Conflict(ALREADY_CLAIMED.format(serial=block.serial))
    if block.state != CertificateBlock.State.ACTIVE:
        raise Conflict(
            NOT_ACTIVE.format(
                serial=block.serial,
                state=Term(block.state, CertificateBlock.State(block.state).label, lower=True),
            )
        )
    # The date decides, whether or not the expiry task has run yet.
    if is_expired(block.expires_on, today):
        raise Conflict(EXPIRED.format(serial=block.serial, expires_on=block.expires_on))
    if quantity > block.quantity:
        raise Conflict(NOT_ENOUGH.format(serial=block.serial, held=block.quantity, asked=quantity))


@transaction.atomic
def claim_certificates(
    *,
    actor: User,
    block: CertificateBlock,
    quantity: int,
    period_start: date,
    period_end: date,
    consumer: str = "",
    data_centre: int | None = None,
) -> CertificateClaim:
    """The holder claims `quantity` certificates of an active, unexpired block as consumed over
    [period_start, period_end]: they become a claimed block of their own, named by a public
    claim record, and never move again."""
    _check_input(quantity, period_start, period_end)
    if data_centre is not None:
        name = data_centre_name(actor, data_centre)
        if name is None:
            raise InvalidInput(
                {"data_centre": NOT_YOUR_DATA_CENTRE.format(data_centre=data_centre)}
            )
        consumer = consumer or name
    # Locked for the read-decide-write: concurrent claims of one block queue here, and each
    # sees what the ones before it left.
    locked = lock_block(block.pk)
    _check_claimable(actor, locked, quantity, timezone.localdate())
    claimed = split_off(locked, quantity, CertificateBlock.State.CLAIMED, upper=True)
    claim = CertificateClaim.objects.create(
        block=claimed,
        claimant_id=claimed.holder_id,
        quantity=quantity,
        period_start=period_start,
        period_end=period_end,
        consumer=consumer,
        data_centre=data_centre,
        claimed_by=actor,
    )
    record_event(
        actor=actor,
        action="certificates.claim",
        target=claim,
        after={
            "block": claimed.pk,
            "from_block": locked.pk,
            "serial": claimed.serial,
            "quantity": quantity,
            "claimant": claim.claimant_id,
            "period_start": period_start,
            "period_end": period_end,
            "consumer": consumer,
            "data_centre": data_centre,
        },
    )
    return claim
