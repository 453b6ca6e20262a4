"""The verbs of the methodology library: write, edit and publish versions; add reference data.

`actor` is the user acting, or None for the installation itself (loading the shipped library).
"""

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.models import User
from core.audit import record_event
from core.errors import AccessDenied, Conflict, InvalidInput, InvalidTransition
from core.messages import Message
from core.sectors import Sector
from methodologies import calculation, engine
from methodologies.models import (
    READING_QUANTITY_UNITS,
    EmissionFactor,
    Equation,
    Methodology,
    Parameter,
    ReadingQuantity,
)
from methodologies.reference import DatabaseReferences
from methodologies.rules import can_author_methodologies

VERSION_TAKEN = Message(gettext_noop("Version {version} of {code} exists already."))
PUBLISHED_IMMUTABLE = Message(
    gettext_noop("{identifier} is {status}: published versions never change; write a new version.")
)
NOT_A_DRAFT = Message(gettext_noop("Only a draft can be published; {identifier} is {status}."))
DRAFT_NOT_CALCULABLE = Message(
    gettext_noop("{identifier} is a draft: only published versions calculate.")
)
SECTOR_INVALID = Message(gettext_noop('"{value}" is not a valid choice.'))
CREDITING_BOUNDS_REVERSED = Message(
    gettext_noop("The maximum crediting period is shorter than the minimum.")
)
RESULT_NOT_EMISSIONS = Message(
    gettext_noop(
        "The result {symbol} is in {unit}: a methodology yields reductions or emissions, in tCO2e "
        "or another mass of CO2 equivalent."
    )
)
CERTIFICATE_ELECTRICITY_UNKNOWN = Message(
    gettext_noop(
        "{symbol} is no equation of this methodology: name the equation whose value is the net "
        "electricity that also earns green certificates."
    )
)
CERTIFICATE_ELECTRICITY_NOT_ENERGY = Message(
    gettext_noop(
        "{symbol} is in {unit}: the electricity that earns green certificates is an energy, such "
        "as MWh."
    )
)
READINGS_NOT_A_MAPPING = Message(
    gettext_noop(
        "A mapping of monitored parameters to the quantities of the data centre's readings they "
        'take, such as {"E_IT": "it_energy", "PUE_PJ": "pue"}.'
    )
)
READINGS_UNKNOWN_PARAMETER = Message(gettext_noop("{symbol} is no parameter of this methodology."))
READINGS_NOT_MONITORED = Message(
    gettext_noop(
        "{symbol} is {kind}: only a monitored parameter is taken from the data centre's readings."
    )
)
READINGS_SERIES = Message(
    gettext_noop(
        "{symbol} is a series: a quantity of the readings is one value over the monitoring period."
    )
)
READINGS_UNKNOWN_QUANTITY = Message(
    gettext_noop('"{quantity}" is no quantity of the readings: one of {choices}.')
)
READINGS_UNIT = Message(
    gettext_noop(
        "{symbol} is in {unit}, and {quantity} is in {quantity_unit}: they do not convert."
    )
)
FACTOR_UNIT = Message(
    gettext_noop("{unit} is not a known mass of CO2 per unit of energy, such as kgCO2/kWh.")
)
FACTOR_EXISTS = Message(
    gettext_noop(
        "An emission factor for {series} {region} {year} exists already; "
        "published reference data never changes."
    )
)
FACTOR_NEGATIVE = Message(gettext_noop("An emission factor cannot be negative."))
NOT_APPROVED = Message(
    gettext_noop(
        "{identifier} is not approved by the competent authority: projects applying it are "
        "neither registered nor issued credits."
    )
)
ALREADY_APPROVED = Message(gettext_noop("{identifier} is approved already."))
APPROVE_PUBLISHED_ONLY = Message(
    gettext_noop("Only a published version can be approved; {identifier} is {status}.")
)

# What adding a factor changed elsewhere: (object, before, after), audited by this service.
Change = tuple[models.Model, dict[str, Any], dict[str, Any]]

# The work a newly added emission factor sets off in the apps that read factors (compute's
# figures, provisional until their year's factor exists): each takes the factor, locks and
# updates its rows, and returns what it changed. They register themselves at start-up (their
# AppConfig.ready), so this library, below them, imports none of them; they run in the
# transaction that adds the factor.
FACTOR_ADDED: list[Callable[[EmissionFactor], list[Change]]] = []


def _require_author(actor: User | None) -> None:
    if actor is not None and not can_author_methodologies(actor):
        raise AccessDenied()


