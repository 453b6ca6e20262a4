"""Read queries for organisations and users, scoped to the caller."""

from django.db.models import QuerySet

from accounts.models import Accreditation, Organization, User
from core.roles import can_read_everything


def organization_directory() -> QuerySet[Organization]:
    """The public directory: every organisation with its accreditations."""
    return Organization.objects.prefetch_related("accreditations")


def accreditations_of(organization: Organization) -> QuerySet[Accreditation]:
    return organization.accreditations.all()


def users_visible_to(user: User) -> QuerySet[User]:
    """Operators and regulators see every user; others see their own organisation's."""
    users = User.objects.select_related("organization").filter(is_active=True)
    if not user.is_authenticated:
        return users.none()
    if can_read_everything(user):
        return users
    return users.filter(organization_id=user.organization_id)
