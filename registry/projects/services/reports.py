"""The verbs of a monitoring report (a reduction claim): create, submit, verify, reject,
withdraw, and the time-driven close of its publicity period. Issuing is in `issuance`."""

from datetime import date
from decimal import ROUND_CEILING, Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.models import Organization, User
from certificates.services import ccer_link
from core.audit import record_event
from core.errors import AccessDenied, InvalidInput, InvalidTransition
from core.messages import Message, Term
from methodologies import engine
from methodologies.calculation import calculation_trace
from methodologies.models import Parameter
from methodologies.services import calculate_methodology
from registry.projects import rules
from registry.projects.locks import lock_project, lock_report
from registry.projects.models import (
    AMOUNT_DECIMAL_PLACES,
    DocumentKind,
    MonitoringReport,
    Project,
)
from registry.projects.services import documents, metering
from registry.projects.services.lifecycle import (
    check_allowed,
    close_publicity_if_over,
    end_publicity_if_over,
    record_history,
    record_opinion,
    start_publicity,
    transition,
)
from registry.projects.services.projects import (
    NO_REDUCTION,
    NOT_A_VERIFIER,
    check_storable,
    require_engaged_verifier,
)

PROJECT_NOT_REGISTERED = Message(
    gettext_noop("Monitoring reports are filed for registered projects; this one is {status}.")
)
VALIDATOR_MAY_NOT_VERIFY = Message(
    gettext_noop(
        "The body that validated the project may not verify its reductions (CCER 2023, arts. 18, "
        "37)."
    )
)
PERIOD_REVERSED = Message(gettext_noop("The monitoring period cannot end before it starts."))
OUTSIDE_CREDITING = Message(
    gettext_noop("The monitoring period must lie inside the crediting period ({start} to {end}).")
)
BEFORE_ELIGIBILITY = Message(
    gettext_noop("Reductions count only from after {cutoff} (CCER eligibility).")
)
TOO_OLD = Message(
    gettext_noop(
        "A claim covers at most the {years} years before it is filed: start on or after {cutoff}."
    )
)
IN_THE_FUTURE = Message(gettext_noop("The monitoring period cannot end in the future."))
OVERLAP = Message(gettext_noop("The monitoring period overlaps {reference} ({start} to {end})."))
OVERLAPS_ANOTHER = Message(gettext_noop("The monitoring period overlaps another."))
EX_ANTE_FIXED = Message(
    gettext_noop("Fixed at validation in the project design; it cannot be reported.")
)
ABOVE_CLAIM = Message(
    gettext_noop("The verified amount cannot exceed the claimed {claimed} tCO2e.")
)
CLAIM_TOO_LARGE = Message(
    gettext_noop("These parameters claim {claimed} tCO2e: one claim earns at most {limit} credits.")
)

RESULT_UNIT = "tCO2e"
# One green certificate is 1,000 kWh.
ELECTRICITY_UNIT = "MWh"


def _claim(
    project: Project, parameters: dict[str, Any], metered: dict[str, Any]
) -> tuple[Decimal, dict[str, Any], engine.Calculation]:
    """Claimed reductions by the engine, from the report's monitored values, those `metered`
    by the project's data centre, and the ex-ante and fixed values of the project's design:
    (tCO2e, trace, the calculation)."""
    ex_ante = set(
        project.methodology.parameters.filter(kind=Parameter.Kind.EX_ANTE).values_list(
            "symbol", flat=True
        )
    )
    reported_ex_ante = sorted(ex_ante & set(parameters))
    if reported_ex_ante:
        raise InvalidInput({f"parameters.{symbol}": EX_ANTE_FIXED for symbol in reported_ex_ante})
    inputs = {
        **{symbol: value for symbol, value in project.parameters.items() if symbol in ex_ante},
        **parameters,
        **metered,
    }
    calculation = calculate_methodology(methodology=project.methodology, parameters=inputs)
    result = calculation.result
    claimed = engine.convert_value(result.value, result.unit, RESULT_UNIT)
    if claimed < 0:
        raise InvalidInput(
            {"parameters": NO_REDUCTION.format(value=result.value, unit=result.unit)}
        )
    check_storable(claimed)
    if claimed > settings.CLAIM_MAX_REDUCTIONS:
        raise InvalidInput(
            {
                "parameters": CLAIM_TOO_LARGE.format(
                    claimed=claimed, limit=f"{settings.CLAIM_MAX_REDUCTIONS:,}"
                )
            }
        )
    return claimed, calculation_trace(calculation, project.methodology.result_symbol), calculation


