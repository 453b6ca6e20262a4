"""Green electricity certificates (GEC, 绿证) as the national GEC system sends them: imported
rows, the serial-range blocks they are held in, and the public claims that consume them.

One certificate is 1,000 kWh of renewable electricity (NEA 2024 rules for GEC issuance and
trading). The registry does not issue certificates: it mirrors them, and is the one place a
certificate is claimed.
"""

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from core.models import BigIntegerRange, DateRange, TimeStampedModel
from core.provinces import Province


class GenerationType(models.TextChoices):
    """How the electricity was generated. Offshore wind and solar thermal stand apart: their
    electricity may earn CCER credits instead (CCER-01-002, CCER-01-001)."""

    ONSHORE_WIND = "onshore_wind", _("Onshore wind")
    OFFSHORE_WIND = "offshore_wind", _("Offshore wind")
    SOLAR = "solar", _("Solar photovoltaic")
    SOLAR_THERMAL = "solar_thermal", _("Solar thermal")
    HYDRO = "hydro", _("Hydro")
    BIOMASS = "biomass", _("Biomass")
    GEOTHERMAL = "geothermal", _("Geothermal")
    OTHER = "other", _("Other renewable")


class CertificateImport(TimeStampedModel):
    """One import of rows exported by the national GEC system, by an operator: all its rows or
    none of them."""

    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rows = models.PositiveIntegerField(help_text="Rows received.")
    imported = models.PositiveIntegerField(help_text="Rows imported.")
    skipped = models.PositiveIntegerField(help_text="Rows imported before, unchanged.")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"certificate import {self.pk}: {self.imported} of {self.rows} rows"


