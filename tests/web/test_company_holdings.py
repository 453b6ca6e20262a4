"""The company's holdings, transfers, retirements, data centres and certificate claims in its
workspace: built through the real services, submitted as a browser would."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from certificates.models import CertificateBlock, CertificateClaim
from certificates.services.imports import import_certificates
from compute.models import DataCentre, Reading
from compute.services.data_centres import register_data_centre
from compute.services.readings import record_reading
from core.idempotency import KEY_REUSED
from core.models import Job
from methodologies.reference import load_reference_data
from registry.ledger.models import CreditBlock, Movement, Retirement
from registry.ledger.services.movements import (
    ACCOUNT_FROZEN,
    NOT_ENOUGH,
    open_account,
    set_account_frozen,
)
from tests.certificates.conftest import credit_code, row
from tests.conftest import make_organization, make_user
from tests.registry.conftest import CLAIMED, dates, lifecycle, offshore_wind, parties  # noqa: F401

pytestmark = pytest.mark.django_db

WORKSPACE = "/workspace/company"
ISSUED = int(Decimal(CLAIMED))  # issued credits: the verified reductions rounded down


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def held(organization, status=CreditBlock.Status.ACTIVE) -> int:
    blocks = CreditBlock.objects.filter(account__organization=organization, status=status)
    return sum(blocks.values_list("quantity", flat=True))


def form_key(response) -> str:
    """The idempotency key the rendered form carries."""
    match = re.search(r'name="idempotency_key" value="([^"]+)"', response.content.decode())
    assert match, "the form carries no idempotency key"
    return match.group(1)


@pytest.fixture
def issued(request):
    """The proponent's credits of one issued report (the `lifecycle` fixture): the company, its
    user and client, and the largest block (the earlier vintage)."""
    cast = request.getfixturevalue("lifecycle")
    cast.report("issued")
    company = cast.parties["proponent"]
    block = CreditBlock.objects.filter(account__organization=company.organization).order_by(
        "-quantity"
    )[0]
    return {"user": company, "client": signed_in(company), "block": block}


@pytest.fixture
def other_company(db):
    organization = make_organization("proponent", unified_social_credit_code=credit_code())
    user = make_user(organization)
    return {"organization": organization, "user": user, "client": signed_in(user)}


def retire_body(block, key, **changes) -> dict:
    body = {
        "block": block.pk,
        "quantity": "1000",
        "beneficiary": "Shanghai marathon 2025",
        "purpose": "event_neutrality",
        "note": "",
        "idempotency_key": key,
    }
    return {**body, **changes}


# Holdings


def test_holdings_show_the_credits_by_project_and_vintage_with_totals(issued):
    response = issued["client"].get(f"{WORKSPACE}/holdings/")

    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="total-active">{ISSUED:,}<' in page
    block = issued["block"]
    assert block.serial in page
    assert f'data-vintage="{block.vintage}"' in page
    assert block.project.title in page


def test_another_companys_holdings_are_never_shown(issued, other_company):
    response = other_company["client"].get(f"{WORKSPACE}/holdings/")

    assert response.status_code == 200
    page = response.content.decode()
    assert issued["block"].serial not in page
    assert 'id="total-active">0<' in page
    assert 'id="no-blocks"' in page


def test_the_overview_page_shows_the_companys_totals(issued):
    page = issued["client"].get(f"{WORKSPACE}/").content.decode()

    assert f'id="summary-held">{ISSUED:,}<' in page


def test_the_overview_fragment_shows_the_companys_totals(issued):
    request = RequestFactory().get("/")
    request.user = issued["user"]

    fragment = render_to_string("web/company/home_holdings.html", request=request)

    assert f'id="summary-held">{ISSUED:,}<' in fragment
    assert f"{WORKSPACE}/holdings/" in fragment


# Retire


def test_retiring_through_the_form_opens_the_certificate(issued):
    client, block = issued["client"], issued["block"]
    form = client.get(f"{WORKSPACE}/holdings/retire/?block={block.pk}")
    assert form.status_code == 200
    assert f'<option value="{block.pk}" selected' in form.content.decode()

    response = client.post(f"{WORKSPACE}/holdings/retire/", retire_body(block, form_key(form)))

    certificate = Retirement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{WORKSPACE}/retirements/{certificate.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Shanghai marathon 2025" in page
    assert f'href="/retirements/{certificate.pk}/"' in page
    assert held(issued["user"].organization) == ISSUED - 1000
    listing = client.get(f"{WORKSPACE}/retirements/").content.decode()
    assert f'id="retirement-{certificate.pk}"' in listing


def test_a_double_submitted_retire_form_retires_once(issued):
    client, block = issued["client"], issued["block"]
    key = form_key(client.get(f"{WORKSPACE}/holdings/retire/"))

    first = client.post(f"{WORKSPACE}/holdings/retire/", retire_body(block, key))
    second = client.post(f"{WORKSPACE}/holdings/retire/", retire_body(block, key))

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Retirement.objects.count() == 1
    assert held(issued["user"].organization) == ISSUED - 1000
    assert held(None, CreditBlock.Status.RETIRED) == 1000


def test_the_same_key_with_other_values_is_refused(issued):
    client, block = issued["client"], issued["block"]
    key = form_key(client.get(f"{WORKSPACE}/holdings/retire/"))
    client.post(f"{WORKSPACE}/holdings/retire/", retire_body(block, key))

    response = client.post(f"{WORKSPACE}/holdings/retire/", retire_body(block, key, quantity="7"))

    assert response.status_code == 409
    assert KEY_REUSED in response.content.decode()
    assert held(issued["user"].organization) == ISSUED - 1000


def test_a_quantity_below_one_is_a_400_next_to_the_field(issued):
    client, block = issued["client"], issued["block"]
    key = form_key(client.get(f"{WORKSPACE}/holdings/retire/"))

    response = client.post(
        f"{WORKSPACE}/holdings/retire/", retire_body(block, key, quantity="0", beneficiary="")
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_quantity_errors"' in page
    assert "greater than or equal to 1" in page
    assert 'id="id_beneficiary_errors"' in page
    assert held(issued["user"].organization) == ISSUED
    # A refused form frees its key: corrected, the same form goes through.
    again = client.post(f"{WORKSPACE}/holdings/retire/", retire_body(block, key))
    assert again.status_code == 302


def test_more_than_the_block_holds_is_a_409(issued):
    client, block = issued["client"], issued["block"]
    key = form_key(client.get(f"{WORKSPACE}/holdings/retire/"))
    asked = block.quantity + 1

    response = client.post(
        f"{WORKSPACE}/holdings/retire/", retire_body(block, key, quantity=str(asked))
    )

    assert response.status_code == 409
    message = NOT_ENOUGH.format(serial=block.serial, held=block.quantity, asked=asked)
    assert message in response.content.decode()
    assert Retirement.objects.count() == 0


def test_retiring_from_a_frozen_account_is_a_409(issued, users):
    block = issued["block"]
    set_account_frozen(actor=users["operator"], account=block.account, frozen=True)
    client = issued["client"]
    key = form_key(client.get(f"{WORKSPACE}/holdings/retire/"))

    response = client.post(f"{WORKSPACE}/holdings/retire/", retire_body(block, key))

    assert response.status_code == 409
    assert ACCOUNT_FROZEN.format(account=block.account.name) in response.content.decode()
    assert held(issued["user"].organization) == ISSUED


def test_another_companys_block_cannot_be_retired(issued, other_company):
    client = other_company["client"]
    key = form_key(client.get(f"{WORKSPACE}/holdings/retire/"))

    response = client.post(f"{WORKSPACE}/holdings/retire/", retire_body(issued["block"], key))

    assert response.status_code == 400
    assert 'id="id_block_errors"' in response.content.decode()
    assert held(issued["user"].organization) == ISSUED


def test_another_companys_retirement_certificate_is_a_404(issued, other_company):
    client, block = issued["client"], issued["block"]
    key = form_key(client.get(f"{WORKSPACE}/holdings/retire/"))
    client.post(f"{WORKSPACE}/holdings/retire/", retire_body(block, key))
    certificate = Retirement.objects.get()

    other = other_company["client"]
    assert other.get(f"{WORKSPACE}/retirements/{certificate.pk}/").status_code == 404
    assert (
        f'id="retirement-{certificate.pk}"'
        not in other.get(f"{WORKSPACE}/retirements/").content.decode()
    )


# Transfer


def test_a_double_submitted_transfer_form_moves_once(issued, other_company, users):
    recipient = open_account(
        actor=users["operator"], organization=other_company["organization"], name="Trading"
    )
    client, block = issued["client"], issued["block"]
    key = form_key(client.get(f"{WORKSPACE}/holdings/transfer/"))
    body = {
        "block": block.pk,
        "quantity": "500",
        "to_account": recipient.pk,
        "note": "",
        "idempotency_key": key,
    }

    first = client.post(f"{WORKSPACE}/holdings/transfer/", body)
    second = client.post(f"{WORKSPACE}/holdings/transfer/", body)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Movement.objects.filter(kind=Movement.Kind.TRANSFER).count() == 1
    assert held(issued["user"].organization) == ISSUED - 500
    assert held(other_company["organization"]) == 500
    receipt = client.get(first["Location"])
    assert receipt.status_code == 200
    assert 'id="transfer-quantity">500<' in receipt.content.decode()
    # The receipt is the sender's: the recipient does not reach it.
    assert other_company["client"].get(first["Location"]).status_code == 404


def test_a_transfer_to_an_unknown_account_is_a_400(issued):
    client, block = issued["client"], issued["block"]
    key = form_key(client.get(f"{WORKSPACE}/holdings/transfer/"))
    body = {"block": block.pk, "quantity": "5", "to_account": "999999", "idempotency_key": key}

    response = client.post(f"{WORKSPACE}/holdings/transfer/", body)

    assert response.status_code == 400
    assert "No holding account has this number." in response.content.decode()
    assert held(issued["user"].organization) == ISSUED


def test_a_transfer_to_ones_own_account_is_a_400_from_the_service(issued):
    client, block = issued["client"], issued["block"]
    key = form_key(client.get(f"{WORKSPACE}/holdings/transfer/"))
    body = {"block": block.pk, "quantity": "5", "to_account": block.account_id,
            "idempotency_key": key}  # fmt: skip

    response = client.post(f"{WORKSPACE}/holdings/transfer/", body)

    assert response.status_code == 400
    assert 'id="id_to_account_errors"' in response.content.decode()


# Data centres

READINGS_CSV = (
    "period_start,period_end,total_energy_kwh,it_energy_kwh,onsite_renewable_kwh,water_m3\n"
    "2025-01-01,2025-02-01,1300000,1000000,,\n"
    "2025-02-01,2025-03-01,1200000,1000000,100000,\n"
)


@pytest.fixture
def data_centre(users):
    load_reference_data()
    company = users["proponent"]
    centre = register_data_centre(
        actor=company, name="Yizhuang computing centre", province="Beijing"
    )
    record_reading(
        actor=company,
        data_centre=centre,
        period_start=date(2024, 1, 1),
        period_end=date(2024, 2, 1),
        total_energy_kwh=Decimal(1_250_000),
        it_energy_kwh=Decimal(1_000_000),
    )
    return centre


def test_registering_a_data_centre_through_the_form(users, data_centre):
    client = signed_in(users["proponent"])
    listing = client.get(f"{WORKSPACE}/data-centres/").content.decode()
    assert f'href="{WORKSPACE}/data-centres/new/"' in listing

    response = client.post(
        f"{WORKSPACE}/data-centres/new/",
        {"name": "Shunyi campus", "province": "Beijing", "commissioned_on": "2023-06-01"},
    )

    registered = DataCentre.objects.get(name="Shunyi campus")
    assert response.status_code == 302
    assert response["Location"] == f"{WORKSPACE}/data-centres/{registered.pk}/"
    # Beijing lies in the North China grid (data/china-grid-regions.csv).
    assert (registered.owner, registered.grid_region) == (
        users["proponent"].organization,
        "CN-North",
    )
    assert (registered.hub_node, registered.commissioned_on) == (False, date(2023, 6, 1))
    page = client.get(response["Location"]).content.decode()
    assert "The data centre Shunyi campus is registered." in page


def test_the_same_registration_form_sent_twice_registers_once(users, data_centre):
    client = signed_in(users["proponent"])
    form = {"name": "Daxing campus", "province": "Beijing", "idempotency_key": "form-7"}

    first = client.post(f"{WORKSPACE}/data-centres/new/", form)
    second = client.post(f"{WORKSPACE}/data-centres/new/", form)

    registered = DataCentre.objects.get(name="Daxing campus")
    assert (first.status_code, second.status_code) == (302, 302)
    assert first["Location"] == second["Location"] == f"{WORKSPACE}/data-centres/{registered.pk}/"
    # The same key with other values is refused, not registered.
    other = client.post(f"{WORKSPACE}/data-centres/new/", {**form, "name": "Tongzhou campus"})
    assert other.status_code == 409
    assert not DataCentre.objects.filter(name="Tongzhou campus").exists()


def test_a_data_centre_the_service_refuses_is_a_400_next_to_the_field(users, data_centre):
    client = signed_in(users["proponent"])
    before = DataCentre.objects.count()

    taken = client.post(
        f"{WORKSPACE}/data-centres/new/", {"name": data_centre.name, "province": "Hebei"}
    )
    # Inner Mongolia lies in two regional grids: the form must name one.
    unnamed = client.post(
        f"{WORKSPACE}/data-centres/new/", {"name": "Ulanqab", "province": "Inner Mongolia"}
    )
    unknown = client.post(f"{WORKSPACE}/data-centres/new/", {"name": "X", "province": "Atlantis"})

    assert (taken.status_code, unnamed.status_code, unknown.status_code) == (400, 400, 400)
    assert "has a data centre named Yizhuang computing centre already" in re.search(
        r'id="id_name_errors">(.*?)</ul>', taken.content.decode(), re.S
    ).group(1)
    assert "CN-Northeast" in re.search(
        r'id="id_grid_region_errors">(.*?)</ul>', unnamed.content.decode(), re.S
    ).group(1)
    assert 'id="id_province_errors"' in unknown.content.decode()
    assert DataCentre.objects.count() == before

    named = client.post(
        f"{WORKSPACE}/data-centres/new/",
        {"name": "Ulanqab", "province": "Inner Mongolia", "grid_region": "CN-North"},
    )
    assert named.status_code == 302
    assert DataCentre.objects.get(name="Ulanqab").grid_region == "CN-North"


def test_the_data_centre_page_shows_its_readings_and_yearly_figures(users, data_centre):
    client = signed_in(users["proponent"])

    listing = client.get(f"{WORKSPACE}/data-centres/")
    page = client.get(f"{WORKSPACE}/data-centres/{data_centre.pk}/")

    assert f'id="data-centre-{data_centre.pk}"' in listing.content.decode()
    assert page.status_code == 200
    content = page.content.decode()
    assert 'id="year-2024"' in content
    # 1,250,000 / 1,000,000 kWh
    assert 'id="pue-2024">1.250<' in content
    assert 'id="total-energy-2024">1,250,000<' in content


def test_recording_a_reading_through_the_form(users, data_centre):
    client = signed_in(users["proponent"])
    body = {
        "period_start": "2024-02-01",
        "period_end": "2024-03-01",
        "total_energy_kwh": "1400000",
        "it_energy_kwh": "1000000",
        "onsite_renewable_kwh": "",
        "water_m3": "",
    }

    response = client.post(f"{WORKSPACE}/data-centres/{data_centre.pk}/readings/new/", body)

    assert response.status_code == 302
    assert Reading.objects.filter(data_centre=data_centre).count() == 2
    page = client.get(response["Location"]).content.decode()
    # (1,250,000 + 1,400,000) / 2,000,000 kWh, energy-weighted
    assert 'id="pue-2024">1.325<' in page


def test_a_reading_the_service_refuses_is_a_400_next_to_the_field(users, data_centre):
    client = signed_in(users["proponent"])
    body = {
        "period_start": "2024-02-01",
        "period_end": "2024-03-01",
        "total_energy_kwh": "1000",
        "it_energy_kwh": "2000",
    }

    response = client.post(f"{WORKSPACE}/data-centres/{data_centre.pk}/readings/new/", body)

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_it_energy_kwh_errors"' in page
    assert "is part of the total facility energy" in page


def test_uploading_readings_records_every_row(users, data_centre):
    client = signed_in(users["proponent"])
    upload = SimpleUploadedFile("readings.csv", READINGS_CSV.encode(), "text/csv")

    response = client.post(
        f"{WORKSPACE}/data-centres/{data_centre.pk}/readings/upload/", {"file": upload}
    )

    assert response.status_code == 302
    assert Reading.objects.filter(data_centre=data_centre, period_start__year=2025).count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "2 rows uploaded: 2 new readings" in page
    # (1,300,000 + 1,200,000) / 2,000,000 kWh
    assert 'id="pue-2025">1.250<' in page


def test_a_bad_upload_names_each_bad_cell_by_row_and_column(users, data_centre):
    client = signed_in(users["proponent"])
    text = READINGS_CSV.replace("1200000,1000000", "1200000,lots")
    upload = SimpleUploadedFile("readings.csv", text.encode(), "text/csv")

    response = client.post(
        f"{WORKSPACE}/data-centres/{data_centre.pk}/readings/upload/", {"file": upload}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert re.search(
        r'<td class="number">2</td><td><code>it_energy_kwh</code></td><td>Not a number', page
    )
    assert not Reading.objects.filter(data_centre=data_centre, period_start__year=2025).exists()


def test_a_large_upload_runs_as_a_job_with_a_progress_page(users, data_centre, settings):
    settings.COMPUTE_UPLOAD_TASK_ROWS = 1
    client = signed_in(users["proponent"])
    upload = SimpleUploadedFile("readings.csv", READINGS_CSV.encode(), "text/csv")

    response = client.post(
        f"{WORKSPACE}/data-centres/{data_centre.pk}/readings/upload/", {"file": upload}
    )

    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{WORKSPACE}/data-centres/upload-jobs/{job.pk}/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'id="job-progress" max="2"' in page.content.decode()
    # Queued until the commit that enqueues it: the page reloads itself meanwhile.
    assert page["Refresh"] == "2"


def test_another_companys_data_centre_is_a_404(data_centre, other_company):
    client = other_company["client"]
    base = f"{WORKSPACE}/data-centres/{data_centre.pk}"

    assert client.get(f"{base}/").status_code == 404
    assert client.get(f"{base}/readings/new/").status_code == 404
    assert client.post(f"{base}/readings/new/", {}).status_code == 404
    assert client.get(f"{base}/readings/upload/").status_code == 404
    assert data_centre.name not in client.get(f"{WORKSPACE}/data-centres/").content.decode()


# Certificate claims


@pytest.fixture
def certificates(users):
    """1,000 certificates of the proponent's, serials 1001-2000, generated this month."""
    holder = users["proponent"].organization
    holder.unified_social_credit_code = credit_code()
    holder.save(update_fields=["unified_social_credit_code"])
    import_certificates(actor=users["operator"], rows=[row(holder, 1001, 2000)])
    return CertificateBlock.objects.get(serial_first=1001)


