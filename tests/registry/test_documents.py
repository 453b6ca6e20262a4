"""Documents behind the lifecycle (issue 15): the steps that need them, who attaches them and
when, who reads them, supersession, the audit entry with the hash, the hash checked on download,
and every bad input refused with nothing written."""

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.test import Client, override_settings

from core import files
from core.errors import Conflict
from core.models import AuditEntry
from registry.projects.models import Document
from registry.projects.services import documents, projects, reports
from tests.conftest import client_for, make_organization, make_user, upload_document
from tests.registry.conftest import no_publicity_wait
from web.demo_documents import attach_pdf, minimal_pdf

pytestmark = pytest.mark.django_db

PDF = minimal_pdf("A design document", "Donghai Bridge offshore wind farm phase III")


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.content
    return response.json()


def project_url(project) -> str:
    return f"/api/v1/projects/{project.pk}"


def report_url(report) -> str:
    return f"/api/v1/monitoring-reports/{report.pk}"


@pytest.fixture
def cast(parties):
    return {**parties, "other": make_user(make_organization("proponent"), username="other")}


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file())


# --- The lifecycle's rules ------------------------------------------------------------------


def test_a_project_cannot_go_to_publicity_without_its_design_document(lifecycle, parties):
    project = lifecycle.project("draft", documents=False)

    with pytest.raises(Conflict) as refused:
        projects.submit_project(actor=parties["proponent"], project=project)

    assert refused.value.message == documents.DOCUMENT_REQUIRED.format(
        object="project",
        action="go to publicity",
        kind="project design document",
        code="design_document",
    )
    project.refresh_from_db()
    assert project.status == "draft"


def test_a_monitoring_plan_alone_does_not_take_a_project_to_publicity(lifecycle, parties):
    project = lifecycle.project("draft", documents=False)
    attach_pdf(actor=parties["proponent"], kind="monitoring_plan", project=project)

    with pytest.raises(Conflict):
        projects.submit_project(actor=parties["proponent"], project=project)


def test_the_validation_opinion_needs_the_validation_report(lifecycle, parties):
    project = lifecycle.project("draft")
    with no_publicity_wait:
        project = projects.submit_project(actor=parties["proponent"], project=project)

        with pytest.raises(Conflict) as refused:
            projects.validate_project(
                actor=parties["verifier"], project=project, opinion="positive", report=""
            )
        assert "validation report" in refused.value.message

        attach_pdf(actor=parties["verifier"], kind="validation_report", project=project)
        project = projects.validate_project(
            actor=parties["verifier"], project=project, opinion="positive", report=""
        )

    assert project.status == "registration_review"


def test_a_report_cannot_go_to_publicity_without_its_monitoring_report(lifecycle, parties):
    report = lifecycle.report("draft", documents=False)

    with pytest.raises(Conflict) as refused:
        reports.submit_report(actor=parties["proponent"], report=report)

    assert "monitoring report" in refused.value.message


def test_the_verification_opinion_needs_the_verification_report(lifecycle, parties):
    report = lifecycle.report("draft")
    with no_publicity_wait:
        report = reports.submit_report(actor=parties["proponent"], report=report)

        with pytest.raises(Conflict) as refused:
            reports.verify_report(
                actor=parties["verifier2"],
                report=report,
                opinion="positive",
                verified_reductions=report.claimed_reductions,
            )
        assert "verification report" in refused.value.message

        attach_pdf(actor=parties["verifier2"], kind="verification_report", report=report)
        report = reports.verify_report(
            actor=parties["verifier2"],
            report=report,
            opinion="positive",
            verified_reductions=report.claimed_reductions,
        )

    assert report.status == "issuance_review"


def test_submitting_over_http_without_the_document_is_a_409(lifecycle, parties):
    project = lifecycle.project("draft", documents=False)
    company = client_for(parties["proponent"])

    assert company.post(f"{project_url(project)}/submit/").status_code == 409
    ok(upload_document(company, project_url(project), "design_document"), 201)
    assert ok(company.post(f"{project_url(project)}/submit/"))["status"] == "publicity"


