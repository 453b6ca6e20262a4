"""The GEC-CCER link (NEA/MEE notice 国能综通新能〔2024〕124号): an offshore wind project names its
plant; registering it freezes the plant's untraded certificates of the crediting period in the
link's window, and later imports arrive frozen; a report claims no more net electricity than the
frozen certificates of its months; issuing its credits cancels ceil(MWh) of them, lowest serials
first, publicly. Every date is laid out around this month, and the link's window around it too,
so the tests hold on any clock (`make test` reruns them on other dates)."""

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection

from certificates.models import (
    CertificateBlock,
    CertificateCancellation,
    LinkedGenerator,
)
from certificates.reconciliation import reconcile
from certificates.services import ccer_link
from certificates.services.claims import claim_certificates
from certificates.services.expiry import expire_certificates
from certificates.services.imports import import_certificates
from certificates.validity import add_months
from core.errors import Conflict, InvalidInput
from core.models import AuditEntry
from methodologies import services as methodology_services
from methodologies.library import LibraryError, load_library, shipped_versions
from methodologies.models import Methodology
from registry.ledger.models import Issuance
from registry.ledger.services import issuance
from registry.projects.models import MonitoringReport, Project
from registry.projects.services import projects, reports
from registry.projects.services.projects import GENERATOR_NOT_LINKED, GENERATOR_REQUIRED
from tests.certificates.conftest import credit_code, row, this_month
from tests.conftest import client_for, log_intact, shanghai_midnight
from tests.registry.conftest import DESIGN_PARAMETERS, no_publicity_wait, project_fields
from web.demo_documents import attach_pdf

PLANT = "GEN-JS-LINKED-01"
OTHER_PLANT = "GEN-JS-OTHER-02"


def month(offset: int) -> date:
    """The first day of the month `offset` months from this one."""
    return add_months(this_month(), offset)


def ym(offset: int) -> str:
    return f"{month(offset):%Y-%m}"


def period() -> dict[str, date]:
    """The monitoring period of the reports: the six months before this one."""
    return {"period_start": month(-6), "period_end": month(0) - timedelta(days=1)}


@pytest.fixture
def window(settings):
    """The link governs the twelve months before this one and the twelve from it."""
    settings.GEC_CCER_LINK_FROM = month(-12)
    settings.GEC_CCER_LINK_UNTIL = month(12) - timedelta(days=1)
    return settings


@pytest.fixture
def holder(parties):
    """The company holds its plant's certificates: its organisation, with a credit code."""
    organization = parties["proponent"].organization
    organization.unified_social_credit_code = credit_code()
    organization.save(update_fields=["unified_social_credit_code"])
    return organization


def import_rows(parties, holder, *specs) -> None:
    """Rows of (serial_first, serial_last, month offset[, plant]), imported by the operator."""
    import_certificates(
        actor=parties["operator"],
        rows=[
            row(
                holder,
                spec[0],
                spec[1],
                generation_month=ym(spec[2]),
                generator_code=spec[3] if len(spec) > 3 else PLANT,
            )
            for spec in specs
        ],
    )


def states() -> dict[int, tuple[int, str]]:
    """Each block by its first serial: (last serial, state)."""
    return {
        block.serial_first: (block.serial_last, block.state)
        for block in CertificateBlock.objects.all()
    }


def file_report(parties, project, export: str, taken: str = "0", **period_fields):
    """A report whose net electricity is `export` - `taken` MWh (meter errors 0)."""
    return reports.create_report(
        actor=parties["proponent"],
        project=project,
        parameters={"EG_export": [export], "EG_import": [taken]},
        verifier=parties["verifier2"].organization,
        **{**period(), **period_fields},
    )


def issue(parties, report) -> Issuance:
    """Submit, verify the claimed amount, and issue: through the real services."""
    with no_publicity_wait:
        attach_pdf(actor=parties["proponent"], kind="monitoring_report", report=report)
        report = reports.submit_report(actor=parties["proponent"], report=report)
        reports.close_report_publicity(report_id=report.pk)
        report = MonitoringReport.objects.get(pk=report.pk)
        attach_pdf(actor=parties["verifier2"], kind="verification_report", report=report)
        report = reports.verify_report(
            actor=parties["verifier2"],
            report=report,
            opinion="positive",
            verified_reductions=report.claimed_reductions,
        )
        return issuance.issue_credits(actor=parties["operator"], report=report)


