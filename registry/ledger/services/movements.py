"""Moving issued credits: transfers, retirements, cancellations, freezes.

Every movement runs read-decide-write under row locks taken in the global order (accounts
share-locked by primary key, then the block), splits the block where only part of it moves
(the holder keeps the lower serials, the upper part moves), and appends a `Movement` and an
audit entry in the same transaction. A change of state (retirement, cancellation, freeze,
unfreeze; not a transfer) moves the kept totals too (`registry.ledger.totals`), last of the
rows it locks; a retirement also counts itself in the retirement totals by month and purpose,
after the credit totals.
"""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from accounts.models import Organization, User
from core import rows
from core.audit import record_event
from core.errors import AccessDenied, Conflict, InvalidInput, violates
from core.messages import Message, Term
from registry.ledger import rules, totals
from registry.ledger.locks import (
    lock_account,
    lock_accounts_shared,
    lock_block,
    lock_block_accounts_shared,
)
from registry.ledger.models import CreditBlock, HoldingAccount, Movement, Retirement

NOT_ENOUGH = Message(gettext_noop("Block {serial} holds {held} credits; {asked} cannot move."))
NOT_ACTIVE = Message(gettext_noop("Block {serial} is {status}: only active credits move."))
NOT_FROZEN = Message(gettext_noop("Block {serial} is {status}, not frozen."))
ACCOUNT_FROZEN = Message(
    gettext_noop("Account {account} is frozen: nothing moves in or out until it is unfrozen.")
)
ACCOUNT_ALREADY = Message(gettext_noop("Account {account} is {state} already."))
SYSTEM_TARGET = Message(
    gettext_noop(
        "Credits are transferred to holding accounts only; retirement and cancellation have calls "
        "of their own."
    )
)
SAME_ACCOUNT = Message(gettext_noop("The credits are in that account already."))
BLOCK_MOVED = Message(
    gettext_noop("Block {serial} changed while this request was processed; read it again.")
)
QUANTITY_NOT_POSITIVE = Message(
    gettext_noop("A quantity is a whole number of credits, at least 1.")
)
DEFAULT_EXISTS = Message(gettext_noop("{organization} has a default account already: {account}."))
# An id that names no row the caller may see: the API's wording since its first version (Django
# REST framework's for a primary key that names no object).
NO_SUCH_ROW = Message(gettext_noop('Invalid pk "{pk}" - object does not exist.'))
# The partial unique index that keeps one default account per organisation.
ONE_DEFAULT_ACCOUNT = "account_one_default_per_organization"
CANCELLABLE = (CreditBlock.Status.ACTIVE, CreditBlock.Status.FROZEN)


def _state(block: CreditBlock) -> Term:
    return Term(block.status, CreditBlock.Status(block.status).label, lower=True)


def system_account(kind: str) -> HoldingAccount:
    """The registry's retirement, cancellation or buffer account, opened on first use."""
    account = HoldingAccount.objects.filter(organization=None, kind=kind).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            # A stored name: in English, whatever the language of the request that opens it.
            with translation.override("en"):
                label = str(HoldingAccount.Kind(kind).label)
            return HoldingAccount.objects.create(kind=kind, name=f"Registry {label} account")
    except IntegrityError:
        # Another movement opened it first.
        return HoldingAccount.objects.get(organization=None, kind=kind)