# --- Who attaches, and when -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "kind", "status"),
    [
        ("proponent", "design_document", 201),
        ("proponent", "monitoring_plan", 201),
        ("proponent", "evidence", 201),
        ("proponent", "validation_report", 403),
        ("verifier", "design_document", 403),
        ("verifier", "validation_report", 409),  # its opinion is not pending on a draft
        ("verifier2", "design_document", 404),  # a draft it has no part in
        ("other", "design_document", 404),
        ("operator", "design_document", 403),
        ("regulator", "design_document", 403),
        ("anonymous", "design_document", 401),
        ("proponent", "monitoring_report", 400),  # a report's kind, not a project's
    ],
)
def test_who_attaches_to_a_draft_project(lifecycle, cast, role, kind, status):
    project = lifecycle.project("draft", documents=False)

    response = upload_document(client_for(cast.get(role)), project_url(project), kind)

    assert response.status_code == status, response.content
    assert Document.objects.filter(project=project).count() == (1 if status == 201 else 0)


@pytest.mark.parametrize(
    ("state", "role", "kind", "status"),
    [
        ("publicity", "proponent", "design_document", 409),  # the public is reading it
        ("publicity", "verifier", "validation_report", 201),
        ("publicity", "verifier", "evidence", 201),
        ("validation", "verifier", "validation_report", 201),
        ("registration_review", "verifier", "validation_report", 409),  # opinion given
        ("registered", "proponent", "evidence", 409),
        ("validation", "verifier2", "validation_report", 403),  # not engaged on it
    ],
)
def test_who_attaches_to_a_project_as_it_moves_on(lifecycle, cast, state, role, kind, status):
    project = lifecycle.project(state)

    response = upload_document(client_for(cast[role]), project_url(project), kind)

    assert response.status_code == status, response.content


@pytest.mark.parametrize(
    ("state", "role", "kind", "status"),
    [
        ("draft", "proponent", "monitoring_report", 201),
        ("draft", "proponent", "evidence", 201),
        ("draft", "proponent", "design_document", 400),
        ("draft", "verifier2", "verification_report", 409),
        ("publicity", "proponent", "monitoring_report", 409),
        ("verification", "verifier2", "verification_report", 201),
        ("verification", "verifier", "verification_report", 403),  # the project's validator
        ("issuance_review", "verifier2", "verification_report", 409),
    ],
)
def test_who_attaches_to_a_report(lifecycle, cast, state, role, kind, status):
    report = lifecycle.report(state)

    response = upload_document(client_for(cast[role]), report_url(report), kind)

    assert response.status_code == status, response.content


# --- Who reads them -------------------------------------------------------------------------

ROLES = ["anonymous", "other", "proponent", "verifier", "verifier2", "operator", "regulator"]


def visible_kinds(client, url) -> set[str]:
    response = client.get(f"{url}/documents/")
    if response.status_code == 404:
        return None
    return {row["kind"] for row in ok(response)["results"]}


@pytest.mark.parametrize("role", ROLES)
def test_a_drafts_documents_are_private(lifecycle, cast, role):
    project = lifecycle.project("draft")
    document = Document.objects.get(project=project)
    client = client_for(cast.get(role))

    may = role in {"proponent", "verifier", "operator", "regulator"}
    assert visible_kinds(client, project_url(project)) == ({"design_document"} if may else None)
    download = client.get(f"/api/v1/documents/{document.pk}/download/")
    assert download.status_code == (200 if may else 404)


@pytest.mark.parametrize("role", ROLES)
def test_from_publicity_the_design_is_public_and_the_opinion_report_once_given(
    lifecycle, cast, role
):
    project = lifecycle.project("publicity")  # the validation report is attached, pending
    attach_pdf(actor=cast["verifier"], kind="evidence", project=project)
    client = client_for(cast.get(role))
    parties = {"proponent", "verifier", "operator", "regulator"}

    expected = {"design_document"}
    if role in parties:
        expected |= {"validation_report", "evidence"}
    assert visible_kinds(client, project_url(project)) == expected

    given = lifecycle.project("registration_review")
    assert visible_kinds(client, project_url(given)) == {"design_document", "validation_report"}


