"""The company's forms for projects, monitoring reports and documents. They check shape only
(a date is a date, a choice is one of the choices); every rule is the services' to decide, and
their refusals (`InvalidInput`) are put back next to the fields they name (`add_service_errors`)."""

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from compute import selectors as compute_selectors
from core.errors import InvalidInput
from core.messages import localized
from core.provinces import Province
from core.sectors import Sector
from methodologies.models import Methodology, Parameter
from registry.projects.models import DocumentKind

# Engine field names: "parameters.EG_export" or, within a series, "parameters.EG_export[3]".
PARAMETER_FIELD = re.compile(r"^parameters\.(?P<symbol>\w+)(?:\[(?P<index>\d+)\])?$")
PARAMETER_PREFIX = "parameter_"

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def parameter_field_name(symbol: str) -> str:
    return PARAMETER_PREFIX + symbol


def verifiers():
    """The directory's validation and verification bodies (a public directory)."""
    return Organization.objects.filter(kind=Organization.Kind.VERIFIER).order_by("name")


def _bound_text(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def parameter_widget(parameter: Parameter) -> forms.NumberInput:
    """A number input carrying the parameter's bounds, so the browser says them too."""
    attrs = {"step": "any", "data-parameter": parameter.symbol}
    for attribute, bound in (("min", parameter.minimum), ("max", parameter.maximum)):
        if bound is not None:
            attrs[attribute] = _bound_text(bound)
    return forms.NumberInput(attrs=attrs)


def parameter_help(parameter: Parameter) -> str:
    """Unit, bounds and the methodology's description, as the field's help text."""
    parts = [str(_("Unit: %(unit)s") % {"unit": parameter.unit or _("dimensionless")})]
    if parameter.minimum is not None:
        parts.append(str(_("at least %(bound)s") % {"bound": _bound_text(parameter.minimum)}))
    if parameter.maximum is not None:
        parts.append(str(_("at most %(bound)s") % {"bound": _bound_text(parameter.maximum)}))
    if parameter.series:
        parts.append(str(_("expected over one year")))
    return "; ".join(parts) + (f". {parameter.description}" if parameter.description else "")


class MethodologyChoiceForm(forms.Form):
    """Step 1: the published methodology version the project applies."""

    methodology = forms.ModelChoiceField(
        queryset=Methodology.objects.none(), label=_("Methodology version"), empty_label=None
    )

    def __init__(self, *args, methodologies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["methodology"].queryset = methodologies


class ProjectForm(forms.Form):
    """Step 2: the project's own fields and the methodology version's parameters (those not
    fixed by the methodology), each with its unit and bounds."""

    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    province = forms.ChoiceField(label=_("Province"), choices=Province.choices)
    location = forms.CharField(label=_("Location"), max_length=300, required=False)
    construction_start = forms.DateField(label=_("Construction started"), widget=DATE_INPUT)
    crediting_period_start = forms.DateField(label=_("Crediting period start"), widget=DATE_INPUT)
    crediting_period_end = forms.DateField(label=_("Crediting period end"), widget=DATE_INPUT)
    verifier = forms.ModelChoiceField(
        label=_("Engaged verifier"), queryset=Organization.objects.none()
    )

    def __init__(self, *args, methodology: Methodology, user, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("sector", methodology.sector)
        super().__init__(*args, **kwargs)
        self.methodology = methodology
        self.fields["verifier"].queryset = verifiers()
        if methodology.certificate_electricity:
            self.fields["generator_code"] = forms.CharField(
                label=_("Power plant code (GEC system)"),
                max_length=64,
                help_text=_(
                    "The national green certificate system's code of the project's power plant."
                ),
            )
        if methodology.data_centre_readings:
            self.fields["data_centre"] = forms.ModelChoiceField(
                label=_("Data centre"),
                queryset=compute_selectors.data_centres_visible_to(user),
                help_text=_("Its readings give the monitored values of the project's reports."),
            )
        self.parameters = [p for p in methodology.parameters.all() if p.kind != "fixed"]
        self.fixed_parameters = [p for p in methodology.parameters.all() if p.kind == "fixed"]
        for parameter in self.parameters:
            self.fields[parameter_field_name(parameter.symbol)] = forms.CharField(
                label=f"{parameter.name} ({parameter.symbol})",
                required=False,
                initial=_bound_text(parameter.default),
                widget=parameter_widget(parameter),
                help_text=parameter_help(parameter),
            )

    def parameter_fields(self):
        return [self[parameter_field_name(p.symbol)] for p in self.parameters]

    def project_fields(self):
        prefix = PARAMETER_PREFIX
        return [field for field in self if not field.name.startswith(prefix)]

    def parameter_values(self) -> dict:
        """The typed parameters as the services take them: a series from its one yearly
        value; a blank field left out, so the methodology's default applies."""
        source = self.cleaned_data if hasattr(self, "cleaned_data") else self.data
        values = {}
        for parameter in self.parameters:
            text = (source.get(parameter_field_name(parameter.symbol)) or "").strip()
            if text:
                values[parameter.symbol] = [text] if parameter.series else text
        return values

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        for name in list(data):
            if name.startswith(PARAMETER_PREFIX):
                del data[name]
        return {**data, "methodology": self.methodology, "parameters": self.parameter_values()}


def add_service_errors(form: forms.Form, error: InvalidInput, parameter_field=None) -> None:
    """Put each message of a service's refusal next to the field it names; a message for no
    field of the form is shown above it. `parameter_field(symbol, index)` names the form field
    of an engine field ("parameters.EG_export[3]"), by default the parameter's own."""
    parameter_field = parameter_field or (lambda symbol, index: parameter_field_name(symbol))
    for key, messages in error.errors.items():
        match = PARAMETER_FIELD.match(key)
        name = key
        if match:
            index = match["index"]
            name = parameter_field(match["symbol"], None if index is None else int(index))
        for message in messages:
            form.add_error(name if name in form.fields else None, localized(message))


class DocumentForm(forms.Form):
    """A file the company attaches, and its kind."""

    kind = forms.ChoiceField(label=_("Kind of document"))
    file = forms.FileField(label=_("File"), allow_empty_file=True)

    # The kinds the company itself attaches to each object (the verifier's reports aside).
    COMPANY_KINDS = {
        "project": (
            DocumentKind.DESIGN_DOCUMENT,
            DocumentKind.MONITORING_PLAN,
            DocumentKind.EVIDENCE,
        ),
        "report": (DocumentKind.MONITORING_REPORT, DocumentKind.EVIDENCE),
    }

    def __init__(self, *args, subject: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (kind.value, kind.label) for kind in self.COMPANY_KINDS[subject]
        ]
