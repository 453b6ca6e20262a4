import django_filters

from compute.models import DataCentre
from core.provinces import Province


class DataCentreFilter(django_filters.FilterSet):
    province = django_filters.ChoiceFilter(choices=Province.choices)
    hub_node = django_filters.BooleanFilter()
    grid_region = django_filters.CharFilter()

    class Meta:
        model = DataCentre
        fields = ["province", "hub_node", "grid_region"]
