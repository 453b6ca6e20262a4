"""Methodology versions as executable models, and the reference data they read."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.provinces import Province
from core.sectors import Sector


class MethodologyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ReadingQuantity(models.TextChoices):
    """What a data centre's current readings over a monitoring period add up to (ISO/IEC
    30134-2): the quantities a methodology may take monitored parameters from, each in its unit
    (`READING_QUANTITY_UNITS`)."""

    IT_ENERGY = "it_energy", _("IT equipment energy: the sum over the readings")
    TOTAL_ENERGY = "total_energy", _("Total facility energy: the sum over the readings")
    PUE = "pue", _("Power usage effectiveness: total over IT energy, energy-weighted")


READING_QUANTITY_UNITS = {
    ReadingQuantity.IT_ENERGY: "kWh",
    ReadingQuantity.TOTAL_ENERGY: "kWh",
    ReadingQuantity.PUE: "",
}


class Methodology(TimeStampedModel):
    """One version of a methodology: its rules and its calculation model.

    `code` names the methodology across versions (`CCER-01-002`); `version` names this version
    (`V01`); the identifier a person reads is both (`CCER-01-002-V01`). Once published, nothing
    but the status changes: projects keep the version they chose.
    """

    Status = MethodologyStatus

    class Kind(models.TextChoices):
        REDUCTION = "reduction", _("Emission reduction (ER = BE - PE - LE)")
        ACCOUNTING = "accounting", _("Accounting method (emissions)")

    code = models.CharField(max_length=64)
    version = models.CharField(max_length=16)
    title = models.CharField(max_length=300)
    sector = models.CharField(max_length=32, choices=Sector)
    kind = models.CharField(max_length=16, choices=Kind, default=Kind.REDUCTION)
    status = models.CharField(max_length=16, choices=MethodologyStatus, default="draft")
    approved = models.BooleanField(
        default=True, help_text="False for methodologies not (yet) approved by the authority."
    )
    additionality_exempt = models.BooleanField(default=False)
    crediting_years_min = models.PositiveSmallIntegerField(null=True, blank=True)
    crediting_years_max = models.PositiveSmallIntegerField(null=True, blank=True)
    applicability = models.JSONField(default=list, blank=True)
    source_document = models.CharField(max_length=500, blank=True)
    result_symbol = models.CharField(max_length=64)
    certificate_electricity = models.CharField(
        max_length=64,
        blank=True,
        help_text="The equation whose value is the net electricity that also earns green "
        "electricity certificates, where the GEC-CCER link governs the methodology "
        "(CCER-01-001, CCER-01-002); empty for every other methodology.",
    )
    data_centre_readings = models.JSONField(
        default=dict,
        blank=True,
        help_text="Monitored parameters a project's data centre's readings give rather than its "
        "reports: {symbol: quantity}, a quantity one of ReadingQuantity (CR-DC-001: E_IT from "
        "it_energy, PUE_PJ from pue). Its projects name their data centre. Empty for every other "
        "methodology.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["code", "version"]
        verbose_name_plural = "methodologies"
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="methodology_code_version"),
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(status="published"),
                name="methodology_one_published_version",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=MethodologyStatus.values),
                name="methodology_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(sector__in=Sector.values), name="methodology_sector_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(crediting_years_min__isnull=True)
                | models.Q(crediting_years_max__isnull=True)
                | models.Q(crediting_years_min__lte=models.F("crediting_years_max")),
                name="methodology_crediting_bounds_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(published_at__isnull=False),
                name="methodology_published_has_date",
            ),
            # A mapping of symbols to quantities, never a list or a scalar.
            models.CheckConstraint(
                condition=models.lookups.Exact(
                    models.Func(
                        "data_centre_readings",
                        function="jsonb_typeof",
                        output_field=models.CharField(),
                    ),
                    "object",
                ),
                name="methodology_data_centre_readings_mapping",
            ),
        ]

    def __str__(self) -> str:
        return self.identifier

    @property
    def identifier(self) -> str:
        return f"{self.code}-{self.version}"


class Parameter(models.Model):
    """An input of a methodology's calculation, in its unit."""

    class Kind(models.TextChoices):
        FIXED = "fixed", _("Fixed by the methodology")
        EX_ANTE = "ex_ante", _("Set at design (ex ante)")
        MONITORED = "monitored", _("Monitored per period")

    methodology = models.ForeignKey(
        Methodology, on_delete=models.PROTECT, related_name="parameters"
    )
    position = models.PositiveSmallIntegerField()
    symbol = models.CharField(max_length=64)
    name = models.CharField(max_length=300)
    unit = models.CharField(max_length=64)
    kind = models.CharField(max_length=16, choices=Kind)
    series = models.BooleanField(
        default=False, help_text="A monitored series: one value per sub-period, summed with sum()."
    )
    default = models.DecimalField(max_digits=40, decimal_places=15, null=True, blank=True)
    minimum = models.DecimalField(max_digits=40, decimal_places=15, null=True, blank=True)
    maximum = models.DecimalField(max_digits=40, decimal_places=15, null=True, blank=True)
    description = models.TextField(blank=True)
    source = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["methodology_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["methodology", "symbol"], name="parameter_symbol_unique"
            ),
            models.UniqueConstraint(
                fields=["methodology", "position"], name="parameter_position_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(minimum__isnull=True)
                | models.Q(maximum__isnull=True)
                | models.Q(minimum__lte=models.F("maximum")),
                name="parameter_bounds_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.symbol} [{self.unit}]"


class Equation(models.Model):
    """`symbol = expression`, whose result is converted to `unit`."""

    methodology = models.ForeignKey(Methodology, on_delete=models.PROTECT, related_name="equations")
    position = models.PositiveSmallIntegerField()
    symbol = models.CharField(max_length=64)
    expression = models.TextField()
    unit = models.CharField(max_length=64)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["methodology_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["methodology", "symbol"], name="equation_symbol_unique"
            ),
            models.UniqueConstraint(
                fields=["methodology", "position"], name="equation_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.symbol} = {self.expression}"


class EmissionFactor(TimeStampedModel):
    """A published grid emission factor, addressed by (series, region, data year).

    The series must not be mixed (see reference_data/README.md): the national and regional
    averages for location-based accounting, the national average without market-traded
    non-fossil power for the residual mix, and the emissions-trading grid factor.
    """

    series = models.CharField(max_length=64)
    region = models.CharField(max_length=32)
    data_year = models.PositiveSmallIntegerField()
    value = models.DecimalField(max_digits=20, decimal_places=6)
    unit = models.CharField(max_length=32)
    published = models.CharField(max_length=10, help_text="Publication date, as precise as known.")
    source = models.CharField(max_length=500)
    confidence = models.CharField(max_length=16)

    class Meta:
        ordering = ["series", "region", "data_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "region", "data_year"], name="emission_factor_address"
            ),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="emission_factor_value"),
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.region} {self.data_year}: {self.value} {self.unit}"


