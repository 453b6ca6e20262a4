"""Fixtures shared by the whole suite. State is built through the real services."""

import itertools
import os
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts import services
from accounts.models import Organization, User
from core import transparency
from core.provinces import Province

ROLES = ("proponent", "verifier", "regulator", "operator")
PASSWORD = "a-long-test-password-42"
_counter = itertools.count(1)
# The project's TIME_ZONE: "today" in the registry is today in Beijing time.
SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai_midnight(day: date) -> datetime:
    """The start of `day` in the project's zone, a destination for time_machine.travel:
    travelling to a ZoneInfo datetime also sets the process's local zone to it."""
    return datetime.combine(day, time(), tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _registry_test_today():
    """With REGISTRY_TEST_TODAY=YYYY-MM-DD in the environment, every test starts at midnight of
    that date in Asia/Shanghai, and the clock runs on from there; without it, it does nothing.

    It proves that no test depends on the real date: `make test` with 2030-01-01 or 2031-06-01
    must pass as it does today. A test that needs a particular date travels there itself (the
    `time_machine` fixture, or `time_machine.travel`), which overrides this one.
    """
    today = os.environ.get("REGISTRY_TEST_TODAY")
    if not today:
        yield
        return
    with time_machine.travel(shanghai_midnight(date.fromisoformat(today)), tick=True):
        yield


# The GEC-CCER link's window (GEC_CCER_LINK_FROM to GEC_CCER_LINK_UNTIL, 2024-10-01 to
# 2026-09-30 by default) would cut through the monitoring periods the suite lays out around
# today's year (tests/registry/conftest.py), so whether an offshore wind report is refused,
# capped or free would depend on the clock. Every test starts with the window in a year no
# report reaches (reductions count only from after 2020-09-22); the link's own tests
# (tests/certificates/test_ccer_link.py) set it around their dates.
LINK_OUT_OF_REACH = {
    "GEC_CCER_LINK_FROM": date(2000, 1, 1),
    "GEC_CCER_LINK_UNTIL": date(2000, 12, 31),
}


@pytest.fixture(autouse=True)
def _gec_ccer_link_out_of_reach(settings):
    for name, value in LINK_OUT_OF_REACH.items():
        setattr(settings, name, value)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Every test starts with an empty cache: the suite's requests all come from one address,
    and one test's sign-ins or comments must not count against the throttles of the next."""
    cache.clear()
    yield


def log_intact() -> bool:
    """Seal what the services recorded, then check the whole transparency log against the
    audit entries: every leaf hash, every stored node, the root and the head's signature."""
    transparency.seal()
    return transparency.verify_log().ok


def make_organization(kind: str, **fields) -> Organization:
    fields.setdefault("name", f"{kind.title()} organisation {next(_counter)}")
    fields.setdefault("province", Province.BEIJING)
    return services.create_organization(actor=None, kind=kind, **fields)


def make_user(organization: Organization, username: str | None = None) -> User:
    return services.create_user(
        actor=None,
        username=username or f"user{next(_counter)}",
        password=PASSWORD,
        organization=organization,
    )


def client_for(user: User | None) -> APIClient:
    """An API client that authenticates with a new token of the user's, or an anonymous one."""
    client = APIClient()
    if user is not None:
        _, key = AuthToken.objects.create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def role_users() -> dict[str, User]:
    """One user for each organisation kind, named after it."""
    return {kind: make_user(make_organization(kind), username=kind) for kind in ROLES}


@pytest.fixture
def users(db) -> dict[str, User]:
    """One user for each organisation kind."""
    return role_users()


@pytest.fixture
def clients(users) -> dict[str, APIClient]:
    """An authenticated client per role, plus `anonymous`."""
    result = {kind: client_for(user) for kind, user in users.items()}
    result["anonymous"] = client_for(None)
    return result


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database alone lets TRUNCATE through the append-only triggers, so that the tests
    that commit (threads, processes, a Celery worker) can empty it afterwards; the trigger tests
    switch it off for their own transaction to see the refusal."""
    with django_db_blocker.unblock():
        name = connection.settings_dict["NAME"]
        with connection.cursor() as cursor:
            cursor.execute(f'ALTER DATABASE "{name}" SET registry.allow_truncate = on')
        connection.close()


def upload_document(
    client: APIClient,
    url: str,
    kind: str,
    content: bytes | None = None,
    filename: str | None = None,
):
    """POST a document (multipart `kind`, `file`) to an object's documents URL (e.g.
    `/api/v1/projects/7`), a small real PDF unless `content` is given; the response."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from web.demo_documents import minimal_pdf

    content = minimal_pdf(f"{kind} for {url}") if content is None else content
    upload = SimpleUploadedFile(filename or f"{kind}.pdf", content)
    return client.post(f"{url}/documents/", {"kind": kind, "file": upload}, format="multipart")