def _certificate_electricity(
    project: Project, period_start: date, period_end: date, calculation: engine.Calculation
) -> Decimal:
    """The net electricity (MWh) a claim under the GEC-CCER link credits: the value of the
    methodology's `certificate_electricity` equation, rounded up to the column's places (so
    that it rounds up to the same whole certificates as the exact value), and never more than
    the frozen certificates of the period's months cover (400 on `parameters`). Electricity
    drawn from the grid beyond what was supplied credits none."""
    value = calculation.values[project.methodology.certificate_electricity]
    mwh = max(engine.convert_value(value.value, value.unit, ELECTRICITY_UNIT), Decimal(0))
    check_storable(mwh, ELECTRICITY_UNIT)
    mwh = mwh.quantize(Decimal(1).scaleb(-AMOUNT_DECIMAL_PLACES), rounding=ROUND_CEILING)
    ccer_link.check_claimable(project.generator_code, period_start, period_end, mwh)
    return mwh


def estimate_bound(project: Project, period_start: date, period_end: date) -> Decimal:
    """The most a claim for this period may amount to without an operator's override: the
    project's estimated annual reductions over the period's years (days / 365), times
    CLAIM_ABOVE_ESTIMATE_FACTOR."""
    days = (period_end - period_start).days + 1
    return settings.CLAIM_ABOVE_ESTIMATE_FACTOR * project.estimated_annual_reductions * days / 365


def claim_amount(report: MonitoringReport) -> Decimal:
    """What the report stands to earn: the verified amount once verified, else the claim."""
    if report.verified_reductions is not None:
        return report.verified_reductions
    return report.claimed_reductions


def above_estimate(report: MonitoringReport, project: Project | None = None) -> bool:
    """Whether the report's amount is above `estimate_bound`: flagged on the report, and
    issued only on an operator's override. `project`: the report's, if the caller has it."""
    project = project or report.project
    return claim_amount(report) > estimate_bound(project, report.period_start, report.period_end)


def _validate_period(project: Project, period_start: date, period_end: date, filed: date) -> None:
    errors: dict[str, str] = {}
    lookback = filed - relativedelta(years=settings.CLAIM_LOOKBACK_YEARS)
    if period_end < period_start:
        errors["period_end"] = PERIOD_REVERSED
    elif period_start < project.crediting_period_start or period_end > project.crediting_period_end:
        errors["period_start"] = OUTSIDE_CREDITING.format(
            start=project.crediting_period_start, end=project.crediting_period_end
        )
    elif period_start <= settings.REDUCTIONS_GENERATED_AFTER:
        errors["period_start"] = BEFORE_ELIGIBILITY.format(
            cutoff=settings.REDUCTIONS_GENERATED_AFTER
        )
    elif period_start < lookback:
        errors["period_start"] = TOO_OLD.format(
            years=settings.CLAIM_LOOKBACK_YEARS, cutoff=lookback
        )
    elif period_end > filed:
        errors["period_end"] = IN_THE_FUTURE
    if errors:
        raise InvalidInput(errors)


def _refuse_overlap(project: Project, period_start: date, period_end: date) -> None:
    """Caller holds the project lock, so no other report of the project is being filed."""
    overlapping = (
        project.reports.exclude(status__in=MonitoringReport.RELEASED)
        .filter(period_start__lte=period_end, period_end__gte=period_start)
        .first()
    )
    if overlapping is not None:
        raise InvalidInput(
            {
                "period_start": OVERLAP.format(
                    reference=overlapping.reference,
                    start=overlapping.period_start,
                    end=overlapping.period_end,
                )
            }
        )


