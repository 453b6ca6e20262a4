"""The operator's forms: each checks the shape of its input as the matching API input
serializer does; the services decide everything else."""

import re
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization

# A line of a calendar list: a date, then the day's name if any ("2027-10-01 National Day").
CALENDAR_LINE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\s+(.*))?$")


class NoteForm(forms.Form):
    """`NoteInputSerializer`: register, reject, freeze, unfreeze."""

    note = forms.CharField(label=_("Note"), max_length=10000, required=False)


class IssueForm(NoteForm):
    """`IssueInputSerializer`: a claim above its project's estimate is issued only with the
    override and its reason."""

    override = forms.BooleanField(label=_("Override the estimate check"), required=False)
    reason = forms.CharField(
        label=_("Reason for the override"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AccountForm(forms.Form):
    """`AccountInputSerializer`: open a holding account for an organisation."""

    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.order_by("name")
    )
    name = forms.CharField(label=_("Account name"), max_length=200)
    is_default = forms.BooleanField(
        label=_("The organisation's default account (where issuances land)"), required=False
    )


class ImportForm(forms.Form):
    """A file of the national GEC system's export: CSV with a header, or JSON `{rows: [...]}`."""

    file = forms.FileField(
        label=_("Certificate file (CSV or JSON)"),
        help_text=_(
            "Columns: serial_first, serial_last, generator_code, generator_name, "
            "generation_type, province, generation_month (YYYY-MM), holder (unified social "
            "credit code), tradable."
        ),
    )


def _calendar_days(text: str) -> list[dict]:
    """The lines of a calendar list as `{date, name}`; a line that is not one is refused,
    named by its number."""
    days, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        match = CALENDAR_LINE.match(line)
        try:
            day = date.fromisoformat(match.group(1)) if match else None
        except ValueError:
            day = None
        if day is None:
            problems.append(
                _("Line %(number)s: write the date as YYYY-MM-DD, then its name.")
                % {"number": number}
            )
            continue
        days.append({"date": day, "name": (match.group(2) or "").strip()})
    if problems:
        raise forms.ValidationError(problems)
    return days


class CalendarYearForm(forms.Form):
    """`CalendarYearInputSerializer`, with each list typed one day a line."""

    year = forms.IntegerField(label=_("Year"), min_value=1, max_value=9999)
    source = forms.CharField(label=_("Source (the State Council notice)"), max_length=500)
    holidays = forms.CharField(
        label=_("Public holidays on weekdays"),
        help_text=_("One a line: the date (YYYY-MM-DD), then its name."),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    working_days = forms.CharField(
        label=_("Make-up working days on weekends"),
        help_text=_("One a line: the date (YYYY-MM-DD), then its name."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_holidays(self) -> list[dict]:
        return _calendar_days(self.cleaned_data["holidays"])

    def clean_working_days(self) -> list[dict]:
        return _calendar_days(self.cleaned_data["working_days"])
