import re
from datetime import date

import django_filters
from django.db.models import QuerySet

from accounts.models import Organization
from certificates.models import CertificateBlock, GenerationType
from core.provinces import Province

MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


class CertificateBlockFilter(django_filters.FilterSet):
    holder = django_filters.ModelChoiceFilter(queryset=Organization.objects.all())
    state = django_filters.ChoiceFilter(choices=CertificateBlock.State.choices)
    generation_type = django_filters.ChoiceFilter(choices=GenerationType.choices)
    province = django_filters.ChoiceFilter(choices=Province.choices)
    generation_month = django_filters.CharFilter(
        method="filter_generation_month", help_text="YYYY-MM"
    )
    serial = django_filters.NumberFilter(
        method="filter_serial", help_text="a certificate serial number inside the block"
    )

    class Meta:
        model = CertificateBlock
        fields = ["holder", "state", "generator_code", "generation_type", "province", "tradable"]

    def filter_generation_month(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        match = MONTH.match(value.strip())
        if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1:
            return queryset.none()
        return queryset.filter(generation_month=date(int(match.group(1)), int(match.group(2)), 1))

    def filter_serial(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(serial_first__lte=value, serial_last__gte=value)
