"""The public pages' charts (front page, project, issuances, retirements, data centres) and the
search by serial number: a credit block's or a certificate block's history, with no holder's
private details; the number of queries of the front page does not grow with the data."""

import re
from datetime import date

import pytest
from django.test import Client

from certificates.models import CertificateBlock
from certificates.services.claims import claim_certificates
from certificates.services.imports import import_certificates
from methodologies.reference import load_reference_data
from registry.ledger.models import CreditBlock
from registry.ledger.services import movements
from tests.certificates.conftest import credit_code, row, this_month
from tests.conftest import make_organization, make_user
from tests.registry import conftest as registry_fixtures
from tests.registry.conftest import metered_data_centre

pytestmark = pytest.mark.django_db

# The lifecycle's fixtures, which build projects and reports in any state through the services.
dates = registry_fixtures.dates
offshore_wind = registry_fixtures.offshore_wind
parties = registry_fixtures.parties
lifecycle = registry_fixtures.lifecycle


@pytest.fixture
def traded(lifecycle, parties, settings):
    """An issued project; 100 credits of its first block transferred to another company's
    account "Private desk 7", which retires 30 of them for a marathon."""
    settings.PUBLIC_TOTALS_CACHE_SECONDS = 0
    report = lifecycle.report("issued")
    buyer = make_organization("proponent", name="Buyer Trading Co")
    buyer_user = make_user(buyer, "buyer")
    account = movements.open_account(
        actor=parties["operator"], organization=buyer, name="Private desk 7"
    )
    block = CreditBlock.objects.filter(issuance__report=report).order_by("first").first()
    transfer = movements.transfer_credits(
        actor=parties["proponent"], block=block, quantity=100, to_account=account
    )
    retirement = movements.retire_credits(
        actor=buyer_user,
        block=transfer.block,
        quantity=30,
        beneficiary="Shanghai Marathon",
        purpose="event_neutrality",
    )
    return {"report": report, "issuance": report.issuance, "retirement": retirement}


def get(url: str, **query) -> str:
    response = Client().get(url, query)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def svgs(html: str) -> list[str]:
    return re.findall(r'<svg [^>]*role="img"[^>]*id="([^"]+)"', html)


def test_the_front_page_draws_credits_by_vintage_beside_its_table(traded, dates):
    html = get("/")

    assert svgs(html) == ["credits-by-vintage-chart"]
    assert re.search(r'<div class="chart">\s*<svg', html)
    first, second = dates.vintages
    assert f'data-category="{first}" data-series="Retired"' in html
    assert 'id="by-vintage"' in html and 'id="serial-search"' in html


def test_the_project_page_draws_its_credits_by_vintage(traded, dates):
    issued = traded["issuance"].quantity
    html = get(f"/projects/{traded['issuance'].project_id}/")

    assert "project-credits-by-vintage-chart" in svgs(html)
    rows = re.findall(
        r"<tr><th scope=\"row\">(\d+)</th>(.*?)</tr>",
        html.split('id="project-credits-by-vintage-table"')[1].split("</table>")[0],
    )
    assert [vintage for vintage, _ in rows] == [str(year) for year in dates.vintages]
    numbers = [
        [int(cell.replace(",", "")) for cell in re.findall(r">([\d,]+)<", cells)]
        for _, cells in rows
    ]
    # Active, frozen, retired, cancelled per vintage; the 30 retired came from the first.
    assert sum(sum(line) for line in numbers) == issued
    assert numbers[0][2] == 30 and numbers[1][2] == 0


def test_a_project_page_without_issuance_draws_no_chart(lifecycle):
    project = lifecycle.project("registered")

    assert svgs(get(f"/projects/{project.pk}/")) == []


def test_the_issuance_list_draws_credits_issued_per_month(traded):
    html = get("/issuances/")

    assert svgs(html) == ["issued-by-month-chart"]
    table = html.split('id="issued-by-month-table"')[1].split("</table>")[0]
    assert f"{traded['issuance'].quantity:,}" in table


def test_the_retirement_list_draws_credits_retired_by_purpose(traded):
    html = get("/retirements/")

    assert svgs(html) == ["retired-by-purpose-chart"]
    assert 'data-category="Carbon-neutral event" data-series="Credits retired"' in html
    assert "<title>Carbon-neutral event · Credits retired: 30</title>" in html


