"""Holding accounts, issuances and the credit blocks that hold issued credits."""

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.contrib.postgres.indexes import GistIndex
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from core.models import BigIntegerRange, TimeStampedModel
from methodologies.models import Methodology
from registry.projects.models import MonitoringReport, Project


def serial_of(project_id: int, vintage: int, first: int, last: int) -> str:
    """A serial range as printed, CCER-<project>-<vintage>-<first>-<last>: readable and
    unique (the blocks of an issuance never overlap)."""
    return f"CCER-{Project.reference_of(project_id)}-{vintage}-{first}-{last}"


class HoldingAccount(TimeStampedModel):
    """An account that holds credits: an organisation's holding account, or a system account
    (retirement, cancellation, buffer pool) that belongs to no organisation."""

    class Kind(models.TextChoices):
        HOLDING = "holding", _("Holding")
        RETIREMENT = "retirement", _("Retirement (system)")
        CANCELLATION = "cancellation", _("Cancellation (system)")
        BUFFER = "buffer", _("Buffer pool (system)")

    SYSTEM_KINDS = (Kind.RETIREMENT, Kind.CANCELLATION, Kind.BUFFER)

    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="accounts"
    )
    kind = models.CharField(max_length=16, choices=Kind, default=Kind.HOLDING)
    name = models.CharField(max_length=200)
    is_default = models.BooleanField(
        default=False, help_text="The account an organisation's issuances are credited to."
    )
    frozen = models.BooleanField(
        default=False, help_text="Frozen by an operator or regulator: nothing moves in or out."
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
    vintages = models.JSONField(
        default=list,
        blank=True,
        help_text="The split by vintage as issued, [{vintage, first, last, quantity}] in serial "
        "order: each vintage one contiguous range, which later movements only split.",
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
        ACTIVE = "active", _("Active")
        FROZEN = "frozen", _("Frozen")
        RETIRED = "retired", _("Retired")
        CANCELLED = "cancelled", _("Cancelled")

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
        indexes = [
            models.Index(fields=["account", "status"], name="block_account_status_idx"),
            # `?serial=`: the block whose range holds a serial, whatever its issuance (the
            # exclusion constraint's index leads with the issuance).
            GistIndex(BigIntegerRange("first", "last"), name="block_serial_range_idx"),
        ]
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
            # The blocks of one issuance partition its range: no serial is in two blocks.
            ExclusionConstraint(
                name="block_ranges_do_not_overlap",
                expressions=[
                    ("issuance", RangeOperators.EQUAL),
                    (BigIntegerRange("first", "last"), RangeOperators.OVERLAPS),
                ],
            ),
        ]

    def __str__(self) -> str:
        return self.serial

    @property
    def serial(self) -> str:
        """The block's range as printed (`serial_of`)."""
        return serial_of(self.project_id, self.vintage, self.first, self.last)


class Movement(models.Model):
    """One movement of a serial range, appended and never changed: issuance, transfer,
    retirement, cancellation, freeze and unfreeze. A block's history is every movement of a
    range that overlaps its own within its issuance."""

    class Kind(models.TextChoices):
        ISSUANCE = "issuance", _("Issuance")
        TRANSFER = "transfer", _("Transfer")
        RETIREMENT = "retirement", _("Retirement")
        CANCELLATION = "cancellation", _("Cancellation")
        FREEZE = "freeze", _("Freeze")
        UNFREEZE = "unfreeze", _("Unfreeze")

    kind = models.CharField(max_length=16, choices=Kind)
    issuance = models.ForeignKey(Issuance, on_delete=models.PROTECT, related_name="movements")
    block = models.ForeignKey(CreditBlock, on_delete=models.PROTECT, related_name="movements")
    first = models.BigIntegerField()
    last = models.BigIntegerField()
    quantity = models.BigIntegerField()
    from_account = models.ForeignKey(
        HoldingAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_account = models.ForeignKey(
        HoldingAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    occurred_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["issuance", "first"], name="movement_issuance_first_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity=models.F("last") - models.F("first") + 1)
                & models.Q(quantity__gt=0),
                name="movement_range_matches_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.quantity} ({self.first}-{self.last})"

    @property
    def serial(self) -> str:
        """The range this movement moved, as printed: its own first..last, never the current
        range of the block it moved (which later movements may have split). A block's project
        and vintage never change."""
        return serial_of(self.block.project_id, self.block.vintage, self.first, self.last)


class Retirement(TimeStampedModel):
    """The public certificate of a retirement (注销, CCER 2023 art. 28): who the credits were
    retired for, why, and which serials."""

    class Purpose(models.TextChoices):
        COMPLIANCE = "compliance", _("Compliance offset in an emissions trading scheme")
        EVENT_NEUTRALITY = "event_neutrality", _("Carbon-neutral event")
        CORPORATE_NEUTRALITY = "corporate_neutrality", _("Corporate carbon neutrality")
        PUBLIC_GOOD = "public_good", _("Public good")

    block = models.OneToOneField(CreditBlock, on_delete=models.PROTECT, related_name="retirement")
    holder = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="retirements")
    beneficiary = models.CharField(max_length=300)
    purpose = models.CharField(max_length=32, choices=Purpose)
    note = models.TextField(blank=True)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"retirement certificate {self.pk}"


class CreditTotal(models.Model):
    """Credits of one project and vintage in each state, kept by the ledger's services in the
    transaction of each issuance, retirement, cancellation, freeze and unfreeze (a transfer
    changes no state), so the regulators' totals read at most projects x vintages rows instead
    of every block. The reconciliation proves them equal to the blocks' sums.

    The project's methodology, sector and province are copied in when the row is made: a
    project's design is fixed at creation (no service changes it), and with them here every
    grouping of the totals reads this one table, without joining the projects."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="+")
    vintage = models.PositiveSmallIntegerField()
    methodology = models.ForeignKey(Methodology, on_delete=models.PROTECT, related_name="+")
    sector = models.CharField(max_length=32)
    province = models.CharField(max_length=32)
    active = models.BigIntegerField(default=0)
    frozen = models.BigIntegerField(default=0)
    retired = models.BigIntegerField(default=0)
    cancelled = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["project", "vintage"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "vintage"], name="credit_total_one_per_project_vintage"
            ),
            models.CheckConstraint(
                condition=models.Q(active__gte=0, frozen__gte=0, retired__gte=0, cancelled__gte=0),
                name="credit_total_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"totals of project {self.project_id}, vintage {self.vintage}"

    @property
    def issued(self) -> int:
        return self.active + self.frozen + self.retired + self.cancelled


class RetirementTotal(models.Model):
    """Credits retired, and retirement certificates made, per month and purpose, kept by
    `retire_credits` in the transaction of each retirement (`registry.ledger.totals`), so the
    retirements over time read at most months x purposes x stripes rows instead of every
    certificate and its block. The month is the retirement's in the registry's time zone
    (TIME_ZONE), as its first day. The reconciliation proves them equal to the certificates'
    sums.

    Each month and purpose is counted in `RETIREMENT_TOTAL_STRIPES` rows, a project's
    retirements in stripe `project id % RETIREMENT_TOTAL_STRIPES`, so that retirements of
    different projects rarely wait on one row; readers sum over the stripes."""

    month = models.DateField(help_text="The first day of the month, in the registry's time zone.")
    purpose = models.CharField(max_length=32, choices=Retirement.Purpose)
    stripe = models.PositiveSmallIntegerField()
    quantity = models.BigIntegerField(default=0, help_text="Credits retired.")
    retirements = models.BigIntegerField(default=0, help_text="Retirement certificates.")

    class Meta:
        ordering = ["month", "purpose", "stripe"]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "purpose", "stripe"],
                name="retirement_total_one_per_month_purpose_stripe",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0, retirements__gte=0),
                name="retirement_total_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(purpose__in=Retirement.Purpose.values),
                name="retirement_total_purpose_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="retirement_total_month_first_day"
            ),
        ]

    def __str__(self) -> str:
        return f"retired {self.month:%Y-%m}, {self.purpose}, stripe {self.stripe}"


class ReconciliationRun(TimeStampedModel):
    """The outcome of checking that every issuance's blocks partition its serial range, that
    the kept totals are the blocks' sums, and that the kept retirement totals are the
    retirements' sums."""

    ok = models.BooleanField()
    issuances_checked = models.BigIntegerField()
    blocks_checked = models.BigIntegerField()
    totals_checked = models.BigIntegerField(
        default=0, help_text="(project, vintage, state) sums compared with the kept totals"
    )
    retirement_totals_checked = models.BigIntegerField(
        default=0,
        help_text="(month, purpose) sums of the retirements compared with the kept retirement "
        "totals",
    )
    problem_count = models.BigIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True, help_text="the first problems found")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"reconciliation {self.created_at:%Y-%m-%d %H:%M}: {'ok' if self.ok else 'broken'}"
