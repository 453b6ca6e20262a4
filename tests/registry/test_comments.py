"""Public comments during publicity: who wrote them is plain, no anonymous comment passes for a
registered user's or organisation's, and anonymous comments are limited per address."""

import pytest

from registry.projects.models import ProjectComment
from registry.projects.services.projects import AUTHOR_NAME_REGISTERED
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def comment(user, project, address: str = "203.0.113.7", **body):
    return client_for(user).post(
        f"/api/v1/projects/{project.pk}/comment/",
        {"text": "Birds?", **body},
        format="json",
        REMOTE_ADDR=address,
    )


def test_a_comment_shows_whether_its_author_was_signed_in(lifecycle, parties):
    project = lifecycle.project("publicity")

    anonymous = comment(None, project, author_name="A. Resident")
    signed_in = comment(parties["verifier2"], project, text="Cables?")
    listed = client_for(None).get(f"/api/v1/projects/{project.pk}/comment/").json()

    assert (anonymous.status_code, signed_in.status_code) == (201, 201)
    assert anonymous.json()["signed_in"] is False
    assert signed_in.json()["signed_in"] is True
    assert [
        (c["author_name"], c["signed_in"], c["author_organization"], c["text"]) for c in listed
    ] == [
        ("A. Resident", False, None, "Birds?"),
        ("verifier2", True, parties["verifier2"].organization.name, "Cables?"),
    ]


@pytest.mark.parametrize(
    "name",
    [
        "regulator",  # a user's username
        "Regulator",
        "REGULATOR ",
        "r\u0435gulator",  # Cyrillic е
        "regu\u200blator",  # a zero-width space inside
        "\uff52\uff45\uff47\uff55\uff4c\uff41\uff54\uff4f\uff52",  # full-width letters
        "verifier2",
        "Competent authority",  # a kind of organisation
        "operator",
    ],
)
def test_an_anonymous_author_cannot_take_a_registered_name(name, lifecycle):
    project = lifecycle.project("publicity")

    response = comment(None, project, author_name=name)

    assert (response.status_code, response.json()) == (
        400,
        {"author_name": [AUTHOR_NAME_REGISTERED]},
    )
    assert not ProjectComment.objects.exists()


def test_an_anonymous_author_cannot_take_an_organisations_name(lifecycle, parties):
    project = lifecycle.project("publicity")
    regulator = parties["regulator"].organization.name

    response = comment(None, project, author_name=regulator.upper())

    assert response.status_code == 400
    assert list(response.json()) == ["author_name"]


def test_anonymous_comments_are_limited_per_address(lifecycle, parties, settings):
    settings.ANONYMOUS_COMMENT_THROTTLE = "3/hour"
    project = lifecycle.project("publicity")
    answers = [comment(None, project).status_code for _ in range(3)]

    refused = comment(None, project)
    elsewhere = comment(None, project, address="198.51.100.1")
    signed_in = comment(parties["verifier2"], project)

    assert answers == [201] * 3
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert (elsewhere.status_code, signed_in.status_code) == (201, 201)
    assert ProjectComment.objects.count() == 5
