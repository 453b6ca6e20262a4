from django.contrib import admin

from core.admin_site import ReadOnlyAdmin
from methodologies.models import (
    EfficiencyTier,
    EmissionFactor,
    EnergyConversion,
    Equation,
    GlobalWarmingPotential,
    Methodology,
    Parameter,
    ProvinceGridRegion,
)


class ParameterInline(admin.TabularInline):
    model = Parameter
    fields = ["symbol", "name", "unit", "kind", "series", "default", "minimum", "maximum"]
    extra = 0


class EquationInline(admin.TabularInline):
    model = Equation
    fields = ["symbol", "expression", "unit"]
    extra = 0


@admin.register(Methodology)
class MethodologyAdmin(ReadOnlyAdmin):
    list_display = ["identifier", "title", "sector", "kind", "status", "approved", "published_at"]
    list_filter = ["status", "sector", "kind", "approved"]
    search_fields = ["code", "title"]
    inlines = [ParameterInline, EquationInline]


@admin.register(EmissionFactor)
class EmissionFactorAdmin(ReadOnlyAdmin):
    list_display = ["series", "region", "data_year", "value", "unit", "published", "confidence"]
    list_filter = ["series", "region", "data_year"]


@admin.register(GlobalWarmingPotential)
class GlobalWarmingPotentialAdmin(ReadOnlyAdmin):
    list_display = ["set", "gas", "value", "source"]
    list_filter = ["set"]


@admin.register(ProvinceGridRegion)
class ProvinceGridRegionAdmin(ReadOnlyAdmin):
    list_display = ["area", "province", "grid_region", "note"]
    list_filter = ["grid_region"]


@admin.register(EfficiencyTier)
class EfficiencyTierAdmin(ReadOnlyAdmin):
    list_display = ["scheme", "tier", "pue_max", "confidence"]
    list_filter = ["scheme"]


@admin.register(EnergyConversion)
class EnergyConversionAdmin(ReadOnlyAdmin):
    list_display = ["carrier", "unit", "kgce_per_unit", "confidence"]
