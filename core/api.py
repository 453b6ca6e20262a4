"""API plumbing shared by every app: the exception handler, the input parser, idempotent
answers, decimal strings and the CSV renderer."""

import csv
import io
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers, status
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from core import idempotency
from core.errors import DomainError, InvalidInput
from core.parsers import JSON_TOO_DEEP


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Map domain errors to one body shape: `{field: [message]}` for bad input, else `detail`."""
    if isinstance(exc, InvalidInput):
        return Response(exc.errors, status=exc.status_code)
    if isinstance(exc, DomainError):
        return Response({"detail": exc.message}, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        body = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, RecursionError):
        # Input nested beyond what Python recurses through, on a view whose parsers are not
        # `core.parsers.DepthLimitedJSONParser` (which names the field): still a 400.
        limit = settings.JSON_MAX_DEPTH
        return Response(
            {api_settings.NON_FIELD_ERRORS_KEY: [JSON_TOO_DEEP.format(limit=limit)]},
            status=status.HTTP_400_BAD_REQUEST,
        )
    return drf_exception_handler(exc, context)


def parsed(
    serializer_class: type[serializers.Serializer], request: Any, data: Any = None
) -> dict[str, Any]:
    """The request's input (its body, or `data` such as the query string) validated by an input
    serializer; a 400 naming each bad field otherwise."""
    serializer = serializer_class(
        data=request.data if data is None else data, context={"request": request}
    )
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class DecimalString(serializers.DecimalField):
    """A decimal written as a plain string without trailing zeros: "0.75", never "7.5E-1"."""

    def to_representation(self, value: Any) -> str | None:
        if value is None:
            return None
        return format(Decimal(value).normalize(), "f")


# What makes a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class CSVRenderer(BaseRenderer):
    """`?format=csv` for endpoints that answer a list of flat rows: a header of the first row's
    keys, then one line per row. An error body (`{field: [message]}` or `{detail: message}`)
    becomes `field,message` lines, so a CSV client still reads why it was refused. Text that a
    spreadsheet would run as a formula (a project title starting with `=`, say) is written
    with a leading apostrophe (OWASP's advice on CSV injection)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type=None, renderer_context=None) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        if isinstance(data, Mapping):
            writer.writerow(["field", "message"])
            for field, messages in data.items():
                for message in messages if isinstance(messages, list) else [messages]:
                    writer.writerow([field, _inert(message)])
        elif data:
            writer.writerow(list(data[0]))
            writer.writerows([[_inert(row[column]) for column in data[0]] for row in data])
        return out.getvalue().encode(self.charset)


def _inert(value: Any) -> Any:
    """Text as a spreadsheet shows it and never runs it."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    location=OpenApiParameter.HEADER,
    required=False,
    description="A replay with the same key and body returns the first answer and changes "
    "nothing; the same key with another body is a 409.",
)


def answer_once(
    request: Request, endpoint: str, operation: Callable[[], idempotency.Answer]
) -> Response:
    """The response of `operation`, run at most once per `Idempotency-Key` of the caller's
    organisation (`core.idempotency.run_once`)."""
    answer_status, data = idempotency.run_once(
        user=request.user,
        key=request.headers.get("Idempotency-Key"),
        endpoint=endpoint,
        body=request.data,
        operation=operation,
    )
    return Response(data, status=answer_status)
