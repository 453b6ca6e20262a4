"""Read queries for green certificates, scoped to the caller."""

from typing import Any

from django.db.models import QuerySet

from certificates import rules
from certificates.models import CertificateBlock, CertificateClaim


def blocks_visible_to(user: Any) -> QuerySet[CertificateBlock]:
    """Holdings are private to the holder, operators and regulators."""
    blocks = CertificateBlock.objects.select_related("holder")
    if rules.can_read_all(user):
        return blocks
    if not getattr(user, "is_authenticated", False):
        return blocks.none()
    return blocks.filter(holder_id=user.organization_id)


def claims() -> QuerySet[CertificateClaim]:
    """Claim records are public."""
    return CertificateClaim.objects.select_related("block", "claimant")


def block_with_serial(serial: int) -> CertificateBlock | None:
    """The block that holds this certificate serial, whoever holds it: its state, plant and
    month are public (the national GEC system publishes them), its holder is not."""
    return (
        CertificateBlock.objects.filter(serial_first__lte=serial, serial_last__gte=serial)
        .select_related("claim__claimant")
        .first()
    )
