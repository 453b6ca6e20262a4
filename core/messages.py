"""Messages that read in English where they are parsed and in the reader's language where they
are read.

A service's error message is a module constant in English: the API answers it as it is (what
integrators and the tests rely on), and a web page shows it translated. `Message` is such a
constant, marked with `gettext_noop` so that `makemessages` extracts it; its `.format(...)`
returns a `FormattedMessage`, the English text that remembers its template and arguments, so
that `localized` can translate the template first and fill it in after.
"""

from typing import Any

from django.utils.translation import gettext


class Message(str):
    """An English message template, translatable: `Message(gettext_noop("..."))`."""

    __slots__ = ()

    def format(self, *args: Any, **kwargs: Any) -> "FormattedMessage":
        return FormattedMessage(self, args, kwargs)


class FormattedMessage(str):
    """A `Message` filled in: equal to its English text, and able to fill its translation."""

    def __new__(cls, template: str, args: tuple, kwargs: dict) -> "FormattedMessage":
        text = super().__new__(cls, str.format(template, *args, **kwargs))
        text.template = template
        text.args = args
        text.kwargs = kwargs
        return text

    def __reduce__(self) -> tuple:
        # Copies and pickles (a job's stored error, say) rebuild it from its parts.
        return (FormattedMessage, (self.template, self.args, self.kwargs))

    def localized(self) -> str:
        arguments = [localized(value) if isinstance(value, str) else value for value in self.args]
        keywords = {
            name: localized(value) if isinstance(value, str) else value
            for name, value in self.kwargs.items()
        }
        try:
            return gettext(self.template).format(*arguments, **keywords)
        except (IndexError, KeyError, ValueError):
            # A translation that names a placeholder the message does not fill: the English
            # text rather than a failed page.
            return str.format(self.template, *arguments, **keywords)


class Term(str):
    """A word filled into a message (a state, a kind of object): its English text as the API
    has always said it (`"registration_review"`), and the `label` a reader sees in their
    language (a choice's lazy label, say), in lower case where `lower` (a state's label
    inside a sentence: "registration review")."""

    def __new__(cls, text: str, label: Any, *, lower: bool = False) -> "Term":
        term = super().__new__(cls, text)
        term.label = label
        term.lowercase = lower
        return term

    def __reduce__(self) -> tuple:
        return (_term, (str(self), str(self.label), self.lowercase))

    def localized(self) -> str:
        label = str(self.label)
        return label.lower() if self.lowercase else label


def _term(text: str, label: str, lower: bool) -> Term:
    return Term(text, label, lower=lower)


def localized(text: object) -> str:
    """`text` in the active language: a `Message` or `FormattedMessage` translated (its
    arguments too, where they are messages or terms themselves), a `Term` as its label, any
    other text unchanged."""
    if isinstance(text, FormattedMessage):
        return text.localized()
    if isinstance(text, Message):
        return gettext(text)
    if isinstance(text, Term):
        return text.localized()
    return str(text)
