"""Expiry by the periodic task: active certificates past their validity become expired, once,
audited."""

from datetime import date

import time_machine
from django.conf import settings

from certificates.models import CertificateBlock
from certificates.services.expiry import expire_certificates
from certificates.services.imports import import_certificates
from certificates.tasks import expire_certificates_task
from core.models import AuditEntry
from tests.certificates.conftest import row
from tests.conftest import shanghai_midnight


def imported(users, holders):
    import_certificates(
        actor=users["operator"],
        rows=[
            row(holders["holder"], 1, 100, generation_month="2024-03"),  # through 2026-02-28
            row(holders["holder"], 101, 200, generation_month="2024-04"),  # through 2026-03-31
            row(holders["holder"], 201, 300, generation_month="2023-05"),  # through 2025-12-31
        ],
    )
    return {block.serial_first: block for block in CertificateBlock.objects.all()}


def states() -> dict[int, str]:
    return dict(CertificateBlock.objects.values_list("serial_first", "state"))


def test_a_certificate_expires_the_day_after_its_last_valid_day(users, holders):
    with time_machine.travel(shanghai_midnight(date(2025, 6, 1))):
        imported(users, holders)

    assert expire_certificates(today=date(2025, 12, 31)) == 0
    assert expire_certificates(today=date(2026, 1, 1)) == 1
    assert states() == {1: "active", 101: "active", 201: "expired"}
    assert expire_certificates(today=date(2026, 2, 28)) == 0
    assert expire_certificates(today=date(2026, 3, 1)) == 1
    assert states() == {1: "expired", 101: "active", 201: "expired"}


def test_expiry_is_idempotent_and_audited(users, holders):
    with time_machine.travel(shanghai_midnight(date(2025, 6, 1))):
        imported(users, holders)

    assert expire_certificates(today=date(2026, 3, 1)) == 2
    assert expire_certificates(today=date(2026, 3, 1)) == 0

    entries = AuditEntry.objects.filter(action="certificates.expire").order_by("id")
    assert [entry.after["state"] for entry in entries] == ["expired", "expired"]
    assert all(entry.before == {"state": "active"} for entry in entries)


def test_claimed_and_frozen_blocks_do_not_expire(users, holders):
    with time_machine.travel(shanghai_midnight(date(2025, 6, 1))):
        blocks = imported(users, holders)
    CertificateBlock.objects.filter(pk=blocks[1].pk).update(state="frozen")

    expire_certificates(today=date(2027, 1, 1))

    assert states() == {1: "frozen", 101: "expired", 201: "expired"}


def test_the_periodic_task_expires_as_of_today(users, holders):
    with time_machine.travel(shanghai_midnight(date(2025, 6, 1))):
        imported(users, holders)

    with time_machine.travel(shanghai_midnight(date(2026, 1, 1))):
        assert expire_certificates_task() == 1

    assert states()[201] == "expired"


def test_the_task_is_declared_in_the_beat_schedule():
    declared = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "certificates.expire" in declared
