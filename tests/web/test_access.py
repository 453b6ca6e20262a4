"""Every workspace page refuses the other roles: the page list is read from the URL
configuration, so a page added later is covered without being named here."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern

from core.roles import OrganizationKind
from web.access import WORKSPACES
from web.urls import WORKSPACE_URLS

pytestmark = pytest.mark.django_db

ROLE_OF_KIND = {
    OrganizationKind.PROPONENT: "proponent",
    OrganizationKind.VERIFIER: "verifier",
    OrganizationKind.OPERATOR: "operator",
    OrganizationKind.REGULATOR: "regulator",
}


def workspace_pages() -> list[tuple[str, str]]:
    """(kind, path) of every workspace page, any path argument filled with 1."""
    pages = []
    for kind, module in WORKSPACE_URLS.items():
        for pattern in module.urlpatterns:
            assert isinstance(pattern, URLPattern)
            route = re.sub(r"<(?:\w+:)?\w+>", "1", str(pattern.pattern))
            pages.append((kind, f"/workspace/{WORKSPACES[kind]}/{route}"))
    return pages


PAGES = workspace_pages()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(("kind", "path"), PAGES)
def test_every_other_role_is_refused_every_workspace_page(users, kind, path):
    for role, user in users.items():
        if role == ROLE_OF_KIND[kind]:
            continue
        client = signed_in(user)
        assert client.get(path).status_code == 403, (role, path)
        assert client.post(path, {}).status_code == 403, (role, path)


@pytest.mark.parametrize(("kind", "path"), PAGES)
def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(db, kind, path):
    response = Client().get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_the_page_list_covers_every_role():
    assert {kind for kind, _ in PAGES} == set(ROLE_OF_KIND)
    assert len(PAGES) >= len(ROLE_OF_KIND)


@pytest.mark.parametrize("role", ["proponent", "verifier", "operator", "regulator"])
def test_the_dashboard_opens_the_roles_own_workspace(users, role):
    client = signed_in(users[role])

    response = client.get("/dashboard/")

    kind = {v: k for k, v in ROLE_OF_KIND.items()}[role]
    assert response.status_code == 302
    assert response["Location"] == f"/workspace/{WORKSPACES[kind]}/"
    assert client.get(response["Location"]).status_code == 200


def test_the_dashboard_sends_a_visitor_to_sign_in(db):
    response = Client().get("/dashboard/")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/dashboard/"
