"""Read queries for green certificates, scoped to the caller."""

from datetime import date
from typing import Any

from django.db.models import CharField, OuterRef, QuerySet
from django.db.models.functions import Cast

from certificates import rules
from certificates.models import CertificateBlock, CertificateCancellation, CertificateClaim
from certificates.services import ccer_link
from core.transparency import log_index_of


def blocks_visible_to(user: Any) -> QuerySet[CertificateBlock]:
    """Holdings are private to the holder, operators and regulators."""
    blocks = CertificateBlock.objects.select_related("holder", "cancellation")
    if rules.can_read_all(user):
        return blocks
    if not getattr(user, "is_authenticated", False):
        return blocks.none()
    return blocks.filter(holder_id=user.organization_id)


def frozen_for_plant(
    generator_code: str, period_start: date, period_end: date
) -> QuerySet[CertificateBlock]:
    """The plant's certificates frozen for the GEC-CCER link, of the months whose first day
    lies in [period_start, period_end] (a project's crediting period), in serial order: public
    on the project, like the plant and the months (the national GEC system publishes them)."""
    months = ccer_link.months_of(period_start, period_end)
    if not generator_code or months is None:
        return CertificateBlock.objects.none()
    return CertificateBlock.objects.filter(
        generator_code=generator_code,
        state=CertificateBlock.State.FROZEN,
        generation_month__range=months,
    ).order_by("serial_first")


def cancellations_of_issuances(issuances: list[int]) -> QuerySet[CertificateCancellation]:
    """The public records of certificates cancelled at these CCER issuances, in serial order."""
    return (
        CertificateCancellation.objects.filter(issuance__in=issuances)
        .select_related("block")
        .order_by("issuance", "block__serial_first")
    )


def claims() -> QuerySet[CertificateClaim]:
    """Claim records are public; each with its `log_index`, its audit entry's leaf index in the
    transparency log once sealed (None before)."""
    entry = Cast(OuterRef("pk"), CharField())
    return CertificateClaim.objects.select_related("block", "claimant").annotate(
        log_index=log_index_of("certificates.certificateclaim", "certificates.claim", entry)
    )


def claim_is_public(object_id: str) -> bool:
    """Every claim is a public record (for the transparency log's entries)."""
    return object_id.isdigit() and CertificateClaim.objects.filter(pk=int(object_id)).exists()


def block_with_serial(serial: int) -> CertificateBlock | None:
    """The block that holds this certificate serial, whoever holds it: its state, plant and
    month are public (the national GEC system publishes them), its holder is not."""
    return (
        CertificateBlock.objects.filter(serial_first__lte=serial, serial_last__gte=serial)
        .select_related("claim__claimant", "cancellation")
        .first()
    )