@pytest.mark.parametrize("role", ROLES)
def test_a_reports_documents_follow_the_report(lifecycle, cast, role):
    draft = lifecycle.report("draft")
    verified = lifecycle.report("issuance_review")
    client = client_for(cast.get(role))
    parties = {"proponent", "verifier2", "operator", "regulator"}

    assert visible_kinds(client, report_url(draft)) == (
        {"monitoring_report"} if role in parties else None
    )
    assert visible_kinds(client, report_url(verified)) == {
        "monitoring_report",
        "verification_report",
    }


# --- Supersession ---------------------------------------------------------------------------


def test_a_new_upload_of_a_kind_supersedes_the_current_one(lifecycle, parties):
    project = lifecycle.project("draft")
    company = client_for(parties["proponent"])
    first = Document.objects.get(project=project)

    second = ok(upload_document(company, project_url(project), "design_document"), 201)

    listed = ok(company.get(f"{project_url(project)}/documents/"))["results"]
    assert [(row["id"], row["superseded_by"]) for row in listed] == [
        (first.pk, second["id"]),
        (second["id"], None),
    ]
    assert documents.current_document(project, "design_document").pk == second["id"]


def test_evidence_accumulates_and_is_never_superseded(lifecycle, parties):
    project = lifecycle.project("draft")
    for title in ("photo", "meter"):
        attach_pdf(actor=parties["proponent"], kind="evidence", project=project, title=title)

    evidence = Document.objects.filter(project=project, kind="evidence")
    assert [d.superseded_by_id for d in evidence] == [None, None]


def test_the_same_bytes_are_stored_once_under_their_hash(lifecycle, parties):
    company = client_for(parties["proponent"])
    first, second = lifecycle.project("draft"), lifecycle.project("draft")

    a = ok(upload_document(company, project_url(first), "evidence", content=PDF), 201)
    b = ok(upload_document(company, project_url(second), "evidence", content=PDF), 201)

    digest = hashlib.sha256(PDF).hexdigest()
    assert a["sha256"] == b["sha256"] == digest
    assert Document.objects.get(pk=a["id"]).storage_name == f"documents/{digest[:2]}/{digest}"
    assert default_storage.exists(f"documents/{digest[:2]}/{digest}")


# --- Integrity ------------------------------------------------------------------------------


def test_the_audit_entry_of_the_upload_carries_the_hash_and_size(lifecycle, parties):
    project = lifecycle.project("draft", documents=False)

    answer = ok(
        upload_document(
            client_for(parties["proponent"]),
            project_url(project),
            "design_document",
            content=PDF,
            filename="PDD v1.pdf",
        ),
        201,
    )

    entry = AuditEntry.objects.get(action="document.attach", object_id=str(answer["id"]))
    assert entry.after == {
        "project": project.pk,
        "kind": "design_document",
        "filename": "PDD v1.pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
        "sha256": hashlib.sha256(PDF).hexdigest(),
    }
    assert entry.actor_id == parties["proponent"].pk


def test_a_supersession_is_in_the_audit_entry(lifecycle, parties):
    project = lifecycle.project("draft")
    first = Document.objects.get(project=project)

    second = attach_pdf(actor=parties["proponent"], kind="design_document", project=project)

    entry = AuditEntry.objects.get(action="document.attach", object_id=str(second.pk))
    assert entry.after["supersedes"] == first.pk


def test_a_download_is_the_file_as_an_attachment_that_hashes_to_its_record(lifecycle, parties):
    project = lifecycle.project("publicity")
    document = Document.objects.get(project=project, kind="design_document")

    response = client_for(None).get(f"/api/v1/documents/{document.pk}/download/")

    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == document.sha256
    assert len(body) == document.size == int(response["Content-Length"])
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="design_document.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_stored_file_that_no_longer_matches_its_hash_is_an_error_not_a_file(lifecycle, parties):
    project = lifecycle.project("publicity")
    document = Document.objects.get(project=project, kind="design_document")
    path = Path(default_storage.path(document.storage_name))
    path.write_bytes(path.read_bytes().replace(b"Demonstration", b"Demolition!!!"))

    response = client_for(None).get(f"/api/v1/documents/{document.pk}/download/")

    assert response.status_code == 500
    assert response.json() == {"detail": files.HASH_MISMATCH}
    assert b"%PDF" not in response.content


