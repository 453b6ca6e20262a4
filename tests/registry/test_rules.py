"""The lifecycle's rules: independence, accreditation, eligibility, periods, versions."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone

from accounts import services as account_services
from core.errors import AccessDenied, InvalidInput, InvalidTransition
from methodologies import services as methodology_services
from registry.ledger.services import issuance
from registry.projects.models import MonitoringReport, Project
from registry.projects.services import projects, reports
from registry.projects.services.projects import (
    CONSTRUCTION_TOO_EARLY,
    CREDITING_TOO_LONG,
    CREDITING_TOO_SHORT,
    NOT_ACCREDITED,
    SECTOR_MISMATCH,
)
from registry.projects.services.reports import OVERLAP, TOO_OLD, VALIDATOR_MAY_NOT_VERIFY
from tests.conftest import client_for, make_organization, make_user
from tests.registry.conftest import MONITORED, no_publicity_wait, project_fields
from web.demo_documents import attach_pdf

pytestmark = pytest.mark.django_db

# The crediting period's length rules read no clock: periods that start on 1 January 2024.
FROM_2024 = {"crediting_period_start": date(2024, 1, 1)}


def test_estimate_is_computed_by_the_engine_not_typed(lifecycle):
    project = lifecycle.project()

    assert project.estimated_annual_reductions == Decimal("687370.875")
    assert project.estimate_trace["values"]["EF_grid_CM"]["value"] == "0.690825"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"sector": "forestry"}, "sector", SECTOR_MISMATCH.format(sector="energy_industries")),
        (
            {"construction_start": date(2012, 11, 8)},
            "construction_start",
            CONSTRUCTION_TOO_EARLY.format(cutoff=date(2012, 11, 8)),
        ),
        (
            {**FROM_2024, "crediting_period_end": date(2030, 12, 30)},
            "crediting_period_end",
            CREDITING_TOO_SHORT.format(years=7),
        ),
        (
            {**FROM_2024, "crediting_period_end": date(2034, 1, 1)},
            "crediting_period_end",
            CREDITING_TOO_LONG.format(years=10),
        ),
    ],
)
def test_design_rules_refuse_naming_the_field(changes, field, message, parties, offshore_wind):
    fields = project_fields(parties["verifier"].organization, offshore_wind, **changes)

    with pytest.raises(InvalidInput) as error:
        projects.create_project(actor=parties["proponent"], **fields)

    assert error.value.errors == {field: [message]}
    assert not Project.objects.exists()


def test_crediting_bounds_are_inclusive(parties, offshore_wind):
    for end in (date(2030, 12, 31), date(2033, 12, 31)):  # exactly 7 and exactly 10 years
        fields = project_fields(
            parties["verifier"].organization,
            offshore_wind,
            **FROM_2024,
            crediting_period_end=end,
        )
        assert projects.create_project(actor=parties["proponent"], **fields).pk


def test_a_project_keeps_its_version_when_a_new_one_is_published(lifecycle, offshore_wind):
    project = lifecycle.project("registered")
    data = methodology_services.methodology_snapshot(offshore_wind)
    # V02 credits twice as much for the same electricity: a report computed by it would show.
    equations = [
        {**equation, "expression": f"2 * ({equation['expression']})"}
        if equation["symbol"] == "ER"
        else equation
        for equation in data["equations"]
    ]
    v2 = methodology_services.create_methodology(
        actor=None,
        code="CCER-01-002",
        version="V02",
        title=offshore_wind.title,
        sector=offshore_wind.sector,
        parameters=list(
            offshore_wind.parameters.values(
                "symbol", "name", "unit", "kind", "series", "default", "minimum", "maximum"
            )
        ),
        equations=equations,
        result="ER",
    )
    v2 = methodology_services.publish_methodology(actor=None, methodology=v2)
    by_v2 = methodology_services.calculate_methodology(
        methodology=v2, parameters={**MONITORED, "EF_grid_OM": "0.7921", "EF_grid_BM": "0.3870"}
    )
    assert by_v2.result.value == Decimal("1374741.75")  # 2 x 687,370.875

    report = lifecycle.report(project=project)

    assert Project.objects.get(pk=project.pk).methodology_id == offshore_wind.pk
    assert report.claimed_reductions == Decimal("687370.875")


def test_an_unaccredited_verifier_cannot_validate(lifecycle, parties):
    stranger = make_user(make_organization("verifier"))
    project = projects.create_project(
        actor=parties["proponent"],
        **project_fields(stranger.organization, lifecycle.methodology),
    )
    with no_publicity_wait:
        attach_pdf(actor=parties["proponent"], kind="design_document", project=project)
        project = projects.submit_project(actor=parties["proponent"], project=project)

        with pytest.raises(AccessDenied) as error:
            projects.validate_project(
                actor=stranger, project=project, opinion="positive", report=""
            )

    assert error.value.message == NOT_ACCREDITED.format(
        verifier=stranger.organization.name, sector="energy_industries", date=timezone.localdate()
    )


def test_an_expired_accreditation_does_not_count(lifecycle, parties):
    lapsed = make_user(make_organization("verifier"))
    account_services.add_accreditation(
        actor=None,
        organization=lapsed.organization,
        sector="energy_industries",
        valid_from=date(2020, 1, 1),
        valid_to=timezone.localdate() - timedelta(days=1),  # lapsed yesterday
    )
    project = projects.create_project(
        actor=parties["proponent"], **project_fields(lapsed.organization, lifecycle.methodology)
    )
    with no_publicity_wait:
        attach_pdf(actor=parties["proponent"], kind="design_document", project=project)
        project = projects.submit_project(actor=parties["proponent"], project=project)
        with pytest.raises(AccessDenied):
            projects.validate_project(actor=lapsed, project=project, opinion="positive", report="")

    assert Project.objects.get(pk=project.pk).status == "publicity"


def test_the_validating_body_cannot_verify_the_same_project(lifecycle, parties, dates):
    project = lifecycle.project("registered")

    with pytest.raises(InvalidInput) as error:
        reports.create_report(
            actor=parties["proponent"],
            project=project,
            parameters=MONITORED,
            verifier=parties["verifier"].organization,  # the validator
            **dates.period,
        )

    assert error.value.errors == {"verifier": [VALIDATOR_MAY_NOT_VERIFY]}


def test_an_overlapping_report_is_refused(lifecycle):
    first = lifecycle.report("draft")

    with pytest.raises(InvalidInput) as error:
        # Its first day is the last day of the other one.
        lifecycle.report(
            project=first.project,
            period_start=first.period_end,
            period_end=first.period_end + timedelta(days=92),
        )

    assert error.value.errors == {
        "period_start": [
            OVERLAP.format(
                reference=first.reference, start=first.period_start, end=first.period_end
            )
        ]
    }


def test_a_withdrawn_report_releases_its_period(lifecycle):
    withdrawn = lifecycle.report("withdrawn")

    again = lifecycle.report(project=withdrawn.project)

    assert again.period_start == withdrawn.period_start


def test_postgresql_refuses_an_overlapping_report_around_the_services(lifecycle):
    first = lifecycle.report("draft")
    clone = MonitoringReport.objects.values().get(pk=first.pk)
    clone.pop("id")

    with pytest.raises(IntegrityError), transaction.atomic():
        MonitoringReport.objects.create(**clone)


def test_a_claim_reaches_back_at_most_five_years(lifecycle):
    project = lifecycle.project("registered")

    with override_settings(CLAIM_LOOKBACK_YEARS=1), pytest.raises(InvalidInput) as error:
        lifecycle.report(project=project)

    assert list(error.value.errors) == ["period_start"]
    assert error.value.errors["period_start"][0].startswith(TOO_OLD.split(":")[0].format(years=1))


def test_verified_never_exceeds_claimed(lifecycle, parties):
    report = lifecycle.report("verification")

    with pytest.raises(InvalidInput) as error:
        reports.verify_report(
            actor=parties["verifier2"],
            report=report,
            opinion="positive",
            verified_reductions=report.claimed_reductions + Decimal("0.000001"),
        )

    assert list(error.value.errors) == ["verified_reductions"]


def test_a_negative_opinion_rejects(lifecycle, parties):
    report = lifecycle.report("verification")

    report = reports.verify_report(
        actor=parties["verifier2"],
        report=report,
        opinion="negative",
        verified_reductions=Decimal(0),
    )

    assert report.status == "rejected"


def test_issuing_rounds_down_and_writes_one_block_per_vintage(lifecycle, parties, dates):
    last_year = dates.year - 1  # the last whole calendar year, within the lookback
    report = lifecycle.report(
        "verification", period_start=date(last_year, 1, 1), period_end=date(last_year, 12, 31)
    )
    report = reports.verify_report(
        actor=parties["verifier2"],
        report=report,
        opinion="positive",
        verified_reductions=Decimal("1000.999999"),
    )

    created = issuance.issue_credits(actor=parties["operator"], report=report)

    assert created.quantity == 1000
    [block] = created.blocks.all()
    assert (block.vintage, block.quantity, block.last - block.first + 1) == (last_year, 1000, 1000)


def test_nothing_to_issue_below_one_credit(lifecycle, parties):
    report = lifecycle.report("verification")
    report = reports.verify_report(
        actor=parties["verifier2"],
        report=report,
        opinion="positive",
        verified_reductions=Decimal("0.9"),
    )

    with pytest.raises(InvalidTransition):
        issuance.issue_credits(actor=parties["operator"], report=report)


def test_split_by_vintage_sums_exactly():
    parts = issuance.split_by_vintage(date(2023, 12, 31), date(2025, 1, 1), 1_000_000_000)

    assert sum(parts.values()) == 1_000_000_000
    assert set(parts) == {2023, 2024, 2025}
    assert parts[2023] == parts[2025]


def test_a_billion_credits_are_one_block(lifecycle, parties, dates):
    project = lifecycle.project("registered")
    report = reports.create_report(
        actor=parties["proponent"],
        project=project,
        parameters={"EG_export": ["1500000000"], "EG_import": ["0"]},
        verifier=parties["verifier2"].organization,
        period_start=date(dates.year - 1, 1, 1),
        period_end=date(dates.year - 1, 12, 31),
    )
    with no_publicity_wait:
        attach_pdf(actor=parties["proponent"], kind="monitoring_report", report=report)
        report = reports.submit_report(actor=parties["proponent"], report=report)
        attach_pdf(actor=parties["verifier2"], kind="verification_report", report=report)
        report = reports.verify_report(
            actor=parties["verifier2"],
            report=report,
            opinion="positive",
            verified_reductions=Decimal("1000000000.9"),
        )

    # Far above the design's 687,370.875 tCO2e a year: issued on the operator's override.
    created = issuance.issue_credits(
        actor=parties["operator"], report=report, override=True, reason="Metered, checked."
    )

    [block] = created.blocks.all()
    assert (created.quantity, block.quantity) == (1_000_000_000, 1_000_000_000)
    assert block.last - block.first + 1 == 1_000_000_000


def test_overdue_reviews_are_listed(lifecycle, parties, clients):
    due = lifecycle.project("registration_review")
    late = lifecycle.project("registration_review")
    Project.objects.filter(pk=late.pk).update(review_due_on=date(2020, 1, 1))

    response = clients["operator"].get("/api/v1/projects/", {"review_overdue": "true"})

    assert [p["id"] for p in response.json()["results"]] == [late.pk]
    assert response.json()["results"][0]["review_overdue"] is True
    assert Project.objects.get(pk=due.pk).review_due_on > date(2020, 1, 1)


def test_a_report_on_a_project_the_caller_cannot_see_is_a_bad_field(lifecycle, parties, dates):
    hidden = lifecycle.project("draft")
    stranger = make_user(make_organization("proponent"))

    response = client_for(stranger).post(
        "/api/v1/monitoring-reports/",
        {
            "project": hidden.pk,
            "period_start": dates.period_start.isoformat(),
            "period_end": dates.period_end.isoformat(),
            "parameters": {},
            "verifier": parties["verifier2"].organization.pk,
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"project": [f'Invalid pk "{hidden.pk}" - object does not exist.']}