def test_the_data_centre_page_draws_pue_and_still_withholds_small_groups(parties, settings):
    load_reference_data()
    for total in (1200, 1400, 1300):
        metered_data_centre(parties["proponent"], date(2025, 1, 1), [(1000, total)])
    settings.COMPUTE_PUBLIC_MIN_GROUP = 3

    html = get("/data-centres/")

    assert "pue-by-province-chart" in svgs(html)
    assert 'data-category="Beijing 北京" data-series="PUE"' in html
    settings.COMPUTE_PUBLIC_MIN_GROUP = 4
    withheld = get("/data-centres/")
    assert 'data-category="Beijing 北京"' not in withheld
    assert 'id="withheld-province"' in withheld


def test_a_retired_serial_shows_its_history_without_any_account(traded):
    retired = traded["retirement"].block

    html = get("/search/", serial=str(retired.first + 1))

    assert 'id="credit-block"' in html and 'id="certificate-block"' not in html
    assert retired.serial in html
    kinds = re.findall(r'<tr data-kind="(\w+)">', html)
    assert kinds == ["issuance", "transfer", "retirement"]
    assert f'href="/retirements/{traded["retirement"].pk}/"' in html
    assert "Private desk 7" not in html and "holding account</" not in html
    assert "Buyer Trading Co" not in html


def test_a_held_serial_says_held_never_by_whom(traded, parties):
    held = CreditBlock.objects.filter(status="active").order_by("-last").first()

    html = get("/search/", serial=f"CCER-P{held.project_id:06d}-{held.vintage}-{held.first}-1")

    assert re.search(r'id="credit-state">Held in a holding account<', html)
    assert parties["proponent"].organization.name + " holding account" not in html


def test_a_certificate_serial_shows_its_import_and_claim(users):
    holder = users["proponent"].organization
    holder.unified_social_credit_code = credit_code()
    holder.save(update_fields=["unified_social_credit_code"])
    import_certificates(actor=users["operator"], rows=[row(holder, 5001, 6000)])
    block = CertificateBlock.objects.get(serial_first=5001)
    claim = claim_certificates(
        actor=users["proponent"],
        block=block,
        quantity=100,
        period_start=this_month(),
        period_end=this_month(),
    )

    html = get("/search/", serial="5950")

    assert 'id="certificate-block"' in html and 'id="credit-block"' not in html
    assert re.findall(r'<tr data-kind="(\w+)">', html) == ["import", "claim"]
    assert f'href="/green-certificates/claims/{claim.pk}/"' in html
    assert re.search(r'id="certificate-state">Claimed<', html)
    unclaimed = get("/search/", serial="5001")
    assert re.findall(r'<tr data-kind="(\w+)">', unclaimed) == ["import"]


@pytest.mark.parametrize("query", ["abc", "-5", "1.5", "9" * 40, "CCER-x"])
def test_a_query_that_is_no_serial_number_says_so(db, query):
    html = get("/search/", serial=query)

    assert 'id="bad-serial"' in html
    assert 'id="credit-block"' not in html


def test_a_serial_nobody_holds_is_not_found(traded):
    html = get("/search/", serial=str(traded["issuance"].last_serial + 1000))

    assert 'id="not-found"' in html


def test_an_empty_search_shows_the_form_only(db):
    html = get("/search/")

    assert 'id="serial-search"' in html
    assert 'id="not-found"' not in html and 'id="bad-serial"' not in html


def test_the_front_page_queries_do_not_grow_with_the_data(
    traded, lifecycle, parties, django_assert_max_num_queries
):
    client = Client()
    client.get("/")
    with django_assert_max_num_queries(20) as captured:
        client.get("/")
    before = len(captured)
    lifecycle.report("issued", project=lifecycle.project("registered", province="Hainan"))

    with django_assert_max_num_queries(before):
        assert client.get("/").status_code == 200


@pytest.mark.parametrize("path", ["/search/", "/green-certificates/"])
@pytest.mark.parametrize("query", ["²", "٣", "9" * 19, "9" * 40, "CCER-P000001-2025-1-" + "9" * 19])
def test_a_serial_query_that_is_no_serial_number_is_answered_never_a_500(db, path, query):
    response = Client().get(path, {"serial": query})

    assert response.status_code == 200
