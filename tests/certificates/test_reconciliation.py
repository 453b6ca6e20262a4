"""The blocks of each imported row partition its range; the check names what breaks that."""

import pytest

from certificates.models import CertificateBlock, ReconciliationRun
from certificates.reconciliation import (
    GAP,
    NO_BLOCKS,
    OUTSIDE,
    OVERLAP,
    SUM,
    reconcile,
)
from certificates.services.claims import claim_certificates
from certificates.tasks import reconcile_certificates
from core.partitions import range_problems
from tests.certificates.conftest import this_month


def test_claims_keep_the_partition(users, block):
    for quantity in (1, 10, 100, 889):
        current = CertificateBlock.objects.filter(state="active").get()
        claim_certificates(
            actor=users["proponent"],
            block=current,
            quantity=quantity,
            period_start=this_month(),
            period_end=this_month(),
        )

    result = reconcile()

    assert result.ok and result.ranges_checked == 1 and result.blocks_checked == 4
    assert not CertificateBlock.objects.filter(state="active").exists()


def test_a_gap_made_around_the_services_is_found(users, block):
    # Shrinking a block leaves serials no block holds.
    CertificateBlock.objects.filter(pk=block.pk).update(serial_last=1990, quantity=990)

    result = reconcile()

    assert not result.ok
    assert result.problems == [
        {"range": block.source_id, "problem": GAP, "first": 1991, "last": 2000},
        {"range": block.source_id, "problem": SUM, "imported": 1000, "in_blocks": 990},
    ]


@pytest.mark.parametrize(
    ("blocks", "problems"),
    [
        ([(1, 10, 10)], []),
        ([(1, 4, 4), (5, 10, 6)], []),
        ([(1, 4, 4), (6, 10, 5)], [{"problem": GAP, "first": 5, "last": 5},
                                    {"problem": SUM, "imported": 10, "in_blocks": 9}]),
        ([(1, 5, 5), (5, 10, 6)], [{"problem": OVERLAP, "first": 5, "last": 5},
                                    {"problem": SUM, "imported": 10, "in_blocks": 11}]),
        ([(1, 11, 11)], [{"problem": OUTSIDE, "first": 1, "last": 11},
                         {"problem": SUM, "imported": 10, "in_blocks": 11}]),
        ([], [{"problem": NO_BLOCKS, "first": 1, "last": 10}]),
    ],
)  # fmt: skip
def test_range_problems(blocks, problems):
    assert list(range_problems(1, 10, 10, blocks, whole="imported")) == problems


def test_the_periodic_task_records_each_run(users, block):
    first = ReconciliationRun.objects.get(pk=reconcile_certificates())
    CertificateBlock.objects.filter(pk=block.pk).update(serial_last=1990, quantity=990)
    second = ReconciliationRun.objects.get(pk=reconcile_certificates())

    assert (first.ok, first.ranges_checked, first.blocks_checked, first.problem_count) == (
        True,
        1,
        1,
        0,
    )
    assert (second.ok, second.problem_count) == (False, 2)
    assert second.problems[0] == {
        "range": block.source_id,
        "problem": GAP,
        "first": 1991,
        "last": 2000,
    }


def test_the_task_runs_on_the_beat_schedule(settings):
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "certificates.reconcile" in schedule