def normalize_code(code: str, version: str) -> str:
    """`CCER-01-002-V01` with version `V01` is code `CCER-01-002`; either spelling is accepted."""
    code = code.strip()
    suffix = f"-{version.strip()}"
    return code[: -len(suffix)] if code.endswith(suffix) else code


def _check_model(
    parameters: Sequence[dict[str, Any]], equations: Sequence[dict[str, Any]], result: str
) -> None:
    """Refuse a model the engine could not calculate, naming the parameter or equation."""
    spec = calculation.model_spec(
        parameters=list(parameters), equations=list(equations), result=result
    )
    try:
        engine.check_model(spec, DatabaseReferences())
    except engine.ModelError as error:
        raise InvalidInput({error.field: error.message}) from error
    # DESIGN.md: reductions (ER = BE - PE - LE) and accounted emissions come out in tCO2e.
    declared = {item["symbol"]: item["unit"] for item in [*parameters, *equations]}
    if not engine.converts_to(declared[result], "tCO2e"):
        raise InvalidInput(
            {"result": RESULT_NOT_EMISSIONS.format(symbol=result, unit=declared[result] or "1")}
        )


def _check_certificate_electricity(equations: Sequence[dict[str, Any]], symbol: str) -> None:
    """Where the GEC-CCER link governs the methodology, `symbol` names the equation whose value
    is the net electricity that also earns green certificates, one per MWh (the link caps and
    cancels certificates by it): an equation of the model, in a unit of energy."""
    if not symbol:
        return
    units = {equation["symbol"]: equation["unit"] for equation in equations}
    if symbol not in units:
        raise InvalidInput(
            {"certificate_electricity": CERTIFICATE_ELECTRICITY_UNKNOWN.format(symbol=symbol)}
        )
    if not engine.converts_to(units[symbol], "MWh"):
        raise InvalidInput(
            {
                "certificate_electricity": CERTIFICATE_ELECTRICITY_NOT_ENERGY.format(
                    symbol=symbol, unit=units[symbol] or "1"
                )
            }
        )


def _check_data_centre_readings(parameters: Sequence[dict[str, Any]], readings: Any) -> None:
    """Where a project's data centre meters what its reports claim (CR-DC-001), `readings` maps
    each such monitored parameter to the quantity of the readings it takes: a scalar monitored
    parameter of the model, a quantity of `ReadingQuantity`, in units that convert."""
    if not isinstance(readings, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in readings.items()
    ):
        raise InvalidInput({"data_centre_readings": READINGS_NOT_A_MAPPING})
    declared = {parameter["symbol"]: parameter for parameter in parameters}
    errors = {}
    for symbol, quantity in readings.items():
        field = f"data_centre_readings.{symbol}"
        parameter = declared.get(symbol)
        if parameter is None:
            errors[field] = READINGS_UNKNOWN_PARAMETER.format(symbol=symbol)
        elif parameter["kind"] != Parameter.Kind.MONITORED:
            errors[field] = READINGS_NOT_MONITORED.format(symbol=symbol, kind=parameter["kind"])
        elif parameter.get("series", False):
            errors[field] = READINGS_SERIES.format(symbol=symbol)
        elif quantity not in ReadingQuantity.values:
            errors[field] = READINGS_UNKNOWN_QUANTITY.format(
                quantity=quantity, choices=", ".join(ReadingQuantity.values)
            )
        elif not engine.converts_to(READING_QUANTITY_UNITS[quantity], parameter["unit"]):
            errors[field] = READINGS_UNIT.format(
                symbol=symbol,
                unit=parameter["unit"] or "1",
                quantity=quantity,
                quantity_unit=READING_QUANTITY_UNITS[quantity] or "1",
            )
    if errors:
        raise InvalidInput(errors)


def _validate_metadata(
    sector: str, crediting_years_min: int | None, crediting_years_max: int | None
) -> None:
    errors = {}
    if sector not in Sector.values:
        errors["sector"] = SECTOR_INVALID.format(value=sector)
    if (
        crediting_years_min is not None
        and crediting_years_max is not None
        and crediting_years_min > crediting_years_max
    ):
        errors["crediting_years_max"] = CREDITING_BOUNDS_REVERSED
    if errors:
        raise InvalidInput(errors)


