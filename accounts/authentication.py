"""API token authentication: knox's hashed, expiring tokens, read with the user's organisation in
the same query (every rule asks which organisation the caller belongs to, so this saves each
request a query). Every API call starts with this read: it is made with `core.rows`, a prepared
statement, not an ORM query compiled anew on each request."""

import binascii
from hmac import compare_digest

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox import auth
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS
from rest_framework import exceptions

from core import rows

INVALID_TOKEN = _("Invalid token.")
TOKEN_EXPIRED = _("Token has expired.")


class TokenAuthentication(auth.TokenAuthentication):
    """`Authorization: Token <key>`; the key is compared by its SHA-512 digest.

    Unlike knox's own class it reads no other token of the user on each request (knox looks
    for the user's expired tokens every time): expired tokens are refused when presented and
    purged by the `accounts.purge_expired_tokens` task.
    """

    def authenticate_credentials(self, token: bytes):
        try:
            key = token.decode("utf-8")
            digest = hash_token(key)
        except (UnicodeDecodeError, TypeError, binascii.Error) as malformed:
            raise exceptions.AuthenticationFailed(INVALID_TOKEN) from malformed
        candidates = rows.select_by(
            AuthToken,
            "token_key",
            key[: CONSTANTS.TOKEN_KEY_LENGTH],
            related=("user", "user__organization"),
        )
        for candidate in candidates:
            if not compare_digest(digest, candidate.digest):
                continue
            if candidate.expiry is not None and candidate.expiry <= timezone.now():
                raise exceptions.AuthenticationFailed(TOKEN_EXPIRED)
            return self.validate_user(candidate)
        raise exceptions.AuthenticationFailed(INVALID_TOKEN)


class TokenScheme(OpenApiAuthenticationExtension):
    """The API schema's name for this scheme: `Authorization: Token <key>`."""

    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=self.target.authenticate_header(None)
        )
