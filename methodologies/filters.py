import django_filters
from django.db.models import Q, QuerySet

from methodologies.models import EmissionFactor, Methodology


class MethodologyFilter(django_filters.FilterSet):
    code = django_filters.CharFilter(
        method="filter_code", help_text="CCER-01-002, or one version: CCER-01-002-V01"
    )

    class Meta:
        model = Methodology
        fields = ["code", "sector", "status", "kind"]

    def filter_code(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        code, _, version = value.rpartition("-")
        return queryset.filter(Q(code=value) | Q(code=code, version=version))


class EmissionFactorFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="data_year")
    kind = django_filters.CharFilter(field_name="series", help_text="the series, e.g. cn-ets-grid")

    class Meta:
        model = EmissionFactor
        fields = ["region", "year", "kind", "series"]
