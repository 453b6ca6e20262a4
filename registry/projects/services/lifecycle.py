"""Moving a project or a monitoring report along its transition table, with its history."""

from typing import Any, TypeVar

from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop, pgettext_lazy

from core.audit import record_event
from core.errors import AccessDenied, InvalidTransition
from core.messages import Message, Term
from registry.calendar.working_days import add_working_days, period_ended, publicity_over_on
from registry.projects.locks import lock
from registry.projects.models import (
    MonitoringReport,
    MonitoringReportTransition,
    Opinion,
    Project,
    ProjectTransition,
)

Lifecycle = TypeVar("Lifecycle", Project, MonitoringReport)

NOT_ALLOWED = Message(gettext_noop("Cannot {action} a {kind} that is {status}."))
PUBLICITY_NOT_ENDED = Message(gettext_noop("The publicity period runs until {date}."))
# The words NOT_ALLOWED is filled with, as a reader of the web pages reads them.
ACTS = {
    "submit": pgettext_lazy("act", "submit"),
    "close_publicity": pgettext_lazy("act", "close publicity"),
    "validate": pgettext_lazy("act", "validate"),
    "register": pgettext_lazy("act", "register"),
    "reject": pgettext_lazy("act", "reject"),
    "withdraw": pgettext_lazy("act", "withdraw"),
    "verify": pgettext_lazy("act", "verify"),
    "issue": pgettext_lazy("act", "issue"),
}
KINDS = {Project: gettext_lazy("project"), MonitoringReport: gettext_lazy("monitoring report")}


def check_allowed(obj: Project | MonitoringReport, action: str) -> None:
    """Raise InvalidTransition (409) unless the object's state allows the action."""
    allowed_from, _ = obj.TRANSITIONS[action]
    if obj.status not in allowed_from:
        kind = "project" if isinstance(obj, Project) else "monitoring report"
        raise InvalidTransition(
            NOT_ALLOWED.format(
                action=Term(action.replace("_", " "), ACTS.get(action, action)),
                kind=Term(kind, KINDS[type(obj)]),
                status=Term(obj.status, obj.Status(obj.status).label, lower=True),
            )
        )


def move(
    obj: Project | MonitoringReport,
    action: str,
    *,
    actor: Any,
    note: str = "",
    to_status: str | None = None,
    **changes: Any,
) -> None:
    """Apply `action`: check the state, set the new one and `changes`, write the history row and
    the audit entry. Caller holds the object's row lock inside its transaction.

    `to_status` overrides the table's target where an outcome decides it (a negative opinion).
    """
    check_allowed(obj, action)
    before = obj.status
    obj.status = to_status or obj.TRANSITIONS[action][1]
    for field, value in changes.items():
        setattr(obj, field, value)
    obj.save(update_fields=["status", *changes])
    record_history(obj, action, actor=actor, from_status=before, note=note)
    record_event(
        actor=actor,
        action=f"{obj._meta.model_name}.{action}",
        target=obj,
        before={"status": before},
        after={"status": obj.status, **changes, **({"note": note} if note else {})},
    )


def record_history(
    obj: Project | MonitoringReport, action: str, *, actor: Any, from_status: str, note: str = ""
) -> None:
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    fields = {
        "action": action,
        "from_status": from_status,
        "to_status": obj.status,
        "actor": actor if authenticated else None,
        "note": note,
    }
    if isinstance(obj, Project):
        ProjectTransition.objects.create(project=obj, **fields)
    else:
        MonitoringReportTransition.objects.create(report=obj, **fields)


def start_publicity(obj: Project | MonitoringReport, *, actor: Any, working_days: int) -> None:
    """Submit: the item is public from today for `working_days` working days (its deadline
    provisional where a year of it has no known schedule). Caller holds the row lock."""
    today = timezone.localdate()
    deadline = publicity_over_on(today, working_days)
    move(
        obj,
        "submit",
        actor=actor,
        submitted_on=today,
        publicity_ends_on=deadline.date,
        publicity_end_provisional=deadline.provisional,
    )


def close_publicity_if_over(obj: Project | MonitoringReport, *, actor: Any = None) -> bool:
    """Move an item whose publicity period has ended on; True if it moved. Idempotent: an item
    no longer in publicity, or still inside its period, is left as is. Caller holds the row
    lock."""
    if obj.status != "publicity" or not period_ended(obj.publicity_ends_on, timezone.localdate()):
        return False
    move(obj, "close_publicity", actor=actor, note="publicity period ended")
    return True


def end_publicity_if_over(obj: Project | MonitoringReport) -> None:
    """An item whose publicity period is over moves on at once, whether or not the periodic
    task has closed it yet (DESIGN.md); one still inside its period is a 409.
    Caller holds the object's row lock."""
    if obj.status == "publicity" and not close_publicity_if_over(obj):
        raise InvalidTransition(PUBLICITY_NOT_ENDED.format(date=obj.publicity_ends_on))


def record_opinion(
    obj: Project | MonitoringReport,
    action: str,
    *,
    actor: Any,
    opinion: str,
    review_working_days: int,
    **changes: Any,
) -> None:
    """A verifier's opinion: positive moves on to the operator's review, due in
    `review_working_days`; negative rejects. Caller holds the object's row lock."""
    if opinion == Opinion.POSITIVE:
        deadline = add_working_days(timezone.localdate(), review_working_days)
        changes |= {"review_due_on": deadline.date, "review_due_provisional": deadline.provisional}
        move(obj, action, actor=actor, **changes)
    else:
        move(obj, action, actor=actor, to_status="rejected", **changes)


def transition(
    obj: Lifecycle, action: str, *, actor: Any, permitted: bool, note: str = "", **changes: Any
) -> Lifecycle:
    """The shape every plain lifecycle verb shares: refuse an actor who is not `permitted`
    (403), lock the object's row, move it (409 unless its state allows `action`), record the
    history row and the audit entry. Caller runs inside its transaction; returns the object as
    it now is."""
    if not permitted:
        raise AccessDenied()
    locked = lock(obj)
    move(locked, action, actor=actor, note=note, **changes)
    return locked
