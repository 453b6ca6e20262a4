"""Who may open a workspace page: each role's pages are guarded where their URLs are included
(`guarded`), so no page of a workspace can forget its check. A visitor who is not signed in is sent
to the sign-in page; a signed-in user of another role is refused (403) before the view runs, so
nothing of the page, not even whether its object exists, is read for them."""

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver

from core.roles import OrganizationKind, organization_kind

# The URL prefix of each role's workspace, below which `guarded` lets only that role through.
WORKSPACES = {
    OrganizationKind.PROPONENT: "company",
    OrganizationKind.VERIFIER: "verifier",
    OrganizationKind.OPERATOR: "operator",
    OrganizationKind.REGULATOR: "regulator",
}


def workspace_home(user) -> str | None:
    """The path of the user's workspace, or None for a user with none (anonymous)."""
    kind = organization_kind(user)
    return f"/workspace/{WORKSPACES[kind]}/" if kind in WORKSPACES else None


def role_required(kind: str) -> Callable:
    """A view only members of organisations of `kind` may open."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded_view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if organization_kind(request.user) != kind:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        guarded_view.workspace_kind = kind
        return guarded_view

    return decorate


def guarded(patterns: Iterable[URLPattern | URLResolver], kind: str) -> list:
    """The URL patterns with every view wrapped in `role_required(kind)`."""
    result = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            raise TypeError("a workspace lists its pages directly, without include()")
        pattern.callback = role_required(kind)(pattern.callback)
        result.append(pattern)
    return result
