"""Demo organisations, users and projects for the quickstart (`make run`); never run in
production."""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from accounts import services
from accounts.models import Organization, User
from certificates.models import CertificateBlock
from certificates.services.claims import claim_certificates
from certificates.services.imports import import_certificates
from certificates.validity import add_months, expires_on
from compute.models import DataCentre
from compute.services.data_centres import register_data_centre
from compute.services.readings import record_reading
from compute.services.workloads import recalculate_workload, register_workload
from core.provinces import Province
from core.sectors import Sector
from methodologies.models import Methodology
from registry.ledger.services import issuance
from registry.projects.models import Project
from registry.projects.services import projects, reports
from web.demo_documents import attach_pdf

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
SOLAR_GENERATOR_CODE = "GEN-QH-DEMO-0101"
# Certificates a month: the farm's (80 GWh) and the solar plant's (5 GWh), one per MWh.
FARM_MONTHLY_CERTIFICATES = 80_000
SOLAR_MONTHLY_CERTIFICATES = 5_000
FARM_FIRST_SERIAL = 10_000_000_001
SOLAR_FIRST_SERIAL = 20_000_000_001
# The farm's monthly meter readings (MWh) in its report under the link: 837,600 MWh net, so
# 837,600 of its frozen certificates are cancelled at issuance and the rest stay frozen.
FARM_MONTHLY_EXPORT = "70000"
FARM_MONTHLY_IMPORT = "200"
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
        if not DataCentre.objects.exists():
            self._demo_compute(User.objects.get(username="compute"))
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
            attach_pdf(actor=users["proponent"], kind="design_document", project=farm)
            attach_pdf(actor=users["proponent"], kind="monitoring_plan", project=farm)
            farm = projects.submit_project(actor=users["proponent"], project=farm)
            attach_pdf(actor=users["verifier"], kind="validation_report", project=farm)
            farm = projects.validate_project(
                actor=users["verifier"], project=farm, opinion="positive", report="Conforms."
            )
            months = self._linked_months()
            if months:
                # Half the year's certificates before registration, which freezes them...
                self._import_farm_months(users["operator"], months[:6])
            farm = projects.register_project(actor=users["operator"], project=farm)
            report = reports.create_report(
                actor=users["proponent"],
                project=farm,
                period_start=date(2024, 1, 1),
                period_end=date(2024, 9, 30),
                parameters={"EG_export": ["1000000"], "EG_import": ["5000"]},
                verifier=users["verifier2"].organization,
            )
            attach_pdf(actor=users["proponent"], kind="monitoring_report", report=report)
            report = reports.submit_report(actor=users["proponent"], report=report)
            attach_pdf(actor=users["verifier2"], kind="verification_report", report=report)
            report = reports.verify_report(
                actor=users["verifier2"],
                report=report,
                opinion="positive",
                verified_reductions=Decimal("687000.5"),
            )
            issuance.issue_credits(actor=users["operator"], report=report)
            self._linked_year(users, farm)
        second = projects.create_project(
            actor=users["proponent"],
            title="Donghai offshore wind farm phase IV (demo)",
            province=Province.SHANGHAI,
            location="East China Sea, 42 km offshore",
            generator_code=SECOND_GENERATOR_CODE,
            **design,
        )
        attach_pdf(actor=users["proponent"], kind="design_document", project=second)
        projects.submit_project(actor=users["proponent"], project=second)

    def _linked_months(self) -> list[date]:
        """The twelve months up to last month that the GEC-CCER link governs and whose
        certificates are still valid today; none if the link's window leaves no such year."""
        today = timezone.localdate()
        last = min(
            add_months(today.replace(day=1), -1), settings.GEC_CCER_LINK_UNTIL.replace(day=1)
        )
        first = add_months(last, -11)
        if first < settings.GEC_CCER_LINK_FROM or expires_on(first) < today:
            return []
        return [add_months(first, n) for n in range(12)]

    def _import_farm_months(self, operator: User, months: list[date]) -> None:
        holder = Organization.objects.get(unified_social_credit_code="91310000MA1FL2X30W")
        rows = []
        for month in months:
            first = FARM_FIRST_SERIAL + _month_index(month) * FARM_MONTHLY_CERTIFICATES
            rows.append(
                _row(first, FARM_MONTHLY_CERTIFICATES, month, holder, FARM_GENERATOR_CODE)
                | {
                    "generator_name": "Donghai Bridge offshore wind farm phase III (demo)",
                    "generation_type": "offshore_wind",
                    "province": "Shanghai",
                }
            )
        import_certificates(actor=operator, rows=rows)

    def _linked_year(self, users: dict[str, User], farm: Project) -> None:
        """The farm's year under the GEC-CCER link: the rest of its certificates arrive frozen,
        its report is capped by them, and issuance cancels those of its net electricity. A solar
        plant's year of certificates goes to the computing company, which claims some."""
        months = self._linked_months()
        if not months:
            self.stdout.write("The GEC-CCER link's window has passed: no linked demo year.")
            return
        # ...and the other half after, which arrive frozen.
        self._import_farm_months(users["operator"], months[6:])
        report = reports.create_report(
            actor=users["proponent"],
            project=farm,
            period_start=months[0],
            period_end=add_months(months[-1], 1) - timedelta(days=1),
            parameters={
                "EG_export": [FARM_MONTHLY_EXPORT] * len(months),
                "EG_import": [FARM_MONTHLY_IMPORT] * len(months),
            },
            verifier=users["verifier2"].organization,
        )
        attach_pdf(actor=users["proponent"], kind="monitoring_report", report=report)
        report = reports.submit_report(actor=users["proponent"], report=report)
        attach_pdf(actor=users["verifier2"], kind="verification_report", report=report)
        report = reports.verify_report(
            actor=users["verifier2"],
            report=report,
            opinion="positive",
            verified_reductions=report.claimed_reductions,
        )
        issuance.issue_credits(actor=users["operator"], report=report)
        self._solar_year(users["operator"], months)

    def _solar_year(self, operator: User, months: list[date]) -> None:
        buyer = Organization.objects.get(unified_social_credit_code="91440300MA5G8K7P0G")
        rows = [
            _row(
                SOLAR_FIRST_SERIAL + _month_index(month) * SOLAR_MONTHLY_CERTIFICATES,
                SOLAR_MONTHLY_CERTIFICATES,
                month,
                buyer,
                SOLAR_GENERATOR_CODE,
            )
            | {
                "generator_name": "Golmud solar park (demo)",
                "generation_type": "solar",
                "province": "Qinghai",
            }
            for month in months
        ]
        import_certificates(actor=operator, rows=rows)
        claimant = User.objects.get(username="compute")
        for month in months[:3]:
            block = CertificateBlock.objects.get(
                generator_code=SOLAR_GENERATOR_CODE, generation_month=month, state="active"
            )
            claim_certificates(
                actor=claimant,
                block=block,
                quantity=3_000,
                period_start=month,
                period_end=add_months(month, 1) - timedelta(days=1),
                consumer="Cloudpeak Zhongwei data centre (demo)",
            )

    def _demo_compute(self, company: User) -> None:
        """The computing company's two data centres, a hub node in Ningxia and one in Shanghai,
        with 24 monthly readings each (the last six of Zhongwei's backed by the company's solar
        certificates where it holds them), and AI workloads of two tasks hosted in them."""
        today = timezone.localdate()
        months = [add_months(today.replace(day=1), n) for n in range(-24, 0)]
        zhongwei = register_data_centre(
            actor=company,
            name="Cloudpeak Zhongwei hub data centre (demo)",
            province=Province.NINGXIA,
            hub_node=True,
            commissioned_on=date(2021, 6, 1),
        )
        lingang = register_data_centre(
            actor=company,
            name="Cloudpeak Lingang data centre (demo)",
            province=Province.SHANGHAI,
            commissioned_on=date(2018, 9, 1),
        )
        solar = {
            block.generation_month: block
            for block in CertificateBlock.objects.filter(
                generator_code=SOLAR_GENERATOR_CODE, state="active", holder=company.organization
            )
        }
        for month in months:
            it = Decimal(2_000_000 + 40_000 * (month.month % 4))
            certificates = []
            block = solar.get(month)
            if block is not None and block.quantity >= 2_000 and month >= months[-6]:
                certificates = [{"block": block.pk, "quantity": 2_000}]
            record_reading(
                actor=company,
                data_centre=zhongwei,
                period_start=month,
                period_end=add_months(month, 1),
                total_energy_kwh=(it * _seasonal(month, "1.16", "1.27")).quantize(Decimal(1)),
                it_energy_kwh=it,
                onsite_renewable_kwh=Decimal(60_000),
                water_m3=Decimal(1_800),
                certificates=certificates,
            )
            it = Decimal(1_200_000 + 25_000 * (month.month % 3))
            record_reading(
                actor=company,
                data_centre=lingang,
                period_start=month,
                period_end=add_months(month, 1),
                total_energy_kwh=(it * _seasonal(month, "1.31", "1.46")).quantize(Decimal(1)),
                it_energy_kwh=it,
                water_m3=Decimal(2_600),
            )
        runs = [
            ("Qilin-7B pre-training", "text_generation_training", "A800", 256, "720", "310",
             zhongwei, "tokens", "1200000000000"),
            ("Qilin-13B pre-training", "text_generation_training", "A800", 512, "960", "320",
             zhongwei, "tokens", "1500000000000"),
            ("Qilin-7B instruction tuning", "text_generation_training", "H20", 64, "48", "280",
             lingang, "tokens", "8000000000"),
            ("Qilin-7B chat serving, March", "text_generation_inference", "L20", 32, "744", "190",
             lingang, "queries", "41000000"),
            ("Qilin-13B chat serving, March", "text_generation_inference", "A800", 48, "744",
             "260", zhongwei, "queries", "52000000"),
            ("Qilin-7B batch summaries", "text_generation_inference", "L20", 16, "120", "170",
             zhongwei, "queries", "3000000"),
        ]  # fmt: skip
        registered = []
        for name, task, accelerator, count, hours, watts, host, metric, value in runs:
            workload = register_workload(
                actor=company,
                name=f"{name} (demo)",
                task=task,
                accelerator=accelerator,
                accelerator_count=count,
                hours=Decimal(hours),
                avg_power_watts=Decimal(watts),
                data_centre=host.pk,
                metric_name=metric,
                metric_value=Decimal(value),
            )
            registered.append(workload)
        # Each run rated against all of its task's, as a re-rating would.
        for workload in registered:
            recalculate_workload(actor=company, workload=workload)


def _seasonal(month: date, winter: str, summer: str) -> Decimal:
    """A PUE between its winter and summer values: cooling costs most from June to September,
    half as much in May and October."""
    weight = {6: 1, 7: 1, 8: 1, 9: 1, 5: Decimal("0.5"), 10: Decimal("0.5")}.get(month.month, 0)
    return Decimal(winter) + (Decimal(summer) - Decimal(winter)) * weight


def _month_index(month: date) -> int:
    """Months since January 2024: each month's certificates get serials of their own."""
    return (month.year - 2024) * 12 + month.month - 1


def _row(first: int, quantity: int, month: date, holder: Organization, code: str) -> dict:
    return {
        "serial_first": first,
        "serial_last": first + quantity - 1,
        "generator_code": code,
        "generation_month": f"{month:%Y-%m}",
        "holder": holder.unified_social_credit_code,
        "tradable": "true",
    }
