"""Green certificate imports: the upload of a file of the national GEC system's export (all
rows or none, every bad cell named by row and column), the recent imports, and the page of a
job that imports a large file (`certificates.services.import_jobs`), as the API's import does."""

import io
import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from rest_framework.exceptions import ParseError

from certificates.api.serializers import ImportInputSerializer
from certificates.models import CertificateImport
from certificates.services.import_jobs import IMPORT_JOB, runs_as_job, start_import_job
from certificates.services.imports import import_certificates
from core import jobs
from core.errors import DomainError, InvalidRows
from core.messages import localized
from core.models import Job
from core.parsers import JSON_TOO_DEEP, CSVParser, too_deep
from web.operator.forms import ImportForm
from web.refusals import refused

PAGE = "web/operator/imports.html"
RECENT = 20


class Unreadable(ValueError):
    """A file that is not a table of rows: its message goes next to the file field."""


def _rows(upload) -> list[dict[str, Any]]:
    """The rows of the file: JSON `{rows: [...]}` when it reads as JSON, else CSV with a
    header (`core.parsers.CSVParser`), in the shape the API's input serializer checks."""
    content = upload.read()
    stripped = content.lstrip()
    if upload.name.lower().endswith(".json") or stripped[:1] in (b"{", b"["):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise Unreadable(_("A JSON file is read as UTF-8 text.")) from error
        if too_deep(text, settings.JSON_MAX_DEPTH) is not None:
            raise Unreadable(localized(JSON_TOO_DEEP.format(limit=settings.JSON_MAX_DEPTH)))
        try:
            data = json.loads(text)
        except ValueError as error:
            raise Unreadable(_("Not JSON: %(error)s") % {"error": error}) from error
    else:
        try:
            data = CSVParser().parse(io.BytesIO(content))
        except ParseError as error:
            # The parser's message, English text by now: its translation by that text.
            raise Unreadable(_(str(error.detail))) from error
    serializer = ImportInputSerializer(data=data if isinstance(data, dict) else {"rows": data})
    if not serializer.is_valid():
        raise Unreadable(" ".join(str(m) for ms in serializer.errors.values() for m in ms))
    return serializer.validated_data["rows"]


def _context(request: HttpRequest, form: ImportForm | None = None, **extra: Any) -> dict:
    import_jobs = jobs.jobs_visible_to(request.user).filter(kind=IMPORT_JOB)
    return {
        "form": form or ImportForm(),
        "imports": CertificateImport.objects.select_related("imported_by")[:RECENT],
        "jobs": import_jobs.select_related("started_by")[:RECENT],
        "job_rows": settings.GEC_IMPORT_TASK_ROWS,
        **extra,
    }


@require_http_methods(["GET", "POST"])
def imports(request: HttpRequest) -> HttpResponse:
    """GET: the upload form, the recent imports and the import jobs with their progress.
    POST: import the file's rows, or start a job for more than GEC_IMPORT_TASK_ROWS of them."""
    if request.method == "GET":
        return render(request, PAGE, _context(request))
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, PAGE, _context(request, form), status=400)
    try:
        rows = _rows(form.cleaned_data["file"])
    except Unreadable as error:
        form.add_error("file", str(error))
        return render(request, PAGE, _context(request, form), status=400)
    try:
        if runs_as_job(rows):
            job = start_import_job(actor=request.user, rows=rows)
            return redirect("operator:job", pk=job.pk)
        result = import_certificates(actor=request.user, rows=rows)
    except InvalidRows as error:
        problems = [
            {**problem, "message": localized(problem["message"])}
            for problem in error.errors["rows"]
        ]
        context = _context(request, form, problems=problems)
        return render(request, PAGE, context, status=400)
    except DomainError as error:
        return refused(request, error, PAGE, _context(request, form), form)
    messages.success(
        request,
        _("Rows imported: %(imported)s; imported before and skipped: %(skipped)s.")
        % {"imported": result.imported, "skipped": result.skipped},
    )
    return redirect("operator:imports")


@require_GET
def job(request: HttpRequest, pk: int) -> HttpResponse:
    """A job's progress (rows done of rows total, its state), refreshing itself while it is
    queued or running; its result once it succeeded, the cells that refused it if it failed."""
    subject = get_object_or_404(jobs.jobs_visible_to(request.user), pk=pk)
    running = subject.state in (Job.State.QUEUED, Job.State.RUNNING)
    percent = subject.rows_done * 100 // subject.rows_total if subject.rows_total else 0
    context = {"job": subject, "running": running, "percent": percent}
    return render(request, "web/operator/job.html", context)
