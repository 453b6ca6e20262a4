from rest_framework.routers import SimpleRouter

from registry.projects.api.views import MonitoringReportViewSet, ProjectViewSet

router = SimpleRouter()
router.register("projects", ProjectViewSet, basename="project")
router.register("monitoring-reports", MonitoringReportViewSet, basename="monitoring-report")

urlpatterns = router.urls
