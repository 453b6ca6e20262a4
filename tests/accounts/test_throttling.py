"""Throttles: sign-in tries per username and per address, anonymous comments per address; each
refusal a 429 with Retry-After. The limits are settings; these tests set low ones."""

import pytest

from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


def sign_in(username: str, password: str, address: str = "203.0.113.7", **headers):
    return client_for(None).post(
        TOKEN_URL,
        {"username": username, "password": password},
        format="json",
        REMOTE_ADDR=address,
        **headers,
    )


@pytest.fixture
def limits(settings):
    settings.TOKEN_THROTTLE_PER_USERNAME = "10/min"
    settings.TOKEN_THROTTLE_PER_ADDRESS = "1000/min"
    settings.ANONYMOUS_COMMENT_THROTTLE = "1000/min"
    return settings


def test_85_wrong_passwords_then_the_right_one_are_not_all_taken(users, limits):
    answers = [sign_in("operator", f"guess-{n}").status_code for n in range(85)]
    right = sign_in("operator", PASSWORD)

    assert answers[:10] == [400] * 10
    assert set(answers[10:]) == {429}
    assert right.status_code == 429
    assert int(right["Retry-After"]) > 0


def test_the_username_limit_holds_whatever_the_address(users, limits):
    for n in range(10):
        assert sign_in("operator", "wrong", address=f"198.51.100.{n}").status_code == 400

    assert sign_in("operator", "wrong", address="198.51.100.200").status_code == 429
    # The same name in another case or with a look-alike letter is the same username.
    assert sign_in("OPERATOR", "wrong", address="198.51.100.201").status_code == 429
    assert sign_in("operat\u03bfr", "wrong", address="198.51.100.202").status_code == 429
    # Another user signs in as usual.
    assert sign_in("proponent", PASSWORD, address="198.51.100.203").status_code == 200


def test_the_address_limit_holds_whatever_the_username(users, limits):
    limits.TOKEN_THROTTLE_PER_ADDRESS = "5/min"
    answers = [sign_in(f"someone{n}", "wrong").status_code for n in range(5)]

    refused = sign_in("proponent", PASSWORD)

    assert answers == [400] * 5
    assert refused.status_code == 429
    assert "Retry-After" in refused
    assert sign_in("proponent", PASSWORD, address="203.0.113.8").status_code == 200


def test_a_forwarded_for_header_does_not_make_a_new_address(users, limits):
    limits.TOKEN_THROTTLE_PER_ADDRESS = "3/min"
    for n in range(3):
        sign_in(f"someone{n}", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")

    response = sign_in("proponent", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99")

    assert response.status_code == 429


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(users, limits, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    limits.TOKEN_THROTTLE_PER_ADDRESS = "3/min"
    proxy = "10.0.0.1"
    for n in range(3):
        sign_in(f"someone{n}", "wrong", address=proxy, HTTP_X_FORWARDED_FOR="192.0.2.1")

    same_client = sign_in("proponent", PASSWORD, proxy, HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.1")
    other_client = sign_in("proponent", PASSWORD, proxy, HTTP_X_FORWARDED_FOR="192.0.2.2")

    assert (same_client.status_code, other_client.status_code) == (429, 200)


def test_the_limits_are_settings_with_defaults():
    from django.conf import settings

    for name in (
        "TOKEN_THROTTLE_PER_USERNAME",
        "TOKEN_THROTTLE_PER_ADDRESS",
        "ANONYMOUS_COMMENT_THROTTLE",
    ):
        count, period = getattr(settings, name).split("/")
        assert int(count) > 0 and period[0] in "smhd", name
