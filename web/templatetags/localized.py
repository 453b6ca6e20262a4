"""`{{ message|localized }}`: a service's message in the reader's language (`core.messages`).

A message kept as plain text (a job's errors, stored as JSON) is looked up by its English text:
whole messages translate, filled-in ones stay in English.
"""

from django import template
from django.utils.translation import gettext

from core.messages import FormattedMessage, Message, Term
from core.messages import localized as localized_text

register = template.Library()


@register.filter
def localized(text: object) -> str:
    if isinstance(text, FormattedMessage | Message | Term):
        return localized_text(text)
    return gettext(str(text)) if text else ""
