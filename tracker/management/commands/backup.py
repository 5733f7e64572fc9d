from django.core.management.base import BaseCommand

from tracker.services.backup import dump


class Command(BaseCommand):
    help = (
        "Write every record, the audit trail, the editors' accounts and the admin's log to a JSON "
        "file that `restore` loads into an empty database."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Where to write the backup, e.g. var/backup-2026-11-22.json")

    def handle(self, *args, path, **options):
        count = dump(path)
        self.stdout.write(f"Wrote {count} records to {path}.")
