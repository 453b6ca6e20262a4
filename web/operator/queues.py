"""The operator's queues: validated projects awaiting registration and verified reports awaiting
issuance, overdue first, and the acts on them (`register_project`, `reject_project`,
`issue_credits`, `reject_report`), used as the API uses them."""

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError
from registry.ledger.services.issuance import issue_credits, issued_quantity
from registry.projects import selectors
from registry.projects.models import MonitoringReport, Project
from registry.projects.services import projects, reports
from web.operator.forms import IssueForm, NoteForm
from web.refusals import refused
from web.trace import trace_rows
from web.verifier.engagements import documents_of

PROJECT_PAGE = "web/operator/project.html"
REPORT_PAGE = "web/operator/report.html"


def registration_queue(user: Any) -> QuerySet[Project]:
    """Validated projects in registration review, the earliest deadline (overdue ones) first."""
    return (
        selectors.projects_visible_to(user)
        .filter(status=Project.Status.REGISTRATION_REVIEW)
        .order_by("review_due_on", "pk")
    )


def issuance_queue(user: Any) -> QuerySet[MonitoringReport]:
    """Verified reports in issuance review, the earliest deadline (overdue ones) first."""
    return (
        selectors.reports_visible_to(user)
        .filter(status=MonitoringReport.Status.ISSUANCE_REVIEW)
        .select_related("project__proponent")
        .order_by("review_due_on", "pk")
    )


def _overdue(queue: QuerySet) -> set[int]:
    return set(selectors.overdue_reviews(queue).values_list("pk", flat=True))


@require_GET
def registrations(request: HttpRequest) -> HttpResponse:
    """The registration queue with each review's deadline, overdue ones first and marked."""
    queue = registration_queue(request.user)
    context = {"queue": queue, "overdue": _overdue(queue), "today": timezone.localdate()}
    return render(request, "web/operator/registrations.html", context)


@require_GET
def issuances(request: HttpRequest) -> HttpResponse:
    """The issuance queue: each verified report with its deadline, the credits it would earn
    and whether it is above its project's estimate (issued only on an override)."""
    queue = issuance_queue(request.user)
    overdue = _overdue(queue)
    rows = [
        {
            "report": report,
            "overdue": report.pk in overdue,
            "credits": issued_quantity(report.verified_reductions),
            "above_estimate": reports.above_estimate(report),
        }
        for report in queue
    ]
    context = {"rows": rows, "today": timezone.localdate()}
    return render(request, "web/operator/issuances.html", context)


def _project(request: HttpRequest, pk: int) -> Project:
    return get_object_or_404(selectors.projects_visible_to(request.user), pk=pk)


def _project_context(request: HttpRequest, project: Project, **forms: Any) -> dict[str, Any]:
    return {
        "project": project,
        "documents": documents_of(request.user, project),
        "trace": trace_rows(project.methodology, project.estimate_trace),
        "pending": project.status == Project.Status.REGISTRATION_REVIEW,
        "overdue": project.pk in _overdue(Project.objects.filter(pk=project.pk)),
        "register_form": forms.get("register_form") or NoteForm(prefix="register"),
        "reject_form": forms.get("reject_form") or NoteForm(prefix="reject"),
    }


@require_GET
def project(request: HttpRequest, pk: int) -> HttpResponse:
    """A project under registration review: its design, validation opinion, documents and
    estimate trace, with the register and reject forms."""
    subject = _project(request, pk)
    return render(request, PROJECT_PAGE, _project_context(request, subject))


def _decide_project(request: HttpRequest, pk: int, act: str) -> HttpResponse:
    subject = _project(request, pk)
    form = NoteForm(request.POST, prefix=act)
    context = _project_context(request, subject, **{f"{act}_form": form})
    if not form.is_valid():
        return render(request, PROJECT_PAGE, context, status=400)
    service = projects.register_project if act == "register" else projects.reject_project
    try:
        decided = service(actor=request.user, project=subject, note=form.cleaned_data["note"])
    except DomainError as error:
        return refused(request, error, PROJECT_PAGE, context, form)
    if act == "register":
        messages.success(
            request, _("%(reference)s is registered.") % {"reference": decided.reference}
        )
    else:
        messages.success(
            request, _("%(reference)s is rejected.") % {"reference": decided.reference}
        )
    return redirect("operator:registrations")


@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    """Register the project, through `register_project`."""
    return _decide_project(request, pk, "register")


@require_POST
def reject_project(request: HttpRequest, pk: int) -> HttpResponse:
    """Reject the project, through `reject_project`."""
    return _decide_project(request, pk, "reject")


def _report(request: HttpRequest, pk: int) -> MonitoringReport:
    return get_object_or_404(selectors.reports_visible_to(request.user), pk=pk)


def _report_context(request: HttpRequest, report: MonitoringReport, **forms: Any) -> dict:
    verified = report.verified_reductions
    return {
        "report": report,
        "project": report.project,
        "documents": documents_of(request.user, report),
        "trace": trace_rows(report.project.methodology, report.calculation_trace),
        "pending": report.status == MonitoringReport.Status.ISSUANCE_REVIEW,
        "credits": issued_quantity(verified) if verified is not None else None,
        "above_estimate": reports.above_estimate(report),
        "issue_form": forms.get("issue_form") or IssueForm(prefix="issue"),
        "reject_form": forms.get("reject_form") or NoteForm(prefix="reject"),
    }


@require_GET
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """A verified report under issuance review: the claim, the verified amount and the credits
    it earns, its documents and trace, with the issue and reject forms."""
    subject = _report(request, pk)
    return render(request, REPORT_PAGE, _report_context(request, subject))


@require_POST
def issue(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue the report's credits, through `issue_credits`."""
    subject = _report(request, pk)
    form = IssueForm(request.POST, prefix="issue")
    context = _report_context(request, subject, issue_form=form)
    if not form.is_valid():
        return render(request, REPORT_PAGE, context, status=400)
    try:
        issuance = issue_credits(actor=request.user, report=subject, **form.cleaned_data)
    except DomainError as error:
        return refused(request, error, REPORT_PAGE, context, form)
    messages.success(
        request,
        _("%(quantity)s credits are issued for %(reference)s, serials %(first)s to %(last)s.")
        % {
            "quantity": issuance.quantity,
            "reference": subject.reference,
            "first": issuance.first_serial,
            "last": issuance.last_serial,
        },
    )
    return redirect("operator:issuances")


@require_POST
def reject_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Reject the verified report, through `reject_report`."""
    subject = _report(request, pk)
    form = NoteForm(request.POST, prefix="reject")
    context = _report_context(request, subject, reject_form=form)
    if not form.is_valid():
        return render(request, REPORT_PAGE, context, status=400)
    try:
        reports.reject_report(actor=request.user, report=subject, note=form.cleaned_data["note"])
    except DomainError as error:
        return refused(request, error, REPORT_PAGE, context, form)
    messages.success(request, _("%(reference)s is rejected.") % {"reference": subject.reference})
    return redirect("operator:issuances")
