"""Request-rate limits of the API: DRF throttles whose rates are Django settings, read on each
request (so a deployment sets them from the environment and a test overrides them), counted in
the default cache, which production shares between every server process."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class SettingRateThrottle(SimpleRateThrottle):
    """A throttle whose rate ("10/min") is the setting named by `rate_setting`."""

    rate_setting: str

    def get_rate(self) -> str | None:
        return getattr(settings, self.rate_setting)


class PerAddressThrottle(SettingRateThrottle):
    """Counts requests per client address (X-Forwarded-For only as far as NUM_PROXIES trusts
    it)."""

    def get_cache_key(self, request, view) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class AnonymousPerAddressThrottle(PerAddressThrottle):
    """Counts the requests of callers who are not signed in, per address; signed-in callers
    answer for what they do under their own name and are not counted."""

    def get_cache_key(self, request, view) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return super().get_cache_key(request, view)
