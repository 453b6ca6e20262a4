"""Projects and their monitoring reports (reduction claims), with their lifecycle history."""

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from compute.models import DataCentre
from core.models import DateRange, TimeStampedModel
from core.provinces import Province
from core.sectors import Sector
from methodologies.models import Methodology

# Amounts of reductions (tCO2e) are stored with this many digits, this many of them after the
# point: up to 10^18 - 1 tCO2e, to the gram. The services refuse an amount beyond it (400).
AMOUNT_DIGITS = 24
AMOUNT_DECIMAL_PLACES = 6


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLICITY = "publicity", _("Publicity")
    VALIDATION = "validation", _("Validation")
    REGISTRATION_REVIEW = "registration_review", _("Registration review")
    REGISTERED = "registered", _("Registered")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    SUSPENDED = "suspended", _("Suspended")


class Opinion(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEGATIVE = "negative", _("Negative")


class Project(TimeStampedModel):
    """A project applying one published methodology version (CCER 2023, arts. 10-16)."""

    Status = ProjectStatus

    # The lifecycle as data: action -> (states it may start from, state it leads to).
    # `validate` leads to registration review or, on a negative opinion, to rejected.
    TRANSITIONS = {
        "submit": ({ProjectStatus.DRAFT}, ProjectStatus.PUBLICITY),
        "close_publicity": ({ProjectStatus.PUBLICITY}, ProjectStatus.VALIDATION),
        "validate": ({ProjectStatus.VALIDATION}, ProjectStatus.REGISTRATION_REVIEW),
        "register": ({ProjectStatus.REGISTRATION_REVIEW}, ProjectStatus.REGISTERED),
        "reject": ({ProjectStatus.REGISTRATION_REVIEW}, ProjectStatus.REJECTED),
        "withdraw": (
            {
                ProjectStatus.DRAFT,
                ProjectStatus.PUBLICITY,
                ProjectStatus.VALIDATION,
                ProjectStatus.REGISTRATION_REVIEW,
            },
            ProjectStatus.WITHDRAWN,
        ),
    }

    proponent = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="projects")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    methodology = models.ForeignKey(Methodology, on_delete=models.PROTECT, related_name="projects")
    sector = models.CharField(max_length=32, choices=Sector)
    province = models.CharField(max_length=32, choices=Province)
    location = models.CharField(max_length=300, blank=True)
    construction_start = models.DateField()
    crediting_period_start = models.DateField()
    crediting_period_end = models.DateField()
    parameters = models.JSONField(default=dict, blank=True)
    generator_code = models.CharField(
        max_length=64,
        blank=True,
        help_text="The national GEC system's code of the project's power plant, where its "
        "methodology's electricity also earns green certificates (the GEC-CCER link); else empty.",
    )
    data_centre = models.ForeignKey(
        DataCentre,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
        help_text="The proponent's data centre whose readings give the monitored parameters of "
        "the project's reports, where its methodology takes them from readings "
        "(`Methodology.data_centre_readings`, CR-DC-001); else empty. Fixed once created.",
    )
    estimated_annual_reductions = models.DecimalField(
        max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_DECIMAL_PLACES
    )
    estimate_trace = models.JSONField(default=dict, blank=True)
    verifier = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="validation_engagements"
    )
    status = models.CharField(max_length=24, choices=ProjectStatus, default=ProjectStatus.DRAFT)
    submitted_on = models.DateField(null=True, blank=True)
    publicity_ends_on = models.DateField(null=True, blank=True)
    publicity_end_provisional = models.BooleanField(default=False)
    validation_opinion = models.CharField(max_length=16, choices=Opinion, blank=True)
    validation_report = models.TextField(blank=True)
    validated_on = models.DateField(null=True, blank=True)
    review_due_on = models.DateField(null=True, blank=True)
    review_due_provisional = models.BooleanField(default=False)
    registered_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "publicity_ends_on"], name="project_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ProjectStatus.values), name="project_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(crediting_period_end__gt=models.F("crediting_period_start")),
                name="project_crediting_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "withdrawn"])
                | models.Q(publicity_ends_on__isnull=False),
                name="project_submitted_has_publicity_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        """The project number a person quotes."""
        return self.reference_of(self.pk)

    @staticmethod
    def reference_of(pk: int) -> str:
        return f"P{pk:06d}"


class MonitoringReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLICITY = "publicity", _("Publicity")
    VERIFICATION = "verification", _("Verification")
    ISSUANCE_REVIEW = "issuance_review", _("Issuance review")
    ISSUED = "issued", _("Issued")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class MonitoringReport(TimeStampedModel):
    """A reduction claim for one monitoring period, computed by the methodology engine."""

    Status = MonitoringReportStatus

    TRANSITIONS = {
        "submit": ({MonitoringReportStatus.DRAFT}, MonitoringReportStatus.PUBLICITY),
        "close_publicity": (
            {MonitoringReportStatus.PUBLICITY},
            MonitoringReportStatus.VERIFICATION,
        ),
        "verify": ({MonitoringReportStatus.VERIFICATION}, MonitoringReportStatus.ISSUANCE_REVIEW),
        "issue": ({MonitoringReportStatus.ISSUANCE_REVIEW}, MonitoringReportStatus.ISSUED),
        "reject": ({MonitoringReportStatus.ISSUANCE_REVIEW}, MonitoringReportStatus.REJECTED),
        "withdraw": (
            {
                MonitoringReportStatus.DRAFT,
                MonitoringReportStatus.PUBLICITY,
                MonitoringReportStatus.VERIFICATION,
                MonitoringReportStatus.ISSUANCE_REVIEW,
            },
            MonitoringReportStatus.WITHDRAWN,
        ),
    }
    # Reports in these states no longer claim their period, so it may be claimed again.
    RELEASED = (MonitoringReportStatus.REJECTED, MonitoringReportStatus.WITHDRAWN)

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="reports")
    period_start = models.DateField()
    period_end = models.DateField()
    parameters = models.JSONField(default=dict, blank=True)
    claimed_reductions = models.DecimalField(
        max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_DECIMAL_PLACES
    )
    calculation_trace = models.JSONField(default=dict, blank=True)
    certificate_electricity_mwh = models.DecimalField(
        max_digits=AMOUNT_DIGITS,
        decimal_places=AMOUNT_DECIMAL_PLACES,
        null=True,
        blank=True,
        help_text="The net electricity (MWh, rounded up to the column's places) the claim "
        "credits where the GEC-CCER link governs its period: as many frozen green certificates "
        "are cancelled, rounded up to whole ones, when its credits are issued. Null where the "
        "link does not govern the period.",
    )
    verifier = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="verification_engagements"
    )
    status = models.CharField(
        max_length=24, choices=MonitoringReportStatus, default=MonitoringReportStatus.DRAFT
    )
    submitted_on = models.DateField(null=True, blank=True)
    publicity_ends_on = models.DateField(null=True, blank=True)
    publicity_end_provisional = models.BooleanField(default=False)
    verification_opinion = models.CharField(max_length=16, choices=Opinion, blank=True)
    verification_report = models.TextField(blank=True)
    verified_reductions = models.DecimalField(
        max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_DECIMAL_PLACES, null=True, blank=True
    )
    verified_on = models.DateField(null=True, blank=True)
    review_due_on = models.DateField(null=True, blank=True)
    review_due_provisional = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "publicity_ends_on"], name="report_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=MonitoringReportStatus.values),
                name="report_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="report_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(claimed_reductions__gte=0), name="report_claim_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(certificate_electricity_mwh__isnull=True)
                | models.Q(certificate_electricity_mwh__gte=0),
                name="report_certificate_electricity_not_negative",
            ),
            # CCER 2023: the verified amount never exceeds the amount claimed.
            models.CheckConstraint(
                condition=models.Q(verified_reductions__isnull=True)
                | models.Q(
                    verified_reductions__gte=0,
                    verified_reductions__lte=models.F("claimed_reductions"),
                ),
                name="report_verified_within_claim",
            ),
            # The live reports of one project never cover the same day; a rejected or
            # withdrawn report releases its period.
            ExclusionConstraint(
                name="report_periods_do_not_overlap",
                expressions=[
                    ("project", RangeOperators.EQUAL),
                    (DateRange("period_start", "period_end"), RangeOperators.OVERLAPS),
                ],
                condition=~models.Q(status__in=["rejected", "withdrawn"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.period_start}–{self.period_end}"

    @property
    def reference(self) -> str:
        return f"M{self.pk:06d}"


class TransitionAction(models.TextChoices):
    """The acts a lifecycle's history records (`TransitionRecord.action`), named for a reader."""

    CREATE = "create", _("Created")
    SUBMIT = "submit", _("Submitted")
    CLOSE_PUBLICITY = "close_publicity", _("Publicity closed")
    VALIDATE = "validate", _("Validated")
    REGISTER = "register", _("Registered")
    VERIFY = "verify", _("Verified")
    ISSUE = "issue", _("Issued")
    REJECT = "reject", _("Rejected")
    WITHDRAW = "withdraw", _("Withdrawn")
    SUSPEND = "suspend", _("Suspended")


