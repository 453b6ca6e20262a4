from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core.views import healthz
from registry import pages

api_v1 = [
    path("", include("accounts.urls")),
    path("", include("methodologies.urls")),
    path("", include("registry.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("", pages.home, name="home"),
    path("projects/", pages.project_list, name="project-list"),
    path("projects/<int:pk>/", pages.project_detail, name="project-page"),
    path("issuances/", pages.issuance_list, name="issuance-list"),
    path("retirements/", pages.retirement_list, name="retirement-list"),
    path("retirements/<int:pk>/", pages.retirement_certificate, name="retirement-certificate"),
]
