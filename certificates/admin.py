"""Green certificates in the operator's admin: read-only, every change goes through a service."""

from django.contrib import admin

from certificates.models import (
    CertificateBlock,
    CertificateCancellation,
    CertificateClaim,
    CertificateImport,
    CertificateRange,
    LinkedGenerator,
    ReconciliationRun,
)
from core.admin_site import ReadOnlyAdmin


@admin.register(CertificateImport)
class CertificateImportAdmin(ReadOnlyAdmin):
    list_display = ["id", "created_at", "imported_by", "rows", "imported", "skipped"]


@admin.register(CertificateRange)
class CertificateRangeAdmin(ReadOnlyAdmin):
    list_display = ["serial_first", "serial_last", "quantity", "generator_code",
                    "generation_month", "holder", "batch"]  # fmt: skip
    list_filter = ["generation_type", "province"]


@admin.register(CertificateBlock)
class CertificateBlockAdmin(ReadOnlyAdmin):
    list_display = ["serial", "quantity", "holder", "state", "expires_on"]
    list_filter = ["state", "generation_type", "province"]


@admin.register(CertificateClaim)
class CertificateClaimAdmin(ReadOnlyAdmin):
    list_display = ["id", "block", "claimant", "quantity", "period_start", "period_end",
                    "created_at"]  # fmt: skip


@admin.register(LinkedGenerator)
class LinkedGeneratorAdmin(ReadOnlyAdmin):
    list_display = ["generator_code", "project_reference", "period_start", "period_end",
                    "created_at"]  # fmt: skip


@admin.register(CertificateCancellation)
class CertificateCancellationAdmin(ReadOnlyAdmin):
    list_display = ["block", "issuance", "project_reference", "report_reference", "created_at"]


@admin.register(ReconciliationRun)
class ReconciliationRunAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "ok", "ranges_checked", "blocks_checked", "problem_count"]
