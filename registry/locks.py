"""Row locks, taken in one global order: project, then monitoring report, then account, then
block, each by primary key. Every service that locks more than one kind of row goes through
these helpers in that order, so two transactions never wait on each other in a cycle."""

from django.db import connection

from registry.models import CreditBlock, HoldingAccount, MonitoringReport, Project


def lock_project(pk: int) -> Project:
    return Project.objects.select_for_update().get(pk=pk)


def lock_report(pk: int) -> MonitoringReport:
    """Caller holds the lock of the report's project if it needs one (project comes first)."""
    return MonitoringReport.objects.select_for_update().get(pk=pk)


def lock_accounts_shared(pks: list[int]) -> dict[int, HoldingAccount]:
    """Share-lock accounts, in primary-key order: movements from one account run side by side,
    and a freeze (which takes the row lock exclusively) waits for them, and they for it."""
    ordered = sorted(set(pks))
    if connection.vendor == "postgresql":
        rows = HoldingAccount.objects.raw(
            "SELECT * FROM registry_holdingaccount WHERE id = ANY(%s) ORDER BY id FOR SHARE",
            [ordered],
        )
    else:
        # SQLite writes one transaction at a time (IMMEDIATE), so a plain read is enough.
        rows = HoldingAccount.objects.filter(pk__in=ordered).order_by("pk")
    return {account.pk: account for account in rows}


def lock_account(pk: int) -> HoldingAccount:
    return HoldingAccount.objects.select_for_update().get(pk=pk)


def lock_block(pk: int) -> CreditBlock:
    """Caller holds the locks of the block's accounts already (accounts come before blocks)."""
    return CreditBlock.objects.select_for_update().get(pk=pk)
