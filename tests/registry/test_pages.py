"""The public pages: what they list, what they filter, and what they never show."""

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from registry.ledger.models import CreditBlock
from registry.ledger.services import movements
from registry.projects.services import reports
from registry.reporting.selectors import credit_totals
from tests.registry.conftest import MONITORED
from web.views import public as pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(lifecycle, parties, dates):
    """An issued Shanghai project with 40 credits retired, a registered Hainan project with a
    draft report, and a draft project."""
    issued = lifecycle.report("issued")
    block = CreditBlock.objects.filter(issuance__report=issued).order_by("first").first()
    retirement = movements.retire_credits(
        actor=parties["proponent"],
        block=block,
        quantity=40,
        beneficiary="Shanghai Marathon",
        purpose="event_neutrality",
    )
    hainan = lifecycle.project("registered", title="Hainan solar park", province="Hainan")
    draft_report = reports.create_report(
        actor=parties["proponent"],
        project=hainan,
        parameters=MONITORED,
        verifier=parties["verifier2"].organization,
        **dates.period,
    )
    draft = lifecycle.project("draft")
    return {
        "issued": issued,
        "hainan": hainan,
        "draft_report": draft_report,
        "draft": draft,
        "retirement": retirement,
    }


def get(url: str, **query) -> str:
    response = Client().get(url, query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_front_page_shows_the_registrys_totals(registry):
    overall = credit_totals(group_by="vintage")
    issued = sum(row["issued"] for row in overall)

    page = get("/")

    assert f'<strong id="issued">{issued:,}</strong>' in page
    assert '<strong id="retired">40</strong>' in page
    assert '<strong id="projects">2</strong>' in page  # the draft is not counted


def test_the_project_list_shows_public_projects_only(registry, users):
    page = get("/projects/")

    assert registry["issued"].project.title in page
    assert "Hainan solar park" in page
    assert f"/projects/{registry['draft'].pk}/" not in page


def test_a_signed_in_company_sees_the_public_page_too(registry, users):
    client = Client()
    client.force_login(users["proponent"])

    page = client.get("/projects/").content.decode()

    assert f"/projects/{registry['draft'].pk}/" not in page


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"province": "Hainan"}, "Hainan solar park", "Donghai Bridge"),
        ({"status": "validation"}, "No public project matches.", "Donghai Bridge"),
        ({"q": "solar"}, "Hainan solar park", "Donghai Bridge"),
        ({"q": "\x00solar"}, "Hainan solar park", "Donghai Bridge"),
        ({"sector": "transport"}, "No public project matches.", "Hainan solar park"),
        ({"province": "Atlantis"}, "Hainan solar park", "No public project matches."),
    ],
)
def test_the_project_list_filters(registry, query, shown, hidden):
    page = get("/projects/", **query)

    assert shown in page
    assert hidden not in page


def test_the_project_list_pages_keep_the_filters(registry, monkeypatch):
    monkeypatch.setattr(pages, "PAGE_SIZE", 1)

    first = get("/projects/", province="", q="")
    second = get("/projects/", page=2)

    assert "Page 1 of 2" in first
    assert 'href="?province=&amp;q=&amp;page=2"' in first
    assert "Page 2 of 2" in second


def test_a_project_page_shows_its_reports_issuances_and_history(registry):
    project = registry["issued"].project

    page = get(f"/projects/{project.pk}/")

    assert registry["issued"].reference in page
    assert f"{registry['issued'].issuance.quantity:,}" in page
    assert "register" in page


def test_a_project_page_hides_draft_reports_and_draft_projects(registry):
    page = get(f"/projects/{registry['hainan'].pk}/")

    assert registry["draft_report"].reference not in page
    assert Client().get(f"/projects/{registry['draft'].pk}/").status_code == 404
    assert Client().get("/projects/999999/").status_code == 404


def test_the_issuance_list_links_each_issuance_to_its_project(registry):
    issuance = registry["issued"].issuance

    page = get("/issuances/")

    assert f'<a href="/projects/{issuance.project_id}/">' in page
    assert f"{issuance.quantity:,}" in page


def test_the_retirement_list_filters_by_purpose_and_links_certificates(registry):
    retirement = registry["retirement"]

    listed = get("/retirements/")
    other_purpose = get("/retirements/", purpose="compliance")

    assert f'href="/retirements/{retirement.pk}/"' in listed
    assert "Shanghai Marathon" in listed
    assert "No retirement matches." in other_purpose


@pytest.fixture
def empty_cache():
    cache.clear()
    yield
    cache.clear()  # no cached totals for the tests that follow


def test_the_front_page_keeps_its_totals_for_the_cache_time(registry, parties, empty_cache):
    block = CreditBlock.objects.filter(status="active").order_by("first").first()
    with override_settings(PUBLIC_TOTALS_CACHE_SECONDS=60):
        before = get("/")
        movements.retire_credits(
            actor=parties["proponent"],
            block=block,
            quantity=10,
            beneficiary="Later",
            purpose="public_good",
        )
        cached = get("/")
        cache.clear()
        fresh = get("/")

    assert '<strong id="retired">40</strong>' in before
    assert '<strong id="retired">40</strong>' in cached
    assert '<strong id="retired">50</strong>' in fresh


def test_with_no_cache_time_every_visit_counts_afresh(registry, parties, empty_cache):
    cache.set(pages.TOTALS_CACHE_KEY, [], 60)  # a stale answer that must not be used

    page = get("/")

    assert '<strong id="retired">40</strong>' in page
