"""Who may do what: plain predicates shared by the API's permission classes and the services."""

from typing import Any

from accounts.models import Organization


def organization_kind(user: Any) -> str | None:
    """The kind of the user's organisation, or None for an anonymous caller."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.organization.kind


def is_operator(user: Any) -> bool:
    return organization_kind(user) == Organization.Kind.OPERATOR


def is_regulator(user: Any) -> bool:
    return organization_kind(user) == Organization.Kind.REGULATOR


def can_manage_organizations(user: Any) -> bool:
    """Organisations, their users and accreditations are managed by the registry operator."""
    return is_operator(user)


def can_read_everything(user: Any) -> bool:
    """Operators and regulators read every record, private ones included."""
    return is_operator(user) or is_regulator(user)