@transaction.atomic
def create_report(
    *,
    actor: User,
    project: Project,
    period_start: date,
    period_end: date,
    parameters: dict[str, Any],
    verifier: Organization,
) -> MonitoringReport:
    """A draft claim for one monitoring period of a registered project.

    Under the GEC-CCER link (a methodology with `certificate_electricity`), a period wholly
    within the link's window claims no more net electricity than the frozen green certificates
    of its months cover, and records that electricity for the cancellation at issuance; a
    period wholly outside it is not governed; one that runs across either end of the window is
    refused, its parts to be filed separately (`ccer_link.check_report_period`).

    Under the CR-DC-001 link (a methodology with `data_centre_readings`), those monitored
    values are not reported but taken from the current readings of the project's data centre
    that cover the period exactly (`metering`), and the trace records the readings counted."""
    if not rules.can_act_for_proponent(actor, project):
        raise AccessDenied()
    project = lock_project(project.pk)
    if project.status != Project.Status.REGISTERED:
        raise InvalidTransition(
            PROJECT_NOT_REGISTERED.format(
                status=Term(project.status, project.Status(project.status).label, lower=True)
            )
        )
    if verifier.kind != Organization.Kind.VERIFIER:
        raise InvalidInput({"verifier": NOT_A_VERIFIER})
    if verifier.pk == project.verifier_id:
        raise InvalidInput({"verifier": VALIDATOR_MAY_NOT_VERIFY})
    _validate_period(project, period_start, period_end, timezone.localdate())
    _refuse_overlap(project, period_start, period_end)
    metered = None
    if project.methodology.data_centre_readings:
        metering.require_data_centre(project)
        metering.refuse_typed(project, parameters)
        # The current readings in one query, without a lock: a correction committed meanwhile
        # is as one recorded after the report was filed, which leaves the report as it is.
        metered = metering.metered(project, period_start, period_end)
    linked = bool(project.methodology.certificate_electricity) and ccer_link.check_report_period(
        period_start, period_end
    )
    claimed, trace, calculation = _claim(project, parameters, metered.inputs if metered else {})
    if metered is not None:
        trace = {**trace, "data_centre": metered.trace}
    electricity = (
        _certificate_electricity(project, period_start, period_end, calculation) if linked else None
    )
    try:
        with transaction.atomic():
            report = MonitoringReport.objects.create(
                project=project,
                period_start=period_start,
                period_end=period_end,
                parameters=parameters,
                claimed_reductions=claimed,
                calculation_trace=trace,
                certificate_electricity_mwh=electricity,
                verifier=verifier,
            )
    except IntegrityError as error:
        # The PostgreSQL exclusion constraint: only reachable around the project lock.
        raise InvalidInput({"period_start": OVERLAPS_ANOTHER}) from error
    record_history(report, "create", actor=actor, from_status="")
    record_event(
        actor=actor,
        action="monitoringreport.create",
        target=report,
        after={
            "project": project.pk,
            "period_start": period_start,
            "period_end": period_end,
            "claimed_reductions": claimed,
            "verifier": verifier.pk,
            **({"certificate_electricity_mwh": electricity} if linked else {}),
            **(
                {"readings": [reading["id"] for reading in metered.trace["readings"]]}
                if metered is not None
                else {}
            ),
        },
    )
    return report


@transaction.atomic
def submit_report(*, actor: User, report: MonitoringReport) -> MonitoringReport:
    if not rules.can_act_for_proponent(actor, report.project):
        raise AccessDenied()
    report = lock_report(report.pk)
    check_allowed(report, "submit")
    documents.require_document(report, DocumentKind.MONITORING_REPORT, "go to publicity")
    _validate_period(report.project, report.period_start, report.period_end, timezone.localdate())
    start_publicity(report, actor=actor, working_days=settings.CLAIM_PUBLICITY_WORKING_DAYS)
    return report


@transaction.atomic
def close_report_publicity(*, report_id: int, actor: User | None = None) -> bool:
    """Move a report whose publicity period has ended on to verification; True if it moved.

    Idempotent, like `close_project_publicity`."""
    return close_publicity_if_over(lock_report(report_id), actor=actor)


@transaction.atomic
def verify_report(
    *,
    actor: User,
    report: MonitoringReport,
    opinion: str,
    verified_reductions: Decimal,
    verification_report: str = "",
) -> MonitoringReport:
    """The engaged verifier's opinion and verified amount (never above the claim): positive
    goes to issuance review with its deadline, negative rejects the claim."""
    project = report.project
    require_engaged_verifier(actor, report.verifier_id, project.sector, "monitoring report")
    if report.verifier_id == project.verifier_id:
        raise AccessDenied(VALIDATOR_MAY_NOT_VERIFY)
    report = lock_report(report.pk)
    end_publicity_if_over(report)
    check_allowed(report, "verify")
    documents.require_document(report, DocumentKind.VERIFICATION_REPORT, "be verified")
    if verified_reductions > report.claimed_reductions:
        raise InvalidInput(
            {"verified_reductions": ABOVE_CLAIM.format(claimed=report.claimed_reductions)}
        )
    record_opinion(
        report,
        "verify",
        actor=actor,
        opinion=opinion,
        review_working_days=settings.ISSUANCE_REVIEW_WORKING_DAYS,
        verification_opinion=opinion,
        verification_report=verification_report,
        verified_reductions=verified_reductions,
        verified_on=timezone.localdate(),
    )
    return report


@transaction.atomic
def reject_report(*, actor: User, report: MonitoringReport, note: str = "") -> MonitoringReport:
    permitted = rules.can_decide_registration(actor)
    return transition(report, "reject", actor=actor, permitted=permitted, note=note)


@transaction.atomic
def withdraw_report(*, actor: User, report: MonitoringReport, note: str = "") -> MonitoringReport:
    permitted = rules.can_act_for_proponent(actor, report.project)
    return transition(report, "withdraw", actor=actor, permitted=permitted, note=note)
