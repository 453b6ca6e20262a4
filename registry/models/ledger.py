"""Holding accounts, issuances and the credit blocks that hold issued credits."""

from django.conf import settings
from django.db import models

from accounts.models import Organization
from core.models import TimeStampedModel
from registry.models.projects import MonitoringReport, Project


class HoldingAccount(TimeStampedModel):
    """An account that holds credits: an organisation's holding account, or a system account
    (retirement, cancellation, buffer pool) that belongs to no organisation."""

    class Kind(models.TextChoices):
        HOLDING = "holding", "Holding"
        RETIREMENT = "retirement", "Retirement (system)"
        CANCELLATION = "cancellation", "Cancellation (system)"
        BUFFER = "buffer", "Buffer pool (system)"

    SYSTEM_KINDS = (Kind.RETIREMENT, Kind.CANCELLATION, Kind.BUFFER)

    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="accounts"
    )
    kind = models.CharField(max_length=16, choices=Kind, default=Kind.HOLDING)
    name = models.CharField(max_length=200)
    is_default = models.BooleanField(
        default=False, help_text="The account an organisation's issuances are credited to."
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="holding", organization__isnull=False)
                | models.Q(
                    kind__in=["retirement", "cancellation", "buffer"], organization__isnull=True
                ),
                name="account_owner_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(organization__isnull=True),
                name="account_one_per_system_kind",
            ),
            models.UniqueConstraint(
                fields=["organization"],
                condition=models.Q(is_default=True),
                name="account_one_default_per_organization",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SerialCounter(models.Model):
    """The last credit serial number handed out; locked by each issuance (never max()+1)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_serial = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="serial_counter_singleton"),
        ]

    def __str__(self) -> str:
        return f"last serial {self.last_serial}"


class Issuance(TimeStampedModel):
    """Credits issued for one monitoring report: floor(verified reductions), in whole tCO2e."""

    report = models.OneToOneField(
        MonitoringReport, on_delete=models.PROTECT, related_name="issuance"
    )
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="issuances")
    quantity = models.BigIntegerField()
    first_serial = models.BigIntegerField()
    last_serial = models.BigIntegerField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity=models.F("last_serial") - models.F("first_serial") + 1)
                & models.Q(quantity__gt=0),
                name="issuance_range_matches_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"issuance {self.pk}: {self.quantity} tCO2e for {self.report.reference}"


class CreditBlock(TimeStampedModel):
    """A contiguous serial range [first, last] of one issuance and vintage, in one account and
    one state. Transfers and retirements split blocks; the blocks of an issuance partition its
    range exactly."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        FROZEN = "frozen", "Frozen"
        RETIRED = "retired", "Retired"
        CANCELLED = "cancelled", "Cancelled"

    issuance = models.ForeignKey(Issuance, on_delete=models.PROTECT, related_name="blocks")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="blocks")
    vintage = models.PositiveSmallIntegerField()
    first = models.BigIntegerField()
    last = models.BigIntegerField()
    quantity = models.BigIntegerField()
    account = models.ForeignKey(HoldingAccount, on_delete=models.PROTECT, related_name="blocks")
    status = models.CharField(max_length=16, choices=Status, default=Status.ACTIVE)

    class Meta:
        ordering = ["first"]
        indexes = [models.Index(fields=["account", "status"], name="block_account_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity=models.F("last") - models.F("first") + 1)
                & models.Q(quantity__gt=0),
                name="block_range_matches_quantity",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["active", "frozen", "retired", "cancelled"]),
                name="block_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.serial

    @property
    def serial(self) -> str:
        """CCER-<project>-<vintage>-<first>-<last>: readable and unique."""
        return f"CCER-{self.project.reference}-{self.vintage}-{self.first}-{self.last}"
