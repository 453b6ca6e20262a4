"""API tokens: stored as digests, expiring, revoked by signing out or by deactivation."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from knox.models import AuthToken

from accounts import services
from accounts.tasks import purge_expired_tokens
from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db


def sign_in(client, username: str, password: str = PASSWORD):
    return client.post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )


def with_token(key: str):
    client = client_for(None)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_the_key_is_stored_only_as_its_digest(users, clients):
    response = sign_in(clients["anonymous"], "proponent")

    key = response.json()["token"]
    token = AuthToken.objects.get(user=users["proponent"], token_key=key[:15])
    stored = [str(value) for row in AuthToken.objects.values_list() for value in row]
    assert all(key not in value for value in stored)
    assert token.digest != key
    assert with_token(key).get("/api/v1/me/").status_code == 200


def test_a_token_expires_after_the_configured_lifetime(users, clients, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": timedelta(hours=2)}
    signed_in = timezone.now()

    response = sign_in(clients["anonymous"], "proponent")

    key = response.json()["token"]
    expiry = AuthToken.objects.get(token_key=key[:15]).expiry
    assert signed_in + timedelta(hours=2) <= expiry <= timezone.now() + timedelta(hours=2)
    assert response.json()["expiry"] is not None
    with time_machine.travel(expiry - timedelta(minutes=1)):
        assert with_token(key).get("/api/v1/me/").status_code == 200
    with time_machine.travel(expiry + timedelta(minutes=1)):
        late = with_token(key).get("/api/v1/me/")
    assert (late.status_code, late.json()) == (401, {"detail": "Token has expired."})


def test_the_lifetime_is_a_setting_and_every_token_has_one(settings):
    assert settings.REST_KNOX["TOKEN_TTL"] == timedelta(hours=settings.API_TOKEN_TTL_HOURS)
    assert settings.API_TOKEN_TTL_HOURS > 0


def test_the_beat_schedule_purges_expired_tokens(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["purge-expired-tokens"]

    assert schedule["task"] == purge_expired_tokens.name


def test_operators_see_who_holds_tokens_in_the_admin_but_never_a_key(users, client):
    key = sign_in(client_for(None), "proponent").json()["token"]
    client.force_login(users["operator"])

    listing = client.get("/admin/knox/authtoken/")
    adding = client.get("/admin/knox/authtoken/add/")

    assert listing.status_code == 200
    page = listing.content.decode()
    assert "proponent" in page
    assert key not in page and key[:15] not in page
    assert adding.status_code == 403


def test_signing_out_revokes_that_token_only(users, clients):
    first = sign_in(clients["anonymous"], "proponent").json()["token"]
    second = sign_in(clients["anonymous"], "proponent").json()["token"]

    response = with_token(first).post("/api/v1/auth/logout/")

    assert response.status_code == 204
    refused = with_token(first).get("/api/v1/me/")
    assert (refused.status_code, refused.json()) == (401, {"detail": "Invalid token."})
    assert with_token(second).get("/api/v1/me/").status_code == 200
    assert not AuthToken.objects.filter(token_key=first[:15]).exists()


def test_signing_out_needs_a_token(clients):
    assert clients["anonymous"].post("/api/v1/auth/logout/").status_code == 401


def test_wrong_credentials_and_a_deactivated_user_get_the_same_answer(users, clients):
    services.deactivate_user(actor=users["operator"], user=users["verifier"])

    wrong = sign_in(clients["anonymous"], "proponent", "not-the-password")
    unknown = sign_in(clients["anonymous"], "nobody")
    inactive = sign_in(clients["anonymous"], "verifier")

    expected = {"non_field_errors": [services.SIGN_IN_FAILED]}
    for response in (wrong, unknown, inactive):
        assert (response.status_code, response.json()) == (400, expected)
    assert not AuthToken.objects.filter(user=users["verifier"]).exists()


def test_the_purge_task_deletes_expired_tokens_only(users):
    before = set(AuthToken.objects.values_list("pk", flat=True))
    expired, _ = AuthToken.objects.create(user=users["proponent"], expiry=timedelta(hours=-1))
    live, _ = AuthToken.objects.create(user=users["proponent"], expiry=timedelta(hours=1))

    assert purge_expired_tokens() == 1
    assert purge_expired_tokens() == 0
    assert set(AuthToken.objects.values_list("pk", flat=True)) == before | {live.pk}
