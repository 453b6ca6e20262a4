"""The verbs that change organisations, users and accreditations.

`actor` is the user acting, or None for the installation itself (the `create_user` command that
bootstraps the first operator); every API path passes the requesting user.
"""

from datetime import date
from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop
from knox.models import AuthToken
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as CodeValidationError

from accounts.models import Accreditation, Organization, User
from accounts.rules import can_manage_organizations
from accounts.usernames import MAX_KEY_LENGTH, name_key
from core.audit import record_event
from core.errors import AccessDenied, Conflict, InvalidInput, InvalidTransition
from core.messages import Message
from core.provinces import Province
from core.sectors import Sector

NAME_REQUIRED = Message(gettext_noop("This field may not be blank."))
NAME_TAKEN = Message(gettext_noop("An organisation with this name already exists."))
KIND_INVALID = Message(gettext_noop('"{value}" is not a valid choice.'))
PROVINCE_INVALID = Message(gettext_noop('"{value}" is not a valid choice.'))
CREDIT_CODE_INVALID = Message(
    gettext_noop("Not a valid unified social credit code (GB 32100-2015).")
)
CREDIT_CODE_TAKEN = Message(
    gettext_noop("An organisation with this unified social credit code already exists.")
)
USERNAME_TAKEN = Message(gettext_noop("A user with that username already exists."))
USERNAME_TOO_LONG = Message(gettext_noop("This username is too long."))
USER_ALREADY_INACTIVE = Message(gettext_noop("This user is already deactivated."))
CANNOT_DEACTIVATE_SELF = Message(gettext_noop("You cannot deactivate your own account."))
# DRF's wording, which integrators already match on.
SIGN_IN_FAILED = Message(gettext_noop("Unable to log in with provided credentials."))
ORGANIZATION_NOT_VERIFIER = Message(gettext_noop("Only verifiers can be accredited."))
SECTOR_INVALID = Message(gettext_noop('"{value}" is not a valid choice.'))
PERIOD_REVERSED = Message(gettext_noop("The accreditation cannot end before it starts."))


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
    key = name_key(username)
    if "username" not in errors:
        # Unique by key, not by spelling: `Operator` or `operatοr` (Greek omicron) beside
        # `operator` would pass for it. The database's unique index on the key is the
        # guarantee; this check answers the usual case with the message.
        if len(key) > MAX_KEY_LENGTH:
            errors["username"] = [USERNAME_TOO_LONG]
        elif User.objects.filter(username_key=key).exists():
            errors["username"] = [USERNAME_TAKEN]
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


@transaction.atomic
def deactivate_user(*, actor: User | None, user: User) -> User:
    """Stop `user` from acting: no sign-in, and every API token revoked at once.

    The user and everything they did stay on record (users are never deleted: audit entries
    and transitions name them).
    """
    _require_manager(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    if actor is not None and actor.pk == user.pk:
        raise Conflict(CANNOT_DEACTIVATE_SELF)
    if not user.is_active:
        raise InvalidTransition(USER_ALREADY_INACTIVE)
    user.is_active = False
    user.save(update_fields=["is_active"])
    revoked, _ = AuthToken.objects.filter(user=user).delete()
    record_event(
        actor=actor,
        action="user.deactivated",
        target=user,
        before={"is_active": True},
        after={"is_active": False, "tokens_revoked": revoked},
    )
    return user


def sign_in(*, request: Any, username: str, password: str) -> tuple[AuthToken, str]:
    """A new API token for the active user with these credentials (see `issue_token`).

    Raises InvalidInput with one message for a wrong password, an unknown username and a
    deactivated user alike, so an answer never tells which usernames exist.
    """
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise InvalidInput({"non_field_errors": SIGN_IN_FAILED})
    return issue_token(user=user)


@transaction.atomic
def issue_token(*, user: User) -> tuple[AuthToken, str]:
    """A new API token for `user`, who has just proved their password: the stored row (its
    digest and expiry) and the key, which is shown once and never stored."""
    token, key = AuthToken.objects.create(user=user)
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    return token, key


def revoke_token(*, token: AuthToken) -> None:
    """Sign out: the token stops working at once."""
    AuthToken.objects.filter(pk=token.pk).delete()


def purge_expired_tokens() -> int:
    """Delete every expired token (they are refused anyway); returns how many went."""
    deleted, _ = AuthToken.objects.filter(expiry__lte=timezone.now()).delete()
    return deleted
