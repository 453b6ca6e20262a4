"""The database refuses, by itself, writes that break the registry's invariants: each CHECK and
exclusion constraint and each trigger is shown refusing a direct write made around the services,
as a careless script or an attacker with SQL access would make it.

The rows are built through the real services (an issued offshore wind report, a retirement);
each case then writes one bad row in SQL and expects PostgreSQL's refusal, named.
"""

from datetime import timedelta
from decimal import Decimal

import psycopg.errors
import pytest
from django.apps import apps
from django.contrib.postgres.constraints import ExclusionConstraint
from django.db import DatabaseError, connection, transaction
from django.db.models import CheckConstraint
from django.test import override_settings

from accounts.models import Accreditation, Organization
from certificates.models import (
    CertificateBlock,
    CertificateCancellation,
    CertificateClaim,
    CertificateRange,
    LinkedGenerator,
)
from certificates.services import ccer_link
from certificates.services.claims import claim_certificates
from certificates.services.import_jobs import start_import_job
from certificates.services.imports import import_certificates
from certificates.validity import first_of_next_month
from compute.models import DataCentre, DataCentreYear, Reading, ReadingClaim, Workload
from compute.services.data_centres import register_data_centre
from compute.services.readings import record_reading
from compute.services.workloads import register_workload
from core import transparency
from core.audit import record_event
from core.models import AuditEntry, Job, LogNode, SignedTreeHead
from methodologies.models import (
    EfficiencyTier,
    EmissionFactor,
    EnergyConversion,
    Equation,
    GlobalWarmingPotential,
    Parameter,
    ProvinceGridRegion,
)
from registry.ledger.models import (
    CreditBlock,
    CreditTotal,
    HoldingAccount,
    Issuance,
    Movement,
    Retirement,
    RetirementTotal,
    SerialCounter,
)
from registry.ledger.services import movements
from registry.projects.models import Document, MonitoringReport, Project
from tests.certificates.conftest import credit_code, row, this_month
from tests.conftest import LINK_OUT_OF_REACH, role_users
from tests.registry.conftest import Lifecycle, LifecycleDates, cast, load_offshore_wind
from web.demo_documents import attach_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def rows(django_db_setup, django_db_blocker):
    """One row of every table the cases write to, made by the services once for the module,
    in a transaction that is rolled back at its end: each test runs inside it, in a savepoint
    of its own, so no case sees another's writes."""
    with (
        django_db_blocker.unblock(),
        override_settings(**LINK_OUT_OF_REACH),
        transaction.atomic(),
    ):
        parties = cast(role_users(), LifecycleDates.today())
        offshore_wind = load_offshore_wind()
        yield _rows(Lifecycle(parties, offshore_wind), parties, offshore_wind)
        transaction.set_rollback(True)


