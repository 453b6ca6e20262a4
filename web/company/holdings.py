"""The company's credits: its holdings by project and vintage, the transfer and retire forms,
and its retirement certificates. Reads through the ledger's selectors, scoped to the company;
writes through `transfer_credits` and `retire_credits`, once per form (its idempotency key), as
the ledger API runs them once per `Idempotency-Key`."""

from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path

from core.errors import DomainError
from registry.ledger import selectors
from registry.ledger.models import CreditBlock
from registry.ledger.services import movements
from registry.projects.selectors import projects_visible_to
from web.company import claims, data_centres
from web.company.form_answers import checked, refused, run_once
from web.company.movement_forms import RetireForm, TransferForm

PAGE_SIZE = 50
HELD = (CreditBlock.Status.ACTIVE, CreditBlock.Status.FROZEN)


def holding_totals(user) -> dict[str, int]:
    """The company's credits held (active and frozen) and retired, in all its accounts."""
    held = (
        selectors.blocks_visible_to(user)
        .filter(status__in=HELD)
        .values("status")
        .annotate(total=Sum("quantity"))
    )
    totals = {status: 0 for status in HELD}
    totals.update({row["status"]: row["total"] for row in held})
    retired = selectors.retirements().filter(holder_id=user.organization_id)
    return {
        "active": totals[CreditBlock.Status.ACTIVE],
        "frozen": totals[CreditBlock.Status.FROZEN],
        "held": sum(totals.values()),
        "retired": retired.aggregate(total=Sum("block__quantity"))["total"] or 0,
    }


def holdings(request: HttpRequest) -> HttpResponse:
    """The company's accounts, each with its credits by project and vintage (active and
    frozen), the totals, and its blocks with their serial numbers, to transfer or retire."""
    accounts = list(selectors.accounts_visible_to(request.user).order_by("id"))
    balances = selectors.balances([account.pk for account in accounts])
    project_ids = {row["project"] for rows in balances.values() for row in rows}
    projects = projects_visible_to(request.user).in_bulk(project_ids)
    for account in accounts:
        account.rows = [
            {**row, "project_object": projects.get(row["project"])}
            for row in balances.get(account.pk, [])
        ]
    blocks = (
        selectors.blocks_visible_to(request.user)
        .filter(status__in=HELD)
        .order_by("project_id", "vintage", "first")
    )
    context = {
        "accounts": accounts,
        "totals": holding_totals(request.user),
        "page": Paginator(blocks, PAGE_SIZE).get_page(request.GET.get("page")),
    }
    return render(request, "web/company/holdings.html", context)


def _initial(request: HttpRequest) -> dict:
    """The block a holdings row links the form with (`?block=`)."""
    block = request.GET.get("block", "")
    return {"block": block} if block.isdigit() else {}


def transfer(request: HttpRequest) -> HttpResponse:
    """The transfer form: credits of an active block to another holding account. A second
    submission of the same form (a double-click) moves nothing and answers the first transfer."""
    template = "web/company/transfer_form.html"
    if request.method != "POST":
        form = TransferForm(request.user, initial=_initial(request))
        return render(request, template, {"form": form})
    form = TransferForm(request.user, request.POST)

    def transfer_once() -> dict:
        data = checked(form)
        movement = movements.transfer_credits(
            actor=request.user,
            block=data["block"],
            quantity=data["quantity"],
            to_account=data["to_account"],
            note=data["note"],
        )
        return {"movement": movement.pk}

    try:
        answer = run_once(request, "web/company/transfers", transfer_once)
    except DomainError as error:
        return refused(request, template, {"form": form}, error)
    return redirect("company:transfer-done", pk=answer["movement"])


def transfer_done(request: HttpRequest, pk: int) -> HttpResponse:
    """One transfer out of the company's accounts: which serials moved, from where, to where."""
    movement = get_object_or_404(selectors.transfers_from(request.user), pk=pk)
    return render(request, "web/company/transfer_done.html", {"movement": movement})


def retire(request: HttpRequest) -> HttpResponse:
    """The retire form: quantity, beneficiary and purpose; then the certificate. A second
    submission of the same form (a double-click) retires nothing and answers the first
    certificate."""
    template = "web/company/retire_form.html"
    if request.method != "POST":
        form = RetireForm(request.user, initial=_initial(request))
        return render(request, template, {"form": form})
    form = RetireForm(request.user, request.POST)

    def retire_once() -> dict:
        data = checked(form)
        certificate = movements.retire_credits(
            actor=request.user,
            block=data["block"],
            quantity=data["quantity"],
            beneficiary=data["beneficiary"],
            purpose=data["purpose"],
            note=data["note"],
        )
        return {"retirement": certificate.pk}

    try:
        answer = run_once(request, "web/company/retirements", retire_once)
    except DomainError as error:
        return refused(request, template, {"form": form}, error)
    return redirect("company:retirement", pk=answer["retirement"])


def _retirements(request: HttpRequest):
    return (
        selectors.retirements()
        .filter(holder_id=request.user.organization_id)
        .order_by("-created_at", "-id")
    )


def retirement_list(request: HttpRequest) -> HttpResponse:
    """The company's retirement certificates, newest first, each linking to its public page."""
    page = Paginator(_retirements(request), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/company/retirement_list.html", {"page": page})


def retirement(request: HttpRequest, pk: int) -> HttpResponse:
    """One of the company's retirement certificates, with the link to its public page."""
    certificate = get_object_or_404(_retirements(request), pk=pk)
    return render(request, "web/company/retirement_detail.html", {"retirement": certificate})


urlpatterns = [
    path("holdings/", holdings, name="holdings"),
    path("holdings/transfer/", transfer, name="transfer"),
    path("holdings/transfers/<int:pk>/", transfer_done, name="transfer-done"),
    path("holdings/retire/", retire, name="retire"),
    path("retirements/", retirement_list, name="retirements"),
    path("retirements/<int:pk>/", retirement, name="retirement"),
    *data_centres.urlpatterns,
    *claims.urlpatterns,
]
