"""Input and output shapes of the compute accounting API. Serializers parse; services decide.
Figures are stored to the Wh and the gram, and answered rounded: PUE to 3 places, tonnes of
CO2e and of coal equivalent to the kilogram, energy to the Wh, decimals as strings."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from certificates.api.serializers import RowProblemSerializer
from compute.figures import YearFigures
from compute.models import DataCentre, Reading, ReadingClaim
from compute.reference import ChosenFactor
from core.provinces import Province

PERIOD_START_HELP = (
    "The first day of the period. Periods are half-open: [period_start, period_end)."
)
PERIOD_END_HELP = (
    "The day after the period's last day: January 2025 is 2025-01-01 to 2025-02-01. A reading "
    "lies within one calendar year (period_end at most the next 1 January), the year of "
    "period_start; a reading of exactly the period of a current one corrects it."
)
PROVISIONAL_HELP = (
    "True where a factor stood in for the year's own, not published yet (the latest year "
    "before it, or the earliest for a year before any): recomputed, and audited, when the "
    "year's factor is added."
)
FACTOR_YEAR_HELP = (
    "The data year of the emission factors used (the older one, should the location-based and "
    "the residual factor differ)."
)


@extend_schema_field({"type": "string", "format": "decimal", "example": "1.25"})
class Rounded(serializers.Field):
    """A decimal rounded to `places` and written as a plain string without trailing zeros."""

    def __init__(self, places: int, **kwargs: Any) -> None:
        self.quantum = Decimal(1).scaleb(-places)
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Decimal) -> str:
        rounded = Decimal(value).quantize(self.quantum, rounding=ROUND_HALF_UP)
        return format(rounded.normalize(), "f")


def energy(**kwargs: Any) -> Rounded:
    return Rounded(3, **kwargs)


def tonnes(**kwargs: Any) -> Rounded:
    return Rounded(3, **kwargs)


def ratio(**kwargs: Any) -> Rounded:
    return Rounded(4, **kwargs)


class DataCentreInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    province = serializers.ChoiceField(choices=Province.choices)
    hub_node = serializers.BooleanField(required=False, default=False)
    commissioned_on = serializers.DateField(required=False, allow_null=True, default=None)
    grid_region = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        default="",
        help_text="Only where the province lies in more than one regional grid (Inner "
        "Mongolia: CN-North in the west, CN-Northeast in the east).",
    )


class FactorSerializer(serializers.Serializer):
    """An emission factor as used: which series, region and data year, in kgCO2/kWh."""

    series = serializers.CharField()
    region = serializers.CharField()
    factor_year = serializers.IntegerField()
    factor = Rounded(6, source="value", help_text="kgCO2/kWh")
    provisional = serializers.BooleanField(help_text=PROVISIONAL_HELP)


class ThresholdSerializer(serializers.Serializer):
    scheme = serializers.CharField()
    tier = serializers.CharField()
    pue_max = Rounded(3)
    met = serializers.BooleanField(help_text="The PUE does not exceed pue_max.")


class YearFiguresSerializer(serializers.Serializer):
    """A data centre's figures over the current readings of one year: sums, and ratios of the
    sums (energy-weighted, never a mean of the readings' ratios)."""

    year = serializers.IntegerField(help_text="The year of the readings' period_start.")
    readings = serializers.IntegerField(help_text="Current readings of the year.")
    total_energy_kwh = energy()
    it_energy_kwh = energy()
    onsite_renewable_kwh = energy()
    green_energy_kwh = energy(help_text="On-site renewables plus certificates x 1,000 kWh.")
    grid_energy_kwh = energy(help_text="Total minus on-site renewables.")
    certificates_quantity = serializers.IntegerField()
    water_m3 = energy(allow_null=True, help_text="Where every reading of the year gives it.")
    pue = Rounded(3, help_text="Σ total / Σ IT energy (ISO/IEC 30134-2).")
    renewable_share = ratio(help_text="Σ green / Σ total energy (REF, ISO/IEC 30134-3).")
    cue = ratio(help_text="Location-based kgCO2e per IT kWh (ISO/IEC 30134-8).")
    cue_market_based = ratio(help_text="Market-based kgCO2e per IT kWh.")
    wue = ratio(allow_null=True, help_text="Litres of water per IT kWh (ISO/IEC 30134-9).")
    location_based_tco2e = tonnes()
    market_based_tco2e = tonnes()
    energy_for_assessment_kwh = energy(help_text="Total minus renewable electricity.")
    energy_for_assessment_tce = tonnes(help_text="Tonnes of standard coal equivalent.")
    factor_year = serializers.IntegerField(help_text=FACTOR_YEAR_HELP)
    provisional = serializers.BooleanField(help_text=PROVISIONAL_HELP)
    location_based = FactorSerializer(source="location_factor")
    market_based = FactorSerializer(source="market_factor")
    tier = serializers.CharField(
        help_text='The best grade of tier_scheme the yearly PUE meets, or "fails the limit value".'
    )
    tier_scheme = serializers.CharField()
    targets = ThresholdSerializer(many=True, help_text="Policy targets and reference points.")


class DataCentreSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.name", read_only=True)

    class Meta:
        model = DataCentre
        fields = ["id", "name", "owner", "owner_name", "province", "grid_region", "hub_node",
                  "commissioned_on", "created_at"]  # fmt: skip
        read_only_fields = fields


class DataCentreDetailSerializer(DataCentreSerializer):
    """With the figures of its latest year (or of `?year=`), null without readings."""

    figures = serializers.SerializerMethodField()

    class Meta(DataCentreSerializer.Meta):
        fields = [*DataCentreSerializer.Meta.fields, "figures"]
        read_only_fields = fields

    @extend_schema_field(YearFiguresSerializer(allow_null=True))
    def get_figures(self, data_centre: DataCentre) -> dict | None:
        figures: YearFigures | None = self.context.get("figures")
        return None if figures is None else YearFiguresSerializer(figures).data


class CertificateRequestSerializer(serializers.Serializer):
    block = serializers.IntegerField(min_value=1, help_text="A certificate block of the owner.")
    quantity = serializers.IntegerField(min_value=1, help_text="Certificates (1,000 kWh each).")


class ReadingInputSerializer(serializers.Serializer):
    period_start = serializers.DateField(help_text=PERIOD_START_HELP)
    period_end = serializers.DateField(help_text=PERIOD_END_HELP)
    total_energy_kwh = serializers.DecimalField(max_digits=20, decimal_places=3)
    it_energy_kwh = serializers.DecimalField(max_digits=20, decimal_places=3)
    onsite_renewable_kwh = serializers.DecimalField(
        max_digits=20, decimal_places=3, required=False, default=Decimal(0)
    )
    certificates = CertificateRequestSerializer(
        many=True,
        required=False,
        default=list,
        help_text="Green certificates of the owner claimed for the period, in the same "
        "transaction: all or none.",
    )
    water_m3 = serializers.DecimalField(
        max_digits=20, decimal_places=3, required=False, allow_null=True, default=None
    )


class ReadingClaimSerializer(serializers.Serializer):
    claim = serializers.IntegerField(source="claim_id")
    block = serializers.IntegerField(source="claim.block_id", help_text="The claimed block.")
    serial = serializers.CharField(source="claim.block.serial")
    quantity = serializers.IntegerField(source="claim.quantity")


def _factor(reading: Reading, role: str) -> ChosenFactor:
    return ChosenFactor(
        series=getattr(reading, f"{role}_series"),
        region=getattr(reading, f"{role}_region"),
        factor_year=getattr(reading, f"{role}_factor_year"),
        value=getattr(reading, f"{role}_factor"),
        provisional=getattr(reading, f"{role}_provisional"),
    )


class ReadingSerializer(serializers.ModelSerializer):
    """A reading and its figures. `certificates` are the claims it counts: its own and those of
    the readings of its period it corrects."""

    total_energy_kwh = energy()
    it_energy_kwh = energy()
    onsite_renewable_kwh = energy()
    water_m3 = energy(allow_null=True)
    certificates = serializers.SerializerMethodField()
    green_energy_kwh = energy()
    grid_energy_kwh = energy()
    pue = Rounded(3, help_text="Total / IT energy (ISO/IEC 30134-2).")
    renewable_share = ratio(help_text="Green / total energy (REF, ISO/IEC 30134-3).")
    cue = ratio(help_text="Location-based kgCO2e per IT kWh (ISO/IEC 30134-8).")
    cue_market_based = ratio(help_text="Market-based kgCO2e per IT kWh.")
    wue = ratio(allow_null=True, help_text="Litres of water per IT kWh (ISO/IEC 30134-9).")
    location_based_tco2e = tonnes()
    market_based_tco2e = tonnes()
    energy_for_assessment_kwh = energy()
    energy_for_assessment_tce = tonnes()
    factor_year = serializers.IntegerField(read_only=True, help_text=FACTOR_YEAR_HELP)
    provisional = serializers.BooleanField(read_only=True, help_text=PROVISIONAL_HELP)
    location_based = serializers.SerializerMethodField()
    market_based = serializers.SerializerMethodField()
    current = serializers.BooleanField(read_only=True, help_text="Not superseded.")
    superseded_by = serializers.SerializerMethodField()

    class Meta:
        model = Reading
        fields = ["id", "data_centre", "period_start", "period_end", "total_energy_kwh",
                  "it_energy_kwh", "onsite_renewable_kwh", "water_m3", "certificates",
                  "certificates_quantity", "green_energy_kwh", "grid_energy_kwh", "pue",
                  "renewable_share", "cue", "cue_market_based", "wue", "location_based_tco2e",
                  "market_based_tco2e", "energy_for_assessment_kwh", "energy_for_assessment_tce",
                  "factor_year", "provisional", "location_based", "market_based", "tier",
                  "current", "supersedes", "superseded_by", "superseded_at",
                  "created_at"]  # fmt: skip
        read_only_fields = fields
        extra_kwargs = {
            "period_start": {"help_text": PERIOD_START_HELP},
            "period_end": {"help_text": PERIOD_END_HELP},
        }

    @extend_schema_field(ReadingClaimSerializer(many=True))
    def get_certificates(self, reading: Reading) -> list[dict]:
        claims: dict[int, list[ReadingClaim]] = self.context["claims"]
        return ReadingClaimSerializer(claims.get(reading.pk, []), many=True).data

    @extend_schema_field(FactorSerializer)
    def get_location_based(self, reading: Reading) -> dict:
        return FactorSerializer(_factor(reading, "location")).data

    @extend_schema_field(FactorSerializer)
    def get_market_based(self, reading: Reading) -> dict:
        return FactorSerializer(_factor(reading, "market")).data

    @extend_schema_field({"type": "integer", "nullable": True})
    def get_superseded_by(self, reading: Reading) -> int | None:
        """The correction that superseded it."""
        correction = getattr(reading, "superseded_by", None)
        return None if correction is None else correction.pk


class YearsQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(
        required=False, min_value=1900, max_value=2200, help_text="The year of period_start."
    )


class ReadingUploadInputSerializer(serializers.Serializer):
    """`{rows: [{column: value}]}`, one row a period; a CSV body arrives in this shape too
    (`core.parsers.CSVParser`). The service checks each cell."""

    rows = serializers.ListField(
        child=serializers.DictField(),
        allow_empty=False,
        help_text="Columns period_start, period_end (YYYY-MM-DD), total_energy_kwh, "
        "it_energy_kwh, onsite_renewable_kwh (blank: 0), water_m3 (blank: not given).",
    )


class ReadingUploadResultSerializer(serializers.Serializer):
    rows = serializers.IntegerField(help_text="rows uploaded")
    created = serializers.IntegerField(help_text="new readings")
    corrected = serializers.IntegerField(
        help_text="readings that superseded the current reading of their period"
    )
    unchanged = serializers.IntegerField(
        help_text="rows repeating the current reading of their period: nothing written"
    )


class ReadingUploadRefusalSerializer(serializers.Serializer):
    rows = RowProblemSerializer(many=True)
