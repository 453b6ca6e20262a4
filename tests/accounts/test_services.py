from datetime import date

import pytest

from accounts import services
from accounts.models import Accreditation, Organization, User
from core.errors import AccessDenied, InvalidInput
from core.models import AuditEntry
from core.sectors import Sector
from tests.conftest import PASSWORD, make_organization, make_user

pytestmark = pytest.mark.django_db

VALID_CODE = "91310000MA1FL2X30W"


def test_create_organization_normalises_the_credit_code_and_records_the_event():
    organization = services.create_organization(
        actor=None,
        name="  Shanghai Wind Co.  ",
        kind="proponent",
        province="Shanghai",
        unified_social_credit_code=VALID_CODE.lower(),
    )

    assert organization.name == "Shanghai Wind Co."
    assert organization.unified_social_credit_code == VALID_CODE
    entry = AuditEntry.objects.get(action="organization.created")
    assert entry.object_id == str(organization.pk)
    assert entry.after["unified_social_credit_code"] == VALID_CODE


@pytest.mark.parametrize(
    "code",
    [
        "91310000MA1FL2X30X",  # wrong check character
        "91310000MA1FL2X30",  # 17 characters
        "91310000MA1FL2X30WW",  # 19 characters
        "9131000OMA1FL2X30W",  # letter O is not in the GB 32100 alphabet
    ],
)
def test_a_bad_credit_code_is_refused(code):
    with pytest.raises(InvalidInput) as error:
        make_organization("proponent", unified_social_credit_code=code)

    assert error.value.errors == {"unified_social_credit_code": [services.CREDIT_CODE_INVALID]}
    assert not Organization.objects.exists()


def test_every_bad_field_is_named_at_once():
    with pytest.raises(InvalidInput) as error:
        services.create_organization(
            actor=None, name=" ", kind="bank", province="Atlantis", unified_social_credit_code="x"
        )

    assert set(error.value.errors) == {"name", "kind", "province", "unified_social_credit_code"}


def test_duplicate_name_and_duplicate_code_are_refused():
    make_organization("proponent", name="Acme", unified_social_credit_code=VALID_CODE)

    with pytest.raises(InvalidInput) as by_name:
        make_organization("verifier", name="Acme")
    with pytest.raises(InvalidInput) as by_code:
        make_organization("verifier", name="Other", unified_social_credit_code=VALID_CODE)

    assert by_name.value.errors == {"name": [services.NAME_TAKEN]}
    assert by_code.value.errors == {"unified_social_credit_code": [services.CREDIT_CODE_TAKEN]}
    assert Organization.objects.count() == 1
    assert AuditEntry.objects.count() == 1


@pytest.mark.parametrize("kind", ["proponent", "verifier", "regulator"])
def test_only_operators_manage_organizations_users_and_accreditations(kind):
    actor = make_user(make_organization(kind))
    verifier = make_organization("verifier")

    with pytest.raises(AccessDenied):
        services.create_organization(actor=actor, name="X", kind="proponent", province="Beijing")
    with pytest.raises(AccessDenied):
        services.create_user(actor=actor, username="new", password=PASSWORD, organization=verifier)
    with pytest.raises(AccessDenied):
        services.add_accreditation(
            actor=actor,
            organization=verifier,
            sector=Sector.ENERGY_INDUSTRIES,
            valid_from=date(2024, 1, 1),
            valid_to=date(2025, 1, 1),
        )


def test_operator_creates_a_user_who_can_log_in():
    operator = make_user(make_organization("operator"))
    company = make_organization("proponent")

    user = services.create_user(
        actor=operator, username="alice", password=PASSWORD, organization=company
    )

    assert user.check_password(PASSWORD)
    assert user.organization == company
    assert not user.is_staff
    entry = AuditEntry.objects.get(action="user.created", object_id=str(user.pk))
    assert entry.actor_id == operator.pk
    assert "password" not in entry.after


def test_operator_users_are_staff_so_they_can_use_the_admin():
    assert make_user(make_organization("operator")).is_staff


def test_duplicate_username_is_refused_and_nothing_is_written():
    company = make_organization("proponent")
    make_user(company, username="alice")
    entries = AuditEntry.objects.count()

    with pytest.raises(InvalidInput) as error:
        make_user(company, username="alice")

    assert error.value.errors == {"username": [services.USERNAME_TAKEN]}
    assert User.objects.filter(username="alice").count() == 1
    assert AuditEntry.objects.count() == entries


def test_weak_password_and_bad_username_are_refused():
    company = make_organization("proponent")

    with pytest.raises(InvalidInput) as error:
        services.create_user(actor=None, username="bad name!", password="123", organization=company)

    assert set(error.value.errors) == {"username", "password"}
    assert not User.objects.exists()


def test_accreditation_for_a_verifier():
    verifier = make_organization("verifier")

    accreditation = services.add_accreditation(
        actor=None,
        organization=verifier,
        sector=Sector.ENERGY_INDUSTRIES,
        valid_from=date(2024, 1, 1),
        valid_to=date(2026, 12, 31),
    )

    assert list(verifier.accreditations.all()) == [accreditation]
    assert AuditEntry.objects.filter(action="accreditation.added").count() == 1


def test_accreditation_is_refused_for_non_verifiers_and_reversed_periods():
    company = make_organization("proponent")

    with pytest.raises(InvalidInput) as error:
        services.add_accreditation(
            actor=None,
            organization=company,
            sector="banking",
            valid_from=date(2025, 1, 1),
            valid_to=date(2024, 1, 1),
        )

    assert error.value.errors == {
        "organization": [services.ORGANIZATION_NOT_VERIFIER],
        "sector": ['"banking" is not a valid choice.'],
        "valid_to": [services.PERIOD_REVERSED],
    }
    assert not Accreditation.objects.exists()
