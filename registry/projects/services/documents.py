"""Documents behind the steps of the lifecycle: attach a file to a project or a monitoring
report, each new upload of a kind superseding the current one (evidence accumulates), and the
checks the lifecycle's verbs make that the document they stand on is there.

Who may attach follows who acts on the object, and only while it can still change: the company
while the project or report is a draft; the engaged verifier while its opinion is pending (the
project in publicity or validation, the report in publicity or verification). The file's bytes
decide its type (`core.files`), and its SHA-256 and size enter the audit log with the act."""

from typing import IO, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext_lazy, gettext_noop, pgettext_lazy

from accounts.models import User
from core import files
from core.audit import record_event
from core.errors import AccessDenied, Conflict, InvalidInput
from core.messages import Message, Term
from registry.projects import rules
from registry.projects.locks import lock_project, lock_report
from registry.projects.models import Document, DocumentKind, MonitoringReport, Project

KIND_NOT_FOR_PROJECT = Message(gettext_noop("A project carries these kinds of document: {kinds}."))
KIND_NOT_FOR_REPORT = Message(
    gettext_noop("A monitoring report carries these kinds of document: {kinds}.")
)
NOT_UPLOADER = Message(
    gettext_noop(
        "Only the company (its design and reports) or the engaged verifier (the report behind its "
        "opinion) may attach a {kind} to this {object}."
    )
)
PROPONENT_CLOSED = Message(
    gettext_noop(
        "The company attaches documents to a {object} while it is a draft; it is {status}."
    )
)
VERIFIER_CLOSED = Message(
    gettext_noop(
        "The engaged verifier attaches documents while its opinion is pending; the {object} is "
        "{status}."
    )
)
DOCUMENT_REQUIRED = Message(
    gettext_noop("A {object} cannot {action} without its {kind}: attach it first ({code}).")
)

# While the engaged verifier's opinion is pending, it may attach its report and evidence.
OPINION_PENDING = {
    "project": {Project.Status.PUBLICITY, Project.Status.VALIDATION},
    "monitoring report": {
        MonitoringReport.Status.PUBLICITY,
        MonitoringReport.Status.VERIFICATION,
    },
}


# The acts a missing document holds up, as DOCUMENT_REQUIRED names them.
REQUIRED_FOR = {
    "go to publicity": pgettext_lazy("held up without a document", "go to publicity"),
    "be validated": pgettext_lazy("held up without a document", "be validated"),
    "be verified": pgettext_lazy("held up without a document", "be verified"),
}


def _object_name(obj: Project | MonitoringReport) -> Term:
    if isinstance(obj, Project):
        return Term("project", gettext_lazy("project"))
    return Term("monitoring report", gettext_lazy("monitoring report"))


def _kind(kind: str) -> Term:
    label = DocumentKind(kind).label
    return Term(label.lower(), label, lower=True)


def _state(obj: Project | MonitoringReport) -> Term:
    return Term(obj.status, obj.Status(obj.status).label, lower=True)


def _engaged_verifier_id(obj: Project | MonitoringReport) -> int:
    return obj.verifier_id


def _side(actor: Any, project: Project, obj: Project | MonitoringReport, kind: str) -> str:
    """'proponent' or 'verifier', the side the actor attaches `kind` for; 403 if neither."""
    if rules.is_document_proponent(actor, project, kind):
        return "proponent"
    if rules.is_document_verifier(actor, _engaged_verifier_id(obj), kind):
        return "verifier"
    raise AccessDenied(NOT_UPLOADER.format(kind=_kind(kind), object=_object_name(obj)))


def _check_open(obj: Project | MonitoringReport, side: str) -> None:
    """409 unless the object can still change for that side."""
    name = _object_name(obj)
    if side == "proponent" and obj.status != "draft":
        raise Conflict(PROPONENT_CLOSED.format(object=name, status=_state(obj)))
    if side == "verifier" and obj.status not in OPINION_PENDING[name]:
        raise Conflict(VERIFIER_CLOSED.format(object=name, status=_state(obj)))


def _check_kind(obj: Project | MonitoringReport, kind: str) -> None:
    if isinstance(obj, Project) and kind not in Document.PROJECT_KINDS:
        kinds = ", ".join(Document.PROJECT_KINDS)
        raise InvalidInput({"kind": KIND_NOT_FOR_PROJECT.format(kinds=kinds)})
    if isinstance(obj, MonitoringReport) and kind not in Document.REPORT_KINDS:
        kinds = ", ".join(Document.REPORT_KINDS)
        raise InvalidInput({"kind": KIND_NOT_FOR_REPORT.format(kinds=kinds)})


