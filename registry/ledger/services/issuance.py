"""Issuing credits for a verified claim: whole tonnes, split by vintage, in serialised blocks."""

from datetime import date
from decimal import ROUND_FLOOR, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_noop

from accounts.models import Organization, User
from certificates.services import ccer_link
from core.audit import record_event
from core.errors import AccessDenied, Conflict, InvalidInput, InvalidTransition, violates
from core.messages import Message
from methodologies.services import require_approved
from registry.ledger import rules, totals
from registry.ledger.locks import lock_accounts_shared
from registry.ledger.models import CreditBlock, HoldingAccount, Issuance, Movement, SerialCounter
from registry.ledger.services.movements import ONE_DEFAULT_ACCOUNT
from registry.projects.locks import lock_project, lock_report
from registry.projects.models import MonitoringReport
from registry.projects.services.lifecycle import check_allowed, move
from registry.projects.services.reports import above_estimate, estimate_bound

NOTHING_TO_ISSUE = Message(
    gettext_noop("The verified amount {verified} tCO2e rounds down to no whole credit.")
)
INTO_FROZEN_ACCOUNT = Message(
    gettext_noop("Account {account} is frozen: nothing is issued into it until it is unfrozen.")
)
ABOVE_ESTIMATE = Message(
    gettext_noop(
        "The verified {verified} tCO2e is more than {factor} times the project's estimate for the "
        "period ({bound} tCO2e): issue it only with an override and its reason."
    )
)
OVERRIDE_REASON_REQUIRED = Message(gettext_noop("An override needs its reason."))
ABOVE_MAXIMUM = Message(
    gettext_noop("One claim earns at most {limit} credits; this one would earn {quantity}.")
)
SERIALS_EXHAUSTED = Message(
    gettext_noop(
        "The ledger has {left} serial numbers left, fewer than the {quantity} credits to issue: "
        "nothing was issued."
    )
)

# The serial columns are PostgreSQL bigint (at most 2^63 - 1), and the exclusion constraint's
# int8range(first, last, '[]') needs last + 1 to fit too: the last serial there can ever be.
LAST_SERIAL = 2**63 - 2


def issued_quantity(verified: Decimal) -> int:
    """Whole credits for a verified amount: rounded down (CCER 2023, art. 21)."""
    return int(verified.to_integral_value(rounding=ROUND_FLOOR))