@pytest.fixture
def registered(lifecycle, window, holder):
    """A registered offshore wind project of the plant."""
    return lifecycle.project("registered", generator_code=PLANT)


# --- The methodology names the electricity ----------------------------------------------------


def test_the_shipped_grid_power_methodologies_name_their_net_electricity(offshore_wind):
    linked = dict(Methodology.objects.values_list("code", "certificate_electricity"))

    assert linked == {
        "CCER-01-001": "EG_PJ",
        "CCER-01-002": "EG_PJ",
        "CR-AI-001": "",
        "CR-DC-001": "",
    }
    shown = client_for(None).get(f"/api/v1/methodologies/{offshore_wind.pk}/").json()
    assert shown["certificate_electricity"] == "EG_PJ"


@pytest.mark.parametrize(
    ("symbol", "message"),
    [
        ("EG_missing", methodology_services.CERTIFICATE_ELECTRICITY_UNKNOWN.format(
            symbol="EG_missing")),
        # A parameter is no equation: the link reads the methodology's own net electricity.
        ("EG_export", methodology_services.CERTIFICATE_ELECTRICITY_UNKNOWN.format(
            symbol="EG_export")),
        ("EF_grid_CM", methodology_services.CERTIFICATE_ELECTRICITY_NOT_ENERGY.format(
            symbol="EF_grid_CM", unit="tCO2/MWh")),
    ],
)  # fmt: skip
def test_the_certificate_electricity_is_an_equation_in_energy(offshore_wind, symbol, message):
    data = methodology_services.methodology_snapshot(offshore_wind)
    fields = {
        "code": "CCER-01-002",
        "title": offshore_wind.title,
        "sector": offshore_wind.sector,
        "parameters": list(
            offshore_wind.parameters.values(
                "symbol", "name", "unit", "kind", "series", "default", "minimum", "maximum"
            )
        ),
        "equations": data["equations"],
        "result": "ER",
    }

    with pytest.raises(InvalidInput) as refused:
        methodology_services.create_methodology(
            actor=None, version="V07", certificate_electricity=symbol, **fields
        )

    assert refused.value.errors == {"certificate_electricity": [message]}
    linked = methodology_services.create_methodology(
        actor=None, version="V08", certificate_electricity="EG_PJ", **fields
    )
    assert linked.certificate_electricity == "EG_PJ"


def test_a_stored_version_that_does_not_name_its_electricity_stops_the_library_load(db):
    shipped = next(s for s in shipped_versions() if s.identifier == "CCER-01-002-V01")
    methodology_services.create_methodology(
        actor=None, **{**shipped.data, "certificate_electricity": ""}
    )

    with pytest.raises(
        LibraryError, match=r"CCER-01-002-V01\.json differs .* certificate_electricity"
    ):
        load_library()


def test_the_window_defaults_to_the_notices_two_years():
    from config.settings import base

    window = (base.GEC_CCER_LINK_FROM, base.GEC_CCER_LINK_UNTIL)

    assert window == (date(2024, 10, 1), date(2026, 9, 30))


# --- The project names its plant --------------------------------------------------------------


