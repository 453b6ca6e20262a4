"""The company's projects: the list of its projects and monitoring reports by state with their
deadlines, the project form built from a methodology version's parameters (with its live
estimate), a project's page with its documents, history and the company's next acts. Reads go
through the registry's selectors, scoped to the company; writes through the services the API
uses, one call each."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import DomainError, InvalidInput
from core.messages import localized
from methodologies import selectors as methodology_selectors
from methodologies.models import Methodology
from methodologies.services import calculate_methodology
from registry.projects import selectors
from registry.projects.api.documents import download
from registry.projects.models import DocumentKind, MonitoringReportStatus, Project, ProjectStatus
from registry.projects.services import documents, projects
from web.company import reports
from web.company.project_forms import (
    PARAMETER_FIELD,
    DocumentForm,
    MethodologyChoiceForm,
    ProjectForm,
    add_service_errors,
    parameter_field_name,
)
from web.company.workspace import (
    DocumentUploadView,
    act,
    deadline_of,
    document_rows,
    history_rows,
    own_projects,
    own_reports,
)


def project_list(request: HttpRequest) -> HttpResponse:
    """The company's projects and monitoring reports, grouped by state (or one state, with
    `?status=`), each with its running deadline, provisional ones marked."""
    status = request.GET.get("status", "")
    project_groups = _groups(own_projects(request.user), dict(ProjectStatus.choices), status)
    report_groups = _groups(
        own_reports(request.user).order_by("-period_start"),
        dict(MonitoringReportStatus.choices),
        status,
    )
    return render(
        request,
        "web/company/project_list.html",
        {
            "project_groups": project_groups,
            "report_groups": report_groups,
            "states": {**dict(MonitoringReportStatus.choices), **dict(ProjectStatus.choices)},
            "status": status,
        },
    )


def _groups(queryset, states: dict, status: str) -> list[dict]:
    """One group per state in the lifecycle's order, each row with its deadline."""
    if status in states:
        queryset = queryset.filter(status=status)
    by_state: dict[str, list] = {}
    for item in queryset:
        item.deadline = deadline_of(item)
        by_state.setdefault(item.status, []).append(item)
    return [
        {"status": state, "label": label, "items": by_state[state]}
        for state, label in states.items()
        if state in by_state
    ]


def _publishable_methodologies(user):
    """The published reduction methodology versions a project may apply."""
    return methodology_selectors.methodologies_visible_to(user).filter(
        status=Methodology.Status.PUBLISHED, kind=Methodology.Kind.REDUCTION
    )


def _chosen_methodology(request: HttpRequest) -> tuple[MethodologyChoiceForm, Methodology | None]:
    choice = MethodologyChoiceForm(
        request.GET if "methodology" in request.GET else None,
        methodologies=_publishable_methodologies(request.user).order_by("code", "version"),
    )
    methodology = choice.cleaned_data["methodology"] if choice.is_valid() else None
    return choice, methodology


