"""Ledger records in the operator's admin: read-only, every change goes through a service."""

from django.contrib import admin

from core.admin_site import ReadOnlyAdmin
from registry.ledger.models import (
    CreditBlock,
    CreditTotal,
    HoldingAccount,
    Issuance,
    Movement,
    ReconciliationRun,
    Retirement,
    RetirementTotal,
)


@admin.register(Issuance)
class IssuanceAdmin(ReadOnlyAdmin):
    list_display = ["id", "project", "report", "quantity", "first_serial", "last_serial"]


@admin.register(HoldingAccount)
class HoldingAccountAdmin(ReadOnlyAdmin):
    list_display = ["id", "name", "kind", "organization", "is_default", "frozen"]
    list_filter = ["kind", "frozen"]


@admin.register(CreditBlock)
class CreditBlockAdmin(ReadOnlyAdmin):
    list_display = ["serial", "quantity", "vintage", "account", "status"]
    list_filter = ["status", "vintage"]


@admin.register(CreditTotal)
class CreditTotalAdmin(ReadOnlyAdmin):
    list_display = ["project", "vintage", "active", "frozen", "retired", "cancelled"]
    list_filter = ["vintage"]


@admin.register(Movement)
class MovementAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "first", "last", "quantity", "from_account", "to_account",
                    "occurred_at"]  # fmt: skip
    list_filter = ["kind"]


@admin.register(Retirement)
class RetirementAdmin(ReadOnlyAdmin):
    list_display = ["id", "holder", "beneficiary", "purpose", "created_at"]
    list_filter = ["purpose"]


@admin.register(RetirementTotal)
class RetirementTotalAdmin(ReadOnlyAdmin):
    list_display = ["month", "purpose", "stripe", "quantity", "retirements"]
    list_filter = ["purpose"]


@admin.register(ReconciliationRun)
class ReconciliationRunAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "ok", "issuances_checked", "blocks_checked", "totals_checked",
                    "retirement_totals_checked", "problem_count"]  # fmt: skip
