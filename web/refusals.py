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


def refusal_message(error: DomainError, form: forms.Form | None = None) -> str | None:
    """What the page says of `error`, in the reader's language: a `NotFound` is a 404 (raised);
    bad input with a form goes next to the form's fields (one the form has no field for above
    them) and leaves nothing else to say (None); any other refusal is its message."""
    if isinstance(error, NotFound):
        raise Http404(localized(error.message))
    if isinstance(error, InvalidInput) and form is not None:
        for field, field_messages in error.errors.items():
            for message in field_messages:
                form.add_error(field if field in form.fields else None, localized(message))
        return None
    return localized(error.message)


def refused(
    request: HttpRequest,
    error: DomainError,
    template: str,
    context: dict[str, Any],
    form: forms.Form | None = None,
) -> HttpResponse:
    """The page again with the service's reason, answered with the error's status."""
    message = refusal_message(error, form)
    if message is not None:
        messages.error(request, message)
    return render(request, template, context, status=error.status_code)
