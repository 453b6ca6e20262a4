import re

import django_filters
from django.db.models import QuerySet

from registry import selectors
from registry.models import CreditBlock, MonitoringReport, Project


class ReviewOverdueFilter(django_filters.FilterSet):
    review_overdue = django_filters.BooleanFilter(
        method="filter_review_overdue", help_text="only items in review past their deadline"
    )

    def filter_review_overdue(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        overdue = selectors.overdue_reviews(queryset)
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


class ProjectFilter(ReviewOverdueFilter):
    class Meta:
        model = Project
        fields = ["status", "sector", "province", "methodology", "proponent", "verifier"]


class MonitoringReportFilter(ReviewOverdueFilter):
    class Meta:
        model = MonitoringReport
        fields = ["status", "project", "verifier"]


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
