"""The GEC-CCER link (NEA/MEE notice 国能综通新能〔2024〕124号): the electricity of an offshore wind
(CCER-01-002) or solar thermal (CCER-01-001) project, whose methodology names it
(`Methodology.certificate_electricity`), earns either green certificates or CCER credits, never
both.

- When the project is registered, its plant (`generator_code`) is linked for the crediting
  period, and the plant's untraded certificates (active, not claimed, not expired) of the
  governed months are frozen (`freeze_for_project`); certificates of those months imported
  later arrive frozen (`import_links`, read by `imports.import_certificates`).
- A monitoring report claims no more net electricity than the frozen certificates of its
  months cover (`frozen_mwh`), one certificate per MWh (1,000 kWh).
- When its credits are issued, the certificates for its net electricity are cancelled, the
  lowest serials first, the MWh rounded up: no fraction of a credited MWh keeps a certificate
  (`cancel_for_issuance`). The cancellation records are public.

**Months.** Certificates are issued per month of generation, while a monitoring period is any
run of days. The link governs a month whose first day lies from `GEC_CCER_LINK_FROM` through
`GEC_CCER_LINK_UNTIL` (settings, the notice's dates), and a month's certificates count for the
report period that holds the month's first day. A project's reports never overlap, so they
share its months out with none counted twice: a period that ends on 14 July counts July, and the
next one, from 15 July, starts counting in August. (Counting every month a period overlaps
would count a month cut by two reports twice.) A report period lies wholly within the window
(capped), wholly outside it (not governed), or is refused for running across one of its ends
(`check_report_period`).

**Locks.** The import lock first (`locks.lock_imports`, an advisory lock every import holds),
so a registration and an import of the same plant's rows never pass each other unseen; then
blocks, in primary-key order, as the expiry task takes them (a claim takes one block). The
registry calls these inside its own transaction, after its project, report, account and serial
counter locks, and before its own audit entries.

Certificates sit below the registry: a project, report and issuance are named here by their
references and ids, never imported.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.models import User
from certificates.locks import lock_imports
from certificates.models import CertificateBlock, CertificateCancellation, LinkedGenerator
from certificates.splits import split_off
from certificates.validity import first_of_next_month
from core import rows
from core.audit import record_event
from core.errors import Conflict, InvalidInput
from core.messages import Message

GENERATOR_LINKED = Message(
    gettext_noop(
        "Generator {generator} earns credits under {project} from {start} to {end}: a plant's "
        "electricity is credited under one project at a time."
    )
)
STRADDLES_START = Message(
    gettext_noop(
        "The GEC-CCER link governs electricity generated from {start} to {end}: file the part of "
        "this period before {start} and the part from {start} on as separate reports."
    )
)
STRADDLES_END = Message(
    gettext_noop(
        "The GEC-CCER link governs electricity generated from {start} to {end}: file the part of "
        "this period up to {end} and the part after it as separate reports."
    )
)
ABOVE_FROZEN = Message(
    gettext_noop(
        "This report claims {claimed} MWh of net electricity; the frozen green certificates of its "
        "months (those whose first day lies in the period) cover {available} MWh: the rest earned "
        "certificates not frozen for this project (sold, claimed, or not yet received from the GEC "
        "system), and earns no credits."
    )
)
NOT_ENOUGH_FROZEN = Message(
    gettext_noop(
        "The credited electricity needs {needed} frozen green certificates of {generator} for "
        "{start} to {end}; {available} remain: nothing was issued."
    )
)

State = CertificateBlock.State


def mwh_text(value: Decimal | int) -> str:
    """A number of MWh as a person reads it: 1,234.5."""
    value = Decimal(value)
    text = format(value, ",f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def certificates_for(mwh: Decimal) -> int:
    """Certificates (one per MWh) that `mwh` of credited electricity cancels: rounded up, since
    no fraction of a credited MWh keeps a certificate; none for no electricity."""
    if mwh <= 0:
        return 0
    return int(mwh.to_integral_value(rounding=ROUND_CEILING))


def months_of(period_start: date, period_end: date) -> tuple[date, date] | None:
    """The first and last of the months whose first day lies in [period_start, period_end];
    None if there are none."""
    first = period_start if period_start.day == 1 else first_of_next_month(period_start)
    last = period_end.replace(day=1)
    return (first, last) if first <= last else None


def governed_months(period_start: date, period_end: date) -> tuple[date, date] | None:
    """The first and last of the months the link governs within [period_start, period_end]:
    those whose first day lies in the period and in the window; None if there are none."""
    return months_of(
        max(period_start, settings.GEC_CCER_LINK_FROM),
        min(period_end, settings.GEC_CCER_LINK_UNTIL),
    )


def check_report_period(period_start: date, period_end: date) -> bool:
    """Whether the link governs a monitoring period: True wholly within the window, False wholly
    outside it; a period that runs across either end is refused (400), its parts to be filed
    as separate reports."""
    window_start, window_end = settings.GEC_CCER_LINK_FROM, settings.GEC_CCER_LINK_UNTIL
    if period_end < window_start or period_start > window_end:
        return False
    if period_start < window_start:
        raise InvalidInput(
            {"period_start": STRADDLES_START.format(start=window_start, end=window_end)}
        )
    if period_end > window_end:
        raise InvalidInput({"period_end": STRADDLES_END.format(start=window_start, end=window_end)})
    return True


def _frozen_of_months(generator_code: str, months: tuple[date, date]) -> QuerySet:
    """The plant's frozen blocks generated in the months from months[0] to months[1]."""
    return CertificateBlock.objects.filter(
        generator_code=generator_code,
        state=State.FROZEN,
        generation_month__range=months,
    )


