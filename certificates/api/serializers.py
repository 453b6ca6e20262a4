"""Input and output shapes of the green certificate API. Serializers parse; services decide."""

from datetime import date

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from certificates.models import (
    CertificateBlock,
    CertificateCancellation,
    CertificateClaim,
    GenerationType,
)
from certificates.stats import GROUPINGS
from core.provinces import Province


@extend_schema_field({"type": "string", "example": "2024-03"})
class MonthField(serializers.Field):
    """A generation month, written YYYY-MM."""

    def to_representation(self, value: date) -> str:
        return f"{value:%Y-%m}"


class CancelledForSerializer(serializers.ModelSerializer):
    """Why a cancelled block was cancelled: the CCER issuance its electricity was credited by
    (the GEC-CCER link)."""

    cancelled_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = CertificateCancellation
        fields = ["issuance", "project_reference", "report_reference", "cancelled_at"]
        read_only_fields = fields


class CertificateBlockSerializer(serializers.ModelSerializer):
    generation_month = MonthField(read_only=True)
    holder_name = serializers.CharField(source="holder.name", read_only=True)
    cancellation = CancelledForSerializer(
        read_only=True,
        allow_null=True,
        help_text="Once cancelled for a CCER issuance (the GEC-CCER link): which; else null.",
    )

    class Meta:
        model = CertificateBlock
        fields = ["id", "serial", "serial_first", "serial_last", "quantity", "generator_code",
                  "generator_name", "generation_type", "province", "generation_month",
                  "expires_on", "tradable", "holder", "holder_name", "state",
                  "cancellation"]  # fmt: skip
        read_only_fields = fields


class PlantCertificatesSerializer(serializers.ModelSerializer):
    """Certificates of a plant as the public reads them on a project or an issuance: serials,
    plant and month, not the holder."""

    generation_month = MonthField(read_only=True)

    class Meta:
        model = CertificateBlock
        fields = ["id", "serial", "serial_first", "serial_last", "quantity", "generator_code",
                  "generator_name", "generation_type", "generation_month", "state"]  # fmt: skip
        read_only_fields = fields


class CertificateCancellationSerializer(serializers.ModelSerializer):
    """A public cancellation record: the certificates of a block cancelled at a CCER issuance,
    because the electricity they stand for was credited."""

    serial = serializers.CharField(source="block.serial", read_only=True)
    serial_first = serializers.IntegerField(source="block.serial_first", read_only=True)
    serial_last = serializers.IntegerField(source="block.serial_last", read_only=True)
    quantity = serializers.IntegerField(source="block.quantity", read_only=True)
    generator_code = serializers.CharField(source="block.generator_code", read_only=True)
    generator_name = serializers.CharField(source="block.generator_name", read_only=True)
    generation_month = MonthField(source="block.generation_month", read_only=True)
    cancelled_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = CertificateCancellation
        fields = ["block", "serial", "serial_first", "serial_last", "quantity", "generator_code",
                  "generator_name", "generation_month", "issuance", "project_reference",
                  "report_reference", "cancelled_at"]  # fmt: skip
        read_only_fields = fields


class ImportInputSerializer(serializers.Serializer):
    """`{rows: [{column: value}]}`, the rows as the national GEC system exports them; a CSV body
    arrives in this shape too (`core.parsers.CSVParser`). The service checks each cell."""

    rows = serializers.ListField(child=serializers.DictField(), allow_empty=False)


class ImportResultSerializer(serializers.Serializer):
    batch = serializers.IntegerField(source="batch.pk")
    imported = serializers.IntegerField(help_text="rows imported now")
    skipped = serializers.IntegerField(help_text="rows imported before, unchanged")
    blocks = serializers.IntegerField(help_text="blocks created")


class RowProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="1 for the first row after a CSV file's header")
    column = serializers.CharField()
    message = serializers.CharField()


class ImportRefusalSerializer(serializers.Serializer):
    rows = RowProblemSerializer(many=True)


class ClaimInputSerializer(serializers.Serializer):
    block = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    consumer = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    data_centre = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="one of the claimant's data centres that consumed the electricity; the "
        "consumer defaults to its name",
    )


class CertificateClaimSerializer(serializers.ModelSerializer):
    """A public claim record: which certificates, for whom, for which period."""

    serial = serializers.CharField(source="block.serial", read_only=True)
    serial_first = serializers.IntegerField(source="block.serial_first", read_only=True)
    serial_last = serializers.IntegerField(source="block.serial_last", read_only=True)
    generator_code = serializers.CharField(source="block.generator_code", read_only=True)
    generation_type = serializers.CharField(source="block.generation_type", read_only=True)
    province = serializers.CharField(source="block.province", read_only=True)
    generation_month = MonthField(source="block.generation_month", read_only=True)
    claimant_name = serializers.CharField(source="claimant.name", read_only=True)
    log_index = serializers.SerializerMethodField()

    class Meta:
        model = CertificateClaim
        fields = ["id", "block", "serial", "serial_first", "serial_last", "quantity",
                  "generator_code", "generation_type", "province", "generation_month",
                  "claimant", "claimant_name", "consumer", "data_centre", "period_start",
                  "period_end", "created_at", "log_index"]  # fmt: skip
        read_only_fields = fields

    def get_log_index(self, claim: CertificateClaim) -> int | None:
        """The claim's index in the transparency log, once sealed (`selectors.claims`)."""
        return getattr(claim, "log_index", None)


class CertificateTotalsQuerySerializer(serializers.Serializer):
    group_by = serializers.ChoiceField(choices=list(GROUPINGS))
    generation_type = serializers.ChoiceField(choices=GenerationType.choices, required=False)
    province = serializers.ChoiceField(choices=Province.choices, required=False)
    year = serializers.IntegerField(
        required=False, min_value=1900, max_value=2200, help_text="the year of generation"
    )


class CertificateTotalsRowSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="the group: a state, generation type or province")
    label = serializers.CharField()
    certificates = serializers.IntegerField(
        help_text="active + claimed + frozen + cancelled + expired; one certificate is 1 MWh"
    )
    active = serializers.IntegerField()
    claimed = serializers.IntegerField()
    frozen = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    expired = serializers.IntegerField()
