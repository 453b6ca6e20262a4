"""Row locks, taken in one global order: project, then monitoring report, then account, then
block, each by primary key. Every service that locks more than one kind of row goes through
these helpers in that order, so two transactions never wait on each other in a cycle."""

from core import rows
from registry.models import CreditBlock, HoldingAccount, MonitoringReport, Project


def lock_project(pk: int) -> Project:
    return Project.objects.select_for_update().get(pk=pk)


def lock_report(pk: int) -> MonitoringReport:
    """Caller holds the lock of the report's project if it needs one (project comes first)."""
    return MonitoringReport.objects.select_for_update().get(pk=pk)


def lock_accounts_shared(pks: list[int]) -> dict[int, HoldingAccount]:
    """Share-lock accounts, in primary-key order: movements from one account run side by side,
    and a freeze (which takes the row lock exclusively) waits for them, and they for it."""
    return {account.pk: account for account in rows.select(HoldingAccount, pks, lock="share")}


def lock_account(pk: int) -> HoldingAccount:
    return HoldingAccount.objects.select_for_update().get(pk=pk)


def lock_block(pk: int) -> CreditBlock:
    """Caller holds the locks of the block's accounts already (accounts come before blocks)."""
    locked = rows.select(CreditBlock, [pk], lock="update")
    if not locked:
        raise CreditBlock.DoesNotExist(f"credit block {pk} does not exist")
    return locked[0]
