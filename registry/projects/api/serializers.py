"""Input and output shapes of the registry API. Serializers parse; services decide."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Organization
from certificates import selectors as certificate_selectors
from certificates.api.serializers import PlantCertificatesSerializer
from compute import selectors as compute_selectors
from core.api import DecimalString
from core.provinces import Province
from core.sectors import Sector
from methodologies.models import Methodology
from registry.projects import selectors
from registry.projects.models import (
    AMOUNT_DECIMAL_PLACES,
    AMOUNT_DIGITS,
    MonitoringReport,
    MonitoringReportTransition,
    Opinion,
    Project,
    ProjectComment,
    ProjectTransition,
)
from registry.projects.services import reports

AMOUNT = {"max_digits": AMOUNT_DIGITS, "decimal_places": AMOUNT_DECIMAL_PLACES}


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
            "parameters", "generator_code", "data_centre", "estimated_annual_reductions",
            "estimate_trace", "verifier",
            "status", "submitted_on", "publicity_ends_on", "publicity_end_provisional",
            "validation_opinion", "validation_report", "validated_on", "review_due_on",
            "review_due_provisional", "review_overdue", "registered_on", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class ProjectDetailSerializer(ProjectSerializer):
    """One project, with the green certificates of its plant frozen for it (the GEC-CCER
    link): public, as the project is."""

    frozen_certificates = serializers.SerializerMethodField(
        help_text="Where the project's electricity also earns green certificates: its plant's "
        "certificates of the crediting period frozen at registration or import, in serial order, "
        "until they are cancelled at an issuance; empty before registration."
    )

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "frozen_certificates"]
        read_only_fields = fields

    @extend_schema_field(PlantCertificatesSerializer(many=True))
    def get_frozen_certificates(self, project: Project) -> list[dict]:
        if project.registered_on is None or not project.generator_code:
            return []
        blocks = certificate_selectors.frozen_for_plant(
            project.generator_code, project.crediting_period_start, project.crediting_period_end
        )
        return PlantCertificatesSerializer(blocks, many=True).data


@extend_schema_field(int)
class OwnDataCentreField(serializers.PrimaryKeyRelatedField):
    """A data centre the caller may see: another company's is as unknown as a missing one."""

    def get_queryset(self):
        return compute_selectors.data_centres_visible_to(self.context["request"].user)


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
    generator_code = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text="The national GEC system's code of the project's power plant: required where "
        "the methodology's electricity also earns green certificates (CCER-01-001, CCER-01-002), "
        "refused elsewhere; fixed once the project is created.",
    )
    data_centre = OwnDataCentreField(
        required=False,
        allow_null=True,
        default=None,
        help_text="One of the company's data centres, whose readings give the monitored "
        "parameters of the project's reports: required where the methodology takes them from "
        "readings (CR-DC-001: IT energy and project PUE), refused elsewhere; fixed once the "
        "project is created.",
    )


class CommentInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=10000)
    author_name = serializers.CharField(max_length=150, required=False, default="")


class CommentSerializer(serializers.ModelSerializer):
    signed_in = serializers.SerializerMethodField(
        help_text="The author was signed in: `author_name` is their username and "
        "`author_organization` their organisation. Otherwise the name is the one an anonymous "
        "author gave, unchecked."
    )
    author_organization = serializers.SerializerMethodField()

    class Meta:
        model = ProjectComment
        fields = [
            "id", "author_name", "signed_in", "author_organization", "text", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_signed_in(self, obj: ProjectComment) -> bool:
        return obj.author_id is not None

    def get_author_organization(self, obj: ProjectComment) -> str | None:
        return None if obj.author is None else obj.author.organization.name


class ValidationInputSerializer(serializers.Serializer):
    opinion = serializers.ChoiceField(choices=Opinion.choices)
    report = serializers.CharField(max_length=100000)


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
    certificate_electricity_mwh = DecimalString(
        allow_null=True,
        help_text="Under the GEC-CCER link: the net electricity (MWh) the claim credits, whose "
        "green certificates, rounded up to whole ones, are cancelled when its credits are "
        "issued; null where the link does not govern the period.",
        **AMOUNT,
    )
    data_centre = serializers.IntegerField(
        source="project.data_centre_id",
        allow_null=True,
        read_only=True,
        help_text="The project's data centre, whose current readings over the period gave the "
        "monitored values its methodology takes from readings (CR-DC-001); the readings counted "
        "are in `calculation_trace.data_centre`. Null for other methodologies.",
    )
    above_estimate = serializers.SerializerMethodField(
        help_text="The amount (verified, or claimed until verified) is above "
        "CLAIM_ABOVE_ESTIMATE_FACTOR times the project's estimate for the period: its credits "
        "are issued only on an operator's override with a reason."
    )

    class Meta:
        model = MonitoringReport
        fields = [
            "id", "reference", "project", "period_start", "period_end", "parameters",
            "claimed_reductions", "certificate_electricity_mwh", "data_centre",
            "calculation_trace", "verifier",
            "status", "submitted_on",
            "publicity_ends_on", "publicity_end_provisional", "verification_opinion",
            "verification_report", "verified_reductions", "verified_on", "review_due_on",
            "review_due_provisional", "review_overdue", "above_estimate", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_above_estimate(self, obj: MonitoringReport) -> bool:
        return reports.above_estimate(obj)


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
