"""Input and output shapes of the registry API. Serializers parse; services decide."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Organization
from accounts.provinces import Province
from core.api import DecimalString
from core.sectors import Sector
from methodologies.models import Methodology
from registry import selectors
from registry.models import (
    CreditBlock,
    HoldingAccount,
    Issuance,
    MonitoringReport,
    MonitoringReportTransition,
    Movement,
    Project,
    ProjectComment,
    ProjectTransition,
    Retirement,
)
from registry.models.projects import Opinion

AMOUNT = {"max_digits": 24, "decimal_places": 6}


class AuditVerificationSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    entries = serializers.IntegerField()
    first_broken = serializers.IntegerField(allow_null=True)


class ReviewDeadlineMixin(serializers.Serializer):
    review_overdue = serializers.SerializerMethodField()

    def get_review_overdue(self, obj: Project | MonitoringReport) -> bool:
        return (
            obj.status in ("registration_review", "issuance_review")
            and obj.review_due_on is not None
            and obj.review_due_on < timezone.localdate()
        )


class ProjectSerializer(ReviewDeadlineMixin, serializers.ModelSerializer):
    methodology_identifier = serializers.CharField(source="methodology.identifier")
    proponent_name = serializers.CharField(source="proponent.name")
    estimated_annual_reductions = DecimalString(**AMOUNT)

    class Meta:
        model = Project
        fields = [
            "id", "reference", "title", "description", "proponent", "proponent_name",
            "methodology", "methodology_identifier", "sector", "province", "location",
            "construction_start", "crediting_period_start", "crediting_period_end",
            "parameters", "estimated_annual_reductions", "estimate_trace", "verifier",
            "status", "submitted_on", "publicity_ends_on", "publicity_end_provisional",
            "validation_opinion", "validation_report", "validated_on", "review_due_on",
            "review_due_provisional", "review_overdue", "registered_on", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class ProjectInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    methodology = serializers.PrimaryKeyRelatedField(
        queryset=Methodology.objects.exclude(status=Methodology.Status.DRAFT)
    )
    sector = serializers.ChoiceField(choices=Sector.choices)
    province = serializers.ChoiceField(choices=Province.choices)
    location = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    construction_start = serializers.DateField()
    crediting_period_start = serializers.DateField()
    crediting_period_end = serializers.DateField()
    parameters = serializers.DictField(child=serializers.JSONField())
    verifier = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())


class CommentInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=10000)
    author_name = serializers.CharField(max_length=150, required=False, default="")


class CommentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProjectComment
        fields = ["id", "author_name", "text", "created_at"]
        read_only_fields = fields


class ValidationInputSerializer(serializers.Serializer):
    opinion = serializers.ChoiceField(choices=Opinion.choices)
    report = serializers.CharField(max_length=100000)


class NoteInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")


class TransitionSerializer(serializers.Serializer):
    action = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)
    occurred_at = serializers.DateTimeField()
    note = serializers.CharField()

    class Meta:
        fields = ["action", "from_status", "to_status", "actor", "occurred_at", "note"]


class ProjectTransitionSerializer(TransitionSerializer):
    class Meta:
        model = ProjectTransition


class MonitoringReportTransitionSerializer(TransitionSerializer):
    class Meta:
        model = MonitoringReportTransition


class MonitoringReportSerializer(ReviewDeadlineMixin, serializers.ModelSerializer):
    claimed_reductions = DecimalString(**AMOUNT)
    verified_reductions = DecimalString(allow_null=True, **AMOUNT)

    class Meta:
        model = MonitoringReport
        fields = [
            "id", "reference", "project", "period_start", "period_end", "parameters",
            "claimed_reductions", "calculation_trace", "verifier", "status", "submitted_on",
            "publicity_ends_on", "publicity_end_provisional", "verification_opinion",
            "verification_report", "verified_reductions", "verified_on", "review_due_on",
            "review_due_provisional", "review_overdue", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


@extend_schema_field(int)
class VisibleProjectField(serializers.PrimaryKeyRelatedField):
    """A project the caller may see: another company's draft is as unknown as a missing one."""

    def get_queryset(self):
        return selectors.projects_visible_to(self.context["request"].user)


class MonitoringReportInputSerializer(serializers.Serializer):
    project = VisibleProjectField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    parameters = serializers.DictField(child=serializers.JSONField())
    verifier = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())


class VerificationInputSerializer(serializers.Serializer):
    opinion = serializers.ChoiceField(choices=Opinion.choices)
    verified_reductions = serializers.DecimalField(min_value=0, **AMOUNT)
    report = serializers.CharField(max_length=100000, required=False, allow_blank=True, default="")