def claim_body(block, key, **changes) -> dict:
    body = {
        "block": block.pk,
        "quantity": "200",
        "period_start": "2025-01-01",
        "period_end": "2025-01-31",
        "consumer": "Yizhuang campus",
        "data_centre": "",
        "idempotency_key": key,
    }
    return {**body, **changes}


def test_a_double_submitted_claim_form_claims_once(users, certificates):
    client = signed_in(users["proponent"])
    key = form_key(client.get(f"{WORKSPACE}/certificate-claims/new/"))

    first = client.post(f"{WORKSPACE}/certificate-claims/new/", claim_body(certificates, key))
    second = client.post(f"{WORKSPACE}/certificate-claims/new/", claim_body(certificates, key))

    claim = CertificateClaim.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/green-certificates/claims/{claim.pk}/"
    assert claim.quantity == 200
    certificates.refresh_from_db()
    assert certificates.quantity == 800
    listing = client.get(f"{WORKSPACE}/certificate-claims/").content.decode()
    assert f'href="/green-certificates/claims/{claim.pk}/"' in listing


def test_a_claim_names_one_of_the_companys_data_centres(users, certificates, data_centre):
    client = signed_in(users["proponent"])
    key = form_key(client.get(f"{WORKSPACE}/certificate-claims/new/"))

    response = client.post(
        f"{WORKSPACE}/certificate-claims/new/",
        claim_body(certificates, key, consumer="", data_centre=data_centre.pk),
    )

    assert response.status_code == 302
    claim = CertificateClaim.objects.get()
    assert (claim.data_centre, claim.consumer) == (data_centre.pk, "Yizhuang computing centre")