def split_by_vintage(period_start: date, period_end: date, quantity: int) -> dict[int, int]:
    """Credits per vintage (calendar year of the reductions), in proportion to the days of the
    monitoring period in each year; the largest remainders take the credits left by rounding
    down, earlier years first on a tie, so the parts add up to `quantity` exactly."""
    days: dict[int, int] = {}
    for year in range(period_start.year, period_end.year + 1):
        first = max(period_start, date(year, 1, 1))
        last = min(period_end, date(year, 12, 31))
        days[year] = (last - first).days + 1
    total_days = (period_end - period_start).days + 1
    shares = {year: quantity * count for year, count in days.items()}
    parts = {year: share // total_days for year, share in shares.items()}
    left = quantity - sum(parts.values())
    by_remainder = sorted(days, key=lambda year: (-(shares[year] % total_days), year))
    for year in by_remainder[:left]:
        parts[year] += 1
    return {year: part for year, part in parts.items() if part > 0}


def default_account(organization: Organization) -> HoldingAccount:
    """The organisation's default holding account, opened on its first issuance."""
    account = HoldingAccount.objects.filter(organization=organization, is_default=True).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return HoldingAccount.objects.create(
                organization=organization,
                kind=HoldingAccount.Kind.HOLDING,
                name=f"{organization.name} holding account",
                is_default=True,
            )
    except IntegrityError as error:
        if not violates(error, ONE_DEFAULT_ACCOUNT):
            raise
        # Another issuance (or an operator opening an account) opened it first; its
        # transaction has committed, so the next statement sees it.
        return HoldingAccount.objects.get(organization=organization, is_default=True)


def _allocate_serials(quantity: int) -> int:
    """Reserve `quantity` serial numbers; returns the first. The counter row is locked until
    commit, after the project, report and account locks (see `registry.locks`).

    Refuses (409) an issuance the serial space cannot hold, before any serial column overflows;
    with CLAIM_MAX_REDUCTIONS bounding each issuance, that is over 9*10^7 issuances away."""
    counter, _ = SerialCounter.objects.select_for_update().get_or_create(pk=1)
    left = LAST_SERIAL - counter.last_serial
    if quantity > left:
        raise Conflict(SERIALS_EXHAUSTED.format(left=f"{left:,}", quantity=f"{quantity:,}"))
    first = counter.last_serial + 1
    SerialCounter.objects.filter(pk=1).update(last_serial=counter.last_serial + quantity)
    return first


@transaction.atomic
def issue_credits(
    *,
    actor: User,
    report: MonitoringReport,
    note: str = "",
    override: bool = False,
    reason: str = "",
) -> Issuance:
    """Issue floor(verified) credits into the proponent's holding account, one block per
    vintage, in one transaction. Two operators issuing at once: the second waits on the
    report lock, then finds it issued and gets a 409.

    Under the GEC-CCER link (a report with `certificate_electricity_mwh`), the green
    certificates for the report's net electricity, rounded up to whole MWh, are cancelled in
    the same transaction, the lowest serials of its months first (`ccer_link`), named by the
    issuance; fewer frozen certificates than that is a 409 and nothing is issued. The
    electricity cancelled is the report's as calculated, whatever the verified amount: the
    verifier verifies tonnes, not meter readings, and the credited MWh is the one the claim
    was computed from, so none of it keeps a certificate.

    Only under an approved methodology version (409). A claim above its project's estimate
    (`reports.above_estimate`) is issued only with `override` and its `reason`, which the audit
    entry records; no claim earns more than CLAIM_MAX_REDUCTIONS credits, override or not."""
    if not rules.can_operate_ledger(actor):
        raise AccessDenied()
    if override and not reason.strip():
        raise InvalidInput({"reason": OVERRIDE_REASON_REQUIRED})
    project = lock_project(report.project_id)
    report = lock_report(report.pk)
    check_allowed(report, "issue")
    require_approved(project.methodology)
    quantity = issued_quantity(report.verified_reductions)
    if quantity == 0:
        raise InvalidTransition(NOTHING_TO_ISSUE.format(verified=report.verified_reductions))
    if quantity > settings.CLAIM_MAX_REDUCTIONS:
        raise Conflict(
            ABOVE_MAXIMUM.format(
                limit=f"{settings.CLAIM_MAX_REDUCTIONS:,}", quantity=f"{quantity:,}"
            )
        )
    overridden = above_estimate(report, project)
    if overridden and not override:
        bound = estimate_bound(project, report.period_start, report.period_end)
        raise Conflict(
            ABOVE_ESTIMATE.format(
                verified=format(report.verified_reductions.normalize(), "f"),
                factor=settings.CLAIM_ABOVE_ESTIMATE_FACTOR,
                bound=format(bound, ".6f").rstrip("0").rstrip("."),
            )
        )
    account = default_account(project.proponent)
    # Shared, as a movement into it takes it: a freeze of the account waits for the issuance to
    # commit, or the issuance for the freeze, and then sees it.
    account = lock_accounts_shared([account.pk])[account.pk]
    if account.frozen:
        raise Conflict(INTO_FROZEN_ACCOUNT.format(account=account.name))
    first = _allocate_serials(quantity)
    split = split_by_vintage(report.period_start, report.period_end, quantity)
    # One contiguous range per vintage, in vintage order: stored with the issuance, so that
    # reading its split needs no block.
    vintages = []
    for vintage, part in sorted(split.items()):
        vintages.append({"vintage": vintage, "first": first, "last": first + part - 1,
                         "quantity": part})  # fmt: skip
        first += part
    issuance = Issuance.objects.create(
        report=report,
        project=project,
        quantity=quantity,
        first_serial=vintages[0]["first"],
        last_serial=vintages[-1]["last"],
        issued_by=actor,
        vintages=vintages,
    )
    blocks = CreditBlock.objects.bulk_create(
        CreditBlock(issuance=issuance, project=project, account=account, **part)
        for part in vintages
    )
    Movement.objects.bulk_create(
        Movement(
            kind=Movement.Kind.ISSUANCE,
            issuance=issuance,
            block=block,
            first=block.first,
            last=block.last,
            quantity=block.quantity,
            to_account=account,
            actor=actor,
        )
        for block in blocks
    )
    if report.certificate_electricity_mwh is not None:
        # The GEC-CCER link: the credited electricity's certificates are cancelled with the
        # issuance. Their blocks are locked last of the rows, before any audit entry.
        ccer_link.cancel_for_issuance(
            actor=actor,
            generator_code=project.generator_code,
            period_start=report.period_start,
            period_end=report.period_end,
            mwh=report.certificate_electricity_mwh,
            issuance=issuance.pk,
            project_reference=project.reference,
            report_reference=report.reference,
        )
    # The kept totals' rows last of the rows locked (`registry.ledger.totals`).
    totals.add_issued(project=project, split=split)
    move(report, "issue", actor=actor, note=note)
    record_event(
        actor=actor,
        action="issuance.create",
        target=issuance,
        after={
            "report": report.pk,
            "quantity": quantity,
            "account": account.pk,
            "blocks": [{"vintage": b.vintage, "first": b.first, "last": b.last} for b in blocks],
            **({"override": {"reason": reason.strip()}} if overridden else {}),
        },
    )
    return issuance