def test_a_missing_stored_file_is_an_error_not_an_empty_file(lifecycle, parties):
    project = lifecycle.project("publicity")
    document = Document.objects.get(project=project, kind="design_document")
    default_storage.delete(document.storage_name)

    response = client_for(None).get(f"/api/v1/documents/{document.pk}/download/")

    assert response.status_code == 500


def test_a_large_upload_is_spooled_to_disk_and_streamed_back(lifecycle, parties):
    project = lifecycle.project("draft")
    content = PDF + b"%" + b"x" * (3 * 1024 * 1024)  # above FILE_UPLOAD_MAX_MEMORY_SIZE

    answer = ok(
        upload_document(
            client_for(parties["proponent"]), project_url(project), "evidence", content=content
        ),
        201,
    )

    response = client_for(parties["proponent"]).get(answer["download"])
    body = b"".join(response.streaming_content)
    assert answer["size"] == len(content)
    assert hashlib.sha256(body).hexdigest() == answer["sha256"]


# --- Bad input: a clear 4xx, nothing written ------------------------------------------------


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
        )
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


def _ods() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (PDF, "application/pdf"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32, "image/jpeg"),
        (b"GIF89a" + b"\x00" * 32, "image/gif"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32, "image/webp"),
        (_xlsx(), files.XLSX),
        (_ods(), files.ODS),
        (files.OLE2_MAGIC + b"\x00" * 64 + "Workbook".encode("utf-16-le"), files.XLS),
        (b"month,kWh\n2025-01,1200\n2025-02,1100\n", "text/csv"),
        ("站点,电量\n上海,1200\n".encode(), "text/csv"),
    ],
)
def test_each_accepted_type_is_read_from_its_bytes(lifecycle, parties, content, content_type):
    project = lifecycle.project("draft")

    answer = ok(
        upload_document(
            client_for(parties["proponent"]),
            project_url(project),
            "evidence",
            content=content,
            filename="anything.bin",
        ),
        201,
    )

    assert Document.objects.get(pk=answer["id"]).content_type == content_type


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", "report.pdf"),
        (b"<html><body>hello</body></html>", "report.pdf"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "a.png"),
        (_docx(), "table.xlsx"),
        (files.OLE2_MAGIC + b"\x00" * 64, "old.xls"),
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "setup.pdf"),
        (b"a,b\n1,\x002\n", "nul.csv"),
        (b"a,b\n\xff\xfe,2\n", "latin.csv"),
        (b'a,"b\n', "unclosed.csv"),
    ],
)
def test_a_type_outside_the_list_is_refused_by_its_bytes(lifecycle, parties, content, filename):
    project = lifecycle.project("draft", documents=False)
    before = stored_files()

    response = upload_document(
        client_for(parties["proponent"]),
        project_url(project),
        "evidence",
        content=content,
        filename=filename,
    )

    assert response.status_code == 400
    assert response.json() == {"file": [files.TYPE_REFUSED]}
    assert not Document.objects.filter(project=project).exists()
    assert stored_files() == before


def test_an_empty_file_is_refused(lifecycle, parties):
    project = lifecycle.project("draft", documents=False)

    response = upload_document(
        client_for(parties["proponent"]), project_url(project), "evidence", content=b""
    )

    assert response.status_code == 400
    assert response.json() == {"file": [files.EMPTY_FILE]}
    assert not Document.objects.exists()


@override_settings(DOCUMENT_MAX_BYTES=200 * 1024)
def test_a_file_above_the_limit_is_a_413_and_nothing_is_written(lifecycle, parties):
    project = lifecycle.project("draft", documents=False)
    before = stored_files()
    company = client_for(parties["proponent"])

    # Just above the limit: the body fits the multipart allowance, the service refuses it.
    just_above = PDF + b"%" + b"x" * (200 * 1024 - len(PDF))
    response = upload_document(company, project_url(project), "evidence", content=just_above)
    assert response.status_code == 413
    assert response.json() == {
        "detail": files.TOO_LARGE.format(size=len(just_above), limit=200 * 1024)
    }

    # Far above: the body itself is refused before it is read.
    far_above = PDF + b"%" + b"x" * (2 * 1024 * 1024)
    response = upload_document(company, project_url(project), "evidence", content=far_above)
    assert response.status_code == 413

    assert not Document.objects.exists()
    assert stored_files() == before


