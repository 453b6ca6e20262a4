"""Load the shipped methodology library (`make run` calls this after migrating)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from methodologies.library import LibraryError, load_library
from methodologies.reference import ReferenceDataConflict, load_reference_data


class Command(BaseCommand):
    help = (
        "Load the shipped reference data and publish each shipped methodology version not "
        "stored yet; prints what it added. Safe to run again: it then adds nothing."
    )

    def handle(self, *args, **options) -> None:
        try:
            # One transaction: reference data and library land together or not at all.
            with transaction.atomic():
                reference = load_reference_data()
                added = load_library()
        except (LibraryError, ReferenceDataConflict) as error:
            raise CommandError(str(error)) from error
        if any(reference.values()):
            counts = ", ".join(f"{count} {name}" for name, count in reference.items() if count)
            self.stdout.write(f"Added reference data: {counts}.")
        for methodology in added:
            self.stdout.write(f"Published {methodology.identifier}: {methodology.title}")
        if not added:
            self.stdout.write("The methodology library is up to date; nothing added.")
