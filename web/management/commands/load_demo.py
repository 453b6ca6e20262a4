"""Demo organisations, users and projects for the quickstart (`make run`); never run in
production."""

from datetime import date
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test import override_settings

from accounts import services
from accounts.models import Organization, User
from core.provinces import Province
from core.sectors import Sector
from methodologies.models import Methodology
from registry.ledger.services import issuance
from registry.projects.models import Project
from registry.projects.services import projects, reports

DEMO_PASSWORD = "carbon-demo-2026"  # noqa: S105 - published in the README, demo only

ORGANIZATIONS = [
    (
        "Registry Operations Centre (demo)",
        Organization.Kind.OPERATOR,
        Province.BEIJING,
        "12100000000013024B",
        "operator",
    ),
    (
        "Ministry of Ecology and Environment (demo)",
        Organization.Kind.REGULATOR,
        Province.BEIJING,
        None,
        "regulator",
    ),
    (
        "Donghai Offshore Wind Power Co. (demo)",
        Organization.Kind.PROPONENT,
        Province.SHANGHAI,
        "91310000MA1FL2X30W",
        "proponent",
    ),
    (
        "Cloudpeak Computing Co. (demo)",
        Organization.Kind.PROPONENT,
        Province.GUANGDONG,
        "91440300MA5G8K7P0G",
        "compute",
    ),
    (
        "Huaxin Certification Centre (demo)",
        Organization.Kind.VERIFIER,
        Province.BEIJING,
        "91110000MA01ABCD0J",
        "verifier",
    ),
    (
        "Zhonghuan Verification Co. (demo)",
        Organization.Kind.VERIFIER,
        Province.SICHUAN,
        "91510100MA6CWQ3R0N",
        "verifier2",
    ),
]
DEMO_USERNAMES = ["operator", "proponent", "verifier", "verifier2"]
# The demo wind farms' codes in the national GEC system: demo certificates of these plants for
# months the GEC-CCER link governs in a registered project's crediting period arrive frozen.
FARM_GENERATOR_CODE = "GEN-SH-DEMO-0003"
SECOND_GENERATOR_CODE = "GEN-SH-DEMO-0004"
ACCREDITED_SECTORS = [Sector.ENERGY_INDUSTRIES, Sector.DIGITAL_INFRASTRUCTURE]


class Command(BaseCommand):
    help = "Create the demo organisations and users (idempotent) and print their credentials."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        for name, kind, province, code, username in ORGANIZATIONS:
            organization = Organization.objects.filter(name=name).first()
            if organization is None:
                organization = services.create_organization(
                    actor=None,
                    name=name,
                    kind=kind,
                    province=province,
                    unified_social_credit_code=code,
                )
                if kind == Organization.Kind.VERIFIER:
                    for sector in ACCREDITED_SECTORS:
                        services.add_accreditation(
                            actor=None,
                            organization=organization,
                            sector=sector,
                            valid_from=date(2023, 1, 1),
                            valid_to=date(2030, 12, 31),
                        )
            if not User.objects.filter(username=username).exists():
                services.create_user(
                    actor=None,
                    username=username,
                    password=DEMO_PASSWORD,
                    organization=organization,
                )
        if not Project.objects.exists() and Methodology.objects.filter(code="CCER-01-002").exists():
            self._demo_projects()
        self.stdout.write(f"Demo users (password for each: {DEMO_PASSWORD}):")
        for name, kind, _, _, username in ORGANIZATIONS:
            self.stdout.write(f"  {username:<10} {kind:<10} {name}")

    def _demo_projects(self) -> None:
        """One offshore wind farm with issued credits, one in its publicity period.

        Each names its plant's GEC code, as offshore wind projects do (the GEC-CCER link). The
        farm's report covers January to September 2024, before the link's window
        (GEC_CCER_LINK_FROM, 2024-10-01): its electricity is credited without frozen
        certificates, and none are cancelled."""
        users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
        wind = Methodology.objects.get(code="CCER-01-002", status="published")
        design = {
            "sector": Sector.ENERGY_INDUSTRIES,
            "methodology": wind,
            "construction_start": date(2023, 3, 1),
            "crediting_period_start": date(2024, 1, 1),
            "crediting_period_end": date(2033, 12, 31),
            "parameters": {
                "EG_export": ["1000000"],
                "EG_import": ["5000"],
                "EF_grid_OM": "0.7921",
                "EF_grid_BM": "0.3870",
            },
            "verifier": users["verifier"].organization,
        }
        # The demo walks the whole lifecycle now instead of waiting out 20 working days.
        with override_settings(PROJECT_PUBLICITY_WORKING_DAYS=0, CLAIM_PUBLICITY_WORKING_DAYS=0):
            farm = projects.create_project(
                actor=users["proponent"],
                title="Donghai Bridge offshore wind farm phase III (demo)",
                province=Province.SHANGHAI,
                location="East China Sea, 35 km offshore",
                generator_code=FARM_GENERATOR_CODE,
                **design,
            )
            farm = projects.submit_project(actor=users["proponent"], project=farm)
            farm = projects.validate_project(
                actor=users["verifier"], project=farm, opinion="positive", report="Conforms."
            )
            farm = projects.register_project(actor=users["operator"], project=farm)
            report = reports.create_report(
                actor=users["proponent"],
                project=farm,
                period_start=date(2024, 1, 1),
                period_end=date(2024, 9, 30),
                parameters={"EG_export": ["1000000"], "EG_import": ["5000"]},
                verifier=users["verifier2"].organization,
            )
            report = reports.submit_report(actor=users["proponent"], report=report)
            report = reports.verify_report(
                actor=users["verifier2"],
                report=report,
                opinion="positive",
                verified_reductions=Decimal("687000.5"),
            )
            issuance.issue_credits(actor=users["operator"], report=report)
        second = projects.create_project(
            actor=users["proponent"],
            title="Donghai offshore wind farm phase IV (demo)",
            province=Province.SHANGHAI,
            location="East China Sea, 42 km offshore",
            generator_code=SECOND_GENERATOR_CODE,
            **design,
        )
        projects.submit_project(actor=users["proponent"], project=second)
