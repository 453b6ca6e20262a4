"""Demo organisations and users for the quickstart (`make run`); never run in production."""

from datetime import date

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import services
from accounts.models import Organization, User
from accounts.provinces import Province
from core.sectors import Sector

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
        self.stdout.write(f"Demo users (password for each: {DEMO_PASSWORD}):")
        for name, kind, _, _, username in ORGANIZATIONS:
            self.stdout.write(f"  {username:<10} {kind:<10} {name}")
