"""The API's permission classes, every one built here from a predicate of `core.roles`, the
same predicate the services check, so an API path can never allow what a service refuses."""

from collections.abc import Callable
from typing import Any

from rest_framework.permissions import BasePermission

from core import roles


def allowed_if(predicate: Callable[[Any], bool], name: str) -> type[BasePermission]:
    """A DRF permission class from a plain predicate on the signed-in user."""

    def has_permission(self: BasePermission, request: Any, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated and predicate(request.user))

    return type(name, (BasePermission,), {"has_permission": has_permission})


IsOperator = allowed_if(roles.is_operator, "IsOperator")
IsRegulator = allowed_if(roles.is_regulator, "IsRegulator")
IsProponent = allowed_if(roles.is_proponent, "IsProponent")
CanReadEverything = allowed_if(roles.can_read_everything, "CanReadEverything")
