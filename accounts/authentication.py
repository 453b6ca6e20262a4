"""API token authentication that loads the user's organisation with the token: every rule asks
which organisation the caller belongs to, so this saves each request a query."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key: str):
        model = self.get_model()
        try:
            token = model.objects.select_related("user", "user__organization").get(key=key)
        except model.DoesNotExist as missing:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from missing
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return token.user, token
