"""Request guards that run before any view or parser."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.utils import translation

BODY_TOO_LARGE = "Request body is too large: at most {limit} bytes are accepted."
FILE_TOO_LARGE = "The file is too large: at most {limit} bytes are accepted."
# Where the API is mounted (config/urls.py).
API_PREFIX = "/api/"


# Room in a multipart body for its boundaries, part headers and small fields beside the file.
MULTIPART_OVERHEAD_BYTES = 64 * 1024


def file_body_limit(request: HttpRequest) -> int | None:
    """The file size limit of the view the request goes to, if it takes files: the setting its
    class names in `request_body_limit_setting` (e.g. DOCUMENT_MAX_BYTES)."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    view = getattr(match.func, "cls", None) or getattr(match.func, "view_class", None)
    setting = getattr(view, "request_body_limit_setting", None)
    return getattr(settings, setting) if setting else None


class RequestBodyLimitMiddleware:
    """Refuse a body larger than DATA_UPLOAD_MAX_MEMORY_SIZE with a 400.

    Django applies that limit only when `request.body` is read; DRF's parsers read the stream
    directly, so without this guard an oversized JSON body would be parsed in full.

    A view that takes files (documents) names its own limit: its body may carry a file up to
    that many bytes, which Django's upload handlers spool to a temporary file past
    FILE_UPLOAD_MAX_MEMORY_SIZE; a larger body is a 413, refused before it is read.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return JsonResponse({"detail": "Content-Length is not a number."}, status=400)
        if limit is not None and length > limit:
            file_limit = file_body_limit(request)
            if file_limit is None:
                return JsonResponse({"detail": BODY_TOO_LARGE.format(limit=limit)}, status=400)
            if length > file_limit + MULTIPART_OVERHEAD_BYTES:
                return JsonResponse({"detail": FILE_TOO_LARGE.format(limit=file_limit)}, status=413)
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Send CONTENT_SECURITY_POLICY with every HTML answer that has no policy of its own.

    The policy is what makes an injected `<script>` inert: with `script-src 'self'` a browser
    runs only script files this site serves, never inline code.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        content_type = response.get("Content-Type", "")
        if policy and content_type.startswith("text/html"):
            response.headers.setdefault("Content-Security-Policy", policy)
        return response


class EnglishAPIMiddleware:
    """The API answers in English whatever the browser asks for: its messages, field errors and
    labels are what integrators parse. Placed after `LocaleMiddleware`, which picked the
    pages' language from the cookie or Accept-Language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        translation.activate("en")
        request.LANGUAGE_CODE = "en"
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", "en")
        return response