def _check_quantity(quantity: int) -> None:
    """Refuse a quantity that moves nothing (or less), before any lock: the block's CHECK
    constraint would refuse it too, but as a 500."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise InvalidInput({"quantity": QUANTITY_NOT_POSITIVE})


def _locked(
    actor: User, block: CreditBlock | int, other_accounts: list[int]
) -> tuple[CreditBlock | None, dict[int, HoldingAccount]]:
    """Lock the block's account and the accounts `other_accounts` (shared), then the block;
    refuse a block that changed hands in between. The accounts that exist come back by id.

    A block given as read is locked in the account it was read in. A block given by its id
    alone (as the API gives it) is read under its lock only, its account locked by the same
    statement as the others: a block that does not exist, or that `actor` may not see
    (`rules.can_see_holdings`), comes back as None, for the caller to refuse as unknown."""
    if isinstance(block, CreditBlock):
        accounts = lock_accounts_shared([block.account_id, *other_accounts])
        locked = lock_block(block.pk)
        if locked.account_id != block.account_id:
            raise Conflict(BLOCK_MOVED.format(serial=locked.serial))
        return locked, accounts
    accounts = lock_block_accounts_shared(block, other_accounts)
    try:
        locked = lock_block(block)
    except CreditBlock.DoesNotExist:
        return None, accounts
    holder = accounts.get(locked.account_id)
    if holder is None:
        # The block changed hands between the two statements: its account now is not locked
        # (and locking it after the block would break the global order). Read it to know
        # whether the caller may even hear that the block moved.
        holder = HoldingAccount.objects.get(pk=locked.account_id)
        if not rules.can_see_holdings(actor, holder):
            return None, accounts
        raise Conflict(BLOCK_MOVED.format(serial=locked.serial))
    if not rules.can_see_holdings(actor, holder):
        return None, accounts
    return locked, accounts


def _refuse_frozen(accounts: dict[int, HoldingAccount]) -> None:
    for account in accounts.values():
        if account.frozen:
            raise Conflict(ACCOUNT_FROZEN.format(account=account.name))


def _split(
    block: CreditBlock, quantity: int, account: HoldingAccount, status: str | None = None
) -> CreditBlock:
    """The upper `quantity` credits of `block`, now in `account` (and `status`, if given): the
    whole block if all of it moves, else a new block, the holder keeping the lower serials.
    Caller holds the block lock and has checked the quantity."""
    status = status or block.status
    if quantity == block.quantity:
        block.account, block.status = account, status
        rows.update(block, "account_id", "status")
        return block
    moved_first = block.last - quantity + 1
    moved = CreditBlock(
        issuance_id=block.issuance_id,
        project_id=block.project_id,
        vintage=block.vintage,
        first=moved_first,
        last=block.last,
        quantity=quantity,
        account=account,
        status=status,
    )
    # Shrink first: on PostgreSQL the exclusion constraint would refuse an overlap.
    block.last, block.quantity = moved_first - 1, block.quantity - quantity
    rows.update(block, "last", "quantity")
    return rows.insert(moved)


def _count(block: CreditBlock, was: str) -> None:
    """Move the kept totals with `block`, whose credits were `was` and are `block.status` now."""
    totals.move(
        project_id=block.project_id,
        vintage=block.vintage,
        quantity=block.quantity,
        from_state=was,
        to_state=block.status,
    )


def _check_movable(actor: User, block: CreditBlock, account: HoldingAccount, quantity: int) -> None:
    """Caller holds the locks; `account` is the block's, as locked."""
    if not rules.holds(actor, account):
        raise AccessDenied()
    if block.status != CreditBlock.Status.ACTIVE:
        raise Conflict(NOT_ACTIVE.format(serial=block.serial, status=_state(block)))
    if quantity > block.quantity:
        raise Conflict(NOT_ENOUGH.format(serial=block.serial, held=block.quantity, asked=quantity))


def _record(
    kind: str,
    *,
    actor: User,
    block: CreditBlock,
    from_account: HoldingAccount | None,
    to_account: HoldingAccount | None,
    note: str = "",
    **details: Any,
) -> Movement:
    movement = Movement(
        kind=kind,
        issuance_id=block.issuance_id,
        block=block,
        first=block.first,
        last=block.last,
        quantity=block.quantity,
        from_account=from_account,
        to_account=to_account,
        actor=actor,
        note=note,
    )
    rows.insert(movement)
    record_event(
        actor=actor,
        action=f"ledger.{kind}",
        target=movement,
        after={
            "block": block.pk,
            "serial": block.serial,
            "quantity": block.quantity,
            "from_account": from_account.pk if from_account else None,
            "to_account": to_account.pk if to_account else None,
            **details,
        },
    )
    return movement


