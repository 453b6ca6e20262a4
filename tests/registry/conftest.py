"""Projects and reports in every state, built through the real services."""

import itertools
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone

from accounts import services as account_services
from compute.models import DataCentre
from compute.services.data_centres import register_data_centre
from compute.services.readings import record_reading
from methodologies.library import load_library
from methodologies.models import Methodology
from registry.ledger.services import issuance
from registry.projects.services import projects, reports
from tests.conftest import make_organization, make_user
from web.demo_documents import attach_pdf

# One year of monthly readings: 1,000,000 MWh supplied, 5,000 MWh taken from the grid.
EXPORT = ["98000", "91500", "88250.5", "80000", "72000", "70400"]
EXPORT += ["69849.5", "71000", "78000", "86000", "94000", "101000"]
IMPORT = ["400"] * 10 + ["500", "500"]
DESIGN_PARAMETERS = {
    "EG_export": ["1000000"],
    "EG_import": ["5000"],
    "EF_grid_OM": "0.7921",
    "EF_grid_BM": "0.3870",
}
MONITORED = {"EG_export": EXPORT, "EG_import": IMPORT}
CLAIMED = "687370.875"  # (1,000,000 - 5,000) MWh x 0.690825 tCO2/MWh


@dataclass(frozen=True)
class LifecycleDates:
    """The dates of a lifecycle, laid out around the year of the registry's today (the real
    clock, or the one REGISTRY_TEST_TODAY or a test travelled to), so that every rule that
    reads the clock holds on any date: construction after the 2012 cutoff, a 10-year crediting
    period under way, an accreditation in force, and a monitoring period that is over, within
    the 5-year lookback, and spans two calendar years. The period runs from 1 March to 28
    February, so no 29 February falls in it: 365 days every year, 306 in the first vintage and
    59 in the second, and the vintage split is the same whatever the year."""

    year: int

    @classmethod
    def today(cls) -> "LifecycleDates":
        return cls(timezone.localdate().year)

    @property
    def construction_start(self) -> date:
        return date(self.year - 3, 3, 1)

    @property
    def crediting_period_start(self) -> date:
        return date(self.year - 2, 1, 1)

    @property
    def crediting_period_end(self) -> date:  # 10 years
        return date(self.year + 7, 12, 31)

    @property
    def accredited_from(self) -> date:
        return date(self.year - 3, 1, 1)

    @property
    def accredited_to(self) -> date:
        return date(self.year + 4, 12, 31)

    @property
    def period_start(self) -> date:
        return date(self.year - 2, 3, 1)

    @property
    def period_end(self) -> date:
        return date(self.year - 1, 2, 28)

    @property
    def period(self) -> dict:
        """The monitoring period, as the keyword arguments of `create_report`."""
        return {"period_start": self.period_start, "period_end": self.period_end}

    @property
    def vintages(self) -> tuple[int, int]:
        """The calendar years of the period, earlier first."""
        return self.period_start.year, self.period_end.year


@pytest.fixture
def dates() -> LifecycleDates:
    """The lifecycle's dates for this test's today (after any travel of the autouse fixture)."""
    return LifecycleDates.today()


# Publicity periods end at once, so a lifecycle runs within one test.
no_publicity_wait = override_settings(
    PROJECT_PUBLICITY_WORKING_DAYS=0, CLAIM_PUBLICITY_WORKING_DAYS=0
)


def load_offshore_wind() -> Methodology:
    load_library()
    return Methodology.objects.get(code="CCER-01-002", version="V01")


@pytest.fixture
def offshore_wind(db) -> Methodology:
    return load_offshore_wind()


@pytest.fixture
def parties(users, dates):
    return cast(users, dates)


def cast(users, dates) -> dict:
    """The cast of a lifecycle: the company, two accredited verifiers, operator, regulator."""
    second_verifier = make_organization("verifier", name="Second verification body")
    for organization in (users["verifier"].organization, second_verifier):
        account_services.add_accreditation(
            actor=None,
            organization=organization,
            sector="energy_industries",
            valid_from=dates.accredited_from,
            valid_to=dates.accredited_to,
        )
    return {**users, "verifier2": make_user(second_verifier, username="verifier2")}


_generators = itertools.count(1)


def generator_code() -> str:
    """A power plant's code in the national GEC system, a new one each time: a plant earns
    credits under one registered project at a time."""
    return f"GEN-SH-{next(_generators):05d}"


def project_fields(verifier, methodology, **changes) -> dict:
    """A project design; it names a plant where the methodology's electricity also earns green
    certificates (the GEC-CCER link), as it must."""
    dates = LifecycleDates.today()
    plant = {"generator_code": generator_code()} if methodology.certificate_electricity else {}
    return {
        "title": "Donghai Bridge offshore wind farm phase III",
        "methodology": methodology,
        "sector": "energy_industries",
        "province": "Shanghai",
        "location": "East China Sea, 35 km offshore",
        "construction_start": dates.construction_start,
        "crediting_period_start": dates.crediting_period_start,
        "crediting_period_end": dates.crediting_period_end,
        "parameters": DESIGN_PARAMETERS,
        "verifier": verifier,
        **plant,
        **changes,
    }


