"""Signing in with the session: CSRF-protected, throttled like the API's token endpoint."""

import pytest
from django.test import Client

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_signing_in_opens_the_workspace(users):
    client = Client()

    response = client.post("/login/", {"username": "verifier", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert client.get("/dashboard/")["Location"] == "/workspace/verifier/"


def test_a_wrong_password_is_refused_with_a_message(users):
    response = Client().post("/login/", {"username": "verifier", "password": "not-it"})

    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session


def test_sign_in_needs_the_csrf_token(users):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/login/", {"username": "verifier", "password": PASSWORD})

    assert response.status_code == 403


def test_sign_in_is_throttled_per_username(users, settings):
    settings.TOKEN_THROTTLE_PER_USERNAME = "3/min"
    client = Client()
    for _ in range(3):
        client.post("/login/", {"username": "verifier", "password": "wrong"})

    response = client.post("/login/", {"username": "Verifier", "password": PASSWORD})

    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_is_throttled_per_address_whatever_the_username(users, settings):
    settings.TOKEN_THROTTLE_PER_ADDRESS = "2/min"
    client = Client()
    client.post("/login/", {"username": "someone", "password": "wrong"})
    client.post("/login/", {"username": "someone-else", "password": "wrong"})

    response = client.post("/login/", {"username": "operator", "password": PASSWORD})

    assert response.status_code == 429


def test_signing_out_is_a_post_and_ends_the_session(users):
    client = Client()
    client.force_login(users["operator"])

    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")

    assert response.status_code == 302
    assert client.get("/dashboard/")["Location"].startswith("/login/")


def test_a_password_change_takes_the_old_password(users):
    client = Client()
    client.force_login(users["proponent"])
    new = "another-long-password-77"

    refused = client.post(
        "/password/",
        {"old_password": "wrong", "new_password1": new, "new_password2": new},
    )
    changed = client.post(
        "/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )

    assert refused.status_code == 200
    assert changed.status_code == 302
    assert changed["Location"] == "/password/done/"
    users["proponent"].refresh_from_db()
    assert users["proponent"].check_password(new)
    assert client.get("/dashboard/").status_code == 302  # still signed in


def test_the_password_page_needs_a_signed_in_user(db):
    assert Client().get("/password/")["Location"] == "/login/?next=/password/"
