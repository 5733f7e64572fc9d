import statistics
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment
from django.utils import timezone

from tracker.models import Target
from tracker.progress import compute_progress
from tracker.synthetic import create_synthetic

PAGES = [
    "/",
    "/commitments/",
    "/agreements/",
    "/agreements/?sort=-value&country=uzbekistan",
    "/agreements/uzbekistan-japan-summit-package/",
    "/countries/uzbekistan/",
    "/priority-areas/connectivity/",
    "/target/",
    "/sources/",
    "/changes/feed/",
    "/agreements.csv",
]


class Command(BaseCommand):
    help = (
        "Time the public pages on a throwaway database holding the real data plus N synthetic "
        "agreements. Prints median and worst milliseconds, queries and bytes per page."
    )

    def add_arguments(self, parser):
        parser.add_argument("--agreements", type=int, nargs="+", default=[0, 1000, 5000])
        parser.add_argument("--runs", type=int, default=7)

    def handle(self, *args, agreements, runs, **options):
        # The synthetic rows must reach the pages, or there is nothing to measure; and each
        # page is rendered, not served from the page cache (bench/peer.py measures that).
        settings.SHOW_SYNTHETIC_RECORDS = True
        settings.PUBLIC_PAGE_CACHE = False
        setup_test_environment()
        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        try:
            call_command("load_summit_data", verbosity=0)
            added = 0
            for size in sorted(agreements):
                create_synthetic(agreements=size - added, commitments=(size - added) // 3, seed=size)
                added = size
                self.report(size, runs)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
            teardown_test_environment()

    def report(self, size, runs):
        client = Client()
        self.stdout.write(f"\n== real data + {size} synthetic agreements ({connection.vendor}), {runs} runs")
        self.stdout.write(f"{'page':48} {'median ms':>9} {'max ms':>7} {'queries':>7} {'KiB':>6}")
        for url in PAGES:
            timings = []
            for _ in range(runs):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(url)
                    body = b"".join(response.streaming_content) if response.streaming else response.content
                    response.close()  # an export holds its slot until closed
                    timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            self.stdout.write(
                f"{url:48} {statistics.median(timings):9.1f} {max(timings):7.1f} "
                f"{len(queries):7d} {len(body) / 1024:6.1f}"
            )
        target = Target.objects.get()
        started = time.perf_counter()
        compute_progress(target=target, on_date=timezone.localdate())
        self.stdout.write(f"compute_progress alone: {(time.perf_counter() - started) * 1000:.1f} ms")