def attach_document(
    *,
    actor: User,
    kind: str,
    file: IO[bytes],
    filename: str,
    size: int,
    project: Project | None = None,
    report: MonitoringReport | None = None,
) -> Document:
    """Attach `file` (`size` bytes, sent as `filename`) to the project or, with `report`, to
    that monitoring report, as a document of `kind`; a current document of that kind (evidence
    aside) is superseded by it.

    Refusals write nothing: a kind the object does not carry, a bad name, an empty file, a type
    not accepted (400), a file above DOCUMENT_MAX_BYTES (413), an actor who may not (403), an
    object that can no longer change (409). The bytes are checked and stored (under their hash)
    before the object's lock is taken, so a 50 MB write never holds it; the state is checked
    again under the lock. Should it have changed meanwhile, the request is refused and the
    stored bytes stay unreferenced under their hash, which another upload of the same file
    would reuse."""
    obj: Project | MonitoringReport = report if report is not None else project
    project = report.project if report is not None else project
    _check_kind(obj, kind)
    side = _side(actor, project, obj, kind)
    _check_open(obj, side)
    filename = files.clean_filename(filename)
    checked = files.check_upload(file, size, settings.DOCUMENT_MAX_BYTES)
    name = files.store(file, checked.sha256)
    return _record(
        actor=actor,
        project=project,
        report=report,
        side=side,
        kind=kind,
        filename=filename,
        checked=checked,
        name=name,
    )


@transaction.atomic
def _record(
    *,
    actor: User,
    project: Project,
    report: MonitoringReport | None,
    side: str,
    kind: str,
    filename: str,
    checked: files.CheckedFile,
    name: str,
) -> Document:
    # Lock order: project, then report (registry.projects.locks).
    project = lock_project(project.pk)
    report = lock_report(report.pk) if report is not None else None
    obj = report if report is not None else project
    _check_open(obj, side)
    current = None
    if kind != DocumentKind.EVIDENCE:
        current = Document.objects.filter(
            project=project, report=report, kind=kind, superseded_by__isnull=True
        ).first()
    fields = {}
    if current is not None:
        # The current one is marked superseded first, so that one document of the kind is
        # current at any moment (a unique index); it names the new one's id, taken from the
        # sequence beforehand (the foreign key is checked at commit).
        fields["id"] = _next_document_id()
        current.superseded_by_id = fields["id"]
        current.save(update_fields=["superseded_by"])
    document = Document.objects.create(
        **fields,
        project=project,
        report=report,
        kind=kind,
        filename=filename,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        storage_name=name,
        uploaded_by=actor,
    )
    record_event(
        actor=actor,
        action="document.attach",
        target=document,
        after={
            "project": project.pk,
            **({"report": report.pk} if report is not None else {}),
            "kind": kind,
            "filename": filename,
            "content_type": checked.content_type,
            "size": checked.size,
            "sha256": checked.sha256,
            **({"supersedes": current.pk} if current is not None else {}),
        },
    )
    return document


def _next_document_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('projects_document', 'id'))")
        return cursor.fetchone()[0]


def current_document(obj: Project | MonitoringReport, kind: str) -> Document | None:
    """The object's current document of `kind`, if any."""
    documents = Document.objects.filter(kind=kind, superseded_by__isnull=True)
    if isinstance(obj, Project):
        return documents.filter(project=obj, report__isnull=True).first()
    return documents.filter(report=obj).first()


def require_document(obj: Project | MonitoringReport, kind: str, action: str) -> Document:
    """The lifecycle's rule: no publicity without the design document (or the monitoring
    report), no opinion without its signed report; a 409 naming the kind otherwise. Caller
    holds the object's lock, under which documents are attached, so none comes or goes
    meanwhile."""
    document = current_document(obj, kind)
    if document is None:
        raise Conflict(
            DOCUMENT_REQUIRED.format(
                object=_object_name(obj),
                action=Term(action, REQUIRED_FOR.get(action, action)),
                kind=_kind(kind),
                code=kind,
            )
        )
    return document


def open_document(document: Document) -> IO[bytes]:
    """The document's bytes, checked against its recorded SHA-256 before any is served
    (`core.files.open_verified`; a mismatch is StoredFileCorrupt, never a file)."""
    return files.open_verified(document.storage_name, document.sha256)
