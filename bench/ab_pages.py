"""Two checkouts (or more) of the tracker rendering the same uncached pages in turns, in-process, on the same
database: the difference a change makes, measured on a machine whose speed drifts between runs.

    git worktree add /tmp/before <commit>      # then, in it: manage.py compilemessages
    .venv/bin/python bench/ab_pages.py /tmp/before . --rounds 3

Each round runs every checkout once (a fresh process each, in turns); a page's figure is its best
of two requests, a group's the median of its pages. The database is bench/profile_pages.py's
+10,000 file (built by it on first use); the pages are the first addresses of bench/peer.py's
mix files (var/bench/mix-*-ours.txt, written by `bench/peer.py --mix-only`) and a few others.
"""

import argparse
import ast
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = ROOT / "var" / "bench-profile-10000.sqlite3"
OTHERS = [
    "/agreements/?page=2",
    "/commitments/",
    "/countries/kazakhstan/",
    "/countries/uzbekistan/",
    "/",
    "/target/",
]


def pages():
    mix = ROOT / "var" / "bench"
    html = (mix / "mix-html-ours.txt").read_text().split()[:60]
    json = (mix / "mix-json-ours.txt").read_text().split()[:30]
    groups = {"HTML mix (60 addresses)": html, "JSON mix (30 addresses)": json}
    return {**groups, **{page: [page] for page in OTHERS}}


def measure(groups):
    """Runs in a checkout's directory, with its code: prints {group: median ms} as a Python literal."""
    sys.path.insert(0, os.getcwd())
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    settings.STATIC_ROOT = ROOT / "var" / "staticfiles"  # one manifest for both checkouts
    client = Client()
    best = {}
    for _attempt in range(2):
        for addresses in groups.values():
            for address in addresses:
                started = time.perf_counter()
                response = client.get(address)
                if response.streaming:
                    b"".join(response.streaming_content)
                elapsed = time.perf_counter() - started
                best[address] = min(best.get(address, elapsed), elapsed)
    print({name: statistics.median(best[a] for a in addresses) * 1000 for name, addresses in groups.items()})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkouts", nargs="+", type=Path, help="two or more")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--inside", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:
        measure(pages())
        return
    if len(args.checkouts) < 2:
        parser.error("give two checkouts or more")
    if not DATABASE.exists():
        sys.exit(f"{DATABASE} is missing: run bench/profile_pages.py --agreements 10000 first")
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "summit.settings",
        "SECRET_KEY": "ab-only-" + "x" * 40,
        "PUBLIC_PAGE_CACHE": "false",
        "SHOW_SYNTHETIC_RECORDS": "true",
        "DATABASE_URL": f"sqlite:///{DATABASE}",
    }
    results = {checkout: [] for checkout in args.checkouts}
    for _round in range(args.rounds):
        for checkout in args.checkouts:
            command = [sys.executable, __file__, "--inside", "yes", str(checkout)]
            out = subprocess.run(command, cwd=checkout, env=environment, capture_output=True, text=True)
            if out.returncode:
                sys.exit(out.stderr)
            results[checkout].append(ast.literal_eval(out.stdout.strip().splitlines()[-1]))
    print(f"{'page (ms, median of rounds)':32}" + "".join(f"{str(c)[-24:]:>26}" for c in args.checkouts))
    for name in pages():
        row = [statistics.median(run[name] for run in results[c]) for c in args.checkouts]
        print(f"{name[:32]:32}" + "".join(f"{figure:26.1f}" for figure in row))


if __name__ == "__main__":
    main()
