from django.core.management.base import BaseCommand, CommandError

from tracker.services import FixtureProblem
from tracker.services.backup import restore


class Command(BaseCommand):
    help = "Load a file written by `backup` into a freshly migrated, empty database, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        try:
            count = restore(path)
        except FixtureProblem as problem:
            raise CommandError(f"{problem} Nothing was restored.") from problem
        self.stdout.write(f"Restored {count} records from {path}.")
