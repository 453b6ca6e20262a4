"""The verifier's forms: they check the shape of the input, as the API's input serializers do
(`registry.projects.api.serializers`); the services decide everything else."""

from django import forms
from django.utils.translation import gettext_lazy as _

from registry.projects.models import (
    AMOUNT_DECIMAL_PLACES,
    AMOUNT_DIGITS,
    Document,
    MonitoringReport,
    Opinion,
    Project,
)
from registry.projects.rules import VERIFIER_DOCUMENT_KINDS

OPINIONS = [(Opinion.POSITIVE, _("Positive")), (Opinion.NEGATIVE, _("Negative"))]
DOCUMENT_KIND_LABELS = {
    "validation_report": _("Validation report"),
    "verification_report": _("Verification report"),
    "evidence": _("Supporting evidence"),
}


class ValidationForm(forms.Form):
    """`validate_project`'s input: the opinion and the report's text."""

    opinion = forms.ChoiceField(label=_("Opinion"), choices=OPINIONS, widget=forms.RadioSelect)
    report = forms.CharField(
        label=_("Validation report (summary)"),
        max_length=100000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class VerificationForm(forms.Form):
    """`verify_report`'s input: the opinion, the verified amount and the report's text."""

    opinion = forms.ChoiceField(label=_("Opinion"), choices=OPINIONS, widget=forms.RadioSelect)
    verified_reductions = forms.DecimalField(
        label=_("Verified reductions (tCO2e)"),
        min_value=0,
        max_digits=AMOUNT_DIGITS,
        decimal_places=AMOUNT_DECIMAL_PLACES,
        localize=True,
    )
    report = forms.CharField(
        label=_("Verification report (summary)"),
        max_length=100000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class DocumentForm(forms.Form):
    """A document the verifier attaches: the kinds its side writes that the object carries."""

    kind = forms.ChoiceField(label=_("Kind of document"))
    # Empty files and bad names get the service's messages, as in the API.
    file = forms.FileField(label=_("File"), allow_empty_file=True)

    def __init__(self, *args, subject: Project | MonitoringReport, **kwargs):
        super().__init__(*args, **kwargs)
        carried = Document.PROJECT_KINDS if isinstance(subject, Project) else Document.REPORT_KINDS
        self.fields["kind"].choices = [
            (kind, DOCUMENT_KIND_LABELS[kind])
            for kind in carried
            if kind in VERIFIER_DOCUMENT_KINDS
        ]