def _write_model(
    methodology: Methodology,
    parameters: Sequence[dict[str, Any]],
    equations: Sequence[dict[str, Any]],
) -> None:
    Parameter.objects.bulk_create(
        Parameter(methodology=methodology, position=position, **fields)
        for position, fields in enumerate(parameters)
    )
    Equation.objects.bulk_create(
        Equation(methodology=methodology, position=position, **fields)
        for position, fields in enumerate(equations)
    )


def methodology_snapshot(methodology: Methodology) -> dict[str, Any]:
    return {
        "identifier": methodology.identifier,
        "title": methodology.title,
        "sector": methodology.sector,
        "status": methodology.status,
        "approved": methodology.approved,
        "result": methodology.result_symbol,
        "certificate_electricity": methodology.certificate_electricity,
        "data_centre_readings": methodology.data_centre_readings,
        "parameters": list(
            methodology.parameters.values("symbol", "unit", "kind", "default", "minimum", "maximum")
        ),
        "equations": list(methodology.equations.values("symbol", "expression", "unit")),
    }


@transaction.atomic
def create_methodology(
    *,
    actor: User | None,
    code: str,
    version: str,
    title: str,
    sector: str,
    parameters: Sequence[dict[str, Any]],
    equations: Sequence[dict[str, Any]],
    result: str,
    **metadata: Any,
) -> Methodology:
    """A new draft version. `metadata`: kind, approved, additionality_exempt,
    crediting_years_min, crediting_years_max, applicability, source_document,
    certificate_electricity, data_centre_readings."""
    _require_author(actor)
    _validate_metadata(
        sector, metadata.get("crediting_years_min"), metadata.get("crediting_years_max")
    )
    _check_model(parameters, equations, result)
    _check_certificate_electricity(equations, metadata.get("certificate_electricity", ""))
    _check_data_centre_readings(parameters, metadata.get("data_centre_readings", {}))
    code = normalize_code(code, version)
    methodology = Methodology(
        code=code,
        version=version.strip(),
        title=title,
        sector=sector,
        result_symbol=result,
        created_by=actor,
        **metadata,
    )
    try:
        with transaction.atomic():
            methodology.save()
    except IntegrityError as error:
        raise InvalidInput({"version": VERSION_TAKEN.format(version=version, code=code)}) from error
    _write_model(methodology, parameters, equations)
    record_event(
        actor=actor,
        action="methodology.created",
        target=methodology,
        after=methodology_snapshot(methodology),
    )
    return methodology


@transaction.atomic
def update_methodology(
    *,
    actor: User | None,
    methodology: Methodology,
    title: str,
    sector: str,
    parameters: Sequence[dict[str, Any]],
    equations: Sequence[dict[str, Any]],
    result: str,
    **metadata: Any,
) -> Methodology:
    """Rewrite a draft. A published (or superseded, or withdrawn) version is refused."""
    _require_author(actor)
    methodology = Methodology.objects.select_for_update().get(pk=methodology.pk)
    if methodology.status != Methodology.Status.DRAFT:
        raise InvalidInput(
            {
                "status": PUBLISHED_IMMUTABLE.format(
                    identifier=methodology.identifier, status=methodology.status
                )
            }
        )
    _validate_metadata(
        sector, metadata.get("crediting_years_min"), metadata.get("crediting_years_max")
    )
    _check_model(parameters, equations, result)
    _check_certificate_electricity(equations, metadata.get("certificate_electricity", ""))
    _check_data_centre_readings(parameters, metadata.get("data_centre_readings", {}))
    before = methodology_snapshot(methodology)
    methodology.parameters.all().delete()
    methodology.equations.all().delete()
    for field, value in {
        "title": title,
        "sector": sector,
        "result_symbol": result,
        **metadata,
    }.items():
        setattr(methodology, field, value)
    methodology.save()
    _write_model(methodology, parameters, equations)
    record_event(
        actor=actor,
        action="methodology.updated",
        target=methodology,
        before=before,
        after=methodology_snapshot(methodology),
    )
    return methodology


