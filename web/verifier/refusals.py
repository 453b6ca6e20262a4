"""A service's refusal shown on the page that asked for the act, never an error page: bad
input next to its fields (400), any other refusal as a message with its status (403, 409...);
an object the user may not see is a 404, as everywhere else."""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from core.errors import DomainError, InvalidInput, NotFound
from core.messages import localized


def refused(
    request: HttpRequest,
    error: DomainError,
    template: str,
    context: dict[str, Any],
    form: forms.Form | None = None,
) -> HttpResponse:
    """The page again with the service's reason, answered with the error's status. Field
    errors go next to the form's fields; one the form has no field for goes above them."""
    if isinstance(error, NotFound):
        raise Http404(localized(error.message))
    if isinstance(error, InvalidInput) and form is not None:
        for field, field_messages in error.errors.items():
            for message in field_messages:
                form.add_error(field if field in form.fields else None, localized(message))
    else:
        messages.error(request, localized(error.message))
    return render(request, template, context, status=error.status_code)
