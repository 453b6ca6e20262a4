"""Periodic upkeep of accounts. Schedules are declared in CELERY_BEAT_SCHEDULE."""

from celery import shared_task

from accounts import services


@shared_task(name="accounts.purge_expired_tokens")
def purge_expired_tokens() -> int:
    """Delete expired API tokens; returns how many. Safe to run any number of times."""
    return services.purge_expired_tokens()
