"""Usernames are unique as a reader takes them: case, compatibility forms and look-alike letters
of other scripts do not make a name another."""

import pytest
from django.db import IntegrityError, transaction

from accounts import services
from accounts.models import User
from accounts.usernames import name_key
from core.errors import InvalidInput
from tests.conftest import PASSWORD, make_organization

pytestmark = pytest.mark.django_db

LOOK_ALIKES = [
    "Operator",
    "OPERATOR",
    "\uff4f\uff50\uff45\uff52\uff41\uff54\uff4f\uff52",  # full-width
    "operat\u03bfr",  # Greek omicron
    "\u043e\u0440\u0435r\u0430t\u043er",  # Cyrillic о р е а о
]


@pytest.mark.parametrize("username", LOOK_ALIKES)
def test_name_key_folds_look_alikes_to_one_key(username):
    assert name_key(username) == "operator"


@pytest.mark.parametrize("username", ["operat\u00f6r", "operators", "\u5f20\u4e09", "0perator"])
def test_name_key_keeps_names_that_read_differently(username):
    assert name_key(username) != "operator"


@pytest.mark.parametrize("username", LOOK_ALIKES)
def test_a_look_alike_of_an_existing_username_is_refused(username, users):
    with pytest.raises(InvalidInput) as error:
        services.create_user(
            actor=None,
            username=username,
            password=PASSWORD,
            organization=make_organization("proponent"),
        )

    assert error.value.errors == {"username": [services.USERNAME_TAKEN]}
    assert User.objects.filter(username=username).count() == 0


def test_the_api_refuses_a_look_alike_naming_the_field(users, clients):
    company = users["proponent"].organization

    response = clients["operator"].post(
        "/api/v1/users/",
        {"username": "operat\u03bfr", "password": PASSWORD, "organization": company.pk},
        format="json",
    )

    assert (response.status_code, response.json()) == (
        400,
        {"username": [services.USERNAME_TAKEN]},
    )


def test_the_database_refuses_a_look_alike_written_around_the_service(users):
    organization = users["proponent"].organization

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="OPERAT\u039fR", organization=organization)  # Greek Ο


def test_renaming_a_user_keeps_the_key_in_step(users):
    user = users["proponent"]
    user.username = "Donghai"
    user.save(update_fields=["username"])

    assert User.objects.values_list("username_key", flat=True).get(pk=user.pk) == "donghai"


def test_names_in_any_one_script_are_taken_as_written(users):
    organization = users["proponent"].organization
    for username in ("\u5f20\u4e09", "\u5f20\u4e09\u4e30", "operat\u00f6r"):
        services.create_user(
            actor=None, username=username, password=PASSWORD, organization=organization
        )

    assert User.objects.filter(username__in=["\u5f20\u4e09", "\u5f20\u4e09\u4e30"]).count() == 2
