"""Registry records in the operator's admin: read-only, every change goes through a service."""

from django.contrib import admin

from core.admin_site import ReadOnlyAdmin
from registry.projects.models import Document, MonitoringReport, Project


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ["reference", "title", "proponent", "methodology", "status", "review_due_on"]
    list_filter = ["status", "sector", "province"]
    search_fields = ["title", "proponent__name", "generator_code"]


@admin.register(MonitoringReport)
class MonitoringReportAdmin(ReadOnlyAdmin):
    list_display = ["reference", "project", "period_start", "period_end", "status",
                    "claimed_reductions", "verified_reductions"]  # fmt: skip
    list_filter = ["status"]


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["id", "project", "report", "kind", "filename", "size", "sha256",
                    "uploaded_at", "superseded_by"]  # fmt: skip
    list_filter = ["kind"]
    search_fields = ["filename", "sha256", "project__title"]
