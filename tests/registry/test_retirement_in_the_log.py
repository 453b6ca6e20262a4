"""An outsider checks a retirement certificate's entry in the transparency log with
scripts/verify_log.py, knowing only the certificate's id."""

import pytest

from registry.ledger.services import movements
from tests.core.test_verify_log_script import verify


@pytest.mark.django_db(transaction=True)
def test_the_verifier_finds_a_retirement_certificate_in_the_signed_tree(
    live_server, lifecycle, parties
):
    report = lifecycle.report("issued")
    block = report.issuance.blocks.order_by("first").first()
    certificate = movements.retire_credits(
        actor=parties["proponent"],
        block=block,
        quantity=10,
        beneficiary="Expo 2026",
        purpose="event_neutrality",
    )  # sealed as it commits: no broker in the suite

    result = verify(live_server.url, "--retirement", str(certificate.pk))

    assert result.returncode == 0, result.stderr
    # A retirement is a public record: its bytes are served and recomputed.
    assert "included: entry bytes and leaf hash" in result.stdout

    missing = verify(live_server.url, "--retirement", str(certificate.pk + 1000))
    assert missing.returncode == 2