def test_a_body_above_the_json_limit_elsewhere_is_still_refused(parties):
    big = {"text": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}

    response = client_for(parties["proponent"]).post("/api/v1/projects/", big, format="json")

    assert response.status_code == 400


@pytest.mark.parametrize(
    "filename",
    ["../../etc/passwd.pdf", "a/b.pdf", "..\\windows\\x.pdf", "bad\x07name.pdf", "a&#47;b.pdf"],
)
def test_a_filename_with_separators_or_control_characters_is_refused(lifecycle, parties, filename):
    project = lifecycle.project("draft", documents=False)
    before = stored_files()

    # Built by hand: Django's test client would send the name's last part only.
    boundary = "registry-test-boundary"
    body = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="kind"\r\n\r\nevidence\r\n'
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + PDF
        + f"\r\n--{boundary}--\r\n".encode()
    )

    response = client_for(parties["proponent"]).generic(
        "POST",
        f"{project_url(project)}/documents/",
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )

    assert response.status_code == 400
    assert response.json() == {"file": [files.BAD_FILENAME]}
    assert stored_files() == before


def test_the_service_refuses_a_bad_name_too(lifecycle, parties):
    project = lifecycle.project("draft", documents=False)

    with pytest.raises(files.InvalidInput):
        documents.attach_document(
            actor=parties["proponent"],
            kind="evidence",
            file=io.BytesIO(PDF),
            filename="x\ny.pdf",
            size=len(PDF),
            project=project,
        )


def test_an_unknown_kind_is_a_400(lifecycle, parties):
    project = lifecycle.project("draft")

    response = upload_document(client_for(parties["proponent"]), project_url(project), "memo")

    assert response.status_code == 400
    assert "kind" in response.json()


def test_a_refused_state_change_writes_no_file(lifecycle, parties):
    project = lifecycle.project("publicity")
    before = stored_files()

    response = upload_document(
        client_for(parties["proponent"]),
        project_url(project),
        "design_document",
        content=minimal_pdf("a late change"),
    )

    assert response.status_code == 409
    assert stored_files() == before


# --- The public page ------------------------------------------------------------------------


def test_the_public_project_page_lists_the_public_documents_with_size_date_and_hash(
    lifecycle, parties
):
    project = lifecycle.project("publicity")
    attach_pdf(actor=parties["verifier"], kind="evidence", project=project)
    design = Document.objects.get(project=project, kind="design_document")

    page = Client().get(f"/projects/{project.pk}/").content.decode()

    documents_table = page.split('id="documents"', 1)[1].split("</table>", 1)[0]
    assert design.sha256 in documents_table
    assert f">{design.size}<" in documents_table
    assert design.uploaded_at.astimezone().date().isoformat() in documents_table
    assert f'href="/api/v1/documents/{design.pk}/download/"' in documents_table
    # Not yet public: the pending validation report and the evidence.
    assert documents_table.count('class="document') == 1


def test_a_drafts_documents_are_not_on_any_public_page(lifecycle):
    project = lifecycle.project("draft")
    sha256 = Document.objects.get(project=project).sha256

    assert Client().get(f"/projects/{project.pk}/").status_code == 404
    assert sha256 not in Client().get("/projects/").content.decode()


# --- Storage chosen by settings -------------------------------------------------------------


def test_a_bucket_in_the_environment_stores_documents_in_s3(monkeypatch):
    from storages.backends.s3 import S3Storage

    from config.settings.base import document_storage

    monkeypatch.setenv("DOCUMENT_S3_BUCKET", "registry-documents")
    monkeypatch.setenv("DOCUMENT_S3_ENDPOINT_URL", "https://s3.example.org")
    chosen = document_storage()

    assert chosen["BACKEND"] == "storages.backends.s3.S3Storage"
    assert chosen["OPTIONS"]["bucket_name"] == "registry-documents"
    assert chosen["OPTIONS"]["default_acl"] == "private"
    storage = S3Storage(**chosen["OPTIONS"])
    assert storage.bucket_name == "registry-documents"
    monkeypatch.delenv("DOCUMENT_S3_BUCKET")
    assert document_storage() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
