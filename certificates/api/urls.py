from django.urls import path
from rest_framework.routers import SimpleRouter

from certificates.api.views import (
    CertificateBlockViewSet,
    CertificateTotalsView,
    ClaimViewSet,
    ImportView,
)

router = SimpleRouter()
# Claims first: "claims" is no certificate id (ids are digits anyway).
router.register("green-certificates/claims", ClaimViewSet, basename="certificate-claim")
router.register("green-certificates", CertificateBlockViewSet, basename="green-certificate")

urlpatterns = [
    path("green-certificates/import/", ImportView.as_view(), name="green-certificate-import"),
    path(
        "stats/green-certificates/",
        CertificateTotalsView.as_view(),
        name="stats-green-certificates",
    ),
    *router.urls,
]
