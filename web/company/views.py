"""The company's overview: how many projects and reports it has in each state, and the way to
its pages."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from registry.projects.models import MonitoringReportStatus, ProjectStatus
from web.company.workspace import own_projects, own_reports


def _counts(queryset, states: dict) -> list[dict]:
    counted: dict[str, int] = {}
    for status in queryset.values_list("status", flat=True):
        counted[status] = counted.get(status, 0) + 1
    return [
        {"status": state, "label": label, "count": counted[state]}
        for state, label in states.items()
        if state in counted
    ]


def home(request: HttpRequest) -> HttpResponse:
    """The company's overview: its projects and monitoring reports counted by state, with
    links to them; the holdings' part is its own template."""
    context = {
        "project_counts": _counts(own_projects(request.user), dict(ProjectStatus.choices)),
        "report_counts": _counts(own_reports(request.user), dict(MonitoringReportStatus.choices)),
    }
    return render(request, "web/company/home.html", context)
