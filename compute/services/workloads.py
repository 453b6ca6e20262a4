"""Registering a company's AI workloads and recalculating them: energy, emissions and the
green-algorithm rating within their task (`compute.footprint`), each audited.

A run hosted in one of the company's data centres takes the PUE and the factors of the host's
year (the latest with readings unless named), read under the host's lock, as readings and
factor recomputes write them; a run not hosted gives its PUE and grid factor. The rating compares
the run with every registered run of the same task and metric, of any company, as they are
stored at that moment: it is dated (`rated_at`), and moves only when the run is recalculated.
"""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.models import User
from compute import footprint, rules, selectors
from compute.figures import YearFigures
from compute.locks import lock_data_centre, lock_workload
from compute.models import DataCentre, Workload
from compute.workloads import WORKLOAD_FIGURE_FIELDS
from core.audit import record_event
from core.errors import AccessDenied, Conflict, InvalidInput
from core.messages import Message

NAME_BLANK = Message(gettext_noop("A workload needs a name."))
ACCELERATOR_BLANK = Message(
    gettext_noop("Name the accelerator model, such as NVIDIA V100 or Huawei Ascend 910B.")
)
COUNT_NOT_POSITIVE = Message(gettext_noop("A run uses at least one accelerator."))
HOURS_NOT_POSITIVE = Message(gettext_noop("Hours must be above zero."))
MODEL_PARAMETERS_NOT_POSITIVE = Message(gettext_noop("A model has at least one parameter."))
POWER_OR_ENERGY = Message(
    gettext_noop(
        "Give avg_power_watts (the average power per accelerator) or energy_kwh (the run's metered "
        "energy before the PUE): one of the two."
    )
)
POWER_NOT_POSITIVE = Message(gettext_noop("Average power must be above zero."))
ENERGY_NOT_POSITIVE = Message(gettext_noop("Metered energy must be above zero."))
PUE_OR_HOST = Message(
    gettext_noop(
        "Give data_centre (the host, whose PUE and factors are used) or pue and grid_factor: one "
        "of the two."
    )
)
PUE_BELOW_ONE = Message(
    gettext_noop(
        "A PUE is at least 1: a facility's energy includes its IT energy (ISO/IEC 30134-2)."
    )
)
GRID_FACTOR_NEEDED = Message(gettext_noop("With a pue, give the grid_factor (kgCO2e/kWh) too."))
GRID_FACTOR_WITH_HOST = Message(
    gettext_noop("A hosted run uses its data centre's factors: give grid_factor only with a pue.")
)
GRID_FACTOR_NEGATIVE = Message(gettext_noop("An emission factor cannot be negative."))
METRIC_VALUE_NEEDED = Message(
    gettext_noop("A metric needs its value: how many units of work the run did.")
)
METRIC_NAME_NEEDED = Message(
    gettext_noop("Name the unit of work the metric_value counts: tokens, queries, images.")
)
METRIC_NOT_POSITIVE = Message(
    gettext_noop("The metric value must be above zero: the energy per unit divides by it.")
)
NOT_YOUR_DATA_CENTRE = Message(gettext_noop("Your organisation has no data centre {data_centre}."))
NO_READINGS = Message(
    gettext_noop(
        "{name} has no readings yet: record its readings first, or give pue and grid_factor."
    )
)
NO_READINGS_OF_YEAR = Message(
    gettext_noop("{name} has no readings of {year}; its years with readings: {years}.")
)
READINGS_GONE = Message(
    gettext_noop("{name} has no current readings of {year} any more: nothing to recalculate with.")
)
TOO_LARGE = Message(
    gettext_noop("The run's {figure} would be beyond what the registry records ({limit} or more).")
)


def _blank(value: str) -> str:
    return (value or "").strip()


def _check(
    *,
    name: str,
    accelerator: str,
    accelerator_count: int,
    hours: Decimal,
    model_parameters: int | None,
    avg_power_watts: Decimal | None,
    energy_kwh: Decimal | None,
    pue: Decimal | None,
    data_centre: int | None,
    grid_factor: Decimal | None,
    metric_name: str,
    metric_value: Decimal | None,
) -> None:
    """Refuse what no data centre's readings could make right, naming each field, before any
    lock."""
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = NAME_BLANK
    if not accelerator:
        errors["accelerator"] = ACCELERATOR_BLANK
    if accelerator_count < 1:
        errors["accelerator_count"] = COUNT_NOT_POSITIVE
    if hours <= 0:
        errors["hours"] = HOURS_NOT_POSITIVE
    if model_parameters is not None and model_parameters < 1:
        errors["model_parameters"] = MODEL_PARAMETERS_NOT_POSITIVE
    if (avg_power_watts is None) == (energy_kwh is None):
        errors["avg_power_watts"] = errors["energy_kwh"] = POWER_OR_ENERGY
    elif avg_power_watts is not None and avg_power_watts <= 0:
        errors["avg_power_watts"] = POWER_NOT_POSITIVE
    elif energy_kwh is not None and energy_kwh <= 0:
        errors["energy_kwh"] = ENERGY_NOT_POSITIVE
    if (pue is None) == (data_centre is None):
        errors["pue"] = errors["data_centre"] = PUE_OR_HOST
    elif pue is not None:
        if pue < 1:
            errors["pue"] = PUE_BELOW_ONE
        if grid_factor is None:
            errors["grid_factor"] = GRID_FACTOR_NEEDED
    elif grid_factor is not None:
        errors["grid_factor"] = GRID_FACTOR_WITH_HOST
    if grid_factor is not None and grid_factor < 0 and "grid_factor" not in errors:
        errors["grid_factor"] = GRID_FACTOR_NEGATIVE
    if metric_name and metric_value is None:
        errors["metric_value"] = METRIC_VALUE_NEEDED
    elif metric_value is not None and not metric_name:
        errors["metric_name"] = METRIC_NAME_NEEDED
    elif metric_value is not None and metric_value <= 0:
        errors["metric_value"] = METRIC_NOT_POSITIVE
    if errors:
        raise InvalidInput(errors)


