"""The verifier's workspace: its engagements, the project and report pages with their documents
and calculation trace, the upload of its own report, and the opinions, through the real
services; refusals shown on the page with the service's status."""

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from registry.projects.models import Document, MonitoringReport, Project
from registry.projects.services import projects
from registry.projects.services.documents import DOCUMENT_REQUIRED
from registry.projects.services.reports import ABOVE_CLAIM, VALIDATOR_MAY_NOT_VERIFY
from tests.conftest import make_organization, make_user
from tests.registry import conftest as registry_fixtures
from tests.registry.conftest import CLAIMED, EXPORT, no_publicity_wait, project_fields
from web.demo_documents import attach_pdf, minimal_pdf

pytestmark = pytest.mark.django_db

# The lifecycle's fixtures, which build projects and reports in any state through the services.
dates = registry_fixtures.dates
offshore_wind = registry_fixtures.offshore_wind
parties = registry_fixtures.parties
lifecycle = registry_fixtures.lifecycle


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    """The page's text, tags and runs of white space reduced to one space."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def awaiting_validation(lifecycle) -> Project:
    """A project in validation whose verifier has not attached its report yet."""
    project = lifecycle.project("draft")
    with no_publicity_wait:
        projects.submit_project(actor=lifecycle.parties["proponent"], project=project)
        projects.close_project_publicity(project_id=project.pk)
    return Project.objects.get(pk=project.pk)


def pdf(name: str = "validation.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, minimal_pdf("Validation report", "Signed."), "application/pdf")


def test_engagements_list_what_awaits_the_opinion_longest_waiting_first(
    lifecycle, parties, settings
):
    # A publicity period reaching years ahead, past any schedule the calendar library ships:
    # its end is counted on weekdays only, so it is provisional.
    settings.PROJECT_PUBLICITY_WORKING_DAYS = 600
    in_publicity = lifecycle.project("publicity", title="Still in publicity")
    ready = lifecycle.project("validation", title="Ready to validate")
    registered = lifecycle.project("registered", title="Validated already")

    response = signed_in(parties["verifier"]).get("/workspace/verifier/")

    assert response.status_code == 200
    page = response.content.decode()
    rows = re.findall(r'id="engagement-project-(\d+)"', page)
    assert rows == [str(ready.pk), str(in_publicity.pk)]
    ready_row = page.split(f'id="engagement-project-{ready.pk}"')[1].split("</tr>")[0]
    assert "Ready for your opinion" in ready_row
    waiting_row = page.split(f'id="engagement-project-{in_publicity.pk}"')[1].split("</tr>")[0]
    assert "Ready for your opinion" not in waiting_row
    assert "(provisional)" in waiting_row and "(provisional)" not in ready_row
    given = page.split('id="opinions-given"')[1]
    assert f'href="/workspace/verifier/projects/{registered.pk}/"' in given


def test_engagements_show_reports_to_verify_only_to_their_verifier(lifecycle, parties):
    report = lifecycle.report("verification")

    mine = signed_in(parties["verifier2"]).get("/workspace/verifier/").content.decode()
    theirs = signed_in(parties["verifier"]).get("/workspace/verifier/").content.decode()

    assert f'id="engagement-report-{report.pk}"' in mine
    assert f'id="engagement-report-{report.pk}"' not in theirs


def test_project_page_shows_design_documents_and_the_estimate_trace(lifecycle, parties):
    project = awaiting_validation(lifecycle)
    design = Document.objects.get(project=project, kind="design_document")

    response = signed_in(parties["verifier"]).get(f"/workspace/verifier/projects/{project.pk}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert f'href="/api/v1/documents/{design.pk}/download/"' in page
    download = signed_in(parties["verifier"]).get(f"/api/v1/documents/{design.pk}/download/")
    assert download.status_code == 200 and download["X-Document-SHA256"] == design.sha256
    trace = page.split('id="trace"')[1].split("</table>")[0]
    # The design's inputs (tests/registry/conftest.py DESIGN_PARAMETERS), with their units.
    assert "EF_grid_OM" in trace and "0.7921" in trace and "tCO2/MWh" in trace
    assert 'id="trace-er"' in trace and 'class="result"' in trace
    assert "Attach your signed report before you give the opinion." in text(response)


def test_the_verifier_attaches_its_report_then_validates(lifecycle, parties):
    project = awaiting_validation(lifecycle)
    client = signed_in(parties["verifier"])
    base = f"/workspace/verifier/projects/{project.pk}"

    upload = client.post(f"{base}/documents/", {"kind": "validation_report", "file": pdf()})
    validated = client.post(f"{base}/validate/", {"opinion": "positive", "report": "Conforms."})

    assert upload.status_code == 302 and upload["Location"] == f"{base}/"
    assert Document.objects.get(project=project, kind="validation_report").filename == (
        "validation.pdf"
    )
    assert validated.status_code == 302
    project.refresh_from_db()
    assert project.status == "registration_review"
    assert project.validation_report == "Conforms."
    page = client.get(f"{base}/")
    assert "Your validation opinion is recorded." in text(page)
    assert 'id="no-opinion-pending"' in page.content.decode()


def test_an_opinion_without_the_signed_report_is_a_409_with_the_message(lifecycle, parties):
    project = awaiting_validation(lifecycle)

    response = signed_in(parties["verifier"]).post(
        f"/workspace/verifier/projects/{project.pk}/validate/",
        {"opinion": "positive", "report": "Conforms."},
    )

    assert response.status_code == 409
    expected = DOCUMENT_REQUIRED.format(
        object="project", action="be validated", kind="validation report", code="validation_report"
    )
    assert expected in text(response)
    assert Project.objects.get(pk=project.pk).status == "validation"


def test_a_bad_opinion_form_is_a_400_with_the_field_messages(lifecycle, parties):
    project = awaiting_validation(lifecycle)

    response = signed_in(parties["verifier"]).post(
        f"/workspace/verifier/projects/{project.pk}/validate/", {"opinion": "glowing"}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Select a valid choice. glowing is not one of the available choices." in page
    assert "This field is required." in page
    assert Project.objects.get(pk=project.pk).status == "validation"


def test_a_file_that_is_not_a_document_is_a_400_named_on_the_file(lifecycle, parties):
    project = awaiting_validation(lifecycle)
    not_a_pdf = SimpleUploadedFile("report.pdf", b"\x00\x01 just bytes", "application/pdf")

    response = signed_in(parties["verifier"]).post(
        f"/workspace/verifier/projects/{project.pk}/documents/",
        {"kind": "validation_report", "file": not_a_pdf},
    )

    assert response.status_code == 400
    form = response.content.decode().split('id="upload-form"')[1].split("</form>")[0]
    assert 'class="errorlist' in form
    assert not Document.objects.filter(project=project, kind="validation_report").exists()


def test_a_kind_the_verifier_does_not_write_is_not_offered(lifecycle, parties):
    project = awaiting_validation(lifecycle)

    response = signed_in(parties["verifier"]).post(
        f"/workspace/verifier/projects/{project.pk}/documents/",
        {"kind": "design_document", "file": pdf()},
    )

    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()


def test_an_opinion_in_the_wrong_state_is_a_409_with_the_message(lifecycle, parties):
    project = lifecycle.project("registration_review")

    response = signed_in(parties["verifier"]).post(
        f"/workspace/verifier/projects/{project.pk}/validate/",
        {"opinion": "positive", "report": "Again."},
    )

    assert response.status_code == 409
    # The page names the state as a reader does; the API says its code.
    assert "Cannot validate a project that is registration review." in text(response)


def test_an_opinion_during_publicity_is_a_409_naming_its_end(lifecycle, parties):
    project = lifecycle.project("publicity")

    response = signed_in(parties["verifier"]).post(
        f"/workspace/verifier/projects/{project.pk}/validate/",
        {"opinion": "positive", "report": "Early."},
    )

    assert response.status_code == 409
    assert "The publicity period runs until" in text(response)


def test_a_verifier_not_accredited_is_refused_with_the_message(lifecycle, parties):
    unaccredited = make_organization("verifier", name="Unaccredited body")
    person = make_user(unaccredited, username="unaccredited")
    project = projects.create_project(
        actor=parties["proponent"], **project_fields(unaccredited, lifecycle.methodology)
    )
    attach_pdf(actor=parties["proponent"], kind="design_document", project=project)
    with no_publicity_wait:
        projects.submit_project(actor=parties["proponent"], project=project)

    response = signed_in(person).post(
        f"/workspace/verifier/projects/{project.pk}/validate/",
        {"opinion": "positive", "report": "Conforms."},
    )

    assert response.status_code == 403
    assert "Unaccredited body is not accredited for energy_industries" in text(response)


def test_a_verifier_not_engaged_gets_a_404_for_the_project_and_its_acts(lifecycle, parties):
    project = awaiting_validation(lifecycle)
    other = signed_in(parties["verifier2"])
    base = f"/workspace/verifier/projects/{project.pk}"

    assert other.get(f"{base}/").status_code == 404
    refused = other.post(f"{base}/validate/", {"opinion": "positive", "report": "Mine."})
    assert refused.status_code == 404
    upload = other.post(f"{base}/documents/", {"kind": "validation_report", "file": pdf()})
    assert upload.status_code == 404
    assert Project.objects.get(pk=project.pk).status == "validation"
    assert not Document.objects.filter(project=project, kind="validation_report").exists()


def test_report_page_shows_the_claim_and_its_monitored_series(lifecycle, parties):
    report = lifecycle.report("verification")

    response = signed_in(parties["verifier2"]).get(f"/workspace/verifier/reports/{report.pk}/")

    assert response.status_code == 200
    trace = response.content.decode().split('id="trace"')[1].split("</table>")[0]
    assert 'id="trace-eg_export"' in trace
    assert EXPORT[0] in trace and EXPORT[-1] in trace
    assert re.search(r"<strong>687[,.]?370\.875</strong>", trace)
    assert Decimal(CLAIMED) == report.claimed_reductions


def test_the_second_verifier_verifies_the_report(lifecycle, parties):
    report = lifecycle.report("verification")

    response = signed_in(parties["verifier2"]).post(
        f"/workspace/verifier/reports/{report.pk}/verify/",
        {"opinion": "positive", "verified_reductions": "687000", "report": "Verified."},
    )

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "issuance_review"
    assert report.verified_reductions == Decimal("687000")


def test_a_verified_amount_above_the_claim_is_a_400_on_its_field(lifecycle, parties):
    report = lifecycle.report("verification")

    response = signed_in(parties["verifier2"]).post(
        f"/workspace/verifier/reports/{report.pk}/verify/",
        {"opinion": "positive", "verified_reductions": "900000"},
    )

    assert response.status_code == 400
    message = ABOVE_CLAIM.format(claimed=report.claimed_reductions)
    field = response.content.decode().split('id="opinion-form"')[1].split("</form>")[0]
    assert message in field
    assert MonitoringReport.objects.get(pk=report.pk).status == "verification"


def test_the_validator_of_the_project_is_refused_verifying_its_report(lifecycle, parties):
    report = lifecycle.report("verification")
    # The services never engage the project's validator on its report (create_report refuses
    # it), so the engagement is set on the row: the page must still show verify_report's
    # independence refusal (CCER 2023, arts. 18 and 37) as a message, not an error page.
    MonitoringReport.objects.filter(pk=report.pk).update(verifier=report.project.verifier)

    response = signed_in(parties["verifier"]).post(
        f"/workspace/verifier/reports/{report.pk}/verify/",
        {"opinion": "positive", "verified_reductions": "1"},
    )

    assert response.status_code == 403
    assert VALIDATOR_MAY_NOT_VERIFY in text(response)
    assert MonitoringReport.objects.get(pk=report.pk).status == "verification"


def test_a_verifier_not_engaged_gets_a_404_for_the_report(lifecycle, parties):
    report = lifecycle.report("verification")
    validator = signed_in(parties["verifier"])

    assert validator.get(f"/workspace/verifier/reports/{report.pk}/").status_code == 404
    refused = validator.post(
        f"/workspace/verifier/reports/{report.pk}/verify/",
        {"opinion": "positive", "verified_reductions": "1"},
    )
    assert refused.status_code == 404
    assert MonitoringReport.objects.get(pk=report.pk).status == "verification"


def test_no_report_of_another_verifier_shows_its_private_draft(lifecycle, parties):
    report = lifecycle.report("draft")

    response = signed_in(parties["verifier"]).get(f"/workspace/verifier/reports/{report.pk}/")

    assert response.status_code == 404
    assert report.reference not in response.content.decode()