def _rows(lifecycle, parties, offshore_wind) -> dict[str, int]:
    report = lifecycle.report("issued")
    block = CreditBlock.objects.filter(issuance__report=report).order_by("first").first()
    movements.retire_credits(
        actor=parties["proponent"],
        block=block,
        quantity=10,
        beneficiary="A test beneficiary",
        purpose="public_good",
    )
    holder = parties["proponent"].organization
    holder.unified_social_credit_code = credit_code()
    holder.save(update_fields=["unified_social_credit_code"])
    import_certificates(actor=parties["operator"], rows=[row(holder, 1, 1000)])
    claim = claim_certificates(
        actor=parties["proponent"],
        block=CertificateBlock.objects.get(),
        quantity=100,
        period_start=this_month(),
        period_end=this_month(),
    )
    # Queued: the test's transaction never commits, so no task runs it.
    job = start_import_job(actor=parties["operator"], rows=[row(holder, 2001, 3000)])
    # The GEC-CCER link: a plant linked to the project, its certificates of this month frozen,
    # and 400 of them cancelled at the report's issuance.
    month_end = first_of_next_month(this_month()) - timedelta(days=1)
    with override_settings(GEC_CCER_LINK_FROM=this_month(), GEC_CCER_LINK_UNTIL=month_end):
        import_certificates(
            actor=parties["operator"], rows=[row(holder, 5001, 6000, generator_code="GEN-LINKED")]
        )
        link = {"generator_code": "GEN-LINKED", "period_start": this_month()}
        ccer_link.freeze_for_project(
            actor=parties["operator"],
            period_end=month_end,
            project_reference=report.project.reference,
            **link,
        )
        [cancellation] = ccer_link.cancel_for_issuance(
            actor=parties["operator"],
            period_end=month_end,
            mwh=Decimal("399.5"),
            issuance=Issuance.objects.get(report=report).pk,
            project_reference=report.project.reference,
            report_reference=report.reference,
            **link,
        )
    # A data centre's reading with 10 certificates claimed, then its correction.
    data_centre = register_data_centre(
        actor=parties["proponent"], name="Yizhuang computing centre", province="Beijing"
    )
    reading = {
        "actor": parties["proponent"],
        "data_centre": data_centre,
        "period_start": this_month(),
        "period_end": first_of_next_month(this_month()),
        "it_energy_kwh": Decimal(800000),
    }
    superseded = record_reading(
        **reading,
        total_energy_kwh=Decimal(1000000),
        certificates=[{"block": CertificateBlock.objects.get(state="active").pk, "quantity": 10}],
    ).reading
    current = record_reading(**reading, total_energy_kwh=Decimal(1100000)).reading
    # An AI workload hosted there, with a metric: rated 5, alone in its task.
    workload = register_workload(
        actor=parties["proponent"],
        name="Fine-tuning run",
        task="text_generation_training",
        model_parameters=7_000_000_000,
        accelerator="NVIDIA A100",
        accelerator_count=8,
        hours=Decimal(10),
        avg_power_watts=Decimal(400),
        data_centre=data_centre.pk,
        metric_name="tokens",
        metric_value=Decimal(1000000),
    )
    # A draft's design document, superseded by a second upload.
    draft = lifecycle.project("draft")
    attach_pdf(actor=parties["proponent"], kind="design_document", project=draft, title="v2")
    # The log sealed, then one entry more, not sealed yet.
    transparency.seal()
    unsealed = record_event(actor=None, action="test.unsealed", target=data_centre)
    return {
        "document": Document.objects.get(report=report, kind="monitoring_report").pk,
        "superseded_document": Document.objects.get(project=draft, superseded_by__isnull=False).pk,
        "unsealed_audit": unsealed.pk,
        "log_node": LogNode.objects.first().pk,
        "tree_head": SignedTreeHead.objects.first().pk,
        "data_centre": data_centre.pk,
        "workload": workload.pk,
        "reading": current.pk,
        "superseded_reading": superseded.pk,
        "reading_claim": ReadingClaim.objects.get().pk,
        "grid_region": ProvinceGridRegion.objects.first().pk,
        "efficiency_tier": EfficiencyTier.objects.first().pk,
        "energy_conversion": EnergyConversion.objects.first().pk,
        "job": job.pk,
        "linked_generator": LinkedGenerator.objects.get(generator_code="GEN-LINKED").pk,
        "certificate_cancellation": cancellation.pk,
        "cancelled_block": cancellation.block_id,
        "certificate_range": CertificateRange.objects.get(serial_first=1).pk,
        "certificate_block": CertificateBlock.objects.get(state="active").pk,
        "claimed_block": claim.block_id,
        "certificate_claim": claim.pk,
        "organization": parties["proponent"].organization_id,
        "accreditation": Accreditation.objects.first().pk,
        "methodology": offshore_wind.pk,
        "parameter": Parameter.objects.filter(methodology=offshore_wind).first().pk,
        "equation": Equation.objects.filter(methodology=offshore_wind).first().pk,
        "factor": EmissionFactor.objects.first().pk,
        "gwp": GlobalWarmingPotential.objects.first().pk,
        "project": report.project_id,
        "report": report.pk,
        "account": HoldingAccount.objects.filter(kind="holding").first().pk,
        "issuance": Issuance.objects.get(report=report).pk,
        "block": block.pk,
        "credit_total": CreditTotal.objects.first().pk,
        "movement": Movement.objects.first().pk,
        "retirement": Retirement.objects.first().pk,
        "retirement_total": RetirementTotal.objects.get().pk,
        "audit": AuditEntry.objects.first().pk,
        "counter": SerialCounter.objects.get().pk,
    }


def copy_row(model, pk: int, **overrides: str) -> str:
    """SQL inserting a copy of a row with some columns replaced by SQL expressions: for
    append-only tables, whose rows cannot be updated into a bad state."""
    columns = [f.column for f in model._meta.concrete_fields if not f.primary_key]
    if "id" in overrides:
        columns.insert(0, "id")
    quoted = [connection.ops.quote_name(column) for column in columns]
    values = [overrides.get(column, name) for column, name in zip(columns, quoted, strict=True)]
    table = model._meta.db_table
    return (
        f"INSERT INTO {table} ({', '.join(quoted)}) "
        f"SELECT {', '.join(values)} FROM {table} WHERE id = {pk}"
    )


def update_row(model, pk: int, assignments: str) -> str:
    return f"UPDATE {model._meta.db_table} SET {assignments} WHERE id = {pk}"


