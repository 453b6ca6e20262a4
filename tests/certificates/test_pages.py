"""The public green certificate pages: search by serial, totals by state, claim records; a
certificate's holder never shown, its claimant once claimed."""

import pytest
from django.test import Client

from certificates.models import CertificateBlock
from certificates.services.claims import claim_certificates
from certificates.services.imports import import_certificates
from tests.certificates.conftest import row, this_month

pytestmark = pytest.mark.django_db


@pytest.fixture
def claimed(users, holders, block):
    """Serials 1001-2000 of the proponent's company, 1901-2000 claimed for the Wuhu DC; serials
    5001-5010 of another company, active."""
    import_certificates(actor=users["operator"], rows=[row(holders["other"], 5001, 5010)])
    return claim_certificates(
        actor=users["proponent"],
        block=block,
        quantity=100,
        period_start=this_month(),
        period_end=this_month(),
        consumer="Wuhu data centre",
    )


def page(path: str, **query) -> str:
    response = Client().get(path, query)
    assert response.status_code == 200
    return response.content.decode()


def test_a_claimed_serial_shows_its_claimant_and_claim(claimed, holders):
    html = page("/green-certificates/", serial="1950")

    assert "GEC-GEN-JS-0001-" in html and "-1901-2000" in html
    assert 'id="state">Claimed<' in html
    assert f'href="/green-certificates/claims/{claimed.pk}/">{holders["holder"].name}' in html


def test_an_active_serial_shows_its_state_but_not_its_holder(claimed, holders):
    html = page("/green-certificates/", serial="5003")

    assert 'id="state">Active<' in html and "-5001-5010" in html
    assert holders["other"].name not in html


@pytest.mark.parametrize("serial", ["3000", "abc", "-4", "99999999999999999999"])
def test_a_serial_nobody_has_or_no_serial_at_all_finds_nothing(claimed, serial):
    html = page("/green-certificates/", serial=serial)

    assert 'id="not-found"' in html and 'id="certificate"' not in html


def test_the_page_shows_the_totals_by_state_and_the_latest_claims(claimed, holders):
    html = page("/green-certificates/")

    assert '<td>Active</td><td class="number">910</td>' in html
    assert '<td>Claimed</td><td class="number">100</td>' in html
    assert f'href="/green-certificates/claims/{claimed.pk}/"' in html


def test_a_claim_record_page_names_serials_claimant_period_and_consumer(claimed, holders):
    html = page(f"/green-certificates/claims/{claimed.pk}/")

    assert f'id="claimant">{holders["holder"].name}<' in html
    assert 'id="consumer">Wuhu data centre<' in html
    assert f'id="period">{this_month():%Y-%m-%d} – {this_month():%Y-%m-%d}<' in html
    assert CertificateBlock.objects.get(pk=claimed.block_id).serial in html


def test_a_missing_claim_is_a_404(claimed):
    assert Client().get(f"/green-certificates/claims/{claimed.pk + 1}/").status_code == 404