class CertificateRange(models.Model):
    """One imported row: the certificates of one power plant (`generator_code`) and generation
    month, a serial range [serial_first, serial_last]. Stored as sent and never changed; its
    blocks partition its range. One certificate serial exists once: ranges never overlap."""

    batch = models.ForeignKey(CertificateImport, on_delete=models.PROTECT, related_name="ranges")
    serial_first = models.BigIntegerField()
    serial_last = models.BigIntegerField()
    quantity = models.BigIntegerField()
    generator_code = models.CharField(max_length=64)
    generator_name = models.CharField(max_length=200)
    generation_type = models.CharField(max_length=16, choices=GenerationType)
    province = models.CharField(max_length=32, choices=Province)
    generation_month = models.DateField(help_text="The first day of the month of generation.")
    holder = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    tradable = models.BooleanField()
    expires_on = models.DateField(help_text="The last day the certificates are valid.")

    class Meta:
        ordering = ["serial_first"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity=models.F("serial_last") - models.F("serial_first") + 1)
                & models.Q(serial_first__gt=0, quantity__gt=0),
                name="certificate_range_matches_quantity",
            ),
            models.CheckConstraint(
                condition=models.Q(generation_type__in=GenerationType.values),
                name="certificate_range_generation_type_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(province__in=Province.values),
                name="certificate_range_province_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(generation_month__day=1),
                name="certificate_range_month_first_day",
            ),
            # One certificate serial exists once, whichever row brought it.
            ExclusionConstraint(
                name="certificate_ranges_do_not_overlap",
                expressions=[
                    (BigIntegerRange("serial_first", "serial_last"), RangeOperators.OVERLAPS)
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"GEC {self.serial_first}-{self.serial_last} ({self.generator_code})"


class CertificateBlock(TimeStampedModel):
    """A contiguous serial range of one imported row, held by one organisation in one state.
    A claim splits a block: the holder keeps the lower serials, the upper part becomes a block
    of its own, `claimed`, which never changes again. The descriptive columns are the imported
    row's, copied so that blocks are filtered without a join."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        CLAIMED = "claimed", _("Claimed")
        FROZEN = "frozen", _("Frozen")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    source = models.ForeignKey(
        CertificateRange,
        on_delete=models.PROTECT,
        related_name="blocks",
        help_text="The imported row, and through it the import batch.",
    )
    serial_first = models.BigIntegerField()
    serial_last = models.BigIntegerField()
    quantity = models.BigIntegerField()
    generator_code = models.CharField(max_length=64)
    generator_name = models.CharField(max_length=200)
    generation_type = models.CharField(max_length=16, choices=GenerationType)
    province = models.CharField(max_length=32, choices=Province)
    generation_month = models.DateField()
    holder = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="certificate_blocks"
    )
    tradable = models.BooleanField()
    state = models.CharField(max_length=16, choices=State, default=State.ACTIVE)
    expires_on = models.DateField()

    class Meta:
        ordering = ["serial_first"]
        indexes = [
            models.Index(fields=["holder", "state"], name="gec_block_holder_state_idx"),
            models.Index(fields=["generator_code", "generation_month"], name="gec_block_plant_idx"),
            models.Index(fields=["state", "expires_on"], name="gec_block_expiry_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity=models.F("serial_last") - models.F("serial_first") + 1)
                & models.Q(quantity__gt=0),
                name="certificate_block_range_matches_quantity",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    state__in=["active", "claimed", "frozen", "cancelled", "expired"]
                ),
                name="certificate_block_state_valid",
            ),
            # The blocks of a row partition it, and rows never overlap: no serial in two blocks.
            ExclusionConstraint(
                name="certificate_blocks_do_not_overlap",
                expressions=[
                    (BigIntegerRange("serial_first", "serial_last"), RangeOperators.OVERLAPS)
                ],
            ),
        ]

    def __str__(self) -> str:
        return self.serial

    @property
    def serial(self) -> str:
        """The block's range as printed: GEC-<generator>-<YYYYMM>-<first>-<last>."""
        month = f"{self.generation_month:%Y%m}"
        return f"GEC-{self.generator_code}-{month}-{self.serial_first}-{self.serial_last}"


class CertificateClaim(TimeStampedModel):
    """A public claim: certificates declared consumed by the claimant for a period, once. The
    claimed block is the claim's alone and never moves again. Appended, never changed. Its index
    in the transparency log is its audit entry's (`selectors.claims`), once sealed."""

    block = models.OneToOneField(CertificateBlock, on_delete=models.PROTECT, related_name="claim")
    claimant = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="certificate_claims"
    )
    quantity = models.BigIntegerField()
    period_start = models.DateField()
    period_end = models.DateField()
    consumer = models.CharField(
        max_length=300,
        blank=True,
        help_text="Who consumed the electricity, as the claimant names it.",
    )
    data_centre = models.BigIntegerField(
        null=True,
        blank=True,
        help_text="The claimant's data centre that consumed the electricity: its id in compute "
        "accounting (an app above this one, so no foreign key).",
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="certificate_claim_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="certificate_claim_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"certificate claim {self.pk}"


class LinkedGenerator(TimeStampedModel):
    """A power plant (`generator_code`) whose electricity earns CCER credits over a registered
    project's crediting period (the GEC-CCER link, `certificates.services.ccer_link`): written
    when the project is registered, and read by every import, which brings the plant's
    certificates of the linked months in frozen. A plant is linked to one project at a time:
    the periods of one generator never overlap. The project is named by its reference, since
    certificates sit below the registry. Appended, never changed."""

    generator_code = models.CharField(max_length=64)
    period_start = models.DateField(help_text="The first day of the project's crediting period.")
    period_end = models.DateField(help_text="The last day of the project's crediting period.")
    project_reference = models.CharField(max_length=32)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["generator_code", "period_start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="linked_generator_period_ordered",
            ),
            # One plant's electricity earns credits under one project: a MWh is credited once.
            ExclusionConstraint(
                name="linked_generator_periods_do_not_overlap",
                expressions=[
                    ("generator_code", RangeOperators.EQUAL),
                    (DateRange("period_start", "period_end"), RangeOperators.OVERLAPS),
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.generator_code} linked to {self.project_reference}"


class CertificateCancellation(TimeStampedModel):
    """A public record: certificates cancelled because the electricity they stand for earned
    CCER credits (the GEC-CCER link), at one issuance. The cancelled block is the record's
    alone and never changes again. The issuance is the registry's (`registry.ledger`), named by
    its id and by the project's and report's references: certificates sit below the registry
    and hold no foreign key to it. Appended, never changed."""

    block = models.OneToOneField(
        CertificateBlock, on_delete=models.PROTECT, related_name="cancellation"
    )
    issuance = models.BigIntegerField(
        db_index=True, help_text="The id of the CCER issuance the electricity was credited by."
    )
    project_reference = models.CharField(max_length=32)
    report_reference = models.CharField(max_length=32)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["issuance", "id"]

    def __str__(self) -> str:
        return f"certificates cancelled for issuance {self.issuance}"


class ReconciliationRun(TimeStampedModel):
    """The outcome of checking that the blocks of every imported row partition its range."""

    ok = models.BooleanField()
    ranges_checked = models.BigIntegerField()
    blocks_checked = models.BigIntegerField()
    problem_count = models.BigIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True, help_text="the first problems found")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"reconciliation {self.created_at:%Y-%m-%d %H:%M}: {'ok' if self.ok else 'broken'}"
