from django.urls import path

from registry.reporting.api.views import CreditTotalsView

urlpatterns = [path("stats/totals/", CreditTotalsView.as_view(), name="stats-totals")]
