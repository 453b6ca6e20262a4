"""What the company's project and report pages share: the company's own objects, their running
deadline, documents and history as rows, the answer to a refused act, and the document upload."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.errors import AccessDenied, DomainError, InvalidInput
from core.messages import localized
from registry.projects import selectors
from registry.projects.models import MonitoringReport, Project, TransitionAction
from registry.projects.services import documents
from web.company.project_forms import DocumentForm, add_service_errors
from web.refusals import refusal_message

PUBLICITY_ENDS = gettext_lazy("Publicity ends")
REVIEW_DUE = gettext_lazy("Review due")


def own_projects(user):
    """The company's own projects: a workspace shows no other company's, public or not."""
    return selectors.projects_visible_to(user).filter(proponent_id=user.organization_id)


def own_reports(user):
    """The monitoring reports of the company's own projects."""
    return selectors.reports_visible_to(user).filter(project__proponent_id=user.organization_id)


@dataclass(frozen=True)
class Deadline:
    """The deadline running in the object's state: when its publicity ends, or its review is
    due; `provisional` where it falls in a year whose working days nobody has entered yet."""

    label: str
    day: date
    provisional: bool


def deadline_of(obj: Project | MonitoringReport) -> Deadline | None:
    if obj.status == "publicity" and obj.publicity_ends_on:
        return Deadline(PUBLICITY_ENDS, obj.publicity_ends_on, obj.publicity_end_provisional)
    if obj.status in ("registration_review", "issuance_review") and obj.review_due_on:
        return Deadline(REVIEW_DUE, obj.review_due_on, obj.review_due_provisional)
    return None


def document_rows(queryset) -> list:
    return list(queryset.select_related(None).order_by("uploaded_at", "pk"))


def history_rows(queryset) -> list:
    rows = list(queryset)
    # The history's acts are codes without choices on the field: their labels by code.
    labels = dict(TransitionAction.choices)
    for row in rows:
        row.action_label = labels.get(row.action, row.action)
    return rows


def refused(request: HttpRequest, error: DomainError, page: Callable[[int], HttpResponse]):
    """A service's refusal: 403 and 404 as Django's, any other shown on `page` with its
    status (409 for a state that does not allow the act)."""
    if isinstance(error, AccessDenied):
        raise PermissionDenied(localized(error.message))
    messages.error(request, refusal_message(error))
    return page(error.status_code)


def act(
    request: HttpRequest,
    operation: Callable[[], object],
    *,
    done: str,
    target: tuple[str, int],
    page: Callable[[int], HttpResponse],
) -> HttpResponse:
    """Run one service call; on success say `done` and go to `target` (POST, redirect, GET)."""
    try:
        operation()
    except DomainError as error:
        return refused(request, error, page)
    messages.success(request, done)
    return redirect(*target)


class DocumentUploadView(View):
    """POST a document (`kind`, `file`) through `attach_document`; the page again with the
    form's errors (400), or the refusal's status (409 once the object is no longer a draft,
    413 for a file above DOCUMENT_MAX_BYTES)."""

    # core.middleware.RequestBodyLimitMiddleware: bodies up to this setting's bytes.
    request_body_limit_setting = "DOCUMENT_MAX_BYTES"
    http_method_names = ["post"]
    subject = ""

    def target(self, request: HttpRequest, pk: int) -> dict:
        raise NotImplementedError

    def page(self, request: HttpRequest, pk: int, form, status: int) -> HttpResponse:
        raise NotImplementedError

    def done(self, pk: int) -> HttpResponse:
        raise NotImplementedError

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        target = self.target(request, pk)
        form = DocumentForm(request.POST, request.FILES, subject=self.subject)
        if not form.is_valid():
            return self.page(request, pk, form, 400)
        upload = form.cleaned_data["file"]
        try:
            document = documents.attach_document(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                file=upload,
                filename=upload.name,
                size=upload.size,
                **target,
            )
        except InvalidInput as error:
            add_service_errors(form, error)
            return self.page(request, pk, form, 400)
        except DomainError as error:
            return refused(request, error, lambda status: self.page(request, pk, None, status))
        finally:
            upload.close()
        messages.success(request, _("%(filename)s attached.") % {"filename": document.filename})
        return self.done(pk)
