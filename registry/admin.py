"""Registry records in the operator's admin: read-only, every change goes through a service."""

from django.contrib import admin

from accounts.admin_site import ReadOnlyAdmin
from core.models import AuditCheck, AuditEntry
from registry.models import (
    CalendarYear,
    CreditBlock,
    HoldingAccount,
    Issuance,
    MonitoringReport,
    Movement,
    Project,
    ReconciliationRun,
    Retirement,
)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "recorded_at", "actor_username", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "actor_username"]


@admin.register(AuditCheck)
class AuditCheckAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "ok", "entries", "first_broken"]


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ["reference", "title", "proponent", "methodology", "status", "review_due_on"]
    list_filter = ["status", "sector", "province"]
    search_fields = ["title", "proponent__name"]


@admin.register(MonitoringReport)
class MonitoringReportAdmin(ReadOnlyAdmin):
    list_display = ["reference", "project", "period_start", "period_end", "status",
                    "claimed_reductions", "verified_reductions"]  # fmt: skip
    list_filter = ["status"]


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


@admin.register(Movement)
class MovementAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "first", "last", "quantity", "from_account", "to_account",
                    "occurred_at"]  # fmt: skip
    list_filter = ["kind"]


@admin.register(Retirement)
class RetirementAdmin(ReadOnlyAdmin):
    list_display = ["id", "holder", "beneficiary", "purpose", "created_at"]
    list_filter = ["purpose"]


@admin.register(ReconciliationRun)
class ReconciliationRunAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "ok", "issuances_checked", "blocks_checked", "problem_count"]


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdmin):
    list_display = ["year", "source", "entered_by", "created_at"]
