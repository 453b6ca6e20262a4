from django.contrib import admin

from core.admin_site import ReadOnlyAdmin
from methodologies.models import (
    EmissionFactor,
    Equation,
    GlobalWarmingPotential,
    Methodology,
    Parameter,
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
