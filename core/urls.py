from django.urls import path

from core.views import AuditVerifyView, JobView

urlpatterns = [
    path("audit/verify/", AuditVerifyView.as_view(), name="audit-verify"),
    path("jobs/<int:pk>/", JobView.as_view(), name="job-detail"),
]