class GlobalWarmingPotential(TimeStampedModel):
    """A 100-year GWP of one gas in one IPCC assessment report's set."""

    set = models.CharField(max_length=16)
    gas = models.CharField(max_length=32)
    value = models.DecimalField(max_digits=12, decimal_places=3)
    source = models.CharField(max_length=500)

    class Meta:
        ordering = ["set", "gas"]
        constraints = [
            models.UniqueConstraint(fields=["set", "gas"], name="gwp_set_gas"),
            models.CheckConstraint(condition=models.Q(value__gt=0), name="gwp_value_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.set} {self.gas}: {self.value}"


class ProvinceGridRegion(TimeStampedModel):
    """Which regional grid a province, or the part of one named in `area`, belongs to (Inner
    Mongolia is split between two grids). The location-based factor of a data centre is its
    grid region's."""

    area = models.CharField(
        max_length=64, help_text='As the reference data names it: "Inner Mongolia (west)".'
    )
    province = models.CharField(max_length=32, choices=Province)
    grid_region = models.CharField(max_length=32)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["province", "area"]
        constraints = [
            models.UniqueConstraint(fields=["area"], name="province_grid_region_area"),
            models.CheckConstraint(
                condition=models.Q(province__in=Province.values),
                name="province_grid_region_province_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area}: {self.grid_region}"


class EfficiencyTier(TimeStampedModel):
    """A PUE threshold of a scheme: a grade of GB 40879-2021, a policy target, a reference
    point. A data centre meets it when its PUE does not exceed `pue_max`."""

    scheme = models.CharField(max_length=64)
    tier = models.CharField(max_length=64)
    pue_max = models.DecimalField(max_digits=6, decimal_places=3)
    source = models.CharField(max_length=500)
    confidence = models.CharField(max_length=16)

    class Meta:
        ordering = ["scheme", "pue_max", "tier"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "tier"], name="efficiency_tier_address"),
            # PUE is total over IT energy, never below 1.
            models.CheckConstraint(
                condition=models.Q(pue_max__gte=1), name="efficiency_tier_pue_at_least_one"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme} {self.tier}: PUE {self.pue_max}"


class EnergyConversion(TimeStampedModel):
    """Kilograms of standard coal equivalent per unit of an energy carrier (GB/T 2589)."""

    carrier = models.CharField(max_length=32)
    unit = models.CharField(max_length=16)
    kgce_per_unit = models.DecimalField(max_digits=12, decimal_places=6)
    source = models.CharField(max_length=500)
    confidence = models.CharField(max_length=16)

    class Meta:
        ordering = ["carrier", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["carrier", "unit"], name="energy_conversion_address"),
            models.CheckConstraint(
                condition=models.Q(kgce_per_unit__gt=0), name="energy_conversion_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.carrier}: {self.kgce_per_unit} kgce/{self.unit}"
