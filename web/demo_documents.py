"""Small real PDFs for the demo data, the test suite and the benchmarks: one page of text, with
a correct cross-reference table, so any PDF reader opens them."""

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from registry.projects.models import Document, MonitoringReport, Project
from registry.projects.services import documents


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def minimal_pdf(title: str, *lines: str) -> bytes:
    """A one-page PDF 1.4 showing `title` and `lines` in Helvetica (ASCII text)."""
    text = [f"BT /F1 16 Tf 72 760 Td ({_escape(title)}) Tj ET"]
    for index, line in enumerate(lines):
        text.append(f"BT /F1 11 Tf 72 {730 - 16 * index} Td ({_escape(line)}) Tj ET")
    stream = "\n".join(text).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def attach_pdf(
    *,
    actor: User,
    kind: str,
    project: Project | None = None,
    report: MonitoringReport | None = None,
    title: str = "",
    filename: str = "",
) -> Document:
    """Attach a small PDF of `kind` through the real service, as its author would."""
    subject = report if report is not None else project
    title = title or f"{Document.Kind(kind).label}: {subject}"
    content = minimal_pdf(title, f"Reference {subject.reference}", "Demonstration document.")
    upload = SimpleUploadedFile(filename or f"{kind}.pdf", content, "application/pdf")
    return documents.attach_document(
        actor=actor,
        kind=kind,
        file=upload,
        filename=upload.name,
        size=upload.size,
        project=project,
        report=report,
    )
