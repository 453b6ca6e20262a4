"""Organisations, their users, and verifiers' accreditations."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact

from accounts.usernames import MAX_KEY_LENGTH, name_key
from core.models import TimeStampedModel
from core.provinces import Province
from core.roles import OrganizationKind
from core.sectors import Sector


class Organization(TimeStampedModel):
    """A company, verification body, competent authority or the registry operator."""

    Kind = OrganizationKind

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=16, choices=OrganizationKind)
    province = models.CharField(max_length=32, choices=Province)
    # 统一社会信用代码, GB 32100-2015: 18 characters with a check character.
    unified_social_credit_code = models.CharField(max_length=18, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=OrganizationKind.values), name="organization_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(province__in=Province.values),
                name="organization_province_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(unified_social_credit_code__isnull=True)
                | Exact(Length("unified_social_credit_code"), 18),
                name="organization_credit_code_length",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person acting for exactly one organisation.

    `username_key` is the username as a reader takes it (`accounts.usernames.name_key`): case,
    compatibility forms and look-alike letters of other scripts folded. It is unique, so no
    `Operator` or `operatοr` (a Greek omicron) can stand beside `operator`.
    """

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="users")
    username_key = models.CharField(max_length=MAX_KEY_LENGTH, editable=False)

    objects = UserManager()

    REQUIRED_FIELDS = ["organization"]

    class Meta:
        ordering = ["username"]
        constraints = [
            models.UniqueConstraint(fields=["username_key"], name="user_username_key_unique"),
        ]

    def __str__(self) -> str:
        return self.username

    def save(self, *args, **kwargs) -> None:
        # Derived from the username on every save that writes the username, so no path
        # (service, admin, createsuperuser) stores one without the other.
        self.username_key = name_key(self.username)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "username" in update_fields:
            kwargs["update_fields"] = {*update_fields, "username_key"}
        super().save(*args, **kwargs)


class Accreditation(TimeStampedModel):
    """A verifier's accreditation for one sector over a period of dates (both days included)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="accreditations"
    )
    sector = models.CharField(max_length=32, choices=Sector)
    valid_from = models.DateField()
    valid_to = models.DateField()

    class Meta:
        ordering = ["organization_id", "sector", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__gte=models.F("valid_from")),
                name="accreditation_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(sector__in=Sector.values), name="accreditation_sector_valid"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.organization} — {self.get_sector_display()} ({self.valid_from}–{self.valid_to})"
        )