def _own_data_centre(actor: User, pk: int) -> DataCentre:
    """The actor's organisation's data centre, locked (another's is named as missing, so its
    existence never leaks)."""
    if not DataCentre.objects.filter(pk=pk, owner_id=actor.organization_id).exists():
        raise InvalidInput({"data_centre": NOT_YOUR_DATA_CENTRE.format(data_centre=pk)})
    return lock_data_centre(pk)


def _host_year(data_centre: DataCentre, year: int | None) -> YearFigures:
    """The host's figures of `year`, or of its latest year with readings. Caller holds the data
    centre's lock."""
    years = selectors.years_of(data_centre)
    if not years:
        raise InvalidInput({"data_centre": NO_READINGS.format(name=data_centre.name)})
    if year is None:
        year = years[0]
    elif year not in years:
        listed = ", ".join(str(each) for each in years)
        raise InvalidInput(
            {"year": NO_READINGS_OF_YEAR.format(name=data_centre.name, year=year, years=listed)}
        )
    return selectors.yearly_figures(data_centre, year)


def _fits(workload: Workload, field: str, blame: str, figure: str) -> None:
    """A figure within its column, else a 400 on the input that made it so large."""
    column = Workload._meta.get_field(field)
    limit = Decimal(10) ** (column.max_digits - column.decimal_places)
    if getattr(workload, field) >= limit:
        raise InvalidInput({blame: TOO_LARGE.format(figure=figure, limit=f"{limit:.0E}")})


def _compute(workload: Workload, figures: YearFigures | None) -> None:
    """Set the run's energy and emissions from its inputs and, hosted, its host's figures of
    its year."""
    energy_source = "energy_kwh" if workload.metered_energy_kwh is not None else "avg_power_watts"
    workload.it_energy_kwh = footprint.it_energy_kwh(
        avg_power_watts=workload.avg_power_watts,
        accelerator_count=workload.accelerator_count,
        hours=workload.hours,
        metered_energy_kwh=workload.metered_energy_kwh,
    )
    if figures is None:
        workload.emission_factor = workload.grid_factor
    else:
        host = footprint.host_factors(figures)
        workload.pue = host.pue
        workload.emission_factor = host.location_intensity
        workload.market_based_emission_factor = host.market_intensity
        for role, factor in (("location", host.location), ("market", host.market)):
            setattr(workload, f"{role}_series", factor.series)
            setattr(workload, f"{role}_region", factor.region)
            setattr(workload, f"{role}_factor_year", factor.factor_year)
            setattr(workload, f"{role}_factor", footprint.stored(factor.value, footprint.FACTOR))
            setattr(workload, f"{role}_provisional", factor.provisional)
    workload.energy_kwh = footprint.times(workload.it_energy_kwh, workload.pue, footprint.ENERGY)
    _fits(workload, "energy_kwh", energy_source, "energy (kWh)")
    factor_source = "grid_factor" if figures is None else "data_centre"
    workload.emissions_kgco2e = footprint.times(
        workload.energy_kwh, workload.emission_factor, footprint.MASS
    )
    _fits(workload, "emissions_kgco2e", factor_source, "emissions (kgCO2e)")
    if figures is not None:
        workload.market_based_emissions_kgco2e = footprint.times(
            workload.energy_kwh, workload.market_based_emission_factor, footprint.MASS
        )
        _fits(workload, "market_based_emissions_kgco2e", factor_source, "emissions (kgCO2e)")
    if workload.metric_value is not None:
        workload.energy_per_unit_wh = footprint.energy_per_unit_wh(
            workload.energy_kwh, workload.metric_value
        )
        _fits(workload, "energy_per_unit_wh", "metric_value", "energy per unit (Wh)")


