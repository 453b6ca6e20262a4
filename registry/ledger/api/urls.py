from django.urls import path
from rest_framework.routers import SimpleRouter

from registry.ledger.api.views import (
    CreditBlockViewSet,
    HoldingAccountViewSet,
    IssuanceViewSet,
    IssueView,
    ReconciliationView,
    RetirementViewSet,
    TransferView,
)

router = SimpleRouter()
router.register("issuances", IssuanceViewSet, basename="issuance")
router.register("accounts", HoldingAccountViewSet, basename="account")
router.register("credit-blocks", CreditBlockViewSet, basename="credit-block")
router.register("retirements", RetirementViewSet, basename="retirement")

urlpatterns = [
    path("monitoring-reports/<int:pk>/issue/", IssueView.as_view(), name="monitoring-report-issue"),
    path("transfers/", TransferView.as_view(), name="transfers"),
    path("reconciliation/", ReconciliationView.as_view(), name="reconciliation"),
    *router.urls,
]
