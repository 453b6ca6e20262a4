from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.views import healthz

api_v1 = [
    path("", include("core.urls")),
    path("", include("accounts.urls")),
    path("", include("methodologies.urls")),
    path("", include("certificates.api.urls")),
    path("", include("compute.api.urls")),
    path("", include("registry.calendar.api.urls")),
    path("", include("registry.projects.api.urls")),
    path("", include("registry.ledger.api.urls")),
    path("", include("registry.reporting.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up code as a script file (`?script`), not inline,
    # so the page runs under the Content-Security-Policy's `script-src 'self'`.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(api_v1)),
    path("", include("web.urls")),
]
