from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tracker.models import Source
from tracker.services import FIXTURE_REASON, FixtureProblem, fixture_path, load_fixture


class Command(BaseCommand):
    help = (
        "Load the summit's data from fixtures/ in one transaction, with an audit record for every "
        "record loaded. Reloading updates records by their natural keys and never duplicates them; "
        "--if-empty loads only into a database with no tracker data, so editors' changes survive a "
        "second `make run`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if the database already holds tracker data.",
        )
        parser.add_argument(
            "--fixture",
            type=Path,
            help="Load this JSON file instead of fixtures/tokyo_summit.json (its archive/ folder beside it).",
        )

    def handle(self, *args, if_empty=False, fixture=None, **options):
        if if_empty and Source.objects.exists():
            self.stdout.write("Tracker data already present: nothing loaded, editors' changes kept.")
            return
        try:
            path = fixture or fixture_path()
            count = load_fixture(path, reason=FIXTURE_REASON)
        except FixtureProblem as problem:
            raise CommandError(f"{problem} Nothing was loaded; the database is unchanged.") from problem
        self.stdout.write(f"Loaded {count} records from {path.name}, each with an audit record.")
