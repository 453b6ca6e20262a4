"""The verbs that change organisations, users and accreditations.

`actor` is the user acting, or None for the installation itself (the `create_user` command that
bootstraps the first operator); every API path passes the requesting user.
"""

from datetime import date
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as CodeValidationError

from accounts.models import Accreditation, Organization, User
from accounts.rules import can_manage_organizations
from core.audit import record_event
from core.errors import AccessDenied, InvalidInput
from core.provinces import Province
from core.sectors import Sector

NAME_REQUIRED = "This field may not be blank."
NAME_TAKEN = "An organisation with this name already exists."
KIND_INVALID = '"{value}" is not a valid choice.'
PROVINCE_INVALID = '"{value}" is not a valid choice.'
CREDIT_CODE_INVALID = "Not a valid unified social credit code (GB 32100-2015)."
CREDIT_CODE_TAKEN = "An organisation with this unified social credit code already exists."
USERNAME_TAKEN = "A user with that username already exists."
ORGANIZATION_NOT_VERIFIER = "Only verifiers can be accredited."
SECTOR_INVALID = '"{value}" is not a valid choice.'
PERIOD_REVERSED = "The accreditation cannot end before it starts."


def _require_manager(actor: User | None) -> None:
    if actor is not None and not can_manage_organizations(actor):
        raise AccessDenied()


def organization_snapshot(organization: Organization) -> dict[str, Any]:
    return {
        "name": organization.name,
        "kind": organization.kind,
        "province": organization.province,
        "unified_social_credit_code": organization.unified_social_credit_code,
    }


def normalize_credit_code(code: str | None) -> str | None:
    """The code in its compact upper-case form, or None when blank.

    Raises InvalidInput when the check character (GB 32100-2015) or the format is wrong.
    """
    if code is None or not code.strip():
        return None
    try:
        return uscc.validate(code)
    except CodeValidationError as error:
        raise InvalidInput({"unified_social_credit_code": CREDIT_CODE_INVALID}) from error


@transaction.atomic
def create_organization(
    *,
    actor: User | None,
    name: str,
    kind: str,
    province: str,
    unified_social_credit_code: str | None = None,
) -> Organization:
    _require_manager(actor)
    errors: dict[str, str] = {}
    name = name.strip()
    if not name:
        errors["name"] = NAME_REQUIRED
    if kind not in Organization.Kind.values:
        errors["kind"] = KIND_INVALID.format(value=kind)
    if province not in Province.values:
        errors["province"] = PROVINCE_INVALID.format(value=province)
    try:
        code = normalize_credit_code(unified_social_credit_code)
    except InvalidInput as error:
        errors.update({field: messages[0] for field, messages in error.errors.items()})
    if errors:
        raise InvalidInput(errors)

    organization = Organization(
        name=name, kind=kind, province=province, unified_social_credit_code=code
    )
    try:
        with transaction.atomic():
            organization.save()
    except IntegrityError as error:
        if Organization.objects.filter(name=name).exists():
            raise InvalidInput({"name": NAME_TAKEN}) from error
        raise InvalidInput({"unified_social_credit_code": CREDIT_CODE_TAKEN}) from error

    record_event(
        actor=actor,
        action="organization.created",
        target=organization,
        after=organization_snapshot(organization),
    )
    return organization


@transaction.atomic
def create_user(
    *,
    actor: User | None,
    username: str,
    password: str,
    organization: Organization,
    email: str = "",
) -> User:
    _require_manager(actor)
    user = User(username=username, email=email, organization=organization)
    errors: dict[str, list[str]] = {}
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError as error:
        errors["username"] = error.messages
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        errors["password"] = error.messages
    if errors:
        raise InvalidInput(errors)

    user.set_password(password)
    # Operators may use the admin; the admin site itself admits operators only.
    user.is_staff = organization.kind == Organization.Kind.OPERATOR
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:
        raise InvalidInput({"username": USERNAME_TAKEN}) from error

    record_event(
        actor=actor,
        action="user.created",
        target=user,
        after={"username": user.username, "organization": organization.pk},
    )
    return user


@transaction.atomic
def add_accreditation(
    *,
    actor: User | None,
    organization: Organization,
    sector: str,
    valid_from: date,
    valid_to: date,
) -> Accreditation:
    _require_manager(actor)
    errors: dict[str, str] = {}
    if organization.kind != Organization.Kind.VERIFIER:
        errors["organization"] = ORGANIZATION_NOT_VERIFIER
    if sector not in Sector.values:
        errors["sector"] = SECTOR_INVALID.format(value=sector)
    if valid_to < valid_from:
        errors["valid_to"] = PERIOD_REVERSED
    if errors:
        raise InvalidInput(errors)

    accreditation = Accreditation.objects.create(
        organization=organization, sector=sector, valid_from=valid_from, valid_to=valid_to
    )
    record_event(
        actor=actor,
        action="accreditation.added",
        target=accreditation,
        after={
            "organization": organization.pk,
            "sector": sector,
            "valid_from": valid_from,
            "valid_to": valid_to,
        },
    )
    return accreditation
