"""The operator's workspace: the registration and issuance queues and their acts, accounts,
certificate imports with their jobs, and calendar years, through the real services; refusals
shown on the page with the service's status."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from certificates.models import CertificateBlock
from core import jobs
from core.models import Job
from registry.calendar.models import CalendarYear
from registry.calendar.services import YEAR_TAKEN
from registry.ledger.models import HoldingAccount
from registry.ledger.services.issuance import OVERRIDE_REASON_REQUIRED
from registry.ledger.services.movements import ACCOUNT_ALREADY, DEFAULT_EXISTS, open_account
from registry.projects.models import MonitoringReport, Project
from tests.certificates.conftest import credit_code
from tests.registry import conftest as registry_fixtures

pytestmark = pytest.mark.django_db

# The lifecycle's fixtures, which build projects and reports in any state through the services.
dates = registry_fixtures.dates
offshore_wind = registry_fixtures.offshore_wind
parties = registry_fixtures.parties
lifecycle = registry_fixtures.lifecycle

HEADER = (
    "serial_first,serial_last,generator_code,generator_name,generation_type,province,"
    "generation_month,holder,tradable"
)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_overview_counts_each_queue(lifecycle, parties):
    lifecycle.project("registration_review")
    lifecycle.report("issuance_review")

    page = signed_in(parties["operator"]).get("/workspace/operator/").content.decode()

    registrations = page.split('id="figure-registrations"')[1].split("</a>")[0]
    issuances = page.split('id="figure-issuances"')[1].split("</a>")[0]
    assert "<strong>1</strong>" in registrations and "<strong>1</strong>" in issuances


def test_the_registration_queue_puts_overdue_projects_first(lifecycle, parties):
    late = lifecycle.project("registration_review", title="Waiting long")
    later = timezone.now() + timedelta(days=40)
    with time_machine.travel(later, tick=False):
        fresh = lifecycle.project("registration_review", title="Just validated")
        response = signed_in(parties["operator"]).get("/workspace/operator/registrations/")

    page = response.content.decode()
    assert re.findall(r'id="queue-project-(\d+)"', page) == [str(late.pk), str(fresh.pk)]
    late_row = page.split(f'id="queue-project-{late.pk}"')[1].split("</tr>")[0]
    fresh_row = page.split(f'id="queue-project-{fresh.pk}"')[1].split("</tr>")[0]
    assert "Overdue" in late_row and "Overdue" not in fresh_row


def test_the_operator_registers_a_project_from_the_queue(lifecycle, parties):
    project = lifecycle.project("registration_review")
    client = signed_in(parties["operator"])

    page = client.get(f"/workspace/operator/projects/{project.pk}/")
    response = client.post(
        f"/workspace/operator/projects/{project.pk}/register/", {"register-note": "In order."}
    )

    assert 'id="register-form"' in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == "/workspace/operator/registrations/"
    project.refresh_from_db()
    assert project.status == "registered"
    assert project.history.last().note == "In order."
    assert f"{project.reference} is registered." in text(client.get(response["Location"]))


def test_registering_a_registered_project_is_a_409_with_the_message(lifecycle, parties):
    project = lifecycle.project("registered")

    response = signed_in(parties["operator"]).post(
        f"/workspace/operator/projects/{project.pk}/register/", {}
    )

    assert response.status_code == 409
    assert "Cannot register a project that is registered." in text(response)


def test_a_note_too_long_is_a_400_next_to_its_field(lifecycle, parties):
    project = lifecycle.project("registration_review")

    response = signed_in(parties["operator"]).post(
        f"/workspace/operator/projects/{project.pk}/reject/", {"reject-note": "x" * 10001}
    )

    assert response.status_code == 400
    form = response.content.decode().split('id="reject-form"')[1].split("</form>")[0]
    assert "Ensure this value has at most 10000 characters (it has 10001)." in form
    assert Project.objects.get(pk=project.pk).status == "registration_review"


def test_the_operator_rejects_a_project(lifecycle, parties):
    project = lifecycle.project("registration_review")

    response = signed_in(parties["operator"]).post(
        f"/workspace/operator/projects/{project.pk}/reject/", {"reject-note": "Incomplete."}
    )

    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).status == "rejected"


def test_the_operator_issues_a_verified_report(lifecycle, parties):
    report = lifecycle.report("issuance_review")
    client = signed_in(parties["operator"])

    queue = client.get("/workspace/operator/issuances/").content.decode()
    page = client.get(f"/workspace/operator/reports/{report.pk}/")
    response = client.post(f"/workspace/operator/reports/{report.pk}/issue/", {})

    # The claim (tests/registry/conftest.py CLAIMED, 687,370.875 tCO2e) rounded down.
    assert f'id="queue-report-{report.pk}"' in queue
    assert re.search(r"687[,.]?370", page.content.decode().split('id="report-credits"')[1])
    assert response.status_code == 302
    assert MonitoringReport.objects.get(pk=report.pk).status == "issued"
    done = text(client.get(response["Location"]))
    assert re.search(r"687,?370 credits are issued for " + report.reference, done)


def test_issuing_twice_is_a_409_with_the_message(lifecycle, parties):
    report = lifecycle.report("issued")

    response = signed_in(parties["operator"]).post(
        f"/workspace/operator/reports/{report.pk}/issue/", {}
    )

    assert response.status_code == 409
    assert "Cannot issue a monitoring report that is issued." in text(response)


def test_an_override_without_its_reason_is_a_400_on_the_reason(lifecycle, parties):
    report = lifecycle.report("issuance_review")

    response = signed_in(parties["operator"]).post(
        f"/workspace/operator/reports/{report.pk}/issue/", {"issue-override": "on"}
    )

    assert response.status_code == 400
    form = response.content.decode().split('id="issue-form"')[1].split("</form>")[0]
    assert OVERRIDE_REASON_REQUIRED in form
    assert MonitoringReport.objects.get(pk=report.pk).status == "issuance_review"


def test_the_operator_rejects_a_verified_report(lifecycle, parties):
    report = lifecycle.report("issuance_review")

    response = signed_in(parties["operator"]).post(
        f"/workspace/operator/reports/{report.pk}/reject/", {"reject-note": "No."}
    )

    assert response.status_code == 302
    assert MonitoringReport.objects.get(pk=report.pk).status == "rejected"


def test_a_project_that_does_not_exist_is_a_404(parties):
    assert (
        signed_in(parties["operator"]).get("/workspace/operator/projects/999999/").status_code
        == 404
    )


def test_the_operator_opens_freezes_and_unfreezes_an_account(parties):
    client = signed_in(parties["operator"])
    company = parties["proponent"].organization

    opened = client.post(
        "/workspace/operator/accounts/open/",
        {"organization": company.pk, "name": "Trading account", "is_default": "on"},
    )
    account = HoldingAccount.objects.get(organization=company)
    frozen = client.post(f"/workspace/operator/accounts/{account.pk}/freeze/", {})
    page = client.get("/workspace/operator/accounts/").content.decode()
    unfrozen = client.post(f"/workspace/operator/accounts/{account.pk}/unfreeze/", {})

    assert opened.status_code == 302 and account.name == "Trading account" and account.is_default
    assert frozen.status_code == 302
    assert "Frozen" in page.split(f'id="account-{account.pk}-state"')[1].split("</td>")[0]
    assert unfrozen.status_code == 302
    assert not HoldingAccount.objects.get(pk=account.pk).frozen


def test_freezing_a_frozen_account_is_a_409_with_the_message(parties):
    account = open_account(
        actor=parties["operator"], organization=parties["proponent"].organization, name="Main"
    )
    client = signed_in(parties["operator"])
    client.post(f"/workspace/operator/accounts/{account.pk}/freeze/", {})

    response = client.post(f"/workspace/operator/accounts/{account.pk}/freeze/", {})

    assert response.status_code == 409
    assert ACCOUNT_ALREADY.format(account="Main", state="frozen") in text(response)


def test_a_second_default_account_is_a_409_and_a_nameless_one_a_400(parties):
    company = parties["proponent"].organization
    open_account(actor=parties["operator"], organization=company, name="Main")
    client = signed_in(parties["operator"])

    second = client.post(
        "/workspace/operator/accounts/open/",
        {"organization": company.pk, "name": "Another", "is_default": "on"},
    )
    nameless = client.post("/workspace/operator/accounts/open/", {"organization": company.pk})

    assert second.status_code == 409
    expected = DEFAULT_EXISTS.format(organization=company.name, account="Main")
    assert expected in text(second)
    assert nameless.status_code == 400
    form = nameless.content.decode().split('id="open-account-form"')[1].split("</form>")[0]
    assert "This field is required." in form
    assert HoldingAccount.objects.filter(organization=company).count() == 1


def holder(parties):
    company = parties["proponent"].organization
    company.unified_social_credit_code = credit_code()
    company.save(update_fields=["unified_social_credit_code"])
    return company


def csv_file(*lines: str, name: str = "certificates.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "\n".join([HEADER, *lines]).encode(), "text/csv")


def line(company, first: int, last: int, province: str = "Jiangsu") -> str:
    month = f"{timezone.localdate():%Y-%m}"
    return (
        f"{first},{last},GEN-JS-0001,Rudong Offshore Wind Farm,offshore_wind,{province},"
        f"{month},{company.unified_social_credit_code},true"
    )


def test_the_operator_imports_a_small_certificate_file(parties):
    company = holder(parties)
    client = signed_in(parties["operator"])

    response = client.post(
        "/workspace/operator/certificates/imports/",
        {"file": csv_file(line(company, 1, 1000), line(company, 1001, 1500))},
    )

    assert response.status_code == 302
    blocks = CertificateBlock.objects.filter(holder=company).order_by("serial_first")
    assert [(b.serial_first, b.serial_last) for b in blocks] == [(1, 1000), (1001, 1500)]
    page = client.get(response["Location"])
    assert "Rows imported: 2; imported before and skipped: 0." in text(page)
    assert 'id="recent-imports"' in page.content.decode()


def test_a_bad_cell_refuses_the_whole_file_naming_row_and_column(parties):
    company = holder(parties)

    response = signed_in(parties["operator"]).post(
        "/workspace/operator/certificates/imports/",
        {"file": csv_file(line(company, 1, 1000), line(company, 1001, 1500, province="Atlantis"))},
    )

    assert response.status_code == 400
    problems = response.content.decode().split('id="row-problems"')[1].split("</table>")[0]
    assert re.search(r'<td class="number">2</td><td><code>province</code></td>', problems)
    assert not CertificateBlock.objects.exists()


def test_a_file_that_is_not_a_table_is_a_400_on_the_file(parties):
    response = signed_in(parties["operator"]).post(
        "/workspace/operator/certificates/imports/",
        {"file": SimpleUploadedFile("rows.json", b'{"rows": 5}', "application/json")},
    )

    assert response.status_code == 400
    form = response.content.decode().split('id="import-form"')[1].split("</form>")[0]
    assert 'class="errorlist' in form


def test_a_large_import_runs_as_a_job_whose_page_shows_its_progress(parties, settings):
    settings.GEC_IMPORT_TASK_ROWS = 1
    company = holder(parties)
    client = signed_in(parties["operator"])

    response = client.post(
        "/workspace/operator/certificates/imports/",
        {"file": csv_file(line(company, 1, 1000), line(company, 1001, 1500))},
    )
    job = Job.objects.get()
    queued = client.get(response["Location"]).content.decode()
    jobs.run_job(job_id=job.pk)
    done = client.get(response["Location"]).content.decode()
    listed = client.get("/workspace/operator/certificates/imports/").content.decode()

    assert response["Location"] == f"/workspace/operator/jobs/{job.pk}/"
    assert 'http-equiv="refresh"' in queued and 'data-state="queued"' in queued
    assert 'data-state="succeeded"' in done and 'http-equiv="refresh"' not in done
    assert 'value="2"' in done.split('id="job-progress"')[1].split(">")[0]
    assert "Rows imported: 2; imported before and skipped: 0." in done
    assert f'id="import-job-{job.pk}"' in listed
    assert CertificateBlock.objects.filter(holder=company).count() == 2


def first_weekday(year: int) -> date:
    day = date(year, 1, 1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def test_the_operator_enters_a_calendar_year(parties):
    holiday = first_weekday(2090)
    client = signed_in(parties["operator"])

    response = client.post(
        "/workspace/operator/calendar/",
        {"year": "2090", "source": "State Council notice", "holidays": f"{holiday} New Year"},
    )

    assert response.status_code == 302
    entered = CalendarYear.objects.get(year=2090)
    assert [(d.date, d.name, d.working) for d in entered.days.all()] == [
        (holiday, "New Year", False)
    ]
    assert 'id="calendar-year-2090"' in client.get("/workspace/operator/calendar/").content.decode()


def test_a_calendar_line_that_is_not_a_date_is_a_400_naming_the_line(parties):
    response = signed_in(parties["operator"]).post(
        "/workspace/operator/calendar/",
        {"year": "2090", "source": "Notice", "holidays": "2090-01-02 Fine\nfirst of May"},
    )

    assert response.status_code == 400
    assert "Line 2: write the date as YYYY-MM-DD, then its name." in response.content.decode()
    assert not CalendarYear.objects.exists()


def test_a_year_entered_twice_is_a_409_with_the_message(parties):
    holiday = first_weekday(2091)
    client = signed_in(parties["operator"])
    fields = {"year": "2091", "source": "Notice", "holidays": str(holiday)}
    client.post("/workspace/operator/calendar/", fields)

    response = client.post("/workspace/operator/calendar/", fields)

    assert response.status_code == 409
    assert YEAR_TAKEN in text(response)
