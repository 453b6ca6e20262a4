"""The verifier attaches its own documents (the signed report behind its opinion, evidence)
through `attach_document`, as the API's documents endpoint does. A class-based view, so that
the request-size guard lets a document up to DOCUMENT_MAX_BYTES through
(`core.middleware.RequestBodyLimitMiddleware` reads `request_body_limit_setting`)."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from core.errors import DomainError
from registry.projects.models import MonitoringReport, Project
from registry.projects.services.documents import attach_document
from web.refusals import refused
from web.verifier.forms import DocumentForm


class DocumentUploadView(View):
    """POST a document (`kind`, `file`) to the object, then back to its page."""

    http_method_names = ["post"]
    request_body_limit_setting = "DOCUMENT_MAX_BYTES"
    # The keyword `attach_document` takes the object by: "project" or "report".
    target = ""
    template = ""
    page = ""

    def subject(self, request: HttpRequest, pk: int) -> Project | MonitoringReport:
        raise NotImplementedError

    def context(self, request: HttpRequest, subject: Any, **forms: Any) -> dict[str, Any]:
        raise NotImplementedError

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        subject = self.subject(request, pk)
        form = DocumentForm(request.POST, request.FILES, subject=subject)
        if not form.is_valid():
            context = self.context(request, subject, document_form=form)
            return render(request, self.template, context, status=400)
        upload = form.cleaned_data["file"]
        try:
            document = attach_document(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                file=upload,
                filename=upload.name,
                size=upload.size,
                **{self.target: subject},
            )
        except DomainError as error:
            context = self.context(request, subject, document_form=form)
            return refused(request, error, self.template, context, form)
        finally:
            upload.close()
        kind = dict(form.fields["kind"].choices)[document.kind]
        messages.success(
            request,
            _("{filename} is attached as the {kind}.").format(
                filename=document.filename, kind=kind
            ),
        )
        return redirect(self.page, pk=subject.pk)
