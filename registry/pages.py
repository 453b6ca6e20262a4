"""Public pages a person reads in a browser."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from registry import selectors


def retirement_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """The public certificate of one retirement: serial range, project, vintage, beneficiary,
    purpose."""
    retirement = get_object_or_404(selectors.retirements(), pk=pk)
    return render(request, "registry/retirement_certificate.html", {"retirement": retirement})
