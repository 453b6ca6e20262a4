"""Data centres, their meter readings, and the green certificates claimed for them.

A reading covers a half-open period [period_start, period_end): January is 2025-01-01 to
2025-02-01, and the current readings of one data centre never overlap. A correction is a new
reading of exactly the same period that supersedes the one before, which keeps its row: the
history is never edited. A reading stores its figures (ISO/IEC 30134 PUE, REF, CUE, WUE, the dual
Scope 2 emissions, the energy for assessment, the tier), so that totals are sums of columns; the
figures made with a stand-in factor are recomputed when the factor of their year is published.
"""

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models

from accounts.models import Organization
from certificates.models import CertificateClaim
from core.models import DateRange, TimeStampedModel
from core.provinces import Province

# One green electricity certificate stands for 1,000 kWh (NEA 2024 rules for GEC issuance): the
# unit the certificate is defined in, not a policy figure.
KWH_PER_CERTIFICATE = 1000


class NewYearAfter(models.Func):
    """`make_date(year of the date + 1, 1, 1)`: the first day after the date's calendar year."""

    template = "make_date(CAST(EXTRACT(YEAR FROM %(expressions)s) AS integer) + 1, 1, 1)"
    output_field = models.DateField()


class DataCentre(TimeStampedModel):
    """A data centre of a company, private to it, operators and regulators. Its grid region is
    its province's (or, where a province lies in two regional grids, the part it stands in), from
    the reference data when it was registered."""

    owner = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="data_centres")
    name = models.CharField(max_length=200)
    province = models.CharField(max_length=32, choices=Province)
    grid_region = models.CharField(max_length=32)
    hub_node = models.BooleanField(
        default=False, help_text="In a national hub-node cluster (East Data West Computing)."
    )
    commissioned_on = models.DateField(null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="data_centre_name_per_owner"),
            models.CheckConstraint(
                condition=models.Q(province__in=Province.values),
                name="data_centre_province_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


# The columns a reading derives from its measured values and the reference data, recomputed
# while it is current; the database lets only those that depend on the reference data change
# (migration 0002).
FIGURE_FIELDS = (
    "green_energy_kwh",
    "grid_energy_kwh",
    "pue",
    "renewable_share",
    "location_based_tco2e",
    "market_based_tco2e",
    "energy_for_assessment_kwh",
    "energy_for_assessment_tce",
    "cue",
    "cue_market_based",
    "wue",
    "location_series",
    "location_region",
    "location_factor_year",
    "location_factor",
    "location_provisional",
    "market_series",
    "market_region",
    "market_factor_year",
    "market_factor",
    "market_provisional",
    "tier",
)


class Reading(TimeStampedModel):
    """The meters of one data centre over [period_start, period_end), within one calendar year
    (period_end may be the next 1 January): the reading's year is period_start's. Its measured
    values never change; a correction supersedes it (`superseded_at`, and the correction's
    `supersedes`), and then nothing of it changes again."""

    data_centre = models.ForeignKey(DataCentre, on_delete=models.PROTECT, related_name="readings")
    period_start = models.DateField(help_text="The first day of the period.")
    period_end = models.DateField(help_text="The day after the last day of the period.")
    total_energy_kwh = models.DecimalField(max_digits=20, decimal_places=3)
    it_energy_kwh = models.DecimalField(max_digits=20, decimal_places=3)
    onsite_renewable_kwh = models.DecimalField(max_digits=20, decimal_places=3, default=0)
    water_m3 = models.DecimalField(max_digits=20, decimal_places=3, null=True, blank=True)
    certificates_quantity = models.BigIntegerField(
        default=0,
        help_text="Green certificates claimed for the period, with this reading and the ones it "
        "corrects; one certificate is 1,000 kWh.",
    )
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    superseded_at = models.DateTimeField(
        null=True, blank=True, help_text="When a correction superseded it; empty while current."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # Figures (FIGURE_FIELDS).
    green_energy_kwh = models.DecimalField(
        max_digits=22, decimal_places=3, help_text="On-site renewables plus certificates."
    )
    grid_energy_kwh = models.DecimalField(
        max_digits=22, decimal_places=3, help_text="Total minus on-site renewables."
    )
    pue = models.DecimalField(max_digits=14, decimal_places=6)
    renewable_share = models.DecimalField(max_digits=9, decimal_places=6)
    location_based_tco2e = models.DecimalField(max_digits=26, decimal_places=6)
    market_based_tco2e = models.DecimalField(max_digits=26, decimal_places=6)
    energy_for_assessment_kwh = models.DecimalField(max_digits=22, decimal_places=3)
    energy_for_assessment_tce = models.DecimalField(max_digits=26, decimal_places=6)
    cue = models.DecimalField(
        max_digits=16, decimal_places=6, help_text="Location-based kgCO2e per kWh of IT energy."
    )
    cue_market_based = models.DecimalField(
        max_digits=16, decimal_places=6, help_text="Market-based kgCO2e per kWh of IT energy."
    )
    wue = models.DecimalField(
        max_digits=16,
        decimal_places=6,
        null=True,
        blank=True,
        help_text="Litres of water per kWh of IT energy.",
    )
    location_series = models.CharField(max_length=64)
    location_region = models.CharField(max_length=32)
    location_factor_year = models.PositiveSmallIntegerField()
    location_factor = models.DecimalField(max_digits=20, decimal_places=6, help_text="kgCO2/kWh.")
    location_provisional = models.BooleanField()
    market_series = models.CharField(max_length=64)
    market_region = models.CharField(max_length=32)
    market_factor_year = models.PositiveSmallIntegerField()
    market_factor = models.DecimalField(max_digits=20, decimal_places=6, help_text="kgCO2/kWh.")
    market_provisional = models.BooleanField()
    tier = models.CharField(max_length=64)

    class Meta:
        ordering = ["data_centre_id", "-period_start", "-id"]
        indexes = [
            models.Index(
                fields=["data_centre", "period_start"],
                condition=models.Q(superseded_at__isnull=True),
                name="reading_current_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gt=models.F("period_start")),
                name="reading_period_not_empty",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__lte=NewYearAfter("period_start")),
                name="reading_within_one_year",
            ),
            # IT energy is part of the total, and PUE divides by it.
            models.CheckConstraint(
                condition=models.Q(
                    it_energy_kwh__gt=0, it_energy_kwh__lte=models.F("total_energy_kwh")
                ),
                name="reading_it_energy_within_total",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    onsite_renewable_kwh__gte=0,
                    onsite_renewable_kwh__lte=models.F("total_energy_kwh"),
                ),
                name="reading_onsite_renewable_within_total",
            ),
            models.CheckConstraint(
                condition=models.Q(water_m3__isnull=True) | models.Q(water_m3__gte=0),
                name="reading_water_not_negative",
            ),
            # Certificates back grid electricity only, never more of it than was taken.
            models.CheckConstraint(
                condition=models.Q(
                    certificates_quantity__gte=0,
                    grid_energy_kwh__gte=models.F("certificates_quantity") * KWH_PER_CERTIFICATE,
                ),
                name="reading_certificates_within_grid_energy",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    grid_energy_kwh=models.F("total_energy_kwh") - models.F("onsite_renewable_kwh"),
                    green_energy_kwh=models.F("onsite_renewable_kwh")
                    + models.F("certificates_quantity") * KWH_PER_CERTIFICATE,
                ),
                name="reading_grid_and_green_energy_add_up",
            ),
            # The current readings of a data centre never overlap; superseded ones are history.
            ExclusionConstraint(
                name="readings_do_not_overlap",
                expressions=[
                    ("data_centre", RangeOperators.EQUAL),
                    (DateRange("period_start", "period_end", "[)"), RangeOperators.OVERLAPS),
                ],
                condition=models.Q(superseded_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.data_centre} {self.period_start} to {self.period_end}"

    @property
    def current(self) -> bool:
        return self.superseded_at is None

    @property
    def year(self) -> int:
        return self.period_start.year

    @property
    def provisional(self) -> bool:
        """A factor stood in for one its year does not have yet."""
        return self.location_provisional or self.market_provisional

    @property
    def factor_year(self) -> int:
        """The data year of the factors used: the older, should the two differ."""
        return min(self.location_factor_year, self.market_factor_year)


class ReadingClaim(TimeStampedModel):
    """Green certificates claimed for a data centre's electricity with a reading, for its
    period. They count for every later correction of that period too, and never move again.
    Appended, never changed."""

    reading = models.ForeignKey(Reading, on_delete=models.PROTECT, related_name="claims")
    claim = models.OneToOneField(
        CertificateClaim, on_delete=models.PROTECT, related_name="reading_claim"
    )
    named_block = models.BigIntegerField(
        help_text="The block the request named; the claimed certificates are split off it."
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"claim {self.claim_id} for reading {self.reading_id}"


class DataCentreYear(models.Model):
    """A data centre's sums over the current readings of one year (by period_start's year), and
    the tier of their PUE (Σtotal / ΣIT): the statistics add up one row per data centre instead
    of its dozen readings. Derived, never written but by `compute.services.summaries`, in the
    transaction that records, corrects or recomputes a reading of the year."""

    data_centre = models.ForeignKey(DataCentre, on_delete=models.PROTECT, related_name="year_sums")
    year = models.PositiveSmallIntegerField()
    readings = models.PositiveIntegerField()
    total_energy_kwh = models.DecimalField(max_digits=24, decimal_places=3)
    it_energy_kwh = models.DecimalField(max_digits=24, decimal_places=3)
    green_energy_kwh = models.DecimalField(max_digits=24, decimal_places=3)
    location_based_tco2e = models.DecimalField(max_digits=28, decimal_places=6)
    market_based_tco2e = models.DecimalField(max_digits=28, decimal_places=6)
    energy_for_assessment_kwh = models.DecimalField(max_digits=24, decimal_places=3)
    tier = models.CharField(max_length=64)

    class Meta:
        ordering = ["data_centre_id", "year"]
        constraints = [
            # The year leads: the statistics read one year's rows, and the latest year.
            models.UniqueConstraint(fields=["year", "data_centre"], name="data_centre_year_once"),
            models.CheckConstraint(
                condition=models.Q(
                    readings__gte=1,
                    it_energy_kwh__gt=0,
                    it_energy_kwh__lte=models.F("total_energy_kwh"),
                ),
                name="data_centre_year_sums_possible",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.data_centre} {self.year}"


# AI workloads live in their own module; imported here so that Django finds the model.
from compute.workloads import Workload, WorkloadTask  # noqa: E402, F401