@transaction.atomic
def publish_methodology(*, actor: User | None, methodology: Methodology) -> Methodology:
    """Publish a draft; the version of the same code published before it is superseded."""
    _require_author(actor)
    # Lock every version of the code, in primary-key order, so two publications queue.
    versions = list(
        Methodology.objects.select_for_update().filter(code=methodology.code).order_by("pk")
    )
    methodology = next(v for v in versions if v.pk == methodology.pk)
    if methodology.status != Methodology.Status.DRAFT:
        raise InvalidTransition(
            NOT_A_DRAFT.format(identifier=methodology.identifier, status=methodology.status)
        )
    for previous in versions:
        if previous.status == Methodology.Status.PUBLISHED:
            previous.status = Methodology.Status.SUPERSEDED
            previous.save(update_fields=["status"])
            record_event(
                actor=actor,
                action="methodology.superseded",
                target=previous,
                before={"status": "published"},
                after={"status": "superseded", "by": methodology.identifier},
            )
    methodology.status = Methodology.Status.PUBLISHED
    methodology.published_at = timezone.now()
    methodology.save(update_fields=["status", "published_at"])
    record_event(
        actor=actor,
        action="methodology.published",
        target=methodology,
        before={"status": "draft"},
        after={"status": "published"},
    )
    return methodology


@transaction.atomic
def approve_methodology(*, actor: User | None, methodology: Methodology) -> Methodology:
    """Record the competent authority's approval of a published version (or of a superseded
    one, which its projects still apply): from now on its projects may be registered and
    issued credits. Approval is never withdrawn here; a version that must stop is withdrawn."""
    _require_author(actor)
    methodology = Methodology.objects.select_for_update().get(pk=methodology.pk)
    if methodology.status not in (Methodology.Status.PUBLISHED, Methodology.Status.SUPERSEDED):
        raise InvalidTransition(
            APPROVE_PUBLISHED_ONLY.format(
                identifier=methodology.identifier, status=methodology.status
            )
        )
    if methodology.approved:
        raise InvalidTransition(ALREADY_APPROVED.format(identifier=methodology.identifier))
    methodology.approved = True
    # The database lets a published version's `approved` go from false to true, and no other
    # change but its status (methodologies/migrations/0003_approval_may_change.py).
    methodology.save(update_fields=["approved"])
    record_event(
        actor=actor,
        action="methodology.approved",
        target=methodology,
        before={"approved": False},
        after={"approved": True},
    )
    return methodology


def require_approved(methodology: Methodology) -> None:
    """Refuse (409) to register or issue credits under a version the authority has not
    approved, such as the registry's own CR-DC-001."""
    if not methodology.approved:
        raise Conflict(NOT_APPROVED.format(identifier=methodology.identifier))


def calculate_methodology(
    *, methodology: Methodology, parameters: dict[str, Any]
) -> engine.Calculation:
    """Calculate a published version (superseded and withdrawn ones too, for their projects).

    Changes nothing. Raises InvalidInput naming the parameter or equation that failed.
    """
    if methodology.status == Methodology.Status.DRAFT:
        raise InvalidTransition(DRAFT_NOT_CALCULABLE.format(identifier=methodology.identifier))
    try:
        return calculation.calculate(methodology, parameters)
    except engine.InputError as error:
        raise InvalidInput({error.field: error.message}) from error


@transaction.atomic
def add_emission_factor(
    *,
    actor: User | None,
    series: str,
    region: str,
    data_year: int,
    value: Decimal,
    unit: str,
    published: str,
    source: str,
    confidence: str,
) -> EmissionFactor:
    """Add a newly published factor. Stored factors never change: a second one is a conflict."""
    _require_author(actor)
    errors = {}
    if value < 0:
        errors["value"] = FACTOR_NEGATIVE
    if not engine.converts_to(unit, "tCO2/MWh"):
        errors["unit"] = FACTOR_UNIT.format(unit=unit)
    if errors:
        raise InvalidInput(errors)
    try:
        with transaction.atomic():
            factor = EmissionFactor.objects.create(
                series=series,
                region=region,
                data_year=data_year,
                value=value,
                unit=unit,
                published=published,
                source=source,
                confidence=confidence,
            )
    except IntegrityError as error:
        if getattr(getattr(error.__cause__, "diag", None), "constraint_name", None) != (
            "emission_factor_address"
        ):
            raise
        raise Conflict(
            FACTOR_EXISTS.format(series=series, region=region, year=data_year)
        ) from error
    changes = [change for recompute in FACTOR_ADDED for change in recompute(factor)]
    # The chain head is the last lock of the global order: audit after the row locks above.
    record_event(
        actor=actor,
        action="emission_factor.added",
        target=factor,
        after={
            "series": series,
            "region": region,
            "data_year": data_year,
            "value": value,
            "unit": unit,
            "source": source,
        },
    )
    for obj, before, after in changes:
        record_event(
            actor=actor,
            action=f"{obj._meta.model_name}.recomputed",
            target=obj,
            before=before,
            after=after,
        )
    return factor