def _rate(workload: Workload, now: Any) -> None:
    """Rate the run among the registered runs of its task and metric, itself included, as
    they are stored now."""
    if workload.energy_per_unit_wh is None:
        return
    others = Workload.objects.filter(
        task=workload.task,
        metric_name=workload.metric_name,
        energy_per_unit_wh__isnull=False,
    )
    if workload.pk is not None:
        others = others.exclude(pk=workload.pk)
    stored = others.aggregate(
        lowest=Min("energy_per_unit_wh"), highest=Max("energy_per_unit_wh"), runs=Count("id")
    )
    own = workload.energy_per_unit_wh
    lowest = own if stored["lowest"] is None else min(own, stored["lowest"])
    highest = own if stored["highest"] is None else max(own, stored["highest"])
    workload.band_lowest_wh = lowest
    workload.band_highest_wh = highest
    workload.runs_compared = stored["runs"] + 1
    workload.rating = footprint.rating_of(own, lowest, highest)
    workload.rated_at = now


def figures_of(workload: Workload) -> dict[str, Any]:
    """The run's figures as the audit chain records them."""
    return {field: getattr(workload, field) for field in WORKLOAD_FIGURE_FIELDS}


@transaction.atomic
def register_workload(
    *,
    actor: User,
    name: str,
    task: str,
    accelerator: str,
    accelerator_count: int,
    hours: Decimal,
    avg_power_watts: Decimal | None = None,
    energy_kwh: Decimal | None = None,
    pue: Decimal | None = None,
    data_centre: int | None = None,
    year: int | None = None,
    grid_factor: Decimal | None = None,
    model_name: str = "",
    model_parameters: int | None = None,
    metric_name: str = "",
    metric_value: Decimal | None = None,
) -> Workload:
    """An AI workload of the actor's company with its energy, emissions and, with a metric
    (`metric_name`, `metric_value`), its energy per unit and rating: hosted in one of the
    company's data centres (`data_centre`, an id; its figures of `year`, by default its latest
    year with readings) or with a `pue` and a `grid_factor` given; `avg_power_watts` per
    accelerator or the metered `energy_kwh`, one of the two."""
    if not rules.can_register_workloads(actor):
        raise AccessDenied()
    name, accelerator, model_name = _blank(name), _blank(accelerator), _blank(model_name)
    # One unit of work, however it is written: "Tokens" and "tokens " are compared together.
    metric_name = _blank(metric_name).lower()
    _check(
        name=name,
        accelerator=accelerator,
        accelerator_count=accelerator_count,
        hours=hours,
        model_parameters=model_parameters,
        avg_power_watts=avg_power_watts,
        energy_kwh=energy_kwh,
        pue=pue,
        data_centre=data_centre,
        grid_factor=grid_factor,
        metric_name=metric_name,
        metric_value=metric_value,
    )
    figures = None
    host = None
    if data_centre is not None:
        # Locked while its figures are read: a reading or a factor's recompute of the host
        # commits before or after, never half-way.
        host = _own_data_centre(actor, data_centre)
        figures = _host_year(host, year)
        year = figures.year
    workload = Workload(
        owner_id=actor.organization_id,
        name=name,
        task=task,
        model_name=model_name,
        model_parameters=model_parameters,
        accelerator=accelerator,
        accelerator_count=accelerator_count,
        hours=hours,
        avg_power_watts=avg_power_watts,
        metered_energy_kwh=energy_kwh,
        data_centre=host,
        year=year,
        pue=pue,
        grid_factor=grid_factor,
        metric_name=metric_name,
        metric_value=metric_value,
        recorded_by=actor,
    )
    _compute(workload, figures)
    now = timezone.now()
    workload.computed_at = now
    _rate(workload, now)
    workload.save()
    inputs = (
        "owner", "name", "task", "model_name", "model_parameters", "accelerator",
        "accelerator_count", "hours", "avg_power_watts", "metered_energy_kwh", "data_centre",
        "year", "grid_factor", "metric_name", "metric_value",
    )  # fmt: skip
    record_event(
        actor=actor,
        action="workload.registered",
        target=workload,
        after={
            **{field: getattr(workload, field) for field in inputs},
            **figures_of(workload),
        },
    )
    return workload


@transaction.atomic
def recalculate_workload(*, actor: User, workload: Workload) -> Workload:
    """Compute the run's energy, emissions and rating again: with its host's current figures of
    its year (readings corrected, a factor published since) and the runs of its task and metric
    registered by now. Dated anew, and audited before and after, even where nothing moved."""
    if not rules.can_recalculate_workload(actor, workload):
        raise AccessDenied()
    figures = None
    if workload.data_centre_id is not None:
        host = lock_data_centre(workload.data_centre_id)
        figures = selectors.yearly_figures(host, workload.year)
        if figures is None:
            raise Conflict(READINGS_GONE.format(name=host.name, year=workload.year))
    # The run itself, after its host: two recalculations of it queue here.
    locked = lock_workload(workload.pk)
    before = figures_of(locked)
    _compute(locked, figures)
    now = timezone.now()
    locked.computed_at = now
    _rate(locked, now)
    locked.save(update_fields=list(WORKLOAD_FIGURE_FIELDS))
    record_event(
        actor=actor,
        action="workload.recalculated",
        target=locked,
        before=before,
        after=figures_of(locked),
    )
    return locked
