"""Every field a person fills has a label, and every chart its table: checked on the pages
each role opens without arguments and on the public pages, in both languages."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from tests.web.test_access import PAGES, ROLE_OF_KIND

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/projects/",
    "/issuances/",
    "/retirements/",
    "/green-certificates/",
    "/data-centres/",
    "/search/?serial=1",
    "/login/",
]
UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


class Fields(HTMLParser):
    """The page's form fields, its labels' targets, and its charts with their tables."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[dict] = []
        self.labelled: set[str] = set()
        self.label_depth = 0
        self.svgs: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "label":
            self.label_depth += 1
            if attributes.get("for"):
                self.labelled.add(attributes["for"])
        elif tag in {"input", "select", "textarea"}:
            if attributes.get("type", "text") not in UNLABELLED_TYPES:
                self.fields.append({**attributes, "inside_label": self.label_depth > 0})
        elif tag == "svg":
            self.svgs.append(attributes)

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.label_depth -= 1


def unlabelled(html: str) -> list[str]:
    page = Fields()
    page.feed(html)
    return [
        field.get("name") or field.get("id") or "?"
        for field in page.fields
        if not (
            field["inside_label"]
            or field.get("id") in page.labelled
            or field.get("aria-label")
            or field.get("aria-labelledby")
        )
    ]


def charts_without_names(html: str) -> list[dict]:
    page = Fields()
    page.feed(html)
    return [
        svg
        for svg in page.svgs
        if svg.get("aria-hidden") != "true"
        and not (svg.get("role") == "img" and (svg.get("aria-labelledby") or svg.get("aria-label")))
    ]


def check(html: str, path: str) -> None:
    assert unlabelled(html) == [], path
    assert charts_without_names(html) == [], path
    # A chart stands beside its table: as many tables as charts at least.
    assert html.count("<table") >= len(re.findall(r"<svg[^>]*role=\"img\"", html)), path


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_workspace_page_labels_its_fields_and_charts(users, language):
    pages = [(kind, path) for kind, path in PAGES if "/1/" not in path and not path.endswith("1")]
    for kind, path in pages:
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        client.force_login(users[ROLE_OF_KIND[kind]])
        response = client.get(path)
        if response.status_code == 405:  # a page that only takes a form's POST
            continue
        assert response.status_code == 200, path
        check(response.content.decode(), path)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_public_page_labels_its_fields_and_charts(db, path, language):
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get(path)

    assert response.status_code == 200
    check(response.content.decode(), path)


def test_the_check_finds_an_unlabelled_field():
    html = '<form><label for="a">A</label><input id="a"><input name="b"></form>'

    assert unlabelled(html) == ["b"]
