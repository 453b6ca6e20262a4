"""The verifier's workspace: its engagements, each project or report with the documents and the
calculation trace to check, and the opinion forms (`validate_project`, `verify_report`)."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError
from registry.calendar.working_days import period_ended
from registry.projects.models import DocumentKind, MonitoringReport, Project
from registry.projects.services import projects, reports
from registry.projects.services.documents import OPINION_PENDING, current_document
from web.refusals import refused
from web.trace import trace_rows
from web.verifier import engagements
from web.verifier.forms import DocumentForm, ValidationForm, VerificationForm
from web.verifier.uploads import DocumentUploadView

PROJECT_PAGE = "web/verifier/project.html"
REPORT_PAGE = "web/verifier/report.html"
RECENT = 10


def _waiting(items, today) -> list[dict[str, Any]]:
    """Each item with whether its publicity period is over, so the opinion may be given."""
    return [{"item": item, "ready": period_ended(item.publicity_ends_on, today)} for item in items]


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Engagements awaiting the verifier's opinion, those waiting longest first, with the date
    the publicity period ends (provisional ones marked) and the time left until then; and the
    opinions it gave last."""
    user, today = request.user, timezone.localdate()
    context = {
        "projects": _waiting(engagements.projects_awaiting_opinion(user), today),
        "reports": _waiting(engagements.reports_awaiting_opinion(user), today),
        "validated": engagements.engaged_projects(user)
        .exclude(validation_opinion="")
        .order_by("-validated_on", "-pk")[:RECENT],
        "verified": engagements.engaged_reports(user)
        .exclude(verification_opinion="")
        .order_by("-verified_on", "-pk")[:RECENT],
    }
    return render(request, "web/verifier/home.html", context)


def _project(request: HttpRequest, pk: int) -> Project:
    return get_object_or_404(engagements.engaged_projects(request.user), pk=pk)


def _project_context(request: HttpRequest, project: Project, **forms: Any) -> dict[str, Any]:
    return {
        "project": project,
        "documents": engagements.documents_of(request.user, project),
        "trace": trace_rows(project.methodology, project.estimate_trace),
        "signed_report": current_document(project, DocumentKind.VALIDATION_REPORT),
        "pending": project.status in OPINION_PENDING["project"],
        "document_form": forms.get("document_form") or DocumentForm(subject=project),
        "validation_form": forms.get("validation_form") or ValidationForm(),
    }


@require_GET
def project(request: HttpRequest, pk: int) -> HttpResponse:
    """A project the verifier validates: its design, documents and estimate trace, the upload
    of its validation report and the opinion form."""
    subject = _project(request, pk)
    return render(request, PROJECT_PAGE, _project_context(request, subject))


@require_POST
def validate(request: HttpRequest, pk: int) -> HttpResponse:
    """The validation opinion, through `validate_project`."""
    subject = _project(request, pk)
    form = ValidationForm(request.POST)
    context = _project_context(request, subject, validation_form=form)
    if not form.is_valid():
        return render(request, PROJECT_PAGE, context, status=400)
    try:
        projects.validate_project(actor=request.user, project=subject, **form.cleaned_data)
    except DomainError as error:
        return refused(request, error, PROJECT_PAGE, context, form)
    messages.success(request, _("Your validation opinion is recorded."))
    return redirect("verifier:project", pk=subject.pk)


class ProjectDocumentUpload(DocumentUploadView):
    target = "project"
    template = PROJECT_PAGE
    page = "verifier:project"

    def subject(self, request: HttpRequest, pk: int) -> Project:
        return _project(request, pk)

    def context(self, request: HttpRequest, subject: Project, **forms: Any) -> dict[str, Any]:
        return _project_context(request, subject, **forms)


def _report(request: HttpRequest, pk: int) -> MonitoringReport:
    return get_object_or_404(engagements.engaged_reports(request.user), pk=pk)


def _report_context(request: HttpRequest, report: MonitoringReport, **forms: Any) -> dict:
    return {
        "report": report,
        "project": report.project,
        "documents": engagements.documents_of(request.user, report),
        "trace": trace_rows(report.project.methodology, report.calculation_trace),
        "signed_report": current_document(report, DocumentKind.VERIFICATION_REPORT),
        "pending": report.status in OPINION_PENDING["monitoring report"],
        "document_form": forms.get("document_form") or DocumentForm(subject=report),
        "verification_form": forms.get("verification_form") or VerificationForm(),
    }


@require_GET
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """A monitoring report the verifier verifies: the claim, its documents and calculation
    trace, the upload of its verification report and the opinion form."""
    subject = _report(request, pk)
    return render(request, REPORT_PAGE, _report_context(request, subject))


@require_POST
def verify(request: HttpRequest, pk: int) -> HttpResponse:
    """The verification opinion and verified amount, through `verify_report`."""
    subject = _report(request, pk)
    form = VerificationForm(request.POST)
    context = _report_context(request, subject, verification_form=form)
    if not form.is_valid():
        return render(request, REPORT_PAGE, context, status=400)
    data = form.cleaned_data
    try:
        reports.verify_report(
            actor=request.user,
            report=subject,
            opinion=data["opinion"],
            verified_reductions=data["verified_reductions"],
            verification_report=data["report"],
        )
    except DomainError as error:
        return refused(request, error, REPORT_PAGE, context, form)
    messages.success(request, _("Your verification opinion is recorded."))
    return redirect("verifier:report", pk=subject.pk)


class ReportDocumentUpload(DocumentUploadView):
    target = "report"
    template = REPORT_PAGE
    page = "verifier:report"

    def subject(self, request: HttpRequest, pk: int) -> MonitoringReport:
        return _report(request, pk)

    def context(self, request: HttpRequest, subject: MonitoringReport, **forms: Any) -> dict:
        return _report_context(request, subject, **forms)