@transaction.atomic
def transfer_credits(
    *,
    actor: User,
    block: CreditBlock | int,
    quantity: int,
    to_account: HoldingAccount | int,
    note: str = "",
) -> Movement:
    """Move `quantity` credits of an active block to another holding account.

    `block` and `to_account` may be given by id (the API does): each is then read under its
    lock only, and an id that names nothing the actor may see is a 400 naming its field."""
    _check_quantity(quantity)
    to_pk = to_account if isinstance(to_account, int) else to_account.pk
    locked, accounts = _locked(actor, block, [to_pk])
    unknown = {}
    if locked is None:
        unknown["block"] = NO_SUCH_ROW.format(pk=block)
    if to_pk not in accounts:
        unknown["to_account"] = NO_SUCH_ROW.format(pk=to_pk)
    if unknown:
        raise InvalidInput(unknown)
    target = accounts[to_pk]
    if target.kind != HoldingAccount.Kind.HOLDING:
        raise InvalidInput({"to_account": SYSTEM_TARGET})
    _refuse_frozen(accounts)
    _check_movable(actor, locked, accounts[locked.account_id], quantity)
    if to_pk == locked.account_id:
        raise InvalidInput({"to_account": SAME_ACCOUNT})
    source = accounts[locked.account_id]
    moved = _split(locked, quantity, target)
    return _record(
        Movement.Kind.TRANSFER,
        actor=actor,
        block=moved,
        from_account=source,
        to_account=target,
        note=note,
    )


@transaction.atomic
def retire_credits(
    *,
    actor: User,
    block: CreditBlock | int,
    quantity: int,
    beneficiary: str,
    purpose: str,
    note: str = "",
) -> Retirement:
    """Retire `quantity` credits for a beneficiary and purpose (CCER 2023, art. 28): they move
    to the retirement account, never to move again, and a public certificate names them.
    `block` may be given by id, as for `transfer_credits`."""
    _check_quantity(quantity)
    retirement_account = system_account(HoldingAccount.Kind.RETIREMENT)
    locked, accounts = _locked(actor, block, [retirement_account.pk])
    if locked is None:
        raise InvalidInput({"block": NO_SUCH_ROW.format(pk=block)})
    block = locked
    _refuse_frozen(accounts)
    _check_movable(actor, block, accounts[block.account_id], quantity)
    source = accounts[block.account_id]
    retired = _split(block, quantity, account=retirement_account, status=CreditBlock.Status.RETIRED)
    _count(retired, CreditBlock.Status.ACTIVE)
    certificate = Retirement.objects.create(
        block=retired,
        holder_id=source.organization_id,
        beneficiary=beneficiary,
        purpose=purpose,
        note=note,
        retired_by=actor,
    )
    # After the CreditTotal row `_count` moved: the lock order of `registry.ledger.totals`.
    totals.add_retired(
        project_id=retired.project_id,
        month=totals.retirement_month(certificate.created_at),
        purpose=purpose,
        quantity=retired.quantity,
    )
    _record(
        Movement.Kind.RETIREMENT,
        actor=actor,
        block=retired,
        from_account=source,
        to_account=retirement_account,
        note=note,
        beneficiary=beneficiary,
        purpose=purpose,
        certificate=certificate.pk,
    )
    return certificate


@transaction.atomic
def cancel_credits(
    *, actor: User, block: CreditBlock, quantity: int | None = None, note: str = ""
) -> Movement:
    """An operator cancels credits (found fraudulent, say), frozen ones included: they move to
    the cancellation account and never move again."""
    if not rules.can_operate_ledger(actor):
        raise AccessDenied()
    if quantity is not None:
        _check_quantity(quantity)
    cancellation_account = system_account(HoldingAccount.Kind.CANCELLATION)
    accounts = lock_accounts_shared([block.account_id, cancellation_account.pk])
    locked = lock_block(block.pk)
    if locked.account_id != block.account_id:
        raise Conflict(BLOCK_MOVED.format(serial=locked.serial))
    quantity = locked.quantity if quantity is None else quantity
    if locked.status not in CANCELLABLE:
        raise Conflict(NOT_ACTIVE.format(serial=locked.serial, status=_state(locked)))
    if quantity > locked.quantity:
        raise Conflict(
            NOT_ENOUGH.format(serial=locked.serial, held=locked.quantity, asked=quantity)
        )
    was = locked.status
    cancelled = _split(locked, quantity, cancellation_account, CreditBlock.Status.CANCELLED)
    _count(cancelled, was)
    return _record(
        Movement.Kind.CANCELLATION,
        actor=actor,
        block=cancelled,
        from_account=accounts[block.account_id],
        to_account=cancellation_account,
        note=note,
    )


