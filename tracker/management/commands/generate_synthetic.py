from django.core.management.base import BaseCommand, CommandError

from tracker.models import Party
from tracker.synthetic import create_synthetic


class Command(BaseCommand):
    help = "Add synthetic agreements and commitments (marked is_synthetic) for tests and benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--agreements", type=int, default=1000)
        parser.add_argument("--commitments", type=int, default=300)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, agreements, commitments, seed, **options):
        if not Party.objects.countries().exists():
            raise CommandError(
                "Load the real data first (manage.py load_summit_data): synthetic records refer to it."
            )
        made = create_synthetic(agreements=agreements, commitments=commitments, seed=seed)
        self.stdout.write(f"Added {made[0]} synthetic agreements and {made[1]} synthetic commitments.")
