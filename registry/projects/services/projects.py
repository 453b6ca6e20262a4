"""The verbs of a project's lifecycle: create, submit, comment, validate, register, reject,
withdraw, and the time-driven close of the publicity period."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts import selectors as account_selectors
from accounts.models import Organization, User
from certificates.services import ccer_link
from compute.models import DataCentre
from core.audit import record_event, text_digest
from core.errors import AccessDenied, Conflict, InvalidInput, InvalidTransition
from core.messages import Message
from methodologies.calculation import calculation_trace
from methodologies.models import Methodology
from methodologies.services import calculate_methodology, require_approved
from registry.calendar.working_days import period_ended
from registry.projects import rules
from registry.projects.locks import lock_project
from registry.projects.models import (
    AMOUNT_DECIMAL_PLACES,
    AMOUNT_DIGITS,
    DocumentKind,
    Project,
    ProjectComment,
)
from registry.projects.services import documents, metering
from registry.projects.services.lifecycle import (
    check_allowed,
    close_publicity_if_over,
    end_publicity_if_over,
    move,
    record_history,
    record_opinion,
    start_publicity,
    transition,
)

METHODOLOGY_NOT_PUBLISHED = Message(
    gettext_noop("Projects apply a published methodology version; {identifier} is {status}.")
)
METHODOLOGY_NOT_REDUCTION = Message(
    gettext_noop("{identifier} is an accounting method, not a reduction methodology.")
)
SECTOR_MISMATCH = Message(gettext_noop("The project's sector must be its methodology's: {sector}."))
NOT_A_VERIFIER = Message(
    gettext_noop("The engaged verifier must be a validation and verification body.")
)
CONSTRUCTION_TOO_EARLY = Message(
    gettext_noop("Construction must have started after {cutoff} (CCER eligibility).")
)
CREDITING_TOO_SHORT = Message(
    gettext_noop("The crediting period must last at least {years} years.")
)
CREDITING_TOO_LONG = Message(gettext_noop("The crediting period may last at most {years} years."))
NO_REDUCTION = Message(gettext_noop("These parameters give no reduction ({value} {unit})."))
AMOUNT_TOO_LARGE = Message(
    gettext_noop(
        "These parameters give {value} {unit}, more than the registry records (less than {limit})."
    )
)
COMMENT_OUTSIDE_PUBLICITY = Message(
    gettext_noop("Comments are taken only during the publicity period.")
)
AUTHOR_NAME_REGISTERED = Message(
    gettext_noop(
        "This name belongs to a registered user or organisation: sign in to comment under it."
    )
)
NOT_ENGAGED = Message(gettext_noop("Only the verifier engaged for this {kind} may do this."))
NOT_ACCREDITED = Message(gettext_noop("{verifier} is not accredited for {sector} on {date}."))
GENERATOR_REQUIRED = Message(
    gettext_noop(
        "Under {identifier} the project's electricity also earns green certificates: name its "
        "power plant's code in the national GEC system (the GEC-CCER link)."
    )
)
GENERATOR_NOT_LINKED = Message(
    gettext_noop(
        "Only projects whose electricity earns green certificates name a power plant; under "
        "{identifier} it earns none."
    )
)
GENERATOR_MISSING = Message(
    gettext_noop(
        "{reference} names no power plant, and under {identifier} its electricity also earns green "
        "certificates: it cannot be registered; withdraw it and file it again naming the plant."
    )
)


def crediting_bounds(methodology: Methodology) -> tuple[int, int]:
    """Years: the methodology's own bounds (forestry sets longer ones), else the settings'."""
    return (
        methodology.crediting_years_min or settings.CREDITING_PERIOD_MIN_YEARS,
        methodology.crediting_years_max or settings.CREDITING_PERIOD_MAX_YEARS,
    )


def _validate_design(
    *,
    methodology: Methodology,
    sector: str,
    verifier: Organization,
    construction_start: date,
    crediting_period_start: date,
    crediting_period_end: date,
    generator_code: str,
    proponent: Organization,
    data_centre: DataCentre | None,
) -> None:
    errors: dict[str, str] = {}
    # The CR-DC-001 link: the data centre whose readings the reports take, the proponent's own.
    data_centre_problem = metering.data_centre_problem(methodology, proponent, data_centre)
    if data_centre_problem:
        errors["data_centre"] = data_centre_problem
    # The GEC-CCER link: a plant whose electricity earns certificates is named, to freeze them.
    if methodology.certificate_electricity and not generator_code:
        errors["generator_code"] = GENERATOR_REQUIRED.format(identifier=methodology.identifier)
    elif generator_code and not methodology.certificate_electricity:
        errors["generator_code"] = GENERATOR_NOT_LINKED.format(identifier=methodology.identifier)
    if methodology.status != Methodology.Status.PUBLISHED:
        errors["methodology"] = METHODOLOGY_NOT_PUBLISHED.format(
            identifier=methodology.identifier, status=methodology.status
        )
    elif methodology.kind != Methodology.Kind.REDUCTION:
        errors["methodology"] = METHODOLOGY_NOT_REDUCTION.format(identifier=methodology.identifier)
    if sector != methodology.sector:
        errors["sector"] = SECTOR_MISMATCH.format(sector=methodology.sector)
    if verifier.kind != Organization.Kind.VERIFIER:
        errors["verifier"] = NOT_A_VERIFIER
    if construction_start <= settings.CONSTRUCTION_STARTED_AFTER:
        errors["construction_start"] = CONSTRUCTION_TOO_EARLY.format(
            cutoff=settings.CONSTRUCTION_STARTED_AFTER
        )
    shortest, longest = crediting_bounds(methodology)
    # A period of N years ends the day before the N-th anniversary of its start. An
    # anniversary past the last date there is (9999-12-31) is later than any end.
    shortest_end = _day_before_anniversary(crediting_period_start, shortest)
    longest_end = _day_before_anniversary(crediting_period_start, longest)
    if shortest_end is None or crediting_period_end < shortest_end:
        errors["crediting_period_end"] = CREDITING_TOO_SHORT.format(years=shortest)
    elif longest_end is not None and crediting_period_end > longest_end:
        errors["crediting_period_end"] = CREDITING_TOO_LONG.format(years=longest)
    if errors:
        raise InvalidInput(errors)


def _day_before_anniversary(start: date, years: int) -> date | None:
    """The last day of a period of `years` years from `start`; None beyond the calendar."""
    try:
        return start + relativedelta(years=years) - timedelta(days=1)
    except (ValueError, OverflowError):  # a year past 9999
        return None


def check_storable(amount: Decimal, unit: str = "tCO2e") -> None:
    """Refuse (400, on `parameters`) an amount of reductions the registry cannot record: its
    columns hold AMOUNT_DIGITS digits, AMOUNT_DECIMAL_PLACES of them after the point."""
    limit = Decimal(10) ** (AMOUNT_DIGITS - AMOUNT_DECIMAL_PLACES)
    if abs(amount) >= limit:
        raise InvalidInput(
            {"parameters": AMOUNT_TOO_LARGE.format(value=amount, unit=unit, limit=f"{limit:,}")}
        )


def _estimate(methodology: Methodology, parameters: dict[str, Any]) -> tuple[Any, dict]:
    """Annual reductions the design expects, by the methodology engine: (tCO2e, trace)."""
    calculation = calculate_methodology(methodology=methodology, parameters=parameters)
    result = calculation.result
    if result.value < 0:
        raise InvalidInput(
            {"parameters": NO_REDUCTION.format(value=result.value, unit=result.unit)}
        )
    check_storable(result.value, result.unit)
    return result.value, calculation_trace(calculation, methodology.result_symbol)


@transaction.atomic
def create_project(
    *,
    actor: User,
    title: str,
    methodology: Methodology,
    sector: str,
    province: str,
    construction_start: date,
    crediting_period_start: date,
    crediting_period_end: date,
    parameters: dict[str, Any],
    verifier: Organization,
    description: str = "",
    location: str = "",
    generator_code: str = "",
    data_centre: DataCentre | None = None,
) -> Project:
    """A draft project of the actor's company; the estimate comes from the methodology.
    `generator_code`, the national GEC system's code of the project's power plant, is named
    exactly where the methodology's electricity also earns green certificates
    (`Methodology.certificate_electricity`, the GEC-CCER link), and never changes after.
    `data_centre`, one of the company's data centres, is named exactly where the methodology
    takes monitored parameters from its readings (`Methodology.data_centre_readings`, the
    CR-DC-001 link), and never changes after."""
    if not rules.can_create_project(actor):
        raise AccessDenied()
    generator_code = generator_code.strip()
    _validate_design(
        methodology=methodology,
        sector=sector,
        verifier=verifier,
        construction_start=construction_start,
        crediting_period_start=crediting_period_start,
        crediting_period_end=crediting_period_end,
        generator_code=generator_code,
        proponent=actor.organization,
        data_centre=data_centre,
    )
    estimate, trace = _estimate(methodology, parameters)
    project = Project.objects.create(
        proponent=actor.organization,
        title=title,
        description=description,
        methodology=methodology,
        sector=sector,
        province=province,
        location=location,
        construction_start=construction_start,
        crediting_period_start=crediting_period_start,
        crediting_period_end=crediting_period_end,
        parameters=parameters,
        generator_code=generator_code,
        data_centre=data_centre,
        estimated_annual_reductions=estimate,
        estimate_trace=trace,
        verifier=verifier,
    )
    record_history(project, "create", actor=actor, from_status="")
    record_event(
        actor=actor,
        action="project.create",
        target=project,
        after={
            "title": title,
            "methodology": methodology.identifier,
            "verifier": verifier.pk,
            "estimated_annual_reductions": estimate,
            **({"generator_code": generator_code} if generator_code else {}),
            **({"data_centre": data_centre.pk} if data_centre is not None else {}),
        },
    )
    return project


@transaction.atomic
def submit_project(*, actor: User, project: Project) -> Project:
    """Start the publicity period: the design document is public for the set working days."""
    if not rules.can_act_for_proponent(actor, project):
        raise AccessDenied()
    project = lock_project(project.pk)
    check_allowed(project, "submit")
    # The publicity period is there for the public to read the design document.
    documents.require_document(project, DocumentKind.DESIGN_DOCUMENT, "go to publicity")
    start_publicity(project, actor=actor, working_days=settings.PROJECT_PUBLICITY_WORKING_DAYS)
    return project


@transaction.atomic
def close_project_publicity(*, project_id: int, actor: User | None = None) -> bool:
    """Move a project whose publicity period has ended on to validation; True if it moved.

    Idempotent: a project no longer in publicity, or still inside its period, is left as is.
    """
    return close_publicity_if_over(lock_project(project_id), actor=actor)


@transaction.atomic
def comment_on_project(
    *, actor: Any, project: Project, text: str, author_name: str = ""
) -> ProjectComment:
    """Anyone, signed in or not, may comment while the publicity period runs.

    A signed-in author comments under their username; an anonymous one may give a name, but
    not one that reads as a registered user's or organisation's (or "regulator"), so that no
    anonymous comment passes for the regulator's. Whether the author was signed in is kept
    (`ProjectComment.author`) and shown with the comment.
    """
    authenticated = getattr(actor, "is_authenticated", False)
    if not authenticated and author_name and account_selectors.name_is_registered(author_name):
        raise InvalidInput({"author_name": AUTHOR_NAME_REGISTERED})
    project = lock_project(project.pk)
    if project.status != Project.Status.PUBLICITY or period_ended(
        project.publicity_ends_on, timezone.localdate()
    ):
        raise InvalidTransition(COMMENT_OUTSIDE_PUBLICITY)
    comment = ProjectComment.objects.create(
        project=project,
        author=actor if authenticated else None,
        author_name=actor.get_username() if authenticated else author_name,
        text=text,
    )
    record_event(
        actor=actor,
        action="project.comment",
        target=comment,
        # Anyone's words enter the log as a digest only: the log commits to the comment
        # without publishing it again where it could never be taken down.
        after={"project": project.pk, "text_sha256": text_digest(text)},
    )
    return comment


def require_engaged_verifier(actor: User, organization_id: int, sector: str, kind: str) -> None:
    if not rules.is_engaged_verifier(actor, organization_id):
        raise AccessDenied(NOT_ENGAGED.format(kind=kind))
    today = timezone.localdate()
    if not rules.is_accredited(organization_id, sector, today):
        raise AccessDenied(
            NOT_ACCREDITED.format(verifier=actor.organization.name, sector=sector, date=today)
        )


@transaction.atomic
def validate_project(*, actor: User, project: Project, opinion: str, report: str) -> Project:
    """The engaged verifier's validation opinion: positive goes to registration review (with
    its deadline), negative rejects the project. A project whose publicity period has ended
    moves on at once, whether or not the periodic task has closed it yet."""
    require_engaged_verifier(actor, project.verifier_id, project.sector, "project")
    project = lock_project(project.pk)
    end_publicity_if_over(project)
    check_allowed(project, "validate")
    documents.require_document(project, DocumentKind.VALIDATION_REPORT, "be validated")
    record_opinion(
        project,
        "validate",
        actor=actor,
        opinion=opinion,
        review_working_days=settings.REGISTRATION_REVIEW_WORKING_DAYS,
        validation_opinion=opinion,
        validation_report=report,
        validated_on=timezone.localdate(),
    )
    return project


@transaction.atomic
def register_project(*, actor: User, project: Project, note: str = "") -> Project:
    """The operator registers a project after review; only under a methodology version the
    competent authority approved (409 otherwise).

    Where the methodology's electricity also earns green certificates (the GEC-CCER link), the
    project's plant is linked for the crediting period and its untraded certificates of the
    governed months are frozen, in the same transaction (`ccer_link.freeze_for_project`); a
    plant already linked to another project for an overlapping period is a 409."""
    if not rules.can_decide_registration(actor):
        raise AccessDenied()
    project = lock_project(project.pk)
    check_allowed(project, "register")
    require_approved(project.methodology)
    metering.require_data_centre(project)
    if project.methodology.certificate_electricity:
        if not project.generator_code:
            raise Conflict(
                GENERATOR_MISSING.format(
                    reference=project.reference, identifier=project.methodology.identifier
                )
            )
        # After the project lock, before any audit entry (the chain head is the last lock).
        ccer_link.freeze_for_project(
            actor=actor,
            generator_code=project.generator_code,
            period_start=project.crediting_period_start,
            period_end=project.crediting_period_end,
            project_reference=project.reference,
        )
    move(project, "register", actor=actor, note=note, registered_on=timezone.localdate())
    return project


@transaction.atomic
def reject_project(*, actor: User, project: Project, note: str = "") -> Project:
    permitted = rules.can_decide_registration(actor)
    return transition(project, "reject", actor=actor, permitted=permitted, note=note)


@transaction.atomic
def withdraw_project(*, actor: User, project: Project, note: str = "") -> Project:
    permitted = rules.can_act_for_proponent(actor, project)
    return transition(project, "withdraw", actor=actor, permitted=permitted, note=note)
