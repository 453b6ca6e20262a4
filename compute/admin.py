"""Compute accounting in the operator's admin: read-only, every change goes through a service."""

from django.contrib import admin

from compute.models import DataCentre, Reading, ReadingClaim, Workload
from core.admin_site import ReadOnlyAdmin


@admin.register(DataCentre)
class DataCentreAdmin(ReadOnlyAdmin):
    list_display = ["name", "owner", "province", "grid_region", "hub_node", "commissioned_on"]
    list_filter = ["province", "grid_region", "hub_node"]
    search_fields = ["name"]


@admin.register(Reading)
class ReadingAdmin(ReadOnlyAdmin):
    list_display = ["data_centre", "period_start", "period_end", "total_energy_kwh",
                    "it_energy_kwh", "pue", "location_based_tco2e", "market_based_tco2e",
                    "superseded_at"]  # fmt: skip
    list_filter = ["location_provisional", "tier"]


@admin.register(ReadingClaim)
class ReadingClaimAdmin(ReadOnlyAdmin):
    list_display = ["id", "reading", "claim", "named_block", "created_at"]


@admin.register(Workload)
class WorkloadAdmin(ReadOnlyAdmin):
    list_display = ["name", "owner", "task", "accelerator", "accelerator_count", "energy_kwh",
                    "emissions_kgco2e", "rating", "rated_at"]  # fmt: skip
    list_filter = ["task", "rating"]
    search_fields = ["name", "model_name"]
