from django.urls import path

from core.views import (
    AuditVerifyView,
    ConsistencyProofView,
    InclusionProofView,
    JobView,
    LogEntryView,
    TransparencyKeyView,
    TreeHeadView,
)

urlpatterns = [
    path("audit/verify/", AuditVerifyView.as_view(), name="audit-verify"),
    path("transparency/key/", TransparencyKeyView.as_view(), name="transparency-key"),
    path("transparency/head/", TreeHeadView.as_view(), name="transparency-head"),
    path("transparency/entries/<int:index>/", LogEntryView.as_view(), name="transparency-entry"),
    path(
        "transparency/proof/inclusion/",
        InclusionProofView.as_view(),
        name="transparency-inclusion",
    ),
    path(
        "transparency/proof/consistency/",
        ConsistencyProofView.as_view(),
        name="transparency-consistency",
    ),
    path("jobs/<int:pk>/", JobView.as_view(), name="job-detail"),
]