def test_a_project_whose_electricity_earns_certificates_must_name_its_plant(
    parties, offshore_wind, dates
):
    body = {
        "title": "Donghai Bridge offshore wind farm phase III",
        "methodology": offshore_wind.pk,
        "sector": "energy_industries",
        "province": "Shanghai",
        "construction_start": dates.construction_start.isoformat(),
        "crediting_period_start": dates.crediting_period_start.isoformat(),
        "crediting_period_end": dates.crediting_period_end.isoformat(),
        "parameters": DESIGN_PARAMETERS,
        "verifier": parties["verifier"].organization.pk,
    }
    company = client_for(parties["proponent"])

    for missing in ({}, {"generator_code": "  "}):
        response = company.post("/api/v1/projects/", {**body, **missing}, format="json")
        assert (response.status_code, response.json()) == (
            400,
            {"generator_code": [GENERATOR_REQUIRED.format(identifier="CCER-01-002-V01")]},
        )
    assert not Project.objects.exists()

    response = company.post(
        "/api/v1/projects/", {**body, "generator_code": f" {PLANT} "}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["generator_code"] == PLANT
    assert Project.objects.get().generator_code == PLANT


def test_a_project_whose_electricity_earns_no_certificates_names_no_plant(parties, offshore_wind):
    data_centres = Methodology.objects.get(code="CR-DC-001")
    fields = project_fields(
        parties["verifier"].organization,
        data_centres,
        sector="digital_infrastructure",
        generator_code=PLANT,
    )

    with pytest.raises(InvalidInput) as refused:
        projects.create_project(actor=parties["proponent"], **fields)

    assert refused.value.errors["generator_code"] == [
        GENERATOR_NOT_LINKED.format(identifier="CR-DC-001-V01")
    ]
    assert not Project.objects.exists()


# --- Registration freezes ---------------------------------------------------------------------


def test_registration_freezes_the_plants_untraded_certificates_of_the_linked_months(
    lifecycle, parties, window, holder
):
    project = lifecycle.project("registration_review", generator_code=PLANT)
    import_rows(
        parties,
        holder,
        (1, 1000, -6),  # frozen
        (1001, 2000, -3),  # its upper 100 claimed first: the rest frozen
        (2001, 2500, -14),  # before the window: stays active
        (3001, 3500, -6, OTHER_PLANT),  # another plant: stays active
        (4001, 4300, 2),  # in the window, generated later: frozen too
    )
    claim_certificates(
        actor=parties["proponent"],
        block=CertificateBlock.objects.get(serial_first=1001),
        quantity=100,
        period_start=month(-3),
        period_end=month(-3),
    )

    projects.register_project(actor=parties["operator"], project=project)

    assert states() == {
        1: (1000, "frozen"),
        1001: (1900, "frozen"),
        1901: (2000, "claimed"),
        2001: (2500, "active"),
        3001: (3500, "active"),
        4001: (4300, "frozen"),
    }
    link = LinkedGenerator.objects.get()
    assert (link.generator_code, link.project_reference) == (PLANT, project.reference)
    assert (link.period_start, link.period_end) == (
        project.crediting_period_start,
        project.crediting_period_end,
    )
    entries = AuditEntry.objects.filter(action="certificates.freeze").order_by("id")
    assert [entry.after["serial"] for entry in entries] == [
        f"GEC-{PLANT}-{month(-6):%Y%m}-1-1000",
        f"GEC-{PLANT}-{month(-3):%Y%m}-1001-1900",
        f"GEC-{PLANT}-{month(2):%Y%m}-4001-4300",
    ]
    assert {entry.after["project"] for entry in entries} == {project.reference}
    assert {entry.actor_username for entry in entries} == {"operator"}
    assert reconcile().ok
    assert log_intact()


def test_registration_leaves_expired_certificates_expired(lifecycle, parties, window, holder):
    """Only untraded, valid certificates are frozen: the date decides, task or no task."""
    project = lifecycle.project("registration_review", generator_code=PLANT)
    import_rows(parties, holder, (1, 100, -6))
    expiry = CertificateBlock.objects.get().expires_on

    with time_machine.travel(shanghai_midnight(expiry + timedelta(days=1))):
        projects.register_project(actor=parties["operator"], project=project)

    assert states() == {1: (100, "active")}  # not expired by the task yet, and not frozen


def test_certificates_imported_after_registration_arrive_frozen(registered, parties, holder):
    import_rows(
        parties,
        holder,
        (1, 1000, -5),  # frozen
        (1001, 1500, -14),  # before the window: active
        (2001, 2200, -5, OTHER_PLANT),  # another plant: active
    )

    assert states() == {1: (1000, "frozen"), 1001: (1500, "active"), 2001: (2200, "active")}
    [entry] = AuditEntry.objects.filter(action="certificates.freeze")
    assert entry.after["serial"] == f"GEC-{PLANT}-{month(-5):%Y%m}-1-1000"
    assert entry.after["project"] == registered.reference
    assert entry.object_id == str(CertificateBlock.objects.get(serial_first=1).pk)


def test_frozen_certificates_do_not_expire(registered, parties, holder):
    import_rows(parties, holder, (1, 100, -6), (101, 200, -6, OTHER_PLANT))
    long_after = CertificateBlock.objects.get(serial_first=1).expires_on + timedelta(days=400)

    assert expire_certificates(today=long_after) == 1

    assert states() == {1: (100, "frozen"), 101: (200, "expired")}


def test_a_plant_earns_credits_under_one_project_at_a_time(registered, lifecycle, parties):
    second = lifecycle.project("registration_review", generator_code=PLANT)

    with pytest.raises(Conflict) as refused:
        projects.register_project(actor=parties["operator"], project=second)

    assert refused.value.message == ccer_link.GENERATOR_LINKED.format(
        generator=PLANT,
        project=registered.reference,
        start=registered.crediting_period_start,
        end=registered.crediting_period_end,
    )
    assert Project.objects.get(pk=second.pk).status == "registration_review"
    assert LinkedGenerator.objects.count() == 1


def test_the_frozen_certificates_are_public_on_the_project(registered, parties, holder):
    import_rows(parties, holder, (1, 1000, -6), (1001, 1100, -14))

    shown = client_for(None).get(f"/api/v1/projects/{registered.pk}/").json()
    page = client_for(None).get(f"/projects/{registered.pk}/").content.decode()

    assert shown["generator_code"] == PLANT
    frozen = shown["frozen_certificates"]
    assert [(b["serial_first"], b["serial_last"], b["state"]) for b in frozen] == [
        (1, 1000, "frozen")
    ]
    assert "holder" not in frozen[0]
    assert PLANT in page and f"GEC-{PLANT}-{month(-6):%Y%m}-1-1000" in page


# --- The report's cap -------------------------------------------------------------------------


@pytest.fixture
def frozen(registered, parties, holder):
    """1,500 frozen certificates in the report's months, 1,000 outside them (the month before
    the period and this month, after it)."""
    import_rows(
        parties,
        holder,
        (1, 1000, -6),
        (1001, 1500, -3),
        (2001, 2700, -7),
        (3001, 3300, 0),
    )
    return registered


@pytest.mark.parametrize(("export", "taken"), [("1500", "0"), ("1600", "100")])
def test_a_report_may_claim_the_electricity_its_frozen_certificates_cover(
    frozen, parties, export, taken
):
    report = file_report(parties, frozen, export, taken)

    assert report.certificate_electricity_mwh == Decimal("1500")
    shown = client_for(parties["proponent"]).get(f"/api/v1/monitoring-reports/{report.pk}/")
    assert shown.json()["certificate_electricity_mwh"] == "1500"
    entry = AuditEntry.objects.get(action="monitoringreport.create")
    assert entry.after["certificate_electricity_mwh"] == "1500.000000"


def test_a_report_claiming_more_than_its_frozen_certificates_cover_is_refused(frozen, parties):
    response = client_for(parties["proponent"]).post(
        "/api/v1/monitoring-reports/",
        {
            "project": frozen.pk,
            "period_start": month(-6).isoformat(),
            "period_end": (month(0) - timedelta(days=1)).isoformat(),
            "parameters": {"EG_export": ["1500.0001"], "EG_import": ["0"]},
            "verifier": parties["verifier2"].organization.pk,
        },
        format="json",
    )

    assert (response.status_code, response.json()) == (
        400,
        {"parameters": [ccer_link.ABOVE_FROZEN.format(claimed="1,500.0001", available="1,500")]},
    )
    assert "1,500 MWh" in response.json()["parameters"][0]
    assert not MonitoringReport.objects.exists()


def test_a_month_counts_for_the_report_that_holds_its_first_day(frozen, parties):
    cut = month(-3) + timedelta(days=14)  # the 15th of the month of serials 1001-1500

    # The first report holds the 1st of that month: its 500 certificates are its own...
    assert ccer_link.frozen_mwh(PLANT, month(-6), cut) == 1500
    # ...and the next report, from the 15th, starts counting in the month after.
    assert ccer_link.frozen_mwh(PLANT, cut + timedelta(days=1), month(0) - timedelta(days=1)) == 0
    assert ccer_link.frozen_mwh(PLANT, month(-6) + timedelta(days=1), cut) == 500

    with pytest.raises(InvalidInput) as refused:
        file_report(parties, frozen, "501", period_start=month(-6) + timedelta(days=1))
    assert refused.value.errors == {
        "parameters": [ccer_link.ABOVE_FROZEN.format(claimed="501", available="500")]
    }


def test_a_period_across_the_start_of_the_window_is_filed_in_two_parts(
    registered, parties, settings
):
    settings.GEC_CCER_LINK_FROM = month(-3)

    with pytest.raises(InvalidInput) as refused:
        file_report(parties, registered, "100")

    assert refused.value.errors == {
        "period_start": [
            ccer_link.STRADDLES_START.format(start=month(-3), end=settings.GEC_CCER_LINK_UNTIL)
        ]
    }
    # The part before the window is not governed; the part in it is capped (no certificates).
    before = file_report(parties, registered, "100", period_end=month(-3) - timedelta(days=1))
    assert before.certificate_electricity_mwh is None
    with pytest.raises(InvalidInput, match="cover 0 MWh"):
        file_report(parties, registered, "100", period_start=month(-3))


def test_a_period_across_the_end_of_the_window_is_refused(registered, parties, settings):
    settings.GEC_CCER_LINK_UNTIL = month(-3) - timedelta(days=1)

    response = client_for(parties["proponent"]).post(
        "/api/v1/monitoring-reports/",
        {
            "project": registered.pk,
            "period_start": month(-6).isoformat(),
            "period_end": (month(0) - timedelta(days=1)).isoformat(),
            "parameters": {"EG_export": ["100"], "EG_import": ["0"]},
            "verifier": parties["verifier2"].organization.pk,
        },
        format="json",
    )

    assert (response.status_code, response.json()) == (
        400,
        {
            "period_end": [
                ccer_link.STRADDLES_END.format(
                    start=settings.GEC_CCER_LINK_FROM, end=month(-3) - timedelta(days=1)
                )
            ]
        },
    )


def test_a_period_outside_the_window_is_not_capped_and_cancels_nothing(frozen, parties, settings):
    settings.GEC_CCER_LINK_FROM = month(0)  # the period ends the day before

    report = file_report(parties, frozen, "100000")
    issued = issue(parties, report)

    assert report.certificate_electricity_mwh is None
    assert issued.quantity == 69082  # 100,000 MWh x 0.690825 tCO2/MWh, rounded down
    assert not CertificateBlock.objects.filter(state="cancelled").exists()
    assert not CertificateCancellation.objects.exists()


# --- Issuance cancels -------------------------------------------------------------------------


@pytest.fixture
def cancelled(registered, parties, holder):
    """Frozen certificates in the report's months, lowest serials in the middle month, and an
    issuance for 1,200.4 MWh: 1,201 certificates cancelled."""
    import_rows(
        parties,
        holder,
        (1001, 2000, -6),
        (101, 600, -5),
        (3001, 3400, -4),
        (5001, 5100, -7),  # before the period: not the report's
    )
    report = file_report(parties, registered, "1200.4")
    return {"report": report, "issuance": issue(parties, report)}


def test_issuance_cancels_the_credited_electricity_lowest_serials_first(cancelled):
    assert states() == {
        101: (600, "cancelled"),  # whole
        1001: (1701, "cancelled"),  # the lower 701 of the next block, split off
        1702: (2000, "frozen"),  # its rest stays frozen, in the block's own row
        3001: (3400, "frozen"),
        5001: (5100, "frozen"),
    }
    issued = cancelled["issuance"]
    records = CertificateCancellation.objects.order_by("block__serial_first")
    assert [(r.block.serial_first, r.block.quantity) for r in records] == [(101, 500), (1001, 701)]
    assert {r.issuance for r in records} == {issued.pk}
    assert {r.project_reference for r in records} == {issued.project.reference}
    assert {r.report_reference for r in records} == {cancelled["report"].reference}
    assert reconcile().ok


def test_the_cancelled_certificates_are_public_on_the_issuance(cancelled, parties):
    issued = cancelled["issuance"]

    listed = client_for(None).get("/api/v1/issuances/").json()["results"][0]
    detail = client_for(None).get(f"/api/v1/issuances/{issued.pk}/").json()
    page = client_for(None).get("/issuances/").content.decode()
    project_page = client_for(None).get(f"/projects/{issued.project_id}/").content.decode()

    for shown in (listed, detail):
        assert [
            (c["serial_first"], c["serial_last"], c["quantity"], c["generator_code"])
            for c in shown["cancelled_certificates"]
        ] == [(101, 600, 500, PLANT), (1001, 1701, 701, PLANT)]
        assert shown["cancelled_certificates"][0]["generation_month"] == ym(-5)
        assert shown["cancelled_certificates"][0]["issuance"] == issued.pk
    for html in (page, project_page):
        assert f"GEC-{PLANT}-{month(-5):%Y%m}-101-600" in html
        assert f"GEC-{PLANT}-{month(-6):%Y%m}-1001-1701" in html


def test_a_cancelled_block_names_its_issuance(cancelled, parties):
    block = CertificateBlock.objects.get(serial_first=1001)

    shown = client_for(parties["operator"]).get(f"/api/v1/green-certificates/{block.pk}/").json()
    frozen_rest = client_for(parties["operator"]).get(
        "/api/v1/green-certificates/", {"serial": 1702}
    )

    assert shown["state"] == "cancelled"
    assert shown["cancellation"]["issuance"] == cancelled["issuance"].pk
    assert shown["cancellation"]["report_reference"] == cancelled["report"].reference
    assert frozen_rest.json()["results"][0]["cancellation"] is None


def test_freezing_and_cancelling_are_audited(cancelled):
    entries = AuditEntry.objects.filter(action="certificates.cancel").order_by("id")

    assert [(e.after["serial"], e.after["quantity"]) for e in entries] == [
        (f"GEC-{PLANT}-{month(-5):%Y%m}-101-600", 500),
        (f"GEC-{PLANT}-{month(-6):%Y%m}-1001-1701", 701),
    ]
    assert {e.after["issuance"] for e in entries} == {cancelled["issuance"].pk}
    assert {e.actor_username for e in entries} == {"operator"}
    assert AuditEntry.objects.filter(action="certificates.freeze").count() == 4
    assert log_intact()


@pytest.mark.parametrize(("electricity", "certificates"), [("1200", 1200), ("1199.000001", 1200)])
def test_a_fraction_of_a_credited_mwh_keeps_no_certificate(
    registered, parties, holder, electricity, certificates
):
    import_rows(parties, holder, (1, 2000, -6))

    issue(parties, file_report(parties, registered, electricity))

    assert states() == {1: (certificates, "cancelled"), certificates + 1: (2000, "frozen")}


def test_issuance_is_refused_when_the_frozen_certificates_are_gone(registered, parties, holder):
    import_rows(parties, holder, (1, 1000, -6))
    report = file_report(parties, registered, "1000")
    # Around the services, as a careless script would: the certificates the claim relies on go.
    CertificateBlock.objects.filter(serial_first=1).update(state="expired")

    with pytest.raises(Conflict) as refused:
        issue(parties, report)

    assert refused.value.message == ccer_link.NOT_ENOUGH_FROZEN.format(
        needed="1,000",
        generator=PLANT,
        start=month(-6),
        end=month(0) - timedelta(days=1),
        available="0",
    )
    assert not Issuance.objects.exists()
    assert MonitoringReport.objects.get(pk=report.pk).status == "issuance_review"


# --- Concurrency ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_import_racing_the_registration_leaves_no_linked_month_active(
    lifecycle, parties, window, holder
):
    """Real threads, real transactions: whichever of the registration and the import commits
    first, every certificate of the plant's linked months ends frozen (both take the import
    lock, so neither decides on what the other has not committed yet)."""
    project = lifecycle.project("registration_review", generator_code=PLANT)
    import_rows(parties, holder, (1, 100, -8))  # there before: frozen by the registration
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def run(work) -> None:
        try:
            barrier.wait(timeout=20)
            work()
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)
        finally:
            connection.close()

    rows = [(1000 * n + 1, 1000 * n + 500, -(n % 6) - 1) for n in range(1, 21)]
    threads = [
        threading.Thread(
            target=run,
            args=(lambda: projects.register_project(actor=parties["operator"], project=project),),
        ),
        threading.Thread(target=run, args=(lambda: import_rows(parties, holder, *rows),)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    assert set(CertificateBlock.objects.values_list("state", flat=True)) == {"frozen"}
    assert CertificateBlock.objects.count() == 21
    assert AuditEntry.objects.filter(action="certificates.freeze").count() == 21
    assert log_intact()
