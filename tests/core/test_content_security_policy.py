"""HTML pages carry a Content-Security-Policy under which no inline script runs, and the API docs
still work under it (their start-up code is a script file)."""

import re

import pytest

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parsed = {}
    for directive in filter(None, (part.strip() for part in policy.split(";"))):
        name, *values = directive.split()
        parsed[name] = values
    return parsed


@pytest.mark.parametrize(
    "path", ["/", "/projects/", "/data-centres/", "/api/v1/docs/", "/admin/login/"]
)
def test_html_pages_allow_no_inline_script(path, client):
    response = client.get(path)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_the_api_docs_page_has_no_inline_script_and_serves_its_own(client):
    page = client.get("/api/v1/docs/").content.decode()

    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", page, flags=re.DOTALL)
    assert scripts
    assert all("src=" in attributes and not body.strip() for attributes, body in scripts)
    [start_up] = [
        src for src in re.findall(r'<script src="([^"]+)"', page) if "script" in src.split("?")[-1]
    ]
    script = client.get(start_up.replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_the_policy_is_a_setting(client, settings):
    settings.CONTENT_SECURITY_POLICY = "default-src 'none'"

    assert client.get("/")["Content-Security-Policy"] == "default-src 'none'"


def test_json_answers_carry_no_page_policy(client):
    response = client.get("/api/v1/organizations/")

    assert "Content-Security-Policy" not in response
