"""Expiry: certificates past their validity (`certificates.validity`) become `expired`, by a
periodic task. A claim checks the date itself, so nothing waits on the task."""

from datetime import date

from django.db import transaction

from certificates.models import CertificateBlock
from core.audit import record_event


@transaction.atomic
def expire_certificates(*, today: date) -> int:
    """Mark every active block whose `expires_on` is before `today` as expired, each with an
    audit entry; returns how many blocks were marked. Safe to run any number of times: a block
    expired already is not active. Frozen blocks stay frozen: they are held for the GEC-CCER
    link, whose rules decide what becomes of them."""
    # Locked in primary-key order, skipping none: a claim holding a block's lock finishes first,
    # and a block it claimed is no longer active when read again after the lock.
    expiring = list(
        CertificateBlock.objects.select_for_update()
        .filter(state=CertificateBlock.State.ACTIVE, expires_on__lt=today)
        .order_by("pk")
    )
    for block in expiring:
        block.state = CertificateBlock.State.EXPIRED
        block.save(update_fields=["state"])
        record_event(
            actor=None,
            action="certificates.expire",
            target=block,
            before={"state": CertificateBlock.State.ACTIVE},
            after={"state": block.state, "serial": block.serial, "expires_on": block.expires_on},
        )
    return len(expiring)
