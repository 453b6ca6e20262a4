import os

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts import services
from accounts.models import Organization
from core.errors import InvalidInput
from core.provinces import Province

PASSWORD_VARIABLE = "REGISTRY_USER_PASSWORD"  # noqa: S105 - a variable's name


class Command(BaseCommand):
    help = (
        "Create a user in an organisation, creating the organisation if it does not exist. "
        "This is how an installation gets its first operator."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument(
            "--password",
            help=f"the password; better, set {PASSWORD_VARIABLE} in the environment, so that "
            "it does not appear in the process list or the shell history",
        )
        parser.add_argument("--organization", required=True, help="organisation name")
        parser.add_argument("--kind", required=True, choices=Organization.Kind.values)
        parser.add_argument(
            "--province",
            default=Province.BEIJING,
            choices=Province.values,
            help="used only when the organisation is created (default: Beijing)",
        )
        parser.add_argument("--email", default="")

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        password = options["password"] or os.environ.get(PASSWORD_VARIABLE)
        if not password:
            raise CommandError(f"Give --password or set {PASSWORD_VARIABLE}.")
        organization = Organization.objects.filter(name=options["organization"]).first()
        if organization is None:
            organization = self._run(
                services.create_organization,
                actor=None,
                name=options["organization"],
                kind=options["kind"],
                province=options["province"],
            )
        elif organization.kind != options["kind"]:
            raise CommandError(
                f"Organisation {organization.name!r} exists with kind {organization.kind!r}, "
                f"not {options['kind']!r}."
            )
        user = self._run(
            services.create_user,
            actor=None,
            username=options["username"],
            password=password,
            organization=organization,
            email=options["email"],
        )
        self.stdout.write(
            f"Created user {user.username} in {organization.name} ({organization.kind})."
        )

    def _run(self, service, **kwargs):
        try:
            return service(**kwargs)
        except InvalidInput as error:
            raise CommandError(error.message) from error
