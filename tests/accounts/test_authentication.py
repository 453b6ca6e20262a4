"""Token authentication: knox's hashed, expiring tokens; the caller's organisation arrives with
the token."""

import pytest
from knox.models import AuthToken

from accounts.authentication import TokenAuthentication
from tests.conftest import client_for, make_organization, make_user

pytestmark = pytest.mark.django_db


def test_the_token_brings_its_user_and_organisation_in_one_query(django_assert_num_queries):
    user = make_user(make_organization("proponent", name="Donghai Wind Co."))
    stored, key = AuthToken.objects.create(user=user)

    with django_assert_num_queries(1):
        authenticated, token = TokenAuthentication().authenticate_credentials(key.encode())
        assert authenticated.organization.name == "Donghai Wind Co."
    assert (authenticated, token) == (user, stored)


def test_an_unknown_token_is_refused():
    client = client_for(None)
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 64)

    response = client.get("/api/v1/me/")

    assert (response.status_code, response.json()) == (401, {"detail": "Invalid token."})


def test_a_token_that_is_not_text_is_refused():
    client = client_for(None)
    client.credentials(HTTP_AUTHORIZATION="Token caf\u00e9")

    response = client.get("/api/v1/me/")

    assert (response.status_code, response.json()) == (401, {"detail": "Invalid token."})


def test_an_inactive_users_token_is_refused():
    user = make_user(make_organization("proponent"))
    client = client_for(user)
    user.is_active = False
    user.save(update_fields=["is_active"])

    response = client.get("/api/v1/me/")

    assert (response.status_code, response.json()) == (401, {"detail": "User inactive or deleted."})
