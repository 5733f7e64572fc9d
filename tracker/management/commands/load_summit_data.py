from django.core.management import call_command
from django.core.management.base import BaseCommand

from tracker.models import Source

FIXTURE = "tokyo_summit"


class Command(BaseCommand):
    help = (
        "Load the summit's data from fixtures/ in one transaction. Reloading updates records by their "
        "natural keys and never duplicates them; --if-empty loads only into a database with no tracker "
        "data, so editors' changes survive a second `make run`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if the database already holds tracker data.",
        )

    def handle(self, *args, if_empty=False, verbosity=1, **options):
        if if_empty and Source.objects.exists():
            self.stdout.write("Tracker data already present: nothing loaded, editors' changes kept.")
            return
        call_command("loaddata", FIXTURE, verbosity=verbosity)
