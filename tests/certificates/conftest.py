"""Green certificates imported through the real service, for holders with credit codes."""

import itertools
from datetime import date

import pytest
from django.utils import timezone
from stdnum.cn import uscc

from certificates.models import CertificateBlock
from certificates.services.imports import import_certificates
from tests.conftest import make_organization, make_user
from tests.registry.conftest import dates, lifecycle, offshore_wind, parties  # noqa: F401

_codes = itertools.count(1)


def credit_code() -> str:
    """A fresh unified social credit code with a right check character (GB 32100-2015)."""
    body = f"91310000MA{next(_codes):07d}"
    return body + uscc.calc_check_digit(body)


def this_month() -> date:
    return timezone.localdate().replace(day=1)


def row(holder, first: int, last: int, **overrides) -> dict:
    """One row as the national GEC system exports it, generated this month (valid)."""
    values = {
        "serial_first": str(first),
        "serial_last": str(last),
        "generator_code": "GEN-JS-0001",
        "generator_name": "Rudong Offshore Wind Farm",
        "generation_type": "offshore_wind",
        "province": "Jiangsu",
        "generation_month": f"{this_month():%Y-%m}",
        "holder": holder.unified_social_credit_code,
        "tradable": "true",
    }
    values.update(overrides)
    return values


@pytest.fixture
def holders(users):
    """The proponent's organisation and another company, each with a credit code, and a user of
    the other company."""
    holder = users["proponent"].organization
    holder.unified_social_credit_code = credit_code()
    holder.save(update_fields=["unified_social_credit_code"])
    other = make_organization("proponent", unified_social_credit_code=credit_code())
    return {"holder": holder, "other": other, "other_user": make_user(other, "otherco")}


@pytest.fixture
def block(users, holders) -> CertificateBlock:
    """1,000 certificates of this month, held by the proponent, serials 1001-2000."""
    import_certificates(actor=users["operator"], rows=[row(holders["holder"], 1001, 2000)])
    return CertificateBlock.objects.get(serial_first=1001)