# constraint name -> the bad write (a statement, or statements run in order), built from the
# rows of the fixture. Written out by hand,
# one per constraint: what each constraint must refuse, not what the model happens to say.
CONSTRAINT_CASES = {
    "organization_kind_valid": lambda r: update_row(
        Organization, r["organization"], "kind = 'bank'"
    ),
    "organization_province_valid": lambda r: update_row(
        Organization, r["organization"], "province = 'Taipei'"
    ),
    "organization_credit_code_length": lambda r: update_row(
        Organization, r["organization"], "unified_social_credit_code = '91310000'"
    ),
    "accreditation_period_ordered": lambda r: update_row(
        Accreditation, r["accreditation"], "valid_to = valid_from - 1"
    ),
    "accreditation_sector_valid": lambda r: update_row(
        Accreditation, r["accreditation"], "sector = 'banking'"
    ),
    "audit_id_positive": lambda r: copy_row(AuditEntry, r["audit"], id="0"),
    "audit_leaf_index_not_negative": lambda r: copy_row(AuditEntry, r["audit"], leaf_index="-1"),
    "log_node_position_valid": lambda r: copy_row(LogNode, r["log_node"], level="-1"),
    "tree_head_size_positive": lambda r: copy_row(SignedTreeHead, r["tree_head"], tree_size="0"),
    # A published version cannot change at all (a trigger), so a draft copy is made bad.
    "methodology_status_valid": lambda r: copy_row(
        _methodology(), r["methodology"], version="'V99'", status="'approved'"
    ),
    "methodology_sector_valid": lambda r: copy_row(
        _methodology(), r["methodology"], version="'V99'", status="'draft'", sector="'banking'"
    ),
    "methodology_crediting_bounds_ordered": lambda r: copy_row(
        _methodology(),
        r["methodology"],
        version="'V99'",
        status="'draft'",
        crediting_years_min="10",
        crediting_years_max="7",
    ),
    "methodology_published_has_date": lambda r: copy_row(
        _methodology(), r["methodology"], version="'V99'", published_at="NULL"
    ),
    "methodology_data_centre_readings_mapping": lambda r: copy_row(
        _methodology(),
        r["methodology"],
        version="'V99'",
        status="'draft'",
        data_centre_readings="""'["E_IT"]'::jsonb""",
    ),
    "parameter_bounds_ordered": lambda r: (
        copy_row(_methodology(), r["methodology"], version="'V98'", status="'draft'"),
        copy_row(
            Parameter,
            r["parameter"],
            methodology_id="(SELECT id FROM methodologies_methodology WHERE version = 'V98')",
            minimum="10",
            maximum="1",
        ),
    ),
    "emission_factor_value": lambda r: copy_row(
        EmissionFactor, r["factor"], data_year="1999", value="-0.5"
    ),
    "gwp_value_positive": lambda r: copy_row(
        GlobalWarmingPotential, r["gwp"], gas="'SF6-test'", value="0"
    ),
    "project_status_valid": lambda r: update_row(Project, r["project"], "status = 'approved'"),
    "project_crediting_period_ordered": lambda r: update_row(
        Project, r["project"], "crediting_period_end = crediting_period_start"
    ),
    "project_submitted_has_publicity_end": lambda r: update_row(
        Project, r["project"], "publicity_ends_on = NULL"
    ),
    "document_kind_fits_object": lambda r: copy_row(
        Document, r["document"], kind="'design_document'"
    ),
    "document_not_empty": lambda r: copy_row(Document, r["document"], **EVIDENCE, size="0"),
    "document_sha256_hex": lambda r: copy_row(
        Document, r["document"], **EVIDENCE, sha256="upper(sha256)"
    ),
    "document_not_superseded_by_itself": lambda r: copy_row(
        Document, r["document"], id="1000000", kind="'evidence'", superseded_by_id="1000000"
    ),
    "report_status_valid": lambda r: update_row(MonitoringReport, r["report"], "status = 'paid'"),
    "report_period_ordered": lambda r: update_row(
        MonitoringReport, r["report"], "period_end = period_start - 1"
    ),
    "report_claim_not_negative": lambda r: update_row(
        MonitoringReport, r["report"], "claimed_reductions = -1, verified_reductions = NULL"
    ),
    "report_verified_within_claim": lambda r: update_row(
        MonitoringReport, r["report"], "verified_reductions = claimed_reductions + 1"
    ),
    "report_periods_do_not_overlap": lambda r: copy_row(MonitoringReport, r["report"]),
    "account_owner_matches_kind": lambda r: update_row(
        HoldingAccount, r["account"], "organization_id = NULL"
    ),
    "serial_counter_singleton": lambda r: update_row(SerialCounter, r["counter"], "id = 2"),
    "issuance_range_matches_quantity": lambda r: update_row(
        Issuance, r["issuance"], "quantity = quantity + 1"
    ),
    "block_range_matches_quantity": lambda r: update_row(
        CreditBlock, r["block"], "quantity = quantity + 1"
    ),
    "block_status_valid": lambda r: update_row(CreditBlock, r["block"], "status = 'lost'"),
    # A total taken below zero, as a movement counted twice out of it would.
    "credit_total_not_negative": lambda r: update_row(
        CreditTotal, r["credit_total"], "active = active - active - 1"
    ),
    # A retirement counted twice out of its month's row, a purpose the registry has no word
    # for, a month that is not the first day of one.
    "retirement_total_not_negative": lambda r: update_row(
        RetirementTotal, r["retirement_total"], "quantity = -1"
    ),
    "retirement_total_purpose_valid": lambda r: update_row(
        RetirementTotal, r["retirement_total"], "purpose = 'greenwashing'"
    ),
    "retirement_total_month_first_day": lambda r: update_row(
        RetirementTotal, r["retirement_total"], "month = month + 14"
    ),
    "block_ranges_do_not_overlap": lambda r: update_row(
        CreditBlock, r["block"], "last = last + 1, quantity = quantity + 1"
    ),
    "movement_range_matches_quantity": lambda r: copy_row(
        Movement, r["movement"], quantity="quantity + 1"
    ),
    # Imported rows are append-only: bad copies, moved clear of the stored serials.
    "certificate_range_matches_quantity": lambda r: copy_row(
        CertificateRange, r["certificate_range"], **AWAY, quantity="quantity + 1"
    ),
    "certificate_range_generation_type_valid": lambda r: copy_row(
        CertificateRange, r["certificate_range"], **AWAY, generation_type="'coal'"
    ),
    "certificate_range_province_valid": lambda r: copy_row(
        CertificateRange, r["certificate_range"], **AWAY, province="'Taipei'"
    ),
    "certificate_range_month_first_day": lambda r: copy_row(
        CertificateRange, r["certificate_range"], **AWAY, generation_month="generation_month + 1"
    ),
    "certificate_ranges_do_not_overlap": lambda r: copy_row(
        CertificateRange, r["certificate_range"]
    ),
    "certificate_block_range_matches_quantity": lambda r: update_row(
        CertificateBlock, r["certificate_block"], "quantity = quantity + 1"
    ),
    "certificate_block_state_valid": lambda r: update_row(
        CertificateBlock, r["certificate_block"], "state = 'lost'"
    ),
    # The holder's block reaching into the claimed block above it.
    "certificate_blocks_do_not_overlap": lambda r: update_row(
        CertificateBlock,
        r["certificate_block"],
        "serial_last = serial_last + 1, quantity = quantity + 1",
    ),
    "certificate_claim_period_ordered": lambda r: copy_row(
        CertificateClaim, r["certificate_claim"], period_end="period_start - 1"
    ),
    "certificate_claim_quantity_positive": lambda r: copy_row(
        CertificateClaim, r["certificate_claim"], quantity="0"
    ),
    "job_state_valid": lambda r: update_row(Job, r["job"], "state = 'lost'"),
    "job_rows_done_non_negative": lambda r: update_row(Job, r["job"], "rows_done = -1"),
    "job_rows_done_within_total": lambda r: update_row(Job, r["job"], "rows_done = rows_total + 1"),
    # A succeeded job needs a result and every row done: each case gives it only one of the two.
    "job_succeeded_every_row_done": lambda r: update_row(
        Job, r["job"], "state = 'succeeded', result = '{}', rows_done = 0"
    ),
    "job_result_when_succeeded": lambda r: update_row(
        Job, r["job"], "state = 'succeeded', rows_done = rows_total"
    ),
    "job_failed_names_errors": lambda r: update_row(
        Job, r["job"], "state = 'failed', errors = '[]'"
    ),
    "report_certificate_electricity_not_negative": lambda r: update_row(
        MonitoringReport, r["report"], "certificate_electricity_mwh = -1"
    ),
    # Linked plants are append-only: bad copies.
    "linked_generator_period_ordered": lambda r: copy_row(
        LinkedGenerator,
        r["linked_generator"],
        generator_code="'GEN-OTHER'",
        period_end="period_start - 1",
    ),
    "linked_generator_periods_do_not_overlap": lambda r: copy_row(
        LinkedGenerator,
        r["linked_generator"],
        period_start="period_end",
        period_end="period_end + 1",
    ),
    "province_grid_region_province_valid": lambda r: copy_row(
        ProvinceGridRegion, r["grid_region"], area="'Taipei'", province="'Taipei'"
    ),
    "efficiency_tier_pue_at_least_one": lambda r: copy_row(
        EfficiencyTier, r["efficiency_tier"], tier="'better than perfect'", pue_max="0.9"
    ),
    "energy_conversion_positive": lambda r: copy_row(
        EnergyConversion, r["energy_conversion"], carrier="'coal'", kgce_per_unit="0"
    ),
    "data_centre_province_valid": lambda r: update_row(
        DataCentre, r["data_centre"], "province = 'Taipei'"
    ),
    # Readings are corrected, never edited: bad copies, as history rows clear of the current one
    # (PostgreSQL checks CHECK constraints in the order of their names: each copy breaks one).
    "reading_period_not_empty": lambda r: copy_row(
        Reading, r["reading"], **HISTORY, period_end="period_start"
    ),
    "reading_within_one_year": lambda r: copy_row(
        Reading,
        r["reading"],
        **HISTORY,
        period_end="make_date(CAST(EXTRACT(YEAR FROM period_start) AS integer) + 1, 1, 2)",
    ),
    "reading_it_energy_within_total": lambda r: copy_row(
        Reading, r["reading"], **HISTORY, it_energy_kwh="total_energy_kwh + 1"
    ),
    "reading_onsite_renewable_within_total": lambda r: copy_row(
        Reading,
        r["reading"],
        **HISTORY,
        onsite_renewable_kwh="-1",
        grid_energy_kwh="total_energy_kwh + 1",
        green_energy_kwh="certificates_quantity * 1000 - 1",
    ),
    "reading_water_not_negative": lambda r: copy_row(
        Reading, r["reading"], **HISTORY, water_m3="-1"
    ),
    "reading_certificates_within_grid_energy": lambda r: copy_row(
        Reading,
        r["reading"],
        **HISTORY,
        certificates_quantity="-1",
        green_energy_kwh="onsite_renewable_kwh - 1000",
    ),
    "reading_grid_and_green_energy_add_up": lambda r: copy_row(
        Reading, r["reading"], **HISTORY, green_energy_kwh="green_energy_kwh + 1"
    ),
    # A second current reading of the same period.
    "readings_do_not_overlap": lambda r: copy_row(Reading, r["reading"], supersedes_id="NULL"),
    "data_centre_year_sums_possible": lambda r: (
        f"UPDATE {DataCentreYear._meta.db_table} SET it_energy_kwh = total_energy_kwh + 1 "
        f"WHERE data_centre_id = {r['data_centre']}"
    ),
    "workload_task_valid": lambda r: update_row(
        Workload, r["workload"], "task = 'translation_training'"
    ),
    "workload_accelerator_count_positive": lambda r: update_row(
        Workload, r["workload"], "accelerator_count = 0"
    ),
    "workload_hours_positive": lambda r: update_row(Workload, r["workload"], "hours = 0"),
    "workload_model_parameters_positive": lambda r: update_row(
        Workload, r["workload"], "model_parameters = 0"
    ),
    # Average power and metered energy both.
    "workload_power_or_metered_energy": lambda r: update_row(
        Workload, r["workload"], "metered_energy_kwh = 1"
    ),
    "workload_pue_at_least_one": lambda r: update_row(Workload, r["workload"], "pue = 0.9"),
    # A hosted run with a grid factor of its own too.
    "workload_host_or_grid_factor": lambda r: update_row(
        Workload, r["workload"], "grid_factor = 0.5"
    ),
    "workload_energy_includes_pue": lambda r: update_row(
        Workload, r["workload"], "energy_kwh = it_energy_kwh - 1"
    ),
    "workload_emissions_not_negative": lambda r: update_row(
        Workload, r["workload"], "emissions_kgco2e = -1"
    ),
    # A rating without its metric.
    "workload_rated_with_metric": lambda r: update_row(Workload, r["workload"], "metric_name = ''"),
    "workload_rating_within_bands": lambda r: update_row(
        Workload, r["workload"], "band_lowest_wh = energy_per_unit_wh + 1"
    ),
    # Alone in its task, the run is its band's only point: 5, never 4.
    "workload_rating_matches_band": lambda r: update_row(Workload, r["workload"], "rating = 4"),
    "idempotency_answer_whole": lambda r: (
        "INSERT INTO core_idempotencyrecord (created_at, organization_id, user_id, key, "
        "endpoint, request_hash, response_status, response_body) "
        "SELECT now(), organization_id, id, 'k-1', 'transfers', 'h', 201, NULL "
        f"FROM accounts_user WHERE organization_id = {r['organization']} LIMIT 1"
    ),
}


