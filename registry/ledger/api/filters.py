import re

import django_filters
from django.db.models import QuerySet

from registry.ledger.models import CreditBlock


class CreditBlockFilter(django_filters.FilterSet):
    serial = django_filters.CharFilter(
        method="filter_serial",
        help_text="a serial number inside the block (346000), or a serial as printed "
        "(CCER-P000001-2024-1-346323, matched by its first number)",
    )

    def filter_serial(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        numbers = re.findall(r"\d+", value)
        if not numbers:
            return queryset.none()
        # A printed serial ends with <first>-<last>: the block holding its first serial.
        number = int(numbers[-2] if len(numbers) >= 4 else numbers[-1])
        return queryset.filter(first__lte=number, last__gte=number)

    class Meta:
        model = CreditBlock
        fields = ["account", "project", "vintage", "status", "issuance"]
