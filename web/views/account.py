"""Signing in and out with the session, changing one's password, and `/dashboard/`, which opens
the signed-in role's workspace."""

from types import SimpleNamespace

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from accounts.throttles import SignInPerAddressThrottle, SignInPerUsernameThrottle
from web.access import workspace_home

THROTTLED = "Too many sign-in attempts. Wait a minute and try again."


class LoginView(auth_views.LoginView):
    """The session sign-in, counted against the same limits as the API's token endpoint: per
    username, whatever the address, and per address, whatever the usernames."""

    template_name = "web/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # The throttles read a DRF request's `data`, `META` and `headers`; the form stands in.
        attempt = SimpleNamespace(data=request.POST, META=request.META, headers=request.headers)
        throttles = (SignInPerUsernameThrottle(), SignInPerAddressThrottle())
        if not all(throttle.allow_request(attempt, self) for throttle in throttles):
            form = self.get_form_class()(request)
            context = self.get_context_data(form=form, throttled=_(THROTTLED))
            return render(request, self.template_name, context, status=429)
        return super().post(request, *args, **kwargs)


class LogoutView(auth_views.LogoutView):
    """Signing out is a POST (the header's button), back to the front page."""

    next_page = "/"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "web/password_change.html"
    success_url = reverse_lazy("password-change-done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "web/password_change_done.html"


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The signed-in user's workspace."""
    home = workspace_home(request.user)
    if home is None:
        return render(request, "web/no_workspace.html", status=403)
    return redirect(home)
