from django.urls import path

from web.verifier import views

app_name = "verifier"
urlpatterns = [
    path("", views.home, name="home"),
    path("projects/<int:pk>/", views.project, name="project"),
    path("projects/<int:pk>/validate/", views.validate, name="validate"),
    path(
        "projects/<int:pk>/documents/",
        views.ProjectDocumentUpload.as_view(),
        name="project-documents",
    ),
    path("reports/<int:pk>/", views.report, name="report"),
    path("reports/<int:pk>/verify/", views.verify, name="verify"),
    path(
        "reports/<int:pk>/documents/",
        views.ReportDocumentUpload.as_view(),
        name="report-documents",
    ),
]
