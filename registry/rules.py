"""Who may act on projects, monitoring reports and credits: plain predicates on the user."""

from datetime import date
from typing import Any

from accounts.models import Accreditation, Organization
from accounts.rules import can_read_everything, is_operator, organization_kind


def is_proponent(user: Any) -> bool:
    return organization_kind(user) == Organization.Kind.PROPONENT


def owns(user: Any, organization_id: int) -> bool:
    return getattr(user, "is_authenticated", False) and user.organization_id == organization_id


def can_create_project(user: Any) -> bool:
    return is_proponent(user)


def can_act_for_proponent(user: Any, project: Any) -> bool:
    """Submit, withdraw, and write monitoring reports: the project's own company."""
    return owns(user, project.proponent_id)


def is_engaged_verifier(user: Any, engaged_organization_id: int) -> bool:
    return organization_kind(user) == Organization.Kind.VERIFIER and owns(
        user, engaged_organization_id
    )


def is_accredited(organization_id: int, sector: str, on: date) -> bool:
    """Accredited for the sector on that date (CCER 2023, art. 17: per-sector accreditation)."""
    return Accreditation.objects.filter(
        organization_id=organization_id, sector=sector, valid_from__lte=on, valid_to__gte=on
    ).exists()


def can_decide_registration(user: Any) -> bool:
    """Register or reject projects, issue credits or reject claims: the registry operator."""
    return is_operator(user)


def can_see_private_records(user: Any) -> bool:
    return can_read_everything(user)


def holds(user: Any, account: Any) -> bool:
    """Transfers and retirements are the holder's: the company whose holding account it is."""
    return account.kind == "holding" and owns(user, account.organization_id)


def can_freeze(user: Any) -> bool:
    """Judicial and administrative freezes: operators and regulators."""
    return can_read_everything(user)
