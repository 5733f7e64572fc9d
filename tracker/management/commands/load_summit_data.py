from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models.signals import post_save
from django.test.utils import override_settings
from django.utils import timezone

from tracker.models import Source

FIXTURE = "tokyo_summit"
REASON = f"Loaded from fixtures/{FIXTURE}.json"


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

    def handle(self, *args, if_empty=False, verbosity=1, **options):
        if if_empty and Source.objects.exists():
            self.stdout.write("Tracker data already present: nothing loaded, editors' changes kept.")
            return
        with transaction.atomic():
            loaded = self.load(verbosity)
            self.record_history(loaded)

    def load(self, verbosity):
        """Load the fixture, noting every record it saves.

        loaddata saves "raw", which django-simple-history skips, while its many-to-many updates
        would each leave a partial history record; history is switched off for the load and
        written whole afterwards.
        """
        loaded = {}

        def note(sender, instance, raw, created, **kwargs):
            if raw and hasattr(sender, "history"):
                loaded.setdefault(sender, {})[instance.pk] = created

        post_save.connect(note, weak=False, dispatch_uid="load_summit_data")
        try:
            with override_settings(SIMPLE_HISTORY_ENABLED=False):
                call_command("loaddata", FIXTURE, verbosity=verbosity)
        finally:
            post_save.disconnect(dispatch_uid="load_summit_data")
        return loaded

    def record_history(self, loaded):
        now = timezone.now()
        for model, created_by_pk in loaded.items():
            for obj in model.objects.filter(pk__in=created_by_pk):
                obj._change_reason = REASON
                obj._history_date = now
                # The non-raw post_save that loaddata did not send: simple-history answers it with
                # a full audit record, many-to-many fields included. Nothing else listens.
                post_save.send(
                    sender=model, instance=obj, created=created_by_pk[obj.pk], raw=False, using=obj._state.db
                )
