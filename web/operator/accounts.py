"""Holding accounts: every account with what it holds, opening one for an organisation
(`open_account`), and freezing or unfreezing one (`set_account_frozen`), as the API does."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError
from registry.ledger import selectors
from registry.ledger.services.movements import open_account, set_account_frozen
from web.operator.forms import AccountForm, NoteForm
from web.refusals import refused

PAGE = "web/operator/accounts.html"
PAGE_SIZE = 50


def _context(request: HttpRequest, **forms: Any) -> dict[str, Any]:
    """The page of accounts asked for, each with its credits held (active and frozen)."""
    page = Paginator(selectors.accounts_visible_to(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    balances = selectors.balances([account.pk for account in page])
    rows = [
        {
            "account": account,
            "active": sum(entry["active"] for entry in balances.get(account.pk, [])),
            "frozen": sum(entry["frozen"] for entry in balances.get(account.pk, [])),
        }
        for account in page
    ]
    return {
        "page": page,
        "rows": rows,
        "account_form": forms.get("account_form") or AccountForm(),
        "refused_account": forms.get("refused_account"),
        "note_form": forms.get("note_form"),
    }


@require_GET
def accounts(request: HttpRequest) -> HttpResponse:
    """Every holding and system account: owner, kind, default, frozen, credits held; the form
    to open one and the freeze and unfreeze buttons."""
    return render(request, PAGE, _context(request))


@require_POST
def open_holding_account(request: HttpRequest) -> HttpResponse:
    """Open a holding account for an organisation, through `open_account`."""
    form = AccountForm(request.POST)
    context = _context(request, account_form=form)
    if not form.is_valid():
        return render(request, PAGE, context, status=400)
    try:
        account = open_account(actor=request.user, **form.cleaned_data)
    except DomainError as error:
        return refused(request, error, PAGE, context, form)
    messages.success(request, _("Account %(name)s is open.") % {"name": account.name})
    return redirect("operator:accounts")


def _set_frozen(request: HttpRequest, pk: int, frozen: bool) -> HttpResponse:
    account = get_object_or_404(selectors.accounts_visible_to(request.user), pk=pk)
    form = NoteForm(request.POST, prefix=f"account-{pk}")
    context = _context(request, note_form=form, refused_account=account.pk)
    if not form.is_valid():
        return render(request, PAGE, context, status=400)
    try:
        set_account_frozen(
            actor=request.user, account=account, frozen=frozen, note=form.cleaned_data["note"]
        )
    except DomainError as error:
        return refused(request, error, PAGE, context, form)
    if frozen:
        messages.success(request, _("Account %(name)s is frozen.") % {"name": account.name})
    else:
        messages.success(request, _("Account %(name)s is unfrozen.") % {"name": account.name})
    return redirect("operator:accounts")


@require_POST
def freeze(request: HttpRequest, pk: int) -> HttpResponse:
    """Freeze the account: nothing moves in or out until it is unfrozen."""
    return _set_frozen(request, pk, True)


@require_POST
def unfreeze(request: HttpRequest, pk: int) -> HttpResponse:
    """Unfreeze the account."""
    return _set_frozen(request, pk, False)
