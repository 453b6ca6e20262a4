"""The forms of the data centres' pages: a data centre's registration, a reading, and a readings
upload. They check the shape of the input as the compute API's input serializers do;
`register_data_centre`, `record_reading` and `upload_readings` decide the rest."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.provinces import Province
from web.company.form_answers import add_key_field

# As `Reading` stores them: 20 digits, 3 of them decimal places.
ENERGY = {"max_digits": 20, "decimal_places": 3}


class DateInput(forms.DateInput):
    input_type = "date"


class DataCentreForm(forms.Form):
    name = forms.CharField(max_length=200, label=_("Name"))
    province = forms.ChoiceField(choices=Province.choices, label=_("Province"))
    grid_region = forms.CharField(
        max_length=32,
        required=False,
        label=_("Grid region"),
        help_text=_(
            "Only where the province lies in more than one regional grid (Inner Mongolia: "
            "CN-North in the west, CN-Northeast in the east); otherwise the province's own."
        ),
    )
    hub_node = forms.BooleanField(
        required=False, label=_("A node of the national computing hubs (East Data, West Computing)")
    )
    commissioned_on = forms.DateField(widget=DateInput, required=False, label=_("Commissioned on"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A double-click registers it once (`form_answers.run_once`).
        add_key_field(self)


class ReadingForm(forms.Form):
    period_start = forms.DateField(
        widget=DateInput, label=_("Period start"), help_text=_("The first day of the period.")
    )
    period_end = forms.DateField(
        widget=DateInput,
        label=_("Period end"),
        help_text=_(
            "The day after the period's last day: January 2025 is 2025-01-01 to 2025-02-01."
        ),
    )
    total_energy_kwh = forms.DecimalField(**ENERGY, label=_("Total facility energy (kWh)"))
    it_energy_kwh = forms.DecimalField(**ENERGY, label=_("IT energy (kWh)"))
    onsite_renewable_kwh = forms.DecimalField(
        **ENERGY, required=False, label=_("On-site renewable electricity (kWh)")
    )
    water_m3 = forms.DecimalField(**ENERGY, required=False, label=_("Water (m³)"))

    def clean_onsite_renewable_kwh(self) -> Decimal:
        # Left blank: none, as a reading posted to the API without it.
        value = self.cleaned_data["onsite_renewable_kwh"]
        return Decimal(0) if value is None else value


class ReadingUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Readings (CSV)"),
        help_text=_(
            "A header, then one row a period: period_start, period_end (YYYY-MM-DD), "
            "total_energy_kwh, it_energy_kwh, onsite_renewable_kwh (blank: 0), water_m3 "
            "(blank: not given)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
