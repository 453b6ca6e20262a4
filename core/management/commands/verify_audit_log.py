from django.core.management.base import BaseCommand, CommandError

from core.transparency import verify_log


class Command(BaseCommand):
    help = (
        "Check the transparency log against the audit entries: the latest head's signature, "
        "every leaf hash, every stored node and the root."
    )

    def handle(self, *args, **options) -> None:
        result = verify_log()
        if not result.ok:
            raise CommandError(
                f"Transparency log broken at leaf {result.first_broken}: {result.problem}"
            )
        self.stdout.write(self.style.SUCCESS(f"Transparency log intact: {result.entries} entries."))