def test_a_bad_claim_is_a_400_and_a_claimed_block_a_409(users, certificates):
    client = signed_in(users["proponent"])
    key = form_key(client.get(f"{WORKSPACE}/certificate-claims/new/"))

    bad = client.post(
        f"{WORKSPACE}/certificate-claims/new/", claim_body(certificates, key, quantity="0")
    )
    reversed_period = client.post(
        f"{WORKSPACE}/certificate-claims/new/",
        claim_body(certificates, key, period_end="2024-12-01"),
    )
    assert bad.status_code == reversed_period.status_code == 400
    assert 'id="id_quantity_errors"' in bad.content.decode()
    assert "The period ends before it starts." in reversed_period.content.decode()

    client.post(f"{WORKSPACE}/certificate-claims/new/", claim_body(certificates, key))
    claimed = CertificateBlock.objects.get(state=CertificateBlock.State.CLAIMED)
    again = client.post(
        f"{WORKSPACE}/certificate-claims/new/", claim_body(claimed, "another-key", quantity="1")
    )
    assert again.status_code == 409
    assert "is claimed already" in again.content.decode()


def test_another_companys_certificates_and_claims_are_never_shown(
    users, certificates, other_company
):
    client = signed_in(users["proponent"])
    key = form_key(client.get(f"{WORKSPACE}/certificate-claims/new/"))
    client.post(f"{WORKSPACE}/certificate-claims/new/", claim_body(certificates, key))
    other = other_company["client"]

    form = other.get(f"{WORKSPACE}/certificate-claims/new/").content.decode()
    listing = other.get(f"{WORKSPACE}/certificate-claims/").content.decode()
    refused = other.post(
        f"{WORKSPACE}/certificate-claims/new/", claim_body(certificates, "other-key")
    )

    assert certificates.serial not in form
    assert 'id="no-claims"' in listing
    assert refused.status_code == 400
    assert 'id="id_block_errors"' in refused.content.decode()
