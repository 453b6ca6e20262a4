"""Row locks of the ledger, in the global order of `registry.projects.locks` continued:
project, monitoring report, then accounts, then block, then the serial counter, each by primary
key, and last the green certificate blocks an issuance cancels under the GEC-CCER link (the
import lock when registration freezes them; `certificates.locks`), then the kept totals' rows
of the project and vintage (`registry.ledger.totals`, by a plain `UPDATE`). Every service that
locks more than one kind of row goes through these helpers in that order, so two transactions
never wait on each other in a cycle."""

from core import rows
from registry.ledger.models import CreditBlock, HoldingAccount


def lock_accounts_shared(pks: list[int]) -> dict[int, HoldingAccount]:
    """Share-lock accounts, in primary-key order: movements from one account run side by side,
    and a freeze (which takes the row lock exclusively) waits for them, and they for it."""
    return {account.pk: account for account in rows.select(HoldingAccount, pks, lock="share")}


def lock_block_accounts_shared(block_pk: int, pks: list[int]) -> dict[int, HoldingAccount]:
    """Share-lock, in primary-key order and in one statement, the account that holds block
    `block_pk` now and the accounts `pks`: so a caller that knows the block by its id alone
    locks its account without reading the block first. The block may change hands before the
    caller locks it: the caller compares the locked block's account with these."""
    account = CreditBlock._meta.get_field("account")
    locked = rows.select(HoldingAccount, pks, lock="share", referenced_by=(account, block_pk))
    return {account.pk: account for account in locked}


def lock_account(pk: int) -> HoldingAccount:
    return HoldingAccount.objects.select_for_update().get(pk=pk)


def lock_block(pk: int) -> CreditBlock:
    """Caller holds the locks of the block's accounts already (accounts come before blocks)."""
    locked = rows.select(CreditBlock, [pk], lock="update")
    if not locked:
        raise CreditBlock.DoesNotExist(f"credit block {pk} does not exist")
    return locked[0]
