"""The company's green certificate claims: the list (each claim links to its public record) and
the claim form for its active certificate blocks. The claim runs through `claim_certificates`
once per form (its idempotency key), as the API runs it once per `Idempotency-Key`."""

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from certificates import selectors
from certificates.models import CertificateBlock
from certificates.services.claims import claim_certificates
from compute.selectors import data_centres_visible_to
from core.errors import DomainError
from web.company.data_centre_forms import DateInput
from web.company.form_answers import add_key_field, checked, refused, run_once

PAGE_SIZE = 50


class CertificateBlockField(forms.ModelChoiceField):
    def label_from_instance(self, block: CertificateBlock) -> str:
        return _("%(serial)s · %(quantity)s certificates · valid until %(expires_on)s") % {
            "serial": block.serial,
            "quantity": number_format(block.quantity, force_grouping=True),
            "expires_on": block.expires_on,
        }


class ClaimForm(forms.Form):
    """A claim's shape, as the API's claim input: a block of the company's (an active one is
    offered; the service refuses any other with a 409), a quantity, the period of consumption,
    and the consumer or one of the company's data centres."""

    block = CertificateBlockField(
        queryset=CertificateBlock.objects.none(), label=_("Certificates (block)")
    )
    quantity = forms.IntegerField(
        min_value=1, label=_("Quantity"), help_text=_("Certificates, 1,000 kWh each.")
    )
    period_start = forms.DateField(widget=DateInput, label=_("Consumed from"))
    period_end = forms.DateField(widget=DateInput, label=_("Consumed until"))
    data_centre = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Data centre"),
        help_text=_("The data centre that consumed the electricity, if one of yours did."),
    )
    consumer = forms.CharField(
        max_length=300,
        required=False,
        label=_("Consumer"),
        help_text=_("Who consumed the electricity; the data centre's name if left blank."),
    )

    def __init__(self, user, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        visible = selectors.blocks_visible_to(user).select_related(None)
        block = self.fields["block"]
        block.queryset = visible
        active = visible.filter(state=CertificateBlock.State.ACTIVE).order_by("serial_first")
        block.widget.choices = [("", "---------")] + [
            (each.pk, block.label_from_instance(each)) for each in active
        ]
        self.fields["data_centre"].queryset = data_centres_visible_to(user).order_by("name")
        add_key_field(self)


def claim_list(request: HttpRequest) -> HttpResponse:
    """The company's certificate claims, newest first, each linking to its public record."""
    claims = (
        selectors.claims()
        .filter(claimant_id=request.user.organization_id)
        .order_by("-created_at", "-id")
    )
    page = Paginator(claims, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/company/claim_list.html", {"page": page})


def claim_new(request: HttpRequest) -> HttpResponse:
    """The claim form; a second submission of the same form (a double-click) claims nothing and
    opens the first claim's public record."""
    template = "web/company/claim_form.html"
    if request.method != "POST":
        return render(request, template, {"form": ClaimForm(request.user)})
    form = ClaimForm(request.user, request.POST)

    def claim_once() -> dict:
        data = checked(form)
        data_centre = data["data_centre"]
        record = claim_certificates(
            actor=request.user,
            block=data["block"],
            quantity=data["quantity"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            consumer=data["consumer"],
            data_centre=None if data_centre is None else data_centre.pk,
        )
        return {"claim": record.pk}

    try:
        answer = run_once(request, "web/company/claims", claim_once)
    except DomainError as error:
        return refused(request, template, {"form": form}, error)
    return redirect("certificate-claim", pk=answer["claim"])


urlpatterns = [
    path("certificate-claims/", claim_list, name="claims"),
    path("certificate-claims/new/", claim_new, name="claim-new"),
]
