"""The company's monitoring reports: the form for a registered project (monitored series typed
in a table or uploaded as CSV), and a report's page with its calculation, documents, history
and the company's next acts. Writes go through the services the API uses."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import DomainError, InvalidInput
from core.messages import localized
from registry.projects import selectors
from registry.projects.models import DocumentKind, MonitoringReport
from registry.projects.services import documents
from registry.projects.services import reports as report_services
from web.company.project_forms import DocumentForm
from web.company.report_forms import ReportForm
from web.company.workspace import (
    DocumentUploadView,
    act,
    deadline_of,
    document_rows,
    history_rows,
    own_projects,
    own_reports,
)


def report_new(request: HttpRequest, pk: int) -> HttpResponse:
    """A monitoring report of the company's project `pk`: a valid form files it through
    `create_report` (a project not registered is the service's 409); refusals come back
    next to their fields, a refused cell named by row and column (400)."""
    project = get_object_or_404(own_projects(request.user), pk=pk)
    form = ReportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        project=project,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and (parameters := form.parameters()) is not None:
            arguments = {
                name: form.cleaned_data[name] for name in ("period_start", "period_end", "verifier")
            }
            try:
                report = report_services.create_report(
                    actor=request.user, project=project, parameters=parameters, **arguments
                )
            except InvalidInput as error:
                form.add_service_errors(error)
            except DomainError as error:
                form.add_error(None, localized(error.message))
                status = error.status_code
            else:
                messages.success(
                    request,
                    _("Monitoring report %(reference)s created as a draft.")
                    % {"reference": report.reference},
                )
                return redirect("company:report-detail", pk=report.pk)
    context = {"form": form, "project": project}
    return render(request, "web/company/report_form.html", context, status=status)


def _own_report(request: HttpRequest, pk: int) -> MonitoringReport:
    return get_object_or_404(own_reports(request.user), pk=pk)


def report_detail(request: HttpRequest, pk: int, form=None, status: int = 200) -> HttpResponse:
    """A monitoring report: its state and deadlines, claimed and verified reductions, the
    calculation trace, its documents (with the upload form while a draft), history, and the
    buttons for the company's next acts."""
    report = _own_report(request, pk)
    report.deadline = deadline_of(report)
    rows = selectors.documents_visible_to(request.user).filter(report=report)
    trace = report.calculation_trace or {}
    context = {
        "report": report,
        "documents": document_rows(rows),
        "history": history_rows(report.history.select_related("actor")),
        "required_document": documents.current_document(report, DocumentKind.MONITORING_REPORT),
        "can_submit": report.status in MonitoringReport.TRANSITIONS["submit"][0],
        "can_withdraw": report.status in MonitoringReport.TRANSITIONS["withdraw"][0],
        "upload_form": form or DocumentForm(subject="report"),
        "result": trace.get("result"),
        "trace_values": sorted(trace.get("values", {}).items()),
        "monitored": [
            (symbol, ", ".join(map(str, value)) if isinstance(value, list) else str(value))
            for symbol, value in sorted(report.parameters.items())
        ],
        "upload_url": reverse("company:report-document-upload", args=[report.pk]),
    }
    return render(request, "web/company/report_detail.html", context, status=status)


REPORT_ACTS = {
    "submit": report_services.submit_report,
    "withdraw": report_services.withdraw_report,
}
REPORT_DONE = {
    "submit": gettext_lazy("The monitoring report is in its publicity period."),
    "withdraw": gettext_lazy("The monitoring report is withdrawn."),
}


@require_POST
def report_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Submit or withdraw a report: one service call; a refusal is shown with its status."""
    report = _own_report(request, pk)
    return act(
        request,
        lambda: REPORT_ACTS[action](actor=request.user, report=report),
        done=REPORT_DONE[action],
        target=("company:report-detail", report.pk),
        page=lambda status: report_detail(request, report.pk, status=status),
    )


class ReportDocumentUpload(DocumentUploadView):
    """Attach a document to a monitoring report of the company's (`attach_document`)."""

    subject = "report"

    def target(self, request: HttpRequest, pk: int) -> dict:
        return {"report": _own_report(request, pk)}

    def page(self, request: HttpRequest, pk: int, form, status: int) -> HttpResponse:
        return report_detail(request, pk, form=form, status=status)

    def done(self, pk: int) -> HttpResponse:
        return redirect("company:report-detail", pk=pk)


urlpatterns = [
    path("projects/<int:pk>/reports/new/", report_new, name="report-new"),
    path("reports/<int:pk>/", report_detail, name="report-detail"),
    path("reports/<int:pk>/submit/", report_act, {"action": "submit"}, name="report-submit"),
    path("reports/<int:pk>/withdraw/", report_act, {"action": "withdraw"}, name="report-withdraw"),
    path(
        "reports/<int:pk>/documents/",
        ReportDocumentUpload.as_view(),
        name="report-document-upload",
    ),
]