class BlockSerializer(serializers.ModelSerializer):
    class Meta:
        model = CreditBlock
        fields = ["id", "serial", "first", "last", "quantity", "vintage", "project", "account",
                  "status"]  # fmt: skip
        read_only_fields = fields


class VintageSerializer(serializers.Serializer):
    vintage = serializers.IntegerField()
    first = serializers.IntegerField()
    last = serializers.IntegerField()
    quantity = serializers.IntegerField()


class IssuanceSerializer(serializers.ModelSerializer):
    project_reference = serializers.CharField(source="project.reference")
    vintages = serializers.SerializerMethodField()

    class Meta:
        model = Issuance
        fields = ["id", "project", "project_reference", "report", "quantity", "first_serial",
                  "last_serial", "vintages", "created_at"]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(VintageSerializer(many=True))
    def get_vintages(self, issuance: Issuance) -> list[dict[str, int]]:
        """Issued credits per vintage. Each vintage was issued as one contiguous range, which
        later movements only split, so its range and sum are read back from the blocks."""
        vintages: dict[int, dict[str, int]] = {}
        for block in issuance.blocks.all():
            entry = vintages.setdefault(
                block.vintage,
                {"vintage": block.vintage, "first": block.first, "last": block.last, "quantity": 0},
            )
            entry["first"] = min(entry["first"], block.first)
            entry["last"] = max(entry["last"], block.last)
            entry["quantity"] += block.quantity
        return [vintages[year] for year in sorted(vintages)]


class HoldingAccountSerializer(serializers.ModelSerializer):
    class Meta:
        model = HoldingAccount
        fields = ["id", "name", "kind", "organization", "is_default", "frozen"]
        read_only_fields = fields


@extend_schema_field(int)
class VisibleBlockField(serializers.PrimaryKeyRelatedField):
    """A block the caller may see: another holder's block is as unknown as a missing one."""

    def get_queryset(self):
        # The block alone: the service locks and reads it again, and needs nothing joined.
        return selectors.blocks_visible_to(self.context["request"].user).select_related(None)


class TransferInputSerializer(serializers.Serializer):
    block = VisibleBlockField()
    quantity = serializers.IntegerField(min_value=1)
    to_account = serializers.PrimaryKeyRelatedField(queryset=HoldingAccount.objects.all())
    note = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")


class RetirementInputSerializer(serializers.Serializer):
    block = VisibleBlockField()
    quantity = serializers.IntegerField(min_value=1)
    beneficiary = serializers.CharField(max_length=300)
    purpose = serializers.ChoiceField(choices=Retirement.Purpose.choices)
    note = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")


class CancellationInputSerializer(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=1, required=False, default=None)
    note = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")


class MovementSerializer(serializers.ModelSerializer):
    serial = serializers.CharField(source="block.serial")
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Movement
        fields = ["id", "kind", "block", "serial", "first", "last", "quantity", "from_account",
                  "to_account", "actor", "occurred_at", "note"]  # fmt: skip
        read_only_fields = fields


class RetirementSerializer(serializers.ModelSerializer):
    """A retirement certificate: public."""

    serial = serializers.CharField(source="block.serial")
    first = serializers.IntegerField(source="block.first")
    last = serializers.IntegerField(source="block.last")
    quantity = serializers.IntegerField(source="block.quantity")
    vintage = serializers.IntegerField(source="block.vintage")
    project = serializers.IntegerField(source="block.project_id")
    project_reference = serializers.CharField(source="block.project.reference")
    project_title = serializers.CharField(source="block.project.title")
    holder_name = serializers.CharField(source="holder.name")
    retired_at = serializers.DateTimeField(source="created_at")

    class Meta:
        model = Retirement
        fields = ["id", "serial", "first", "last", "quantity", "vintage", "project",
                  "project_reference", "project_title", "holder", "holder_name", "beneficiary",
                  "purpose", "note", "retired_at"]  # fmt: skip
        read_only_fields = fields


class BalanceSerializer(serializers.Serializer):
    project = serializers.IntegerField()
    vintage = serializers.IntegerField()
    active = serializers.IntegerField()
    frozen = serializers.IntegerField()


class HoldingAccountDetailSerializer(HoldingAccountSerializer):
    balances = serializers.SerializerMethodField()

    class Meta(HoldingAccountSerializer.Meta):
        fields = [*HoldingAccountSerializer.Meta.fields, "balances"]
        read_only_fields = fields

    @extend_schema_field(BalanceSerializer(many=True))
    def get_balances(self, account: HoldingAccount) -> list[dict[str, int]]:
        return self.context["balances"].get(account.pk, [])


class AccountInputSerializer(serializers.Serializer):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    name = serializers.CharField(max_length=200)
    is_default = serializers.BooleanField(default=False)
