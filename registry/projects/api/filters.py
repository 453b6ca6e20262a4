import django_filters
from django.db.models import QuerySet

from methodologies.selectors import methodologies_visible_to
from registry.projects import selectors
from registry.projects.models import MonitoringReport, Project


# The choices of a filter, for the caller; with no request (the schema), the public's.
def visible_methodologies(request) -> QuerySet:
    return methodologies_visible_to(getattr(request, "user", None), with_model=False)


def visible_projects(request) -> QuerySet[Project]:
    return selectors.projects_visible_to(getattr(request, "user", None))


class ReviewOverdueFilter(django_filters.FilterSet):
    review_overdue = django_filters.BooleanFilter(
        method="filter_review_overdue", help_text="only items in review past their deadline"
    )

    def filter_review_overdue(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        overdue = selectors.overdue_reviews(queryset)
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


# A filter that takes an object's id offers only the objects the caller may see: another
# company's draft is then refused exactly as a missing id is (400, "Select a valid choice..."),
# never answered with an empty page that tells it exists. Organisations are a public directory.
class ProjectFilter(ReviewOverdueFilter):
    methodology = django_filters.ModelChoiceFilter(queryset=visible_methodologies)

    class Meta:
        model = Project
        fields = ["status", "sector", "province", "methodology", "proponent", "verifier"]


class MonitoringReportFilter(ReviewOverdueFilter):
    project = django_filters.ModelChoiceFilter(queryset=visible_projects)

    class Meta:
        model = MonitoringReport
        fields = ["status", "project", "verifier"]
