"""Validity (NEA 2024): two years counted from the month of generation, that month included;
electricity generated before 2024 until 2025-12-31."""

from datetime import date

import pytest
from django.test import override_settings

from certificates.validity import expires_on, is_expired


@pytest.mark.parametrize(
    ("month", "expiry"),
    [
        (date(2024, 3, 1), date(2026, 2, 28)),
        (date(2024, 1, 1), date(2025, 12, 31)),
        (date(2024, 12, 1), date(2026, 11, 30)),
        (date(2026, 3, 1), date(2028, 2, 29)),  # a leap year's February
        (date(2023, 12, 1), date(2025, 12, 31)),  # legacy: before 2024
        (date(2021, 6, 1), date(2025, 12, 31)),
    ],
)
def test_certificates_are_valid_two_years_from_their_month(month, expiry):
    assert expires_on(month) == expiry


def test_the_legacy_boundary_is_the_first_day_of_2024():
    assert expires_on(date(2023, 12, 1)) == date(2025, 12, 31)
    assert expires_on(date(2024, 1, 1)) == date(2025, 12, 31)
    assert expires_on(date(2024, 2, 1)) == date(2026, 1, 31)


def test_a_day_in_the_month_counts_as_the_month():
    assert expires_on(date(2024, 3, 17)) == date(2026, 2, 28)


def test_a_certificate_is_valid_through_its_last_day_and_expired_the_day_after():
    assert not is_expired(date(2026, 2, 28), today=date(2026, 2, 28))
    assert is_expired(date(2026, 2, 28), today=date(2026, 3, 1))


@override_settings(
    GEC_VALIDITY_MONTHS=12,
    GEC_LEGACY_BEFORE=date(2025, 1, 1),
    GEC_LEGACY_VALID_UNTIL=date(2026, 6, 30),
)
def test_the_lengths_and_dates_are_settings():
    assert expires_on(date(2025, 3, 1)) == date(2026, 2, 28)
    assert expires_on(date(2024, 12, 1)) == date(2026, 6, 30)
