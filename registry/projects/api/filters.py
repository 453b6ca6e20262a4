import django_filters
from django.db.models import QuerySet

from registry.projects import selectors
from registry.projects.models import MonitoringReport, Project


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