def project_new(request: HttpRequest) -> HttpResponse:
    """Step 1 chooses a methodology version (`?methodology=`); step 2 is the project form
    built from its parameters. A valid form creates the draft through `create_project`; the
    service's refusals come back next to their fields (400)."""
    choice, methodology = _chosen_methodology(request)
    if methodology is None:
        return render(request, "web/company/project_choose.html", {"choice": choice})
    form = ProjectForm(
        request.POST if request.method == "POST" else None,
        methodology=methodology,
        user=request.user,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                project = projects.create_project(actor=request.user, **form.service_arguments())
            except InvalidInput as error:
                add_service_errors(form, error)
            except DomainError as error:
                form.add_error(None, localized(error.message))
                status = error.status_code
            else:
                messages.success(
                    request,
                    _("Project %(reference)s created as a draft.")
                    % {"reference": project.reference},
                )
                return redirect("company:project-detail", pk=project.pk)
    context = {"form": form, "methodology": methodology}
    return render(request, "web/company/project_form.html", context, status=status)


@require_POST
def project_estimate(request: HttpRequest) -> JsonResponse:
    """The live estimate: the form's parameters calculated by the same service as the API's
    calculate endpoint; `{value, unit, display}`, or `{errors: {field: [message]}}` (400)."""
    _choice, methodology = _chosen_methodology(request)
    if methodology is None:
        raise Http404
    form = ProjectForm(request.POST, methodology=methodology, user=request.user)
    try:
        calculation = calculate_methodology(
            methodology=methodology, parameters=form.parameter_values()
        )
    except InvalidInput as error:
        # Only the parameters' problems: the rest of the form may not be filled in yet.
        errors: dict[str, list[str]] = {}
        for key, problems in error.errors.items():
            match = PARAMETER_FIELD.match(key)
            name = parameter_field_name(match["symbol"]) if match else "__all__"
            errors.setdefault(name, []).extend(localized(problem) for problem in problems)
        return JsonResponse({"errors": errors}, status=400)
    result = calculation.result
    return JsonResponse(
        {
            "value": str(result.value),
            "unit": result.unit,
            "display": f"{floatformat(result.value, '0g')} {result.unit}",
        }
    )


def _own_project(request: HttpRequest, pk: int) -> Project:
    """One of the company's projects; any other is a 404, public or not."""
    return get_object_or_404(own_projects(request.user), pk=pk)


def project_detail(request: HttpRequest, pk: int, form=None, status: int = 200) -> HttpResponse:
    """A project: its state and deadlines, estimate, documents (with the upload form while it
    is a draft), history, reports, and the buttons for the company's next acts."""
    project = _own_project(request, pk)
    return render(
        request,
        "web/company/project_detail.html",
        _project_context(request, project, form),
        status=status,
    )


def _project_context(request: HttpRequest, project: Project, form=None) -> dict:
    project.deadline = deadline_of(project)
    rows = selectors.documents_visible_to(request.user).filter(project=project, report__isnull=True)
    design_document = documents.current_document(project, DocumentKind.DESIGN_DOCUMENT)
    project_reports = own_reports(request.user).filter(project=project)
    return {
        "project": project,
        "documents": document_rows(rows),
        "history": history_rows(project.history.select_related("actor")),
        "design_document": design_document,
        "can_submit": project.status in Project.TRANSITIONS["submit"][0],
        "can_withdraw": project.status in Project.TRANSITIONS["withdraw"][0],
        "can_report": project.status == Project.Status.REGISTERED,
        "upload_form": form or DocumentForm(subject="project"),
        "reports": project_reports,
        "upload_url": reverse("company:project-document-upload", args=[project.pk]),
        "estimate_values": sorted(project.estimate_trace.get("values", {}).items()),
    }


PROJECT_ACTS = {
    "submit": lambda user, project: projects.submit_project(actor=user, project=project),
    "withdraw": lambda user, project: projects.withdraw_project(actor=user, project=project),
}
PROJECT_DONE = {
    "submit": gettext_lazy("The project is in its publicity period."),
    "withdraw": gettext_lazy("The project is withdrawn."),
}


@require_POST
def project_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Submit or withdraw a project: one service call; a refusal is shown with its status."""
    project = _own_project(request, pk)
    return act(
        request,
        lambda: PROJECT_ACTS[action](request.user, project),
        done=PROJECT_DONE[action],
        target=("company:project-detail", project.pk),
        page=lambda status: project_detail(request, project.pk, status=status),
    )


class ProjectDocumentUpload(DocumentUploadView):
    """Attach a document to one of the company's projects (`attach_document`)."""

    subject = "project"

    def target(self, request: HttpRequest, pk: int) -> dict:
        return {"project": _own_project(request, pk)}

    def page(self, request: HttpRequest, pk: int, form, status: int) -> HttpResponse:
        return project_detail(request, pk, form=form, status=status)

    def done(self, pk: int):
        return redirect("company:project-detail", pk=pk)


def document_download(request: HttpRequest, pk: int) -> FileResponse:
    """A document of the company's projects or reports, sent as the API sends it."""
    document = get_object_or_404(
        selectors.documents_visible_to(request.user).filter(
            project__proponent_id=request.user.organization_id
        ),
        pk=pk,
    )
    return download(document)


urlpatterns = [
    path("projects/", project_list, name="project-list"),
    path("projects/new/", project_new, name="project-new"),
    path("projects/estimate/", project_estimate, name="project-estimate"),
    path("projects/<int:pk>/", project_detail, name="project-detail"),
    path("projects/<int:pk>/submit/", project_act, {"action": "submit"}, name="project-submit"),
    path(
        "projects/<int:pk>/withdraw/",
        project_act,
        {"action": "withdraw"},
        name="project-withdraw",
    ),
    path(
        "projects/<int:pk>/documents/",
        ProjectDocumentUpload.as_view(),
        name="project-document-upload",
    ),
    path("documents/<int:pk>/download/", document_download, name="document-download"),
    *reports.urlpatterns,
]
