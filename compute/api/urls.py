from django.urls import path
from rest_framework.routers import SimpleRouter

from compute.api.stats import DataCentreTotalsView
from compute.api.views import DataCentreViewSet
from compute.api.workloads import WorkloadViewSet

router = SimpleRouter()
router.register("data-centres", DataCentreViewSet, basename="data-centre")
router.register("workloads", WorkloadViewSet, basename="workload")

urlpatterns = [
    *router.urls,
    path("stats/data-centres/", DataCentreTotalsView.as_view(), name="stats-data-centres"),
]
