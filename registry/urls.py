from django.urls import path
from rest_framework.routers import SimpleRouter

from registry.calendar_api import CalendarYearViewSet
from registry.ledger_views import (
    CreditBlockViewSet,
    HoldingAccountViewSet,
    RetirementViewSet,
    TransferView,
)
from registry.reconciliation_api import ReconciliationView
from registry.stats_api import CreditTotalsView
from registry.views import (
    AuditVerifyView,
    IssuanceViewSet,
    MonitoringReportViewSet,
    ProjectViewSet,
)

router = SimpleRouter()
router.register("calendar-years", CalendarYearViewSet, basename="calendar-year")
router.register("projects", ProjectViewSet, basename="project")
router.register("monitoring-reports", MonitoringReportViewSet, basename="monitoring-report")
router.register("issuances", IssuanceViewSet, basename="issuance")
router.register("accounts", HoldingAccountViewSet, basename="account")
router.register("credit-blocks", CreditBlockViewSet, basename="credit-block")
router.register("retirements", RetirementViewSet, basename="retirement")

urlpatterns = [
    path("audit/verify/", AuditVerifyView.as_view(), name="audit-verify"),
    path("transfers/", TransferView.as_view(), name="transfers"),
    path("reconciliation/", ReconciliationView.as_view(), name="reconciliation"),
    path("stats/totals/", CreditTotalsView.as_view(), name="stats-totals"),
    *router.urls,
]
