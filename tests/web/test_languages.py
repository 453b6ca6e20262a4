"""The pages' language follows the browser, and the switch's choice is remembered over it."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_chinese_browser_reads_the_pages_in_chinese():
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.5")

    page = response.content.decode()
    assert '<html lang="zh-hans">' in page
    assert "项目" in page  # "Projects" in the header


def test_an_english_browser_reads_the_pages_in_english():
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")

    page = response.content.decode()
    assert '<html lang="en">' in page
    assert ">Projects<" in page


def test_the_switch_remembers_the_choice_over_the_browser():
    client = Client()

    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/projects/"})
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()

    assert switched.status_code == 302
    assert switched["Location"] == "/projects/"
    assert '<html lang="en">' in page


def test_the_switch_does_not_redirect_off_the_site():
    response = Client().post(
        "/i18n/setlang/", {"language": "zh-hans", "next": "https://elsewhere.example/"}
    )

    assert response["Location"] == "/"


def test_a_language_the_registry_does_not_speak_falls_back_to_english():
    page = Client().get("/", HTTP_ACCEPT_LANGUAGE="fr-FR").content.decode()

    assert '<html lang="en">' in page
