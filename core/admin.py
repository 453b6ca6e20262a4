"""The kernel's records in the operator's admin: the audit log, its transparency log's
heads and its checks, read-only."""

from django.contrib import admin

from core.admin_site import ReadOnlyAdmin
from core.models import AuditCheck, AuditEntry, SignedTreeHead


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "leaf_index",
        "recorded_at",
        "actor_username",
        "action",
        "object_type",
        "object_id",
    ]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "actor_username"]


@admin.register(AuditCheck)
class AuditCheckAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "ok", "entries", "first_broken", "problem"]


@admin.register(SignedTreeHead)
class SignedTreeHeadAdmin(ReadOnlyAdmin):
    list_display = ["tree_size", "timestamp"]
