"""Who may manage organisations, users and accreditations; the role predicates themselves are
the kernel's (`core.roles`)."""

from typing import Any

from core.roles import is_operator


def can_manage_organizations(user: Any) -> bool:
    """Organisations, their users and accreditations are managed by the registry operator."""
    return is_operator(user)