@transaction.atomic
def freeze_block(*, actor: User, block: CreditBlock, note: str = "") -> Movement:
    """A judicial or administrative freeze of a whole block (operators and regulators)."""
    return _set_block_state(
        actor,
        block,
        CreditBlock.Status.ACTIVE,
        CreditBlock.Status.FROZEN,
        Movement.Kind.FREEZE,
        note,
    )


@transaction.atomic
def unfreeze_block(*, actor: User, block: CreditBlock, note: str = "") -> Movement:
    return _set_block_state(
        actor,
        block,
        CreditBlock.Status.FROZEN,
        CreditBlock.Status.ACTIVE,
        Movement.Kind.UNFREEZE,
        note,
    )


def _set_block_state(
    actor: User, block: CreditBlock, expected: str, new: str, kind: str, note: str
) -> Movement:
    if not rules.can_freeze(actor):
        raise AccessDenied()
    accounts = lock_accounts_shared([block.account_id])
    locked = lock_block(block.pk)
    # The account locked is the one the block was read in: if the block moved since, its
    # current account is not locked, and locking it now would break the global order.
    if locked.account_id != block.account_id:
        raise Conflict(BLOCK_MOVED.format(serial=locked.serial))
    if locked.status != expected:
        message = NOT_ACTIVE if expected == CreditBlock.Status.ACTIVE else NOT_FROZEN
        raise Conflict(message.format(serial=locked.serial, status=locked.status))
    locked.status = new
    rows.update(locked, "status")
    _count(locked, expected)
    account = accounts[locked.account_id]
    return _record(
        kind, actor=actor, block=locked, from_account=account, to_account=account, note=note
    )


@transaction.atomic
def set_account_frozen(
    *, actor: User, account: HoldingAccount, frozen: bool, note: str = ""
) -> HoldingAccount:
    """Freeze or unfreeze a whole account (operators and regulators): while frozen, nothing
    moves in or out of it."""
    if not rules.can_freeze(actor):
        raise AccessDenied()
    # Exclusive: waits for movements holding the account's shared lock to finish.
    account = lock_account(account.pk)
    if account.frozen == frozen:
        state = Term("frozen", _("frozen")) if frozen else Term("not frozen", _("not frozen"))
        raise Conflict(ACCOUNT_ALREADY.format(account=account.name, state=state))
    account.frozen = frozen
    account.save(update_fields=["frozen"])
    record_event(
        actor=actor,
        action="ledger.account_freeze" if frozen else "ledger.account_unfreeze",
        target=account,
        before={"frozen": not frozen},
        after={"frozen": frozen, "note": note},
    )
    return account


@transaction.atomic
def open_account(
    *, actor: User, organization: Organization, name: str, is_default: bool = False
) -> HoldingAccount:
    """An operator opens a holding account for an organisation (the first becomes its
    default, where issuances land). Asking for a second default is a 409: the default is where
    issuances land, and there is one."""
    if not rules.can_operate_ledger(actor):
        raise AccessDenied()
    default = HoldingAccount.objects.filter(organization=organization, is_default=True).first()
    if is_default and default is not None:
        raise Conflict(DEFAULT_EXISTS.format(organization=organization.name, account=default.name))
    try:
        account = _open_holding_account(organization, name, is_default=default is None)
    except IntegrityError as error:
        if not violates(error, ONE_DEFAULT_ACCOUNT):
            raise
        # Another account became the default since it was read: a first issuance's, or a
        # concurrent call's. Its transaction has committed, so it is visible now.
        if is_default:
            default = HoldingAccount.objects.get(organization=organization, is_default=True)
            raise Conflict(
                DEFAULT_EXISTS.format(organization=organization.name, account=default.name)
            ) from None
        account = _open_holding_account(organization, name, is_default=False)
    record_event(
        actor=actor,
        action="ledger.account_open",
        target=account,
        after={"organization": organization.pk, "name": name, "is_default": account.is_default},
    )
    return account


def _open_holding_account(
    organization: Organization, name: str, *, is_default: bool
) -> HoldingAccount:
    """Insert the account in a savepoint of its own, so that a refusal by the database leaves
    the caller's transaction usable."""
    with transaction.atomic():
        return HoldingAccount.objects.create(
            organization=organization,
            kind=HoldingAccount.Kind.HOLDING,
            name=name,
            is_default=is_default,
        )
