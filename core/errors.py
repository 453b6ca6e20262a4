"""Domain errors raised by services; `core.api.exception_handler` turns each into one response.

Messages are constants so that tests and integrators can rely on their exact wording; each is a
`core.messages.Message`, kept as it is (never passed through `str()`), so that a web page can show
it in the reader's language (`core.messages.localized`) while the API answers it in English.
"""

from collections.abc import Mapping, Sequence

from django.db import IntegrityError
from django.utils.translation import gettext_noop

from core.messages import Message


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    status_code = 400
    default_message = Message(gettext_noop("The request cannot be carried out."))

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


class InvalidInput(DomainError):
    """Bad input: carries a message per field, answered as a 400 `{field: [message]}`."""

    status_code = 400
    default_message = Message(gettext_noop("Invalid input."))

    def __init__(self, errors: Mapping[str, str | Sequence[str]]) -> None:
        self.errors = {
            field: [messages] if isinstance(messages, str) else list(messages)
            for field, messages in errors.items()
        }
        super().__init__("; ".join(f"{f}: {' '.join(m)}" for f, m in self.errors.items()))


class InvalidRows(InvalidInput):
    """Bad rows of a table sent in one request (an import): answered as a 400
    `{"rows": [{"row": 3, "column": "province", "message": "..."}]}`, every bad cell named; rows
    are numbered from 1, the first row after a CSV file's header."""

    def __init__(self, problems: Sequence[Mapping[str, object]]) -> None:
        self.errors = {"rows": [dict(problem) for problem in problems]}
        first = problems[0] if problems else {}
        DomainError.__init__(
            self,
            f"{len(problems)} problems in the rows; the first: row {first.get('row')}, "
            f"{first.get('column')}: {first.get('message')}",
        )


class AccessDenied(DomainError):
    """The actor may not do this (403)."""

    status_code = 403
    default_message = Message(gettext_noop("You do not have permission to perform this action."))


class NotFound(DomainError):
    """The object does not exist or is not visible to the actor (404)."""

    status_code = 404
    default_message = Message(gettext_noop("Not found."))


class Conflict(DomainError):
    """The request contradicts the current state of the registry (409)."""

    status_code = 409
    default_message = Message(gettext_noop("The request conflicts with the current state."))


class InvalidTransition(Conflict):
    """A lifecycle transition that the object's current state does not allow (409)."""

    default_message = Message(gettext_noop("This action is not allowed in the current state."))


def violates(error: IntegrityError, constraint: str) -> bool:
    """The database refused a write on this named constraint, not on another one."""
    diagnostics = getattr(error.__cause__, "diag", None)
    return getattr(diagnostics, "constraint_name", None) == constraint