_data_centres = itertools.count(1)


def first_of_next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def metered_data_centre(
    proponent, first_day: date, months=(), last_day: date | None = None
) -> DataCentre:
    """A Beijing data centre of the proponent's company (the reference data loaded), with one
    reading a month from `first_day` (a month's first day): `months` lists each month's
    (IT energy, total facility energy) in kWh. With `last_day`, the last reading ends with it
    (a 29 February the lifecycle's periods leave out)."""
    data_centre = register_data_centre(
        actor=proponent, name=f"Computing centre {next(_data_centres)}", province="Beijing"
    )
    start = first_day
    for index, (it_energy, total_energy) in enumerate(months):
        end = first_of_next_month(start)
        if last_day is not None and index == len(months) - 1:
            end = last_day + timedelta(days=1)
        record_reading(
            actor=proponent,
            data_centre=data_centre,
            period_start=start,
            period_end=end,
            it_energy_kwh=Decimal(it_energy),
            total_energy_kwh=Decimal(total_energy),
        )
        start = end
    return data_centre


class Lifecycle:
    """Drives a project and its report through the services to any state."""

    def __init__(self, parties, methodology):
        self.parties = parties
        self.methodology = methodology
        self.documents = True

    def project(self, state: str = "draft", documents: bool = True, **changes):
        """A project in `state`; `changes` to the design's fields (title, province...).

        With `documents` (the default) it carries what each step stands on, attached by its
        author through the real service: the company's design document from the draft on,
        the engaged verifier's validation report from publicity on (its opinion pending)."""
        p = self.parties
        project = projects.create_project(
            actor=p["proponent"],
            **project_fields(p["verifier"].organization, self.methodology, **changes),
        )
        self.documents = documents
        if documents:
            attach_pdf(actor=p["proponent"], kind="design_document", project=project)
        steps = {
            "draft": [],
            "publicity": ["submit"],
            "validation": ["submit", "close"],
            "registration_review": ["submit", "close", "validate"],
            "registered": ["submit", "close", "validate", "register"],
            "rejected": ["submit", "close", "validate", "reject"],
            "withdrawn": ["withdraw"],
        }[state]
        # "publicity" is left running (the default period); later states pass through it.
        with no_publicity_wait if state != "publicity" else nullcontext():
            for step in steps:
                project = self._project_step(project, step)
        return project

    def _project_step(self, project, step):
        p = self.parties
        if step == "submit":
            project = projects.submit_project(actor=p["proponent"], project=project)
            if self.documents:
                attach_pdf(actor=p["verifier"], kind="validation_report", project=project)
            return project
        if step == "close":
            projects.close_project_publicity(project_id=project.pk)
            return type(project).objects.get(pk=project.pk)
        if step == "validate":
            return projects.validate_project(
                actor=p["verifier"], project=project, opinion="positive", report="Conforms."
            )
        if step == "register":
            return projects.register_project(actor=p["operator"], project=project)
        if step == "reject":
            return projects.reject_project(actor=p["operator"], project=project, note="No.")
        return projects.withdraw_project(actor=p["proponent"], project=project)

    def report(self, state: str = "draft", project=None, documents: bool = True, **fields):
        """A report in `state`, with `documents` as for `project`: the company's monitoring
        report document from the draft on, the verifier's verification report from
        publicity on."""
        p = self.parties
        project = project or self.project("registered")
        report = reports.create_report(
            actor=p["proponent"],
            project=project,
            parameters=MONITORED,
            verifier=p["verifier2"].organization,
            **{**LifecycleDates.today().period, **fields},
        )
        self.documents = documents
        if documents:
            attach_pdf(actor=p["proponent"], kind="monitoring_report", report=report)
        steps = {
            "draft": [],
            "publicity": ["submit"],
            "verification": ["submit", "close"],
            "issuance_review": ["submit", "close", "verify"],
            "issued": ["submit", "close", "verify", "issue"],
            "rejected": ["submit", "close", "verify", "reject"],
            "withdrawn": ["withdraw"],
        }[state]
        with no_publicity_wait if state != "publicity" else nullcontext():
            for step in steps:
                report = self._report_step(report, step)
        return report

    def _report_step(self, report, step):
        p = self.parties
        if step == "submit":
            report = reports.submit_report(actor=p["proponent"], report=report)
            if self.documents:
                attach_pdf(actor=p["verifier2"], kind="verification_report", report=report)
            return report
        if step == "close":
            reports.close_report_publicity(report_id=report.pk)
            return type(report).objects.get(pk=report.pk)
        if step == "verify":
            return reports.verify_report(
                actor=p["verifier2"],
                report=report,
                opinion="positive",
                verified_reductions=report.claimed_reductions,
            )
        if step == "issue":
            issuance.issue_credits(actor=p["operator"], report=report)
            return type(report).objects.get(pk=report.pk)
        if step == "reject":
            return reports.reject_report(actor=p["operator"], report=report, note="No.")
        return reports.withdraw_report(actor=p["proponent"], report=report)


@pytest.fixture
def lifecycle(parties, offshore_wind) -> Lifecycle:
    return Lifecycle(parties, offshore_wind)
