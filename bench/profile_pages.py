"""Where an uncached page's time goes, at +10,000 and +100,000 synthetic agreements: SQL, the
filter form, template rendering and the rest (views, ORM objects), per page; the first request
after a change of each page that shows the target; and the top functions of one page when asked.

    .venv/bin/python bench/profile_pages.py                      # +10,000 and +100,000, SQLite
    .venv/bin/python bench/profile_pages.py --agreements 10000 --profile "/agreements/?country=uzbekistan"
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/tracker_profile .venv/bin/python bench/profile_pages.py

The SQLite databases are built once into var/bench-profile-<n>.sqlite3 (the real data plus n
synthetic agreements) and reused; on PostgreSQL the named database is rebuilt when it does not
hold that many synthetic agreements, and vacuumed and analyzed. Pages are
rendered in-process by Django's test client with the page cache off, so every figure is a page's
full cost, never a kept copy.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = [
    "/agreements/",
    "/agreements/?country=uzbekistan",
    "/agreements/?country=kazakhstan&status=signed&sort=-value",
    "/agreements/?sector=renewable-energy&page=3",
    "/ja/agreements/?country=kyrgyzstan&sort=title",
    "/commitments/?country=tajikistan",
    "/agreements/uzbekistan-japan-summit-package/",
    "/countries/kazakhstan/",
    "/countries/",
    "/target/",
    "/",
]
TARGET_PAGES = ["/", "/target/", "/countries/", "/countries/uzbekistan/", "/embed/target.svg"]


def setup(agreements):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "summit.settings")
    os.environ.setdefault("SECRET_KEY", "profile-only-" + "x" * 40)
    os.environ["PUBLIC_PAGE_CACHE"] = "false"
    os.environ["SHOW_SYNTHETIC_RECORDS"] = "true"
    fresh = False
    if not os.environ.get("DATABASE_URL"):
        path = ROOT / "var" / f"bench-profile-{agreements}.sqlite3"
        path.parent.mkdir(exist_ok=True)  # a fresh clone has no var/ yet
        fresh = not path.exists()
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.ALLOWED_HOSTS = ["*"]
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)  # pages name hashed files
    if connection.vendor == "postgresql":  # rebuilt unless it holds this many synthetic agreements
        call_command("migrate", verbosity=0)
        from tracker.models import Agreement

        fresh = Agreement.objects.filter(is_synthetic=True).count() != agreements
    if fresh:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        call_command("migrate", verbosity=0)
        call_command("load_summit_data", verbosity=0)
        started = time.perf_counter()
        call_command("generate_synthetic", agreements=agreements, commitments=agreements // 10, verbosity=0)
        print(f"built +{agreements:,} agreements in {time.perf_counter() - started:.0f} s")
        if connection.vendor == "postgresql":
            # Statistics and the visibility map, as autovacuum leaves them soon after a load:
            # without statistics the lists at +100,000 took 190-430 ms instead of 80-155; without
            # the map no index of the link tables answers alone (bench/peer.py's build).
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")


class Timer:
    """Wall time spent in SQL, in the filter form and in templates while a page renders."""

    def __init__(self):
        self.sql = self.form = self.template = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.sql += time.perf_counter() - started


def measure(client, path, runs):
    from django.db import connection
    from django.forms import BoundField
    from django.template.backends.django import Template

    timer = Timer()
    # The filter forms' templates render field by field: a widget's rendering is the form's cost.
    original_render, original_as_widget = Template.render, BoundField.as_widget

    def render(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return original_render(self, *args, **kwargs)
        finally:
            timer.template += time.perf_counter() - started

    def as_widget(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return original_as_widget(self, *args, **kwargs)
        finally:
            timer.form += time.perf_counter() - started

    Template.render, BoundField.as_widget = render, as_widget
    totals, phases = [], []
    try:
        with connection.execute_wrapper(timer):
            for _run in range(runs):
                timer.sql = timer.form = timer.template = 0.0
                started = time.perf_counter()
                response = client.get(path)
                if response.streaming:
                    b"".join(response.streaming_content)
                total = time.perf_counter() - started
                totals.append(total)
                phases.append((timer.sql, timer.form, timer.template))
                assert response.status_code == 200, (path, response.status_code)
    finally:
        Template.render, BoundField.as_widget = original_render, original_as_widget
    best = min(range(runs), key=lambda index: totals[index])
    sql, form, template = phases[best]
    # Template time includes the form's rendering when the template renders it, and SQL run
    # from inside the template: report template as its own work.
    return statistics.median(totals), totals[best], sql, form, template


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agreements", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", help="print the top functions of this page")
    args = parser.parse_args()
    if len(args.agreements) > 1:  # one Django setup per process: run each size in its own
        for size in args.agreements:
            os.spawnv(
                os.P_WAIT,
                sys.executable,
                [sys.executable, __file__, "--agreements", str(size), "--runs", str(args.runs)]
                + (["--profile", args.profile] if args.profile else []),
            )
        return
    size = args.agreements[0]
    setup(size)
    from django.test import Client

    from tracker import freshness

    # No setup_test_environment(): its instrumented template rendering doubles a page's time.
    client = Client()
    print(f"\n+{size:,} synthetic agreements, {os.environ['DATABASE_URL'].split(':')[0]}, page cache off")
    print(f"{'page':58} {'median':>8} {'best':>7} {'SQL':>7} {'form':>6} {'tmpl':>7}  (ms)")
    client.get("/")  # the target's figures for this data version, kept as in production
    for path in PAGES:
        median, best, sql, form, template = measure(client, path, args.runs)
        print(
            f"{path[:58]:58} {median * 1000:8.1f} {best * 1000:7.1f} {sql * 1000:7.1f} {form * 1000:6.1f} "
            f"{template * 1000:7.1f}"
        )
    print("\nfirst request after a change (the target computed again), each page that shows it:")
    for path in TARGET_PAGES:
        freshness.bump()
        started = time.perf_counter()
        response = client.get(path)
        print(f"  {path:30} {(time.perf_counter() - started) * 1000:8.1f} ms  ({response.status_code})")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _run in range(args.runs):
            client.get(args.profile)
        profiler.disable()
        print(f"\ntop functions of {args.profile} ({args.runs} runs):")
        order, top = os.environ.get("SORT", "cumulative"), int(os.environ.get("TOP", "20"))
        pstats.Stats(profiler).sort_stats(order).print_stats(top)


if __name__ == "__main__":
    main()
