"""How the company's forms answer: a write runs once per form (the idempotency key each form
carries, as the API's `Idempotency-Key` header), and a service's refusal becomes the form again
with the status the API would answer (400 with the messages next to the fields, 409 with the
message shown; 403 and 404 as Django's own)."""

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core import idempotency
from core.errors import AccessDenied, DomainError, InvalidInput
from core.messages import localized
from web.refusals import refusal_message

# The hidden field that carries a form's idempotency key.
KEY_FIELD = "idempotency_key"
# Fields that are not part of the request the key stands for.
NOT_THE_REQUEST = {"csrfmiddlewaretoken", KEY_FIELD}


def add_key_field(form: forms.Form) -> None:
    """The hidden field of `form` that carries its idempotency key, a fresh one each time the
    form is rendered: a double-click sends the same key twice."""
    form.fields[KEY_FIELD] = forms.CharField(
        widget=forms.HiddenInput, initial=str(uuid.uuid4()), required=False
    )


def run_once(
    request: HttpRequest, endpoint: str, operation: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """The answer of `operation` (a JSON-able dict naming what it made), run at most once per
    key of the company's (`core.idempotency.run_once`): a replay of the same form answers what
    the first submission answered. The fingerprint is the submitted fields but the key and the
    CSRF token, so the same key with other values is refused (409)."""
    body = {
        name: request.POST.getlist(name)
        for name in sorted(request.POST)
        if name not in NOT_THE_REQUEST
    }
    _, answer = idempotency.run_once(
        user=request.user,
        key=request.POST.get(KEY_FIELD) or None,
        endpoint=endpoint,
        body=body,
        operation=lambda: (201, operation()),
    )
    return answer


class FormInvalid(InvalidInput):
    """The form's own checks refused the input: its errors are on the form already."""

    def __init__(self) -> None:
        super().__init__({})


def checked(form) -> dict[str, Any]:
    """The form's cleaned data, or `FormInvalid` (so that a refused form rolls back its key's
    reservation, as a refused service call does)."""
    if not form.is_valid():
        raise FormInvalid()
    return form.cleaned_data


def refused(
    request: HttpRequest, template: str, context: dict[str, Any], error: DomainError
) -> HttpResponse:
    """The page again, refused as the API refuses: a field's message next to the field (400),
    a conflict's message above the form (409); denials and unknown objects as Django's 403 and
    404."""
    if isinstance(error, AccessDenied):
        raise PermissionDenied(localized(error.message))
    message = refusal_message(error, context.get("form"))
    if message is not None:
        context["refusal"] = message
    return render(request, template, context, status=error.status_code)
