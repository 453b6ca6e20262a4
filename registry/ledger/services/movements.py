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

from accounts.models import Organization, User
from core import rows
from core.audit import record_event
from core.errors import AccessDenied, Conflict, InvalidInput, violates
from registry.ledger import rules, totals
from registry.ledger.locks import lock_account, lock_accounts_shared, lock_block
from registry.ledger.models import CreditBlock, HoldingAccount, Movement, Retirement

NOT_ENOUGH = "Block {serial} holds {held} credits; {asked} cannot move."
NOT_ACTIVE = "Block {serial} is {status}: only active credits move."
NOT_FROZEN = "Block {serial} is {status}, not frozen."
ACCOUNT_FROZEN = "Account {account} is frozen: nothing moves in or out until it is unfrozen."
ACCOUNT_ALREADY = "Account {account} is {state} already."
SYSTEM_TARGET = (
    "Credits are transferred to holding accounts only; retirement and cancellation have calls of "
    "their own."
)
SAME_ACCOUNT = "The credits are in that account already."
BLOCK_MOVED = "Block {serial} changed while this request was processed; read it again."
QUANTITY_NOT_POSITIVE = "A quantity is a whole number of credits, at least 1."
DEFAULT_EXISTS = "{organization} has a default account already: {account}."
# The partial unique index that keeps one default account per organisation.
ONE_DEFAULT_ACCOUNT = "account_one_default_per_organization"
CANCELLABLE = (CreditBlock.Status.ACTIVE, CreditBlock.Status.FROZEN)


def system_account(kind: str) -> HoldingAccount:
    """The registry's retirement, cancellation or buffer account, opened on first use."""
    account = HoldingAccount.objects.filter(organization=None, kind=kind).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            label = HoldingAccount.Kind(kind).label
            return HoldingAccount.objects.create(kind=kind, name=f"Registry {label} account")
    except IntegrityError:
        # Another movement opened it first.
        return HoldingAccount.objects.get(organization=None, kind=kind)


def _check_quantity(quantity: int) -> None:
    """Refuse a quantity that moves nothing (or less), before any lock: the block's CHECK
    constraint would refuse it too, but as a 500."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise InvalidInput({"quantity": QUANTITY_NOT_POSITIVE})


def _locked(block: CreditBlock, *other_accounts: HoldingAccount) -> tuple[CreditBlock, dict]:
    """Lock the block's account and `other_accounts` (shared), then the block; refuse a block
    that changed hands in between, and any frozen account."""
    accounts = lock_accounts_shared([block.account_id, *(a.pk for a in other_accounts)])
    locked = lock_block(block.pk)
    if locked.account_id != block.account_id:
        raise Conflict(BLOCK_MOVED.format(serial=locked.serial))
    for account in accounts.values():
        if account.frozen:
            raise Conflict(ACCOUNT_FROZEN.format(account=account.name))
    return locked, accounts


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
        raise Conflict(NOT_ACTIVE.format(serial=block.serial, status=block.status))
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
    *, actor: User, block: CreditBlock, quantity: int, to_account: HoldingAccount, note: str = ""
) -> Movement:
    """Move `quantity` credits of an active block to another holding account."""
    _check_quantity(quantity)
    if to_account.kind != HoldingAccount.Kind.HOLDING:
        raise InvalidInput({"to_account": SYSTEM_TARGET})
    block, accounts = _locked(block, to_account)
    _check_movable(actor, block, accounts[block.account_id], quantity)
    if to_account.pk == block.account_id:
        raise InvalidInput({"to_account": SAME_ACCOUNT})
    source = accounts[block.account_id]
    moved = _split(block, quantity, accounts[to_account.pk])
    return _record(
        Movement.Kind.TRANSFER,
        actor=actor,
        block=moved,
        from_account=source,
        to_account=accounts[to_account.pk],
        note=note,
    )


@transaction.atomic
def retire_credits(
    *,
    actor: User,
    block: CreditBlock,
    quantity: int,
    beneficiary: str,
    purpose: str,
    note: str = "",
) -> Retirement:
    """Retire `quantity` credits for a beneficiary and purpose (CCER 2023, art. 28): they move
    to the retirement account, never to move again, and a public certificate names them."""
    _check_quantity(quantity)
    retirement_account = system_account(HoldingAccount.Kind.RETIREMENT)
    block, accounts = _locked(block, retirement_account)
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
        raise Conflict(NOT_ACTIVE.format(serial=locked.serial, status=locked.status))
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
        state = "frozen" if frozen else "not frozen"
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
