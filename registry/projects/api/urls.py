from django.urls import path
from rest_framework.routers import SimpleRouter

from registry.projects.api.documents import (
    DocumentDownloadView,
    ProjectDocumentsView,
    ReportDocumentsView,
)
from registry.projects.api.views import MonitoringReportViewSet, ProjectViewSet

router = SimpleRouter()
router.register("projects", ProjectViewSet, basename="project")
router.register("monitoring-reports", MonitoringReportViewSet, basename="monitoring-report")

urlpatterns = [
    path("projects/<int:pk>/documents/", ProjectDocumentsView.as_view(), name="project-documents"),
    path(
        "monitoring-reports/<int:pk>/documents/",
        ReportDocumentsView.as_view(),
        name="monitoring-report-documents",
    ),
    path("documents/<int:pk>/download/", DocumentDownloadView.as_view(), name="document-download"),
    *router.urls,
]
