"""Read queries for organisations and users, scoped to the caller."""

from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation

from accounts.models import Accreditation, Organization, User
from accounts.usernames import name_key
from core.roles import OrganizationKind, can_read_everything


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


def name_is_registered(name: str) -> bool:
    """Whether `name` reads as a user's username, an organisation's name or a kind of
    organisation ("regulator"), compared by `accounts.usernames.name_key`: case, compatibility
    forms and look-alike letters do not make a name another."""
    key = name_key(name)
    if not key:
        return False
    kinds = set()
    # The kinds' names in every language the pages speak: "主管部门" reads as "regulator" too.
    for language, _language_name in settings.LANGUAGES:
        with translation.override(language):
            kinds |= {name_key(str(text)) for choice in OrganizationKind.choices for text in choice}
    if key in kinds or User.objects.filter(username_key=key).exists():
        return True
    # Organisation names have no stored key; the directory is small, so it is read through.
    names = Organization.objects.values_list("name", flat=True)
    return any(name_key(organization) == key for organization in names.iterator())