def frozen_mwh(generator_code: str, period_start: date, period_end: date) -> int:
    """MWh the frozen certificates of the plant cover for a report period: one per
    certificate of a governed month whose first day lies in the period."""
    months = governed_months(period_start, period_end)
    if months is None:
        return 0
    total = _frozen_of_months(generator_code, months).aggregate(total=Sum("quantity"))["total"]
    return total or 0


def check_claimable(
    generator_code: str, period_start: date, period_end: date, mwh: Decimal
) -> None:
    """Refuse (400, on `parameters`) a report whose net electricity is more than the frozen
    certificates of its months cover. Read without a lock: the caller holds its project's lock,
    and meanwhile those certificates can only grow in number (imports); only an issuance of the
    same project, which takes that lock too, cancels any."""
    available = frozen_mwh(generator_code, period_start, period_end)
    if mwh > available:
        raise InvalidInput(
            {
                "parameters": ABOVE_FROZEN.format(
                    claimed=mwh_text(mwh), available=mwh_text(available)
                )
            }
        )


@dataclass(frozen=True)
class ImportLinks:
    """The links of the plants of one import, by generator code, read under the import lock."""

    by_generator: dict[str, tuple[LinkedGenerator, ...]]

    def project_for(self, generator_code: str, generation_month: date) -> str | None:
        """The reference of the project whose credits the month's electricity earns, if the
        link governs it: certificates of that month arrive frozen."""
        if governed_months(generation_month, generation_month) is None:
            return None
        for link in self.by_generator.get(generator_code, ()):
            if link.period_start <= generation_month <= link.period_end:
                return link.project_reference
        return None


def import_links(generator_codes: Iterable[str]) -> ImportLinks:
    """The links of these plants. Caller holds the import lock, which every link is written
    under, so none is added before the import commits."""
    by_generator: dict[str, list[LinkedGenerator]] = {}
    for link in LinkedGenerator.objects.filter(generator_code__in=set(generator_codes)):
        by_generator.setdefault(link.generator_code, []).append(link)
    return ImportLinks({code: tuple(links) for code, links in by_generator.items()})


def record_frozen_on_import(
    *, actor: User, blocks: Sequence[CertificateBlock], links: ImportLinks
) -> None:
    """An audit entry for each imported block that arrived frozen, naming its project."""
    for block in blocks:
        if block.state != State.FROZEN:
            continue
        record_event(
            actor=actor,
            action="certificates.freeze",
            target=block,
            after={
                "state": block.state,
                "serial": block.serial,
                "quantity": block.quantity,
                "project": links.project_for(block.generator_code, block.generation_month),
                "on_import": block.source.batch_id,
            },
        )


