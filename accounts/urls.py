from django.urls import path
from rest_framework.routers import SimpleRouter

from accounts.views import LogoutView, MeView, ObtainTokenView, OrganizationViewSet, UserViewSet

router = SimpleRouter()
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("users", UserViewSet, basename="user")

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="auth-token"),
    path("auth/logout/", LogoutView.as_view(), name="auth-logout"),
    path("me/", MeView.as_view(), name="me"),
    *router.urls,
]