class TransitionRecord(models.Model):
    """One move of a lifecycle: who, when, from which state to which, with a note."""

    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=24)
    to_status = models.CharField(max_length=24)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    occurred_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["occurred_at", "id"]


class ProjectTransition(TransitionRecord):
    """A history row of a project."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="history")

    class Meta(TransitionRecord.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.project.reference}: {self.from_status} → {self.to_status}"


class MonitoringReportTransition(TransitionRecord):
    """A history row of a monitoring report."""

    report = models.ForeignKey(MonitoringReport, on_delete=models.PROTECT, related_name="history")

    class Meta(TransitionRecord.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.report.reference}: {self.from_status} → {self.to_status}"


class ProjectComment(TimeStampedModel):
    """A public comment on a project's design document during its publicity period."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author_name = models.CharField(max_length=150, blank=True)
    text = models.TextField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"comment on {self.project.reference}"


class DocumentKind(models.TextChoices):
    DESIGN_DOCUMENT = "design_document", _("Project design document")
    MONITORING_PLAN = "monitoring_plan", _("Monitoring plan")
    VALIDATION_REPORT = "validation_report", _("Validation report")
    MONITORING_REPORT = "monitoring_report", _("Monitoring report")
    VERIFICATION_REPORT = "verification_report", _("Verification report")
    EVIDENCE = "evidence", _("Supporting evidence")


