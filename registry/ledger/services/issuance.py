"""Issuing credits for a verified claim: whole tonnes, split by vintage, in serialised blocks."""

from datetime import date
from decimal import ROUND_FLOOR, Decimal

from django.db import IntegrityError, transaction

from accounts.models import Organization, User
from core.audit import record_event
from core.errors import AccessDenied, InvalidTransition
from registry.ledger import rules
from registry.ledger.models import CreditBlock, HoldingAccount, Issuance, Movement, SerialCounter
from registry.projects.locks import lock_project, lock_report
from registry.projects.models import MonitoringReport
from registry.projects.services.lifecycle import check_allowed, move

NOTHING_TO_ISSUE = "The verified amount {verified} tCO2e rounds down to no whole credit."


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
    except IntegrityError:
        # Another issuance opened it first.
        return HoldingAccount.objects.get(organization=organization, is_default=True)


def _allocate_serials(quantity: int) -> int:
    """Reserve `quantity` serial numbers; returns the first. The counter row is locked until
    commit, after the project, report and account locks (see `registry.locks`)."""
    counter, _ = SerialCounter.objects.select_for_update().get_or_create(pk=1)
    first = counter.last_serial + 1
    SerialCounter.objects.filter(pk=1).update(last_serial=counter.last_serial + quantity)
    return first


@transaction.atomic
def issue_credits(*, actor: User, report: MonitoringReport, note: str = "") -> Issuance:
    """Issue floor(verified) credits into the proponent's holding account, one block per
    vintage, in one transaction. Two operators issuing at once: the second waits on the
    report lock, then finds it issued and gets a 409."""
    if not rules.can_operate_ledger(actor):
        raise AccessDenied()
    project = lock_project(report.project_id)
    report = lock_report(report.pk)
    check_allowed(report, "issue")
    quantity = issued_quantity(report.verified_reductions)
    if quantity == 0:
        raise InvalidTransition(NOTHING_TO_ISSUE.format(verified=report.verified_reductions))
    account = default_account(project.proponent)
    first = _allocate_serials(quantity)
    issuance = Issuance.objects.create(
        report=report,
        project=project,
        quantity=quantity,
        first_serial=first,
        last_serial=first + quantity - 1,
        issued_by=actor,
    )
    blocks = []
    for vintage, part in sorted(
        split_by_vintage(report.period_start, report.period_end, quantity).items()
    ):
        blocks.append(
            CreditBlock(
                issuance=issuance,
                project=project,
                vintage=vintage,
                first=first,
                last=first + part - 1,
                quantity=part,
                account=account,
            )
        )
        first += part
    CreditBlock.objects.bulk_create(blocks)
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
        },
    )
    return issuance
