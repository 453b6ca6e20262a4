"""Request guards that run before any view or parser."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

BODY_TOO_LARGE = "Request body is too large: at most {limit} bytes are accepted."


class RequestBodyLimitMiddleware:
    """Refuse a body larger than DATA_UPLOAD_MAX_MEMORY_SIZE with a 400.

    Django applies that limit only when `request.body` is read; DRF's parsers read the stream
    directly, so without this guard an oversized JSON body would be parsed in full.
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
            return JsonResponse({"detail": BODY_TOO_LARGE.format(limit=limit)}, status=400)
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