class Document(models.Model):
    """A file attached to a project or one of its monitoring reports (`report` set), stored
    under its SHA-256 (`core.files`). Append-only: a new upload of a kind supersedes the
    current one, which stays listed with `superseded_by`; on PostgreSQL a trigger refuses any
    other UPDATE, and DELETE and TRUNCATE. Supporting evidence accumulates, never superseded."""

    Kind = DocumentKind

    # What each object carries. The validation opinion is the project's and the verification
    # opinion the report's, so their signed reports are attached there.
    PROJECT_KINDS = (
        DocumentKind.DESIGN_DOCUMENT,
        DocumentKind.MONITORING_PLAN,
        DocumentKind.VALIDATION_REPORT,
        DocumentKind.EVIDENCE,
    )
    REPORT_KINDS = (
        DocumentKind.MONITORING_REPORT,
        DocumentKind.VERIFICATION_REPORT,
        DocumentKind.EVIDENCE,
    )

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="documents")
    report = models.ForeignKey(
        MonitoringReport,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    kind = models.CharField(max_length=24, choices=DocumentKind)
    filename = models.CharField(max_length=255, help_text="The name it was uploaded with.")
    content_type = models.CharField(max_length=100, help_text="The type read from its bytes.")
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=200, help_text="Where the bytes are stored.")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    superseded_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes"
    )

    class Meta:
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    report__isnull=True,
                    kind__in=[
                        "design_document",
                        "monitoring_plan",
                        "validation_report",
                        "evidence",
                    ],
                )
                | models.Q(
                    report__isnull=False,
                    kind__in=["monitoring_report", "verification_report", "evidence"],
                ),
                name="document_kind_fits_object",
            ),
            models.CheckConstraint(condition=models.Q(size__gt=0), name="document_not_empty"),
            models.CheckConstraint(
                condition=models.Q(sha256__regex=r"^[0-9a-f]{64}$"), name="document_sha256_hex"
            ),
            models.CheckConstraint(
                condition=~models.Q(superseded_by=models.F("id")),
                name="document_not_superseded_by_itself",
            ),
            # One current document of each kind per object (evidence aside).
            models.UniqueConstraint(
                fields=["project", "kind"],
                condition=models.Q(report__isnull=True, superseded_by__isnull=True)
                & ~models.Q(kind="evidence"),
                name="document_one_current_per_project_kind",
            ),
            models.UniqueConstraint(
                fields=["report", "kind"],
                condition=models.Q(report__isnull=False, superseded_by__isnull=True)
                & ~models.Q(kind="evidence"),
                name="document_one_current_per_report_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.filename} ({self.sha256[:12]})"
