"""How long a green electricity certificate is valid (NEA 2024 rules for GEC issuance and
trading): two years counted from the month of generation, that month included; electricity
generated before 2024 until 2025-12-31. The numbers are settings with those defaults."""

from datetime import date, timedelta

from django.conf import settings


def first_of_next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def add_months(month: date, months: int) -> date:
    """The first day of the month `months` after `month`'s."""
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def expires_on(generation_month: date) -> date:
    """The last day certificates of electricity generated in `generation_month` are valid:
    March 2024 with 24 months is valid through 2026-02-28."""
    month = generation_month.replace(day=1)
    if month < settings.GEC_LEGACY_BEFORE:
        return settings.GEC_LEGACY_VALID_UNTIL
    return add_months(month, settings.GEC_VALIDITY_MONTHS) - timedelta(days=1)


def is_expired(expiry: date, today: date) -> bool:
    """A certificate is valid through its `expires_on` day, and expired the day after."""
    return today > expiry