@transaction.atomic
def freeze_for_project(
    *,
    actor: User,
    generator_code: str,
    period_start: date,
    period_end: date,
    project_reference: str,
) -> list[CertificateBlock]:
    """Link the plant to a project being registered for its crediting period
    [period_start, period_end], and freeze the plant's active, unexpired blocks of the governed
    months; returns them. A plant already linked for an overlapping period is a 409. Each
    frozen block gets an audit entry naming the project."""
    # Every link is written, and every import reads the links, under this lock.
    lock_imports()
    overlapping = LinkedGenerator.objects.filter(
        generator_code=generator_code, period_start__lte=period_end, period_end__gte=period_start
    ).first()
    if overlapping is not None:
        raise Conflict(
            GENERATOR_LINKED.format(
                generator=generator_code,
                project=overlapping.project_reference,
                start=overlapping.period_start,
                end=overlapping.period_end,
            )
        )
    LinkedGenerator.objects.create(
        generator_code=generator_code,
        period_start=period_start,
        period_end=period_end,
        project_reference=project_reference,
        linked_by=actor,
    )
    months = governed_months(period_start, period_end)
    if months is None:
        return []
    today = timezone.localdate()
    # Locked in primary-key order, as the expiry task locks them; a claim holding a block's
    # lock finishes first, and a block it claimed is no longer active when read after the lock.
    frozen = list(
        CertificateBlock.objects.select_for_update()
        .filter(
            generator_code=generator_code,
            state=State.ACTIVE,
            generation_month__range=months,
            # The date decides, whether or not the expiry task has run yet.
            expires_on__gte=today,
        )
        .order_by("pk")
    )
    for block in frozen:
        block.state = State.FROZEN
        rows.update(block, "state")
    for block in frozen:
        record_event(
            actor=actor,
            action="certificates.freeze",
            target=block,
            before={"state": State.ACTIVE},
            after={
                "state": block.state,
                "serial": block.serial,
                "quantity": block.quantity,
                "project": project_reference,
            },
        )
    return frozen


@transaction.atomic
def cancel_for_issuance(
    *,
    actor: User,
    generator_code: str,
    period_start: date,
    period_end: date,
    mwh: Decimal,
    issuance: int,
    project_reference: str,
    report_reference: str,
) -> list[CertificateCancellation]:
    """Cancel the certificates for `mwh` of credited net electricity: ceil(mwh) of the plant's
    frozen certificates of the governed months of [period_start, period_end], the lowest
    serials first, splitting the last block (its cancelled part becomes a block of its own).
    Each cancelled block gets a public record naming the issuance, and an audit entry. Fewer
    frozen certificates than that is a 409 (the caller's transaction then issues nothing)."""
    needed = certificates_for(mwh)
    months = governed_months(period_start, period_end)
    if needed == 0 or months is None:
        return []
    # Primary-key order to lock, as every service that locks several blocks does; serial order
    # to choose which certificates go.
    locked = list(_frozen_of_months(generator_code, months).select_for_update().order_by("pk"))
    available = sum(block.quantity for block in locked)
    if available < needed:
        raise Conflict(
            NOT_ENOUGH_FROZEN.format(
                needed=f"{needed:,}",
                generator=generator_code,
                start=period_start,
                end=period_end,
                available=f"{available:,}",
            )
        )
    remaining = needed
    taken: list[tuple[int, CertificateBlock]] = []
    for block in sorted(locked, key=lambda block: block.serial_first):
        if remaining == 0:
            break
        part = min(remaining, block.quantity)
        taken.append((block.pk, split_off(block, part, State.CANCELLED, upper=False)))
        remaining -= part
    cancellations = [
        CertificateCancellation.objects.create(
            block=cancelled,
            issuance=issuance,
            project_reference=project_reference,
            report_reference=report_reference,
            cancelled_by=actor,
        )
        for _, cancelled in taken
    ]
    for (from_block, cancelled), cancellation in zip(taken, cancellations, strict=True):
        record_event(
            actor=actor,
            action="certificates.cancel",
            target=cancellation,
            before={"state": State.FROZEN},
            after={
                "state": cancelled.state,
                "block": cancelled.pk,
                "from_block": from_block,
                "serial": cancelled.serial,
                "quantity": cancelled.quantity,
                "issuance": issuance,
                "project": project_reference,
                "report": report_reference,
            },
        )
    return cancellations
