"""Periodic work on green certificates. Schedules are declared in CELERY_BEAT_SCHEDULE."""

from celery import shared_task
from django.utils import timezone

from certificates.services.expiry import expire_certificates


@shared_task(name="certificates.expire")
def expire_certificates_task() -> int:
    """Mark the certificates past their validity expired (today in the registry's zone);
    returns how many blocks it marked. Safe to run twice: the second run finds none."""
    return expire_certificates(today=timezone.localdate())
