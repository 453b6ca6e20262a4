"""The operator's overview: how much waits in each queue, how much of it is overdue, the
frozen accounts and the import jobs still running, each a link to its page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from certificates.services.import_jobs import IMPORT_JOB
from core import jobs
from core.models import Job
from registry.ledger import selectors as ledger_selectors
from registry.projects.selectors import overdue_reviews
from web.operator.queues import issuance_queue, registration_queue


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    registrations, issuances = registration_queue(user), issuance_queue(user)
    context = {
        "registrations": registrations.count(),
        "registrations_overdue": overdue_reviews(registrations).count(),
        "issuances": issuances.count(),
        "issuances_overdue": overdue_reviews(issuances).count(),
        "frozen_accounts": ledger_selectors.accounts_visible_to(user).filter(frozen=True).count(),
        "running_imports": jobs.jobs_visible_to(user)
        .filter(kind=IMPORT_JOB, state__in=[Job.State.QUEUED, Job.State.RUNNING])
        .count(),
    }
    return render(request, "web/operator/home.html", context)
