"""The company's data centres: the list, the registration form, each data centre's yearly
figures and readings, the reading form, the readings upload (a CSV file; a large one runs as a
job, whose progress has a page). Reads through `compute.selectors` scoped to the company
(another organisation's data centre is a 404); writes through `register_data_centre`,
`record_reading`, `upload_readings` and `start_upload_job`, as the compute API does."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError

from compute import selectors
from compute.services.data_centres import register_data_centre
from compute.services.readings import record_reading
from compute.services.upload_jobs import UPLOAD_JOB, runs_as_job, start_upload_job
from compute.services.uploads import upload_readings
from core.errors import DomainError, InvalidRows
from core.jobs import jobs_visible_to
from core.messages import localized
from core.models import Job
from core.parsers import CSVParser
from web.company.data_centre_forms import DataCentreForm, ReadingForm, ReadingUploadForm
from web.company.form_answers import checked, refused, run_once

PAGE_SIZE = 50
# How often the page of a job still running reloads itself, in seconds.
JOB_REFRESH_SECONDS = 2


def _data_centre(request: HttpRequest, pk: int):
    return get_object_or_404(selectors.data_centres_visible_to(request.user), pk=pk)


def data_centre_list(request: HttpRequest) -> HttpResponse:
    """The company's data centres, each with the figures of its latest year with readings."""
    data_centres = list(selectors.data_centres_visible_to(request.user).order_by("name", "id"))
    for data_centre in data_centres:
        data_centre.figures = selectors.latest_yearly_figures(data_centre)
    return render(request, "web/company/data_centre_list.html", {"data_centres": data_centres})


def data_centre_new(request: HttpRequest) -> HttpResponse:
    """The form that registers a data centre of the company, in its province's regional grid;
    a second submission of the same form (a double-click) registers nothing more and answers
    the first."""
    template = "web/company/data_centre_form.html"
    form = DataCentreForm(request.POST if request.method == "POST" else None)
    context = {"form": form}
    if request.method != "POST":
        return render(request, template, context)

    def register_once() -> dict:
        data = checked(form)
        data_centre = register_data_centre(
            actor=request.user,
            name=data["name"],
            province=data["province"],
            grid_region=data["grid_region"],
            hub_node=data["hub_node"],
            commissioned_on=data["commissioned_on"],
        )
        return {"data_centre": data_centre.pk, "name": data_centre.name}

    try:
        answer = run_once(request, "web/company/data-centres", register_once)
    except DomainError as error:
        return refused(request, template, context, error)
    messages.success(request, _("The data centre %(name)s is registered.") % answer)
    return redirect("company:data-centre", pk=answer["data_centre"])


def data_centre_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One data centre: the figures of every year with readings (as the API's `years/`), and
    its readings, the newest period first, corrected ones marked."""
    data_centre = _data_centre(request, pk)
    years = [
        selectors.yearly_figures(data_centre, year) for year in selectors.years_of(data_centre)
    ]
    readings = Paginator(selectors.readings_of(data_centre), PAGE_SIZE)
    context = {
        "data_centre": data_centre,
        "years": years,
        "page": readings.get_page(request.GET.get("page")),
    }
    return render(request, "web/company/data_centre_detail.html", context)


def reading_new(request: HttpRequest, pk: int) -> HttpResponse:
    """The form that records a reading of the data centre (or corrects the reading of exactly
    its period)."""
    data_centre = _data_centre(request, pk)
    template = "web/company/data_centre_reading_form.html"
    form = ReadingForm(request.POST if request.method == "POST" else None)
    context = {"data_centre": data_centre, "form": form}
    if request.method != "POST":
        return render(request, template, context)
    if not form.is_valid():
        return render(request, template, context, status=400)
    try:
        recorded = record_reading(actor=request.user, data_centre=data_centre, **form.cleaned_data)
    except DomainError as error:
        return refused(request, template, context, error)
    if recorded.created:
        messages.success(request, _("The reading is recorded."))
    else:
        messages.info(
            request, _("The reading repeats the current one of its period: nothing changed.")
        )
    return redirect("company:data-centre", pk=data_centre.pk)


def readings_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """The readings upload: a CSV file, all rows or none, bad cells named by row and column
    (400); more rows than COMPUTE_UPLOAD_TASK_ROWS are recorded by a job, whose page it opens."""
    data_centre = _data_centre(request, pk)
    template = "web/company/data_centre_upload.html"
    form = ReadingUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    context = {"data_centre": data_centre, "form": form}
    if request.method != "POST":
        return render(request, template, context)
    if not form.is_valid():
        return render(request, template, context, status=400)
    try:
        rows = CSVParser().parse(form.cleaned_data["file"])["rows"]
    except ParseError as error:
        # The parser's message, English text by now: its translation by that text.
        form.add_error("file", _(str(error.detail)))
        return render(request, template, context, status=400)
    try:
        if runs_as_job(rows):
            job = start_upload_job(actor=request.user, data_centre=data_centre, rows=rows)
            return redirect("company:data-centre-upload-job", pk=job.pk)
        result = upload_readings(actor=request.user, data_centre=data_centre, rows=rows)
    except InvalidRows as error:
        context["problems"] = [
            {**problem, "message": localized(problem["message"])}
            for problem in error.errors["rows"]
        ]
        return render(request, template, context, status=400)
    except DomainError as error:
        return refused(request, template, context, error)
    messages.success(
        request,
        _(
            "%(rows)s rows uploaded: %(created)s new readings, %(corrected)s corrections, "
            "%(unchanged)s unchanged."
        )
        % {
            "rows": result.rows,
            "created": result.created,
            "corrected": result.corrected,
            "unchanged": result.unchanged,
        },
    )
    return redirect("company:data-centre", pk=data_centre.pk)


def upload_job(request: HttpRequest, pk: int) -> HttpResponse:
    """A readings upload running as a job: its progress while it runs (the page reloads
    itself), then what it recorded or the cells that refused it. Only its starter sees it."""
    job = get_object_or_404(jobs_visible_to(request.user).filter(kind=UPLOAD_JOB), pk=pk)
    data_centre = (
        selectors.data_centres_visible_to(request.user)
        .filter(pk=job.payload.get("data_centre"))
        .first()
    )
    running = job.state in (Job.State.QUEUED, Job.State.RUNNING)
    context = {
        "job": job,
        "data_centre": data_centre,
        "running": running,
        "refresh_seconds": JOB_REFRESH_SECONDS,
    }
    response = render(request, "web/company/data_centre_upload_job.html", context)
    if running:
        # Reloads without script (the Content-Security-Policy allows none inline).
        response["Refresh"] = str(JOB_REFRESH_SECONDS)
    return response


urlpatterns = [
    path("data-centres/", data_centre_list, name="data-centres"),
    path("data-centres/new/", data_centre_new, name="data-centre-new"),
    path("data-centres/<int:pk>/", data_centre_detail, name="data-centre"),
    path("data-centres/<int:pk>/readings/new/", reading_new, name="data-centre-reading"),
    path("data-centres/<int:pk>/readings/upload/", readings_upload, name="data-centre-upload"),
    path("data-centres/upload-jobs/<int:pk>/", upload_job, name="data-centre-upload-job"),
]
