"""`manage.py create_user`: how an installation gets its first operator."""

import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User

ARGUMENTS = ["--username", "first-operator", "--organization", "Operations", "--kind", "operator"]


@pytest.mark.django_db
def test_the_password_can_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("REGISTRY_USER_PASSWORD", "a-password-kept-out-of-ps-42")

    call_command("create_user", *ARGUMENTS, stdout=io.StringIO())

    user = User.objects.get(username="first-operator")
    assert user.check_password("a-password-kept-out-of-ps-42")
    assert user.organization.kind == "operator"


@pytest.mark.django_db
def test_the_argument_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("REGISTRY_USER_PASSWORD", "from-the-environment-42")

    call_command(
        "create_user", *ARGUMENTS, "--password", "from-the-argument-42", stdout=io.StringIO()
    )

    assert User.objects.get(username="first-operator").check_password("from-the-argument-42")


@pytest.mark.django_db
def test_no_password_at_all_is_refused_and_creates_nothing(monkeypatch):
    monkeypatch.delenv("REGISTRY_USER_PASSWORD", raising=False)

    with pytest.raises(CommandError, match="REGISTRY_USER_PASSWORD"):
        call_command("create_user", *ARGUMENTS, stdout=io.StringIO())

    assert not User.objects.filter(username="first-operator").exists()
