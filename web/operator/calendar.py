"""Calendar years: the working-day schedules operators entered (State Council notices), and
entering a new year (`enter_calendar_year`), which makes the provisional deadlines it decides
exact, as the API's calendar endpoint does."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.errors import DomainError
from registry.calendar.selectors import calendar_years
from registry.calendar.services import enter_calendar_year
from web.operator.forms import CalendarYearForm
from web.refusals import refused

PAGE = "web/operator/calendar.html"


@require_http_methods(["GET", "POST"])
def calendar(request: HttpRequest) -> HttpResponse:
    """GET: the entered years with their holidays and make-up working days, and the form to
    enter one. POST: enter the year."""
    form = CalendarYearForm(request.POST or None)
    context = {"years": calendar_years(), "form": form}
    if request.method == "GET":
        return render(request, PAGE, context)
    if not form.is_valid():
        return render(request, PAGE, context, status=400)
    try:
        entered = enter_calendar_year(actor=request.user, **form.cleaned_data)
    except DomainError as error:
        return refused(request, error, PAGE, context, form)
    messages.success(
        request,
        _("The working-day schedule of %(year)s is entered; the deadlines it decides are exact.")
        % {"year": entered.year},
    )
    return redirect("operator:calendar")
