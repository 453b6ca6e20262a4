from django.core.management.base import BaseCommand, CommandError

from core.audit import verify_chain


class Command(BaseCommand):
    help = "Recompute the audit hash chain and name the first broken entry, if any."

    def handle(self, *args, **options) -> None:
        result = verify_chain()
        if not result.ok:
            raise CommandError(
                f"Audit chain broken at entry {result.first_broken} "
                f"({result.entries} entries verified before it)."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {result.entries} entries."))