# Serials of a copied certificate row, clear of every stored one.
AWAY = {"serial_first": "serial_first + 1000000", "serial_last": "serial_last + 1000000"}
# A copied document as supporting evidence, which is never superseded nor unique of its kind.
EVIDENCE = {"kind": "'evidence'", "superseded_by_id": "NULL"}
# A copied reading as history: superseded, and superseding none.
HISTORY = {"superseded_at": "now()", "supersedes_id": "NULL"}


def _methodology():
    return apps.get_model("methodologies", "Methodology")


def sqlstate_and_name(error: DatabaseError) -> tuple[str, str | None]:
    cause = error.__cause__
    assert isinstance(cause, psycopg.Error), error
    return cause.sqlstate, cause.diag.constraint_name


@pytest.mark.parametrize("constraint", sorted(CONSTRAINT_CASES))
def test_the_database_refuses_a_write_that_breaks_the_constraint(rows, constraint):
    bad_write = CONSTRAINT_CASES[constraint](rows)
    bad_write = bad_write if isinstance(bad_write, tuple) else (bad_write,)

    with (
        pytest.raises(DatabaseError) as refused,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        for statement in bad_write:
            cursor.execute(statement)

    state, name = sqlstate_and_name(refused.value)
    # 23514: check_violation; 23P01: exclusion_violation.
    assert (state, name) in {("23514", constraint), ("23P01", constraint)}


# unique constraint name -> a second row for the same key, which the unique index refuses.
UNIQUE_CASES = {
    # Two rows for one month, purpose and stripe would let the kept sum be taken from either.
    "retirement_total_one_per_month_purpose_stripe": lambda r: copy_row(
        RetirementTotal, r["retirement_total"]
    ),
}


@pytest.mark.parametrize("constraint", sorted(UNIQUE_CASES))
def test_the_database_refuses_a_second_row_for_a_unique_key(rows, constraint):
    with (
        pytest.raises(DatabaseError) as refused,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(UNIQUE_CASES[constraint](rows))

    # 23505: unique_violation.
    assert sqlstate_and_name(refused.value) == ("23505", constraint)


def test_every_check_and_exclusion_constraint_has_a_refusal_case():
    declared = {
        constraint.name
        for model in apps.get_models()
        for constraint in model._meta.constraints
        if isinstance(constraint, CheckConstraint | ExclusionConstraint)
    }

    assert declared == set(CONSTRAINT_CASES)


# trigger -> the write it refuses. UPDATE and DELETE per row, TRUNCATE per statement.
TRIGGER_CASES = {
    # The sealer sets an entry's leaf index once, from empty, and changes nothing else.
    "core_auditentry_append_only": [
        lambda r: update_row(AuditEntry, r["audit"], "action = 'forged'"),
        lambda r: update_row(AuditEntry, r["audit"], "leaf_index = leaf_index + 1000"),
        lambda r: update_row(
            AuditEntry, r["unsealed_audit"], "leaf_index = 1000000, action = 'forged'"
        ),
        lambda r: f"DELETE FROM core_auditentry WHERE id = {r['audit']}",
    ],
    "core_auditentry_no_truncate": [lambda r: "TRUNCATE core_auditentry"],
    "core_lognode_append_only": [
        lambda r: update_row(LogNode, r["log_node"], "hash = sha256(hash)"),
        lambda r: f"DELETE FROM core_lognode WHERE id = {r['log_node']}",
    ],
    "core_lognode_no_truncate": [lambda r: "TRUNCATE core_lognode"],
    "core_signedtreehead_append_only": [
        lambda r: update_row(SignedTreeHead, r["tree_head"], "timestamp = timestamp + 1"),
        lambda r: f"DELETE FROM core_signedtreehead WHERE id = {r['tree_head']}",
    ],
    "core_signedtreehead_no_truncate": [lambda r: "TRUNCATE core_signedtreehead"],
    "methodologies_methodology_immutable": [
        lambda r: update_row(_methodology(), r["methodology"], "title = 'Edited'"),
        lambda r: update_row(_methodology(), r["methodology"], "status = 'draft'"),
        lambda r: f"DELETE FROM methodologies_methodology WHERE id = {r['methodology']}",
    ],
    "methodologies_parameter_immutable": [
        lambda r: update_row(Parameter, r["parameter"], "unit = 'kWh'"),
        lambda r: copy_row(Parameter, r["parameter"], symbol="'EXTRA'", position="99"),
        lambda r: f"DELETE FROM methodologies_parameter WHERE id = {r['parameter']}",
    ],
    "methodologies_parameter_no_truncate": [lambda r: "TRUNCATE methodologies_parameter"],
    "methodologies_equation_immutable": [
        lambda r: update_row(Equation, r["equation"], "expression = '0'"),
        lambda r: f"DELETE FROM methodologies_equation WHERE id = {r['equation']}",
    ],
    "methodologies_equation_no_truncate": [lambda r: "TRUNCATE methodologies_equation"],
    "methodologies_emissionfactor_append_only": [
        lambda r: update_row(EmissionFactor, r["factor"], "value = value + 0.1"),
        lambda r: f"DELETE FROM methodologies_emissionfactor WHERE id = {r['factor']}",
    ],
    "methodologies_emissionfactor_no_truncate": [lambda r: "TRUNCATE methodologies_emissionfactor"],
    "methodologies_globalwarmingpotential_append_only": [
        lambda r: update_row(GlobalWarmingPotential, r["gwp"], "value = 1"),
        lambda r: f"DELETE FROM methodologies_globalwarmingpotential WHERE id = {r['gwp']}",
    ],
    "methodologies_globalwarmingpotential_no_truncate": [
        lambda r: "TRUNCATE methodologies_globalwarmingpotential"
    ],
    "ledger_movement_append_only": [
        lambda r: update_row(Movement, r["movement"], "to_account_id = from_account_id"),
        lambda r: f"DELETE FROM ledger_movement WHERE id = {r['movement']}",
    ],
    "ledger_movement_no_truncate": [lambda r: "TRUNCATE ledger_movement"],
    "ledger_retirement_append_only": [
        lambda r: update_row(Retirement, r["retirement"], "beneficiary = 'Someone else'"),
        lambda r: f"DELETE FROM ledger_retirement WHERE id = {r['retirement']}",
    ],
    "ledger_retirement_no_truncate": [lambda r: "TRUNCATE ledger_retirement"],
    "certificates_certificaterange_append_only": [
        lambda r: update_row(CertificateRange, r["certificate_range"], "generator_name = 'X'"),
        lambda r: f"DELETE FROM certificates_certificaterange WHERE id = {r['certificate_range']}",
    ],
    # Blocks reference the rows: without CASCADE, PostgreSQL refuses before any trigger runs.
    "certificates_certificaterange_no_truncate": [
        lambda r: "TRUNCATE certificates_certificaterange CASCADE"
    ],
    "certificates_certificateclaim_append_only": [
        lambda r: update_row(CertificateClaim, r["certificate_claim"], "consumer = 'Someone'"),
        lambda r: f"DELETE FROM certificates_certificateclaim WHERE id = {r['certificate_claim']}",
    ],
    # Data centres' readings reference claims (compute_readingclaim): CASCADE, as for ranges.
    "certificates_certificateclaim_no_truncate": [
        lambda r: "TRUNCATE certificates_certificateclaim CASCADE"
    ],
    "certificates_linkedgenerator_append_only": [
        lambda r: update_row(
            LinkedGenerator, r["linked_generator"], "project_reference = 'P999999'"
        ),
        lambda r: f"DELETE FROM certificates_linkedgenerator WHERE id = {r['linked_generator']}",
    ],
    "certificates_linkedgenerator_no_truncate": [lambda r: "TRUNCATE certificates_linkedgenerator"],
    "certificates_certificatecancellation_append_only": [
        lambda r: update_row(
            CertificateCancellation, r["certificate_cancellation"], "issuance = issuance + 1"
        ),
        lambda r: (
            "DELETE FROM certificates_certificatecancellation "
            f"WHERE id = {r['certificate_cancellation']}"
        ),
    ],
    "certificates_certificatecancellation_no_truncate": [
        lambda r: "TRUNCATE certificates_certificatecancellation"
    ],
    "certificates_cancelled_block_fixed": [
        lambda r: update_row(CertificateBlock, r["cancelled_block"], "state = 'frozen'"),
        lambda r: f"DELETE FROM certificates_certificateblock WHERE id = {r['cancelled_block']}",
    ],
    "methodologies_provincegridregion_append_only": [
        lambda r: update_row(ProvinceGridRegion, r["grid_region"], "grid_region = 'CN-South'"),
        lambda r: f"DELETE FROM methodologies_provincegridregion WHERE id = {r['grid_region']}",
    ],
    "methodologies_provincegridregion_no_truncate": [
        lambda r: "TRUNCATE methodologies_provincegridregion"
    ],
    "methodologies_efficiencytier_append_only": [
        lambda r: update_row(EfficiencyTier, r["efficiency_tier"], "pue_max = 2"),
        lambda r: f"DELETE FROM methodologies_efficiencytier WHERE id = {r['efficiency_tier']}",
    ],
    "methodologies_efficiencytier_no_truncate": [lambda r: "TRUNCATE methodologies_efficiencytier"],
    "methodologies_energyconversion_append_only": [
        lambda r: update_row(EnergyConversion, r["energy_conversion"], "kgce_per_unit = 1"),
        lambda r: f"DELETE FROM methodologies_energyconversion WHERE id = {r['energy_conversion']}",
    ],
    "methodologies_energyconversion_no_truncate": [
        lambda r: "TRUNCATE methodologies_energyconversion"
    ],
    # A current reading's figures may be recomputed and it may be superseded, once; nothing else.
    "compute_reading_corrected_not_edited": [
        lambda r: update_row(Reading, r["reading"], "water_m3 = 1"),
        lambda r: update_row(Reading, r["reading"], "pue = pue + 1"),
        lambda r: update_row(Reading, r["superseded_reading"], "superseded_at = now()"),
        lambda r: update_row(Reading, r["superseded_reading"], "tier = '1'"),
        lambda r: f"DELETE FROM compute_reading WHERE id = {r['reading']}",
    ],
    # Claims reference readings: without CASCADE, PostgreSQL refuses before any trigger runs.
    "compute_reading_no_truncate": [lambda r: "TRUNCATE compute_reading CASCADE"],
    "compute_readingclaim_append_only": [
        lambda r: update_row(ReadingClaim, r["reading_claim"], "named_block = 0"),
        lambda r: f"DELETE FROM compute_readingclaim WHERE id = {r['reading_claim']}",
    ],
    "compute_readingclaim_no_truncate": [lambda r: "TRUNCATE compute_readingclaim"],
    # A current document may be marked superseded, once; nothing else changes, nothing goes.
    "projects_document_append_only": [
        lambda r: update_row(Document, r["document"], "filename = 'other.pdf'"),
        lambda r: update_row(
            Document,
            r["document"],
            f"superseded_by_id = {r['superseded_document']}, sha256 = repeat('0', 64)",
        ),
        lambda r: update_row(Document, r["superseded_document"], "superseded_by_id = NULL"),
        lambda r: update_row(
            Document, r["superseded_document"], f"superseded_by_id = {r['document']}"
        ),
        lambda r: f"DELETE FROM projects_document WHERE id = {r['document']}",
    ],
    "projects_document_no_truncate": [lambda r: "TRUNCATE projects_document"],
    "certificates_claimed_block_fixed": [
        lambda r: update_row(CertificateBlock, r["claimed_block"], "state = 'active'"),
        lambda r: update_row(CertificateBlock, r["claimed_block"], "holder_id = holder_id"),
        lambda r: f"DELETE FROM certificates_certificateblock WHERE id = {r['claimed_block']}",
    ],
}


@pytest.mark.parametrize(
    ("trigger", "case"),
    [(trigger, index) for trigger, cases in TRIGGER_CASES.items() for index in range(len(cases))],
)
def test_the_trigger_refuses_the_write(rows, trigger, case):
    bad_write = TRIGGER_CASES[trigger][case](rows)

    with (
        pytest.raises(DatabaseError) as refused,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # The test database alone lets TRUNCATE through (tests/conftest.py); not here.
        cursor.execute("SET LOCAL registry.allow_truncate = off")
        # The fixture's deferred foreign-key checks run now: TRUNCATE waits for none.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(bad_write)

    cause = refused.value.__cause__
    assert cause.sqlstate == "23001"  # restrict_violation, raised by the trigger
    assert bad_write.split()[0] in cause.diag.message_primary  # names the refused operation
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgname = %s AND tgenabled <> 'D'", [trigger]
        )
        assert cursor.fetchone() == (trigger,)


def test_every_trigger_in_the_database_has_a_refusal_case(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname")
        installed = {name for (name,) in cursor.fetchall()}

    assert installed == set(TRIGGER_CASES)


def test_a_published_version_may_still_move_on_to_superseded(rows):
    """The immutability trigger lets the status alone move on."""
    with connection.cursor() as cursor:
        cursor.execute(update_row(_methodology(), rows["methodology"], "status = 'superseded'"))
        cursor.execute(
            "SELECT status FROM methodologies_methodology WHERE id = %s", [rows["methodology"]]
        )
        assert cursor.fetchone() == ("superseded",)


def test_a_column_added_later_is_covered_by_the_immutability_trigger(rows):
    """The trigger compares whole rows, not a list of columns written when it was made."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE methodologies_methodology ADD COLUMN later text")
        with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
            cursor.execute(update_row(_methodology(), rows["methodology"], "later = 'x'"))
        transaction.set_rollback(True)
