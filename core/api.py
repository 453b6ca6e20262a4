"""API plumbing shared by every app: the exception handler and predicate-based permissions."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError, InvalidInput


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Map domain errors to one body shape: `{field: [message]}` for bad input, else `detail`."""
    if isinstance(exc, InvalidInput):
        return Response(exc.errors, status=exc.status_code)
    if isinstance(exc, DomainError):
        return Response({"detail": exc.message}, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        body = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


def allowed_if(predicate: Callable[[Any], bool], name: str) -> type[BasePermission]:
    """A DRF permission class from a plain predicate on the user, shared with the services."""

    def has_permission(self: BasePermission, request: Any, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated and predicate(request.user))

    return type(name, (BasePermission,), {"has_permission": has_permission})


class DecimalString(serializers.DecimalField):
    """A decimal written as a plain string without trailing zeros: "0.75", never "7.5E-1"."""

    def to_representation(self, value: Any) -> str | None:
        if value is None:
            return None
        return format(Decimal(value).normalize(), "f")
