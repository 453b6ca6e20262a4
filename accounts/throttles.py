"""Limits on signing in: guessing a password takes many tries, so tries are counted per username
(whatever the address they come from) and per address (whatever the usernames they try)."""

import hashlib
from collections.abc import Mapping

from accounts.usernames import name_key
from core.throttles import PerAddressThrottle, SettingRateThrottle


class SignInPerUsernameThrottle(SettingRateThrottle):
    """Sign-in tries for one username; `Operator` and `operator` are counted as one."""

    scope = "sign_in_username"
    rate_setting = "TOKEN_THROTTLE_PER_USERNAME"

    def get_cache_key(self, request, view) -> str | None:
        data = request.data
        username = data.get("username") if isinstance(data, Mapping) else None
        if not isinstance(username, str) or not username:
            return None
        # Hashed: a cache key of any length and alphabet, whatever was typed.
        ident = hashlib.sha256(name_key(username).encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}


class SignInPerAddressThrottle(PerAddressThrottle):
    scope = "sign_in_address"
    rate_setting = "TOKEN_THROTTLE_PER_ADDRESS"
