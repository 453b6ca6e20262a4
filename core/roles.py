"""Who a caller is: the kinds of organisation a user may belong to, and plain predicates on the
user that the services and the API's permission classes share (`core.permissions`)."""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationKind(models.TextChoices):
    PROPONENT = "proponent", _("Project proponent")
    VERIFIER = "verifier", _("Validation and verification body")
    REGULATOR = "regulator", _("Competent authority")
    OPERATOR = "operator", _("Registry operator")


def organization_kind(user: Any) -> str | None:
    """The kind of the user's organisation, or None for an anonymous caller."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.organization.kind


def is_operator(user: Any) -> bool:
    return organization_kind(user) == OrganizationKind.OPERATOR


def is_regulator(user: Any) -> bool:
    return organization_kind(user) == OrganizationKind.REGULATOR


def is_proponent(user: Any) -> bool:
    return organization_kind(user) == OrganizationKind.PROPONENT


def is_verifier(user: Any) -> bool:
    return organization_kind(user) == OrganizationKind.VERIFIER


def can_read_everything(user: Any) -> bool:
    """Operators and regulators read every record, private ones included."""
    return is_operator(user) or is_regulator(user)


def belongs_to(user: Any, organization_id: int | None) -> bool:
    """The signed-in user is a member of that organisation."""
    return getattr(user, "is_authenticated", False) and user.organization_id == organization_id
