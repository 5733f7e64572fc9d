"""Our tracker against the peer a data team would otherwise use: Datasette on the same SQLite file.

    make bench                       # shipped data, +10,000 and +100,000 agreements, SQLite
    .venv/bin/python bench/peer.py --agreements 10000              # one size
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench make bench    # ours on PostgreSQL too
    DATABASE_URL=… .venv/bin/python bench/peer.py --only-postgres --agreements 10000 100000
    .venv/bin/python bench/peer.py --agreements 10000 100000 --mix-only     # the cache-busting mix
    .venv/bin/python bench/peer.py --agreements 10000 100000 --after-change # first requests, full CSV
    DATABASE_URL=… .venv/bin/python bench/peer.py --agreements 100000 --only-postgres --mix-only

For each size it builds a database (the real data plus N synthetic agreements, once, into
var/bench/), serves ours as `make run` does (gunicorn, 2 workers x 4 threads, DEBUG off) and
Datasette 0.65.5 on the same file, by default and tuned (`-i`, `suggest_facets off`), and
measures each page with wrk, one connection and then 16, alternating ours and the peer after a
warm-up. It prints requests/s, p50/p99 latency, bytes and SQL queries per page, the time of the
first request after a change, and a full CSV export's time and worker memory; the ratios ours ÷
peer go to var/bench/peer-results.json. wrk (Debian package) and a Datasette virtualenv are
installed by `make bench`. Traffic goes only to 127.0.0.1.
"""

import argparse
import itertools
import json
import os
import platform
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
OURS_PORT, PEER_PORT = 8021, 8022
DATASETTE = ROOT / "var" / "bench-peer" / "bin" / "datasette"
GUNICORN = ["--config", "python:summit.gunicorn", "--timeout", "120", "--log-level", "warning"]
FLUSH = "from django.core.management import call_command; call_command('flush', interactive=False)\n"
SECONDS = 5  # per wrk run, after a 1 s warm-up run
COUNTRY, STATUS = "uzbekistan", "signed"


def environment(database_url):
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": "peer-benchmark-only-key-" + "x" * 40,
        "SHOW_SYNTHETIC_RECORDS": "true",  # the synthetic rows must reach the pages
        "DJANGO_SETTINGS_MODULE": "summit.settings",
    }


def django(env, code):
    """Run `code` with Django set up against `env`'s database; returns what it prints."""
    prelude = "import django; django.setup()\n"
    done = subprocess.run(
        [sys.executable, "-c", prelude + code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def build(env, agreements):
    django(
        env,
        "from django.core.management import call_command\n"
        "from tracker.synthetic import create_synthetic\n"
        "call_command('migrate', verbosity=0)\n"
        "call_command('load_summit_data', verbosity=0)\n"
        f"create_synthetic(agreements={agreements}, commitments={agreements // 10}, seed=1)\n"
        # What autovacuum does soon after a bulk load (PostgreSQL 13 and later vacuum after
        # inserts too): statistics to plan from (without them a filtered list at +100,000 took
        # 105 ms instead of 66) and the visibility map, so that the link tables' indexes answer
        # alone (a country and a sector's count at +100,000: 42-50 ms before, 17-22 after).
        "from django.db import connection\n"
        "if connection.vendor == 'postgresql': connection.cursor().execute('VACUUM ANALYZE')\n",
    )


def synthetic_count(env):
    code = (
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n"
        "from tracker.models import Agreement\n"
        "print(Agreement.objects.filter(is_synthetic=True).count())\n"
    )
    return int(django(env, code))


def sample_slug(env):
    return django(
        env,
        "from tracker.models import Agreement\n"
        "import json\n"
        "rows = Agreement.objects.order_by('pk').values_list('slug', 'pk')\n"
        "print(json.dumps(rows[min(500, rows.count() - 1)]))\n",
    )


def query_counts(env, paths):
    """SQL queries to render each page (the page cache off; a kept page costs one), warm (the
    second request), counted in-process on the same database."""
    code = (
        "import json\n"
        "from django.db import connection\n"
        "from django.test import Client\n"
        "from django.test.utils import CaptureQueriesContext, setup_test_environment\n"
        "setup_test_environment()\n"
        "client, counts = Client(), {}\n"
        f"for path in {paths!r}:\n"
        "    for _ in range(2):\n"
        "        with CaptureQueriesContext(connection) as queries:\n"
        "            response = client.get(path)\n"
        "            if response.streaming: b''.join(response.streaming_content)\n"
        "    counts[path] = len(queries)\n"
        "print(json.dumps(counts))\n"
    )
    return json.loads(django({**env, "PUBLIC_PAGE_CACHE": "false"}, code))


def wait_for(port, process, path="/"):
    for _ in range(300):
        if process.poll() is not None:
            raise SystemExit(f"server on port {port} exited with {process.returncode}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server on port {port} did not answer")


def serve_ours(env, port=OURS_PORT):
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "summit.wsgi", "--bind", f"127.0.0.1:{port}", *GUNICORN],
        cwd=ROOT,
        env=env,
    )
    wait_for(port, process, "/healthz")
    warm(port)
    return process


def warm(port=OURS_PORT):
    """Both workers compute the target before anything is timed (several requests at once
    reach both processes)."""
    warmers = [threading.Thread(target=fetch, args=(f"http://127.0.0.1:{port}/",)) for _ in range(8)]
    for thread in warmers:
        thread.start()
    for thread in warmers:
        thread.join()


def serve_peer(database, tuned):
    options = ["-i", str(database), "--setting", "suggest_facets", "off"] if tuned else [str(database)]
    process = subprocess.Popen(
        [
            str(DATASETTE),
            "serve",
            *options,
            "--port",
            str(PEER_PORT),
            "--setting",
            "sql_time_limit_ms",
            "20000",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(PEER_PORT, process)
    return process


def stop(process):
    process.terminate()
    process.wait(timeout=20)


UNITS = {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}


def wrk(url, connections, mix=None, part=0, before_timed=None):
    """(requests/s answered 200, p50 ms, p99 ms, refused) of `url` under wrk with `connections`
    connections, after a 1 s warm-up and then `before_timed()`. Only our long exports may be
    refused (503: at most two stream at once per server process); any other error stops the
    benchmark."""
    common = [
        "wrk",
        f"-t{min(connections, 2)}",
        f"-c{connections}",
        "--latency",
        "--timeout",
        "10s",
        "-H",
        "Accept-Encoding: gzip",
    ]
    env = warm_env = os.environ
    if mix:  # a different address per request: bench/mix.lua reads them from a file
        common += ["-s", str(ROOT / "bench" / "mix.lua")]
        # Each run starts at its own place in the file (`part`), its warm-up half a file away.
        # That an address a cached server saw before is never answered from its cache is
        # `before_timed`'s work (measure_mix: a new data version).
        addresses = len(Path(mix).read_text().splitlines())
        start = part * 997 % addresses
        env = {**os.environ, "MIX_FILE": str(mix), "MIX_START": str(start)}
        warm_env = {**env, "MIX_START": str(start + addresses // 2)}
    subprocess.run([*common, "-d1s", url], check=True, capture_output=True, env=warm_env)  # warm-up
    if before_timed:
        before_timed()
    output = subprocess.run(
        [*common, f"-d{SECONDS}s", url], check=True, capture_output=True, text=True, env=env
    ).stdout
    refused = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    refused = int(refused.group(1)) if refused else 0
    if refused and (mix or (".json" not in url and ".csv" not in url)):
        raise SystemExit(f"{url} answered errors under load:\n{output}")

    def latency(percent):
        found = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
        return float(found.group(1)) * UNITS[found.group(2)] if found else float("nan")

    answered, seconds = re.search(r"(\d+) requests in ([\d.]+)(m?s)", output).group(1, 2)
    unit = re.search(r"\d+ requests in [\d.]+(m?s)", output).group(1)
    seconds = float(seconds) / (1000 if unit == "ms" else 1)
    return (int(answered) - refused) / seconds, latency(50), latency(99), refused


def fetch(url, gzip=False):
    """(seconds, bytes) of one request, read to the end."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzip else {})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=600) as response:
        size = sum(len(chunk) for chunk in iter(lambda: response.read(1 << 16), b""))
    return time.perf_counter() - started, size


def worker_pids(master):
    return [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]


def rss_mib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def export_with_memory(server, url):
    """(seconds, MiB, growth of the largest worker's memory in MiB) of one full export."""
    workers = worker_pids(server.pid)
    idle = {pid: rss_mib(pid) for pid in workers}
    peak = dict(idle)
    sampling = True

    def sample():
        while sampling:
            for pid in workers:
                peak[pid] = max(peak[pid], rss_mib(pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    seconds, size = fetch(url)
    sampling = False
    sampler.join()
    return seconds, size / 2**20, max(peak[pid] - idle[pid] for pid in workers)


def first_request_after_change(env, url):
    """Milliseconds of the first request for `url` after an edit: the target is recomputed."""
    for _ in range(4):
        fetch(url)  # both workers warm: the first request of a process also loads templates
    django(env, "from tracker.freshness import bump; bump()\n")
    return fetch(url)[0] * 1000


MIX_SORTS = {  # ours → the same order in Datasette
    "": "_sort_desc=signed_on",
    "title": "_sort=title",
    "-value": "_sort_desc=yen_value",
    "date": "_sort=signed_on",
}
MIX_LANGUAGES = ["", "/ja", "/ru"]
UNCACHED_PORT = 8023


def mix_files(peer_database):
    """Files of different filtered list addresses (every country × status × sector × sort ×
    language, first pages, shuffled) and their Datasette twins line by line: the same filters,
    order and page size (25 rows; JSON: every matching row, up to Datasette's 1,000)."""
    with sqlite3.connect(peer_database) as db:
        countries = db.execute("select slug, id from tracker_party where kind = 'country'").fetchall()
        sectors = db.execute("select slug, id from tracker_sector").fetchall()
        statuses = [row[0] for row in db.execute("select distinct status from tracker_agreement")]
    table = f"/{peer_database.stem}/tracker_agreement"
    files = {}
    for kind in ("html", "json"):
        pairs = []
        languages = MIX_LANGUAGES if kind == "html" else [""]
        combos = itertools.product(countries, statuses, sectors, MIX_SORTS.items(), languages)
        for (country, country_id), status, (sector, sector_id), (sort, peer_sort), language in combos:
            query = f"country={country}&status={status}&sector={sector}" + (f"&sort={sort}" if sort else "")
            ours = f"{language}/agreements/?{query}" if kind == "html" else f"/agreements.json?{query}"
            where = (
                f"is_published=1&status={status}"
                f"&_where=id+in+(select+agreement_id+from+tracker_agreementparty+where+party_id%3D{country_id})"
                f"&_where=id+in+(select+agreement_id+from+tracker_agreement_sectors+where+sector_id%3D{sector_id})"
                f"&{peer_sort}"
            )
            peer = f"{table}?{where}&_size=25" if kind == "html" else f"{table}.json?{where}&_size=max"
            pairs.append((ours, peer))
        random.Random(1).shuffle(pairs)
        for side, index in (("ours", 0), ("peer", 1)):
            path = OUT / f"mix-{kind}-{side}.txt"
            path.write_text("".join(pair[index] + "\n" for pair in pairs))
            files[kind, side] = path
        files[kind, "count"] = len(pairs)
    return files


MIX_ROUNDS = 3
MIX_SERVERS = ("ours, cache on", "ours, cache off", "Datasette tuned")


def measure_mix(env, peer_database, rounds=MIX_ROUNDS):
    """The cache-busting mix: ours with the page cache on (every address new, so each is rendered
    and stored), ours with it off, and tuned Datasette, run by turns on the same machine, `rounds`
    times with the servers' order turned each round (a run lasts seconds, and a shared machine's
    speed drifts over minutes). Before each timed run of the cached server the data version moves
    on, as after an edit, so that no address it was asked before (in a warm-up, an earlier run) is
    answered from its cache."""
    files = mix_files(peer_database)
    cached = serve_ours(env)
    uncached = serve_ours({**env, "PUBLIC_PAGE_CACHE": "false"}, port=UNCACHED_PORT)
    peer = serve_peer(peer_database, tuned=True)
    ports = dict(zip(MIX_SERVERS, (OURS_PORT, UNCACHED_PORT, PEER_PORT), strict=True))

    def new_version():
        django(env, "from tracker.freshness import bump; bump()\n")

    result = {kind: {"addresses": files[kind, "count"]} for kind in ("html", "json")}
    try:
        for round_number in range(rounds):
            first = round_number % len(MIX_SERVERS)
            turn = MIX_SERVERS[first:] + MIX_SERVERS[:first]
            for kind in ("html", "json"):
                for part, connections in enumerate((16, 1)):
                    for name in turn:
                        side = "peer" if name.startswith("Datasette") else "ours"
                        figures = wrk(
                            f"http://127.0.0.1:{ports[name]}/",
                            connections,
                            mix=files[kind, side],
                            part=round_number * 2 + part,
                            before_timed=new_version if name == "ours, cache on" else None,
                        )
                        result[kind].setdefault(f"{name} c{connections}", []).append(figures)
    finally:
        for process in (cached, uncached, peer):
            stop(process)
    return result


def report_mix(mix):
    """Each server's median requests/s over the rounds (its lowest and highest in brackets), and
    ours ÷ Datasette's in each round: the lowest and highest ratio."""
    for kind, figures in mix.items():
        print(
            f"cache-busting mix, {kind.upper()}: {figures['addresses']:,} different filtered list addresses"
        )
        for connections in (16, 1):
            theirs = [rate for rate, *_ in figures[f"Datasette tuned c{connections}"]]
            parts = []
            for name in MIX_SERVERS:
                runs = figures[f"{name} c{connections}"]
                rates = sorted(rate for rate, *_ in runs)
                p50s = [p50 for _rate, p50, _p99, _refused in runs]
                text = (
                    f"{name} {statistics.median(rates):.1f} req/s ({rates[0]:.1f}–{rates[-1]:.1f}), "
                    f"p50 {statistics.median(p50s):.1f} ms"
                )
                if not name.startswith("Datasette"):
                    ratios = sorted(rate / peer for (rate, *_), peer in zip(runs, theirs, strict=True))
                    text += f" = {ratios[0]:.2f}–{ratios[-1]:.2f}x"
                parts.append(text)
            print(f"  c{connections}, {len(theirs)} rounds: " + "; ".join(parts))


TARGET_PAGES = ["/", "/target/", "/countries/", "/countries/uzbekistan/", "/embed/target.svg"]
CHANGES = 3


def measure_after_change(env):
    """The first request after a change of each page that shows the target, CHANGES changes
    each, and the full CSV three times: ours alone, through gunicorn."""
    ours = serve_ours(env)
    try:
        first = {
            path: [
                first_request_after_change(env, f"http://127.0.0.1:{OURS_PORT}{path}") for _ in range(CHANGES)
            ]
            for path in TARGET_PAGES
        }
        exports = [export_with_memory(ours, f"http://127.0.0.1:{OURS_PORT}/agreements.csv") for _ in range(3)]
    finally:
        stop(ours)
    for path, times in first.items():
        print(f"first request after a change, {path:24} " + ", ".join(f"{ms:,.0f}" for ms in times) + " ms")
    for seconds, mib, growth in exports:
        print(f"/agreements.csv, full: {seconds:.1f} s, {mib:.1f} MiB, largest worker +{growth:.0f} MiB")
    return {"first_request_ms": first, "csv": exports}


def measure_size(agreements, database_url, peer_database, results, mix_only=False, after_change=False):
    env = environment(database_url)
    vendor = "postgresql" if database_url.startswith("postgres") else "sqlite"
    if after_change:
        print(f"\n== +{agreements:,} synthetic agreements, ours on {vendor}")
        results.append(
            {"agreements": agreements, "database": vendor, "after_change": measure_after_change(env)}
        )
        return
    if mix_only:
        results.append({"agreements": agreements, "database": vendor, "mix": measure_mix(env, peer_database)})
        print(f"\n== +{agreements:,} synthetic agreements, ours on {vendor}")
        report_mix(results[-1]["mix"])
        return
    slug, pk = json.loads(sample_slug(env))
    country_id = None
    if peer_database:
        with sqlite3.connect(peer_database) as db:
            country_id = db.execute("select id from tracker_party where slug = ?", [COUNTRY]).fetchone()[0]
    table = f"/{peer_database.stem}/tracker_agreement" if peer_database else ""
    where = f"_where=id+in+(select+agreement_id+from+tracker_agreementparty+where+party_id%3D{country_id})"
    pages = [
        ("home", "/", None),
        (
            "list, filtered (HTML)",
            f"/agreements/?country={COUNTRY}&status={STATUS}",
            f"{table}?status={STATUS}&{where}",
        ),
        (
            "list, filtered (JSON)",
            f"/agreements.json?country={COUNTRY}&status={STATUS}",
            f"{table}.json?status={STATUS}&{where}&_size=max",
        ),
        ("agreement detail", f"/agreements/{slug}/", f"{table}/{pk}"),
        ("country page", f"/countries/{COUNTRY}/", None),
        ("target page", "/target/", None),
    ]
    counts = query_counts(env, [path for _name, path, _peer in pages])
    ours = serve_ours(env)
    rows = []
    try:
        first_ms = first_request_after_change(env, f"http://127.0.0.1:{OURS_PORT}/")
        warm()  # the other worker recomputes too, before the pages are timed
        for name, path, peer_path in pages:
            url = f"http://127.0.0.1:{OURS_PORT}{path}"
            row = {
                "page": name,
                "path": path,
                "queries": counts[path],
                "bytes": fetch(url)[1],
                "gzip_bytes": fetch(url, gzip=True)[1],
            }
            for connections in (1, 16):
                row[f"ours_c{connections}"] = wrk(url, connections)
            rows.append((row, peer_path))
        csv_seconds, csv_mib, csv_growth = export_with_memory(
            ours, f"http://127.0.0.1:{OURS_PORT}/agreements.csv"
        )
    finally:
        stop(ours)

    # The peer, default then tuned, each page alternated with ours again so both see the same machine.
    if peer_database:
        for mode in ("default", "tuned"):
            peer = serve_peer(peer_database, tuned=mode == "tuned")
            ours = serve_ours(env)
            try:
                for row, peer_path in rows:
                    if not peer_path:
                        continue
                    for connections in (1, 16):
                        ours_again = wrk(f"http://127.0.0.1:{OURS_PORT}{row['path']}", connections)
                        theirs = wrk(f"http://127.0.0.1:{PEER_PORT}{peer_path}", connections)
                        row[f"ours_vs_{mode}_c{connections}"] = ours_again
                        row[f"{mode}_c{connections}"] = theirs
                    row[f"{mode}_bytes"] = fetch(f"http://127.0.0.1:{PEER_PORT}{peer_path}")[1]
                if mode == "tuned":
                    peer_csv = fetch(f"http://127.0.0.1:{PEER_PORT}{table}.csv?_stream=on&_size=max")[0]
            finally:
                stop(ours)
                stop(peer)
    else:
        peer_csv = None
    mix = measure_mix(env, peer_database) if peer_database else None

    results.append(
        {
            "agreements": agreements,
            "database": vendor,
            "first_request_after_change_ms": first_ms,
            "csv": {
                "seconds": csv_seconds,
                "mib": csv_mib,
                "worker_growth_mib": csv_growth,
                "peer_seconds": peer_csv,
            },
            "pages": [row for row, _peer in rows],
            "mix": mix,
        }
    )
    report(results[-1])


def ratio(ours, theirs):
    return f"{ours / theirs:.2f}x" if theirs else "n/a (the peer answered nothing in time)"


def report(result):
    print(f"\n== +{result['agreements']:,} synthetic agreements, ours on {result['database']}")
    first = result["first_request_after_change_ms"]
    print(f"first request for / after a change (target recomputed): {first:.0f} ms")
    latency = f"{'p50 ms':>7} {'p99 ms':>7}"
    print(f"{'page':24} {'queries':>7} {'KiB':>6} {'gz KiB':>6}", end="")
    print(f"  {'req/s c1':>9} {latency}  {'req/s c16':>9} {latency}")
    for row in result["pages"]:
        c1, c16 = row["ours_c1"], row["ours_c16"]
        refused = f"  ({c16[3]} refused: export limit)" if c16[3] else ""
        print(
            f"{row['page']:24} {row['queries']:7d} {row['bytes'] / 1024:6.1f} {row['gzip_bytes'] / 1024:6.1f}"
            f"  {c1[0]:9.1f} {c1[1]:7.1f} {c1[2]:7.1f}  {c16[0]:9.1f} {c16[1]:7.1f} {c16[2]:7.1f}{refused}"
        )
    for row in result["pages"]:
        for mode in ("default", "tuned"):
            if f"{mode}_c1" not in row:
                continue
            parts = []
            for connections in (1, 16):
                ours, theirs = row[f"ours_vs_{mode}_c{connections}"], row[f"{mode}_c{connections}"]
                parts.append(
                    f"c{connections}: ours {ours[0]:.0f} req/s (p99 {ours[2]:.1f} ms) vs {theirs[0]:.0f} "
                    f"(p99 {theirs[2]:.1f} ms) = {ratio(ours[0], theirs[0])}"
                )
            print(f"  {row['page']} vs Datasette {mode}: " + "; ".join(parts))
    if result["mix"]:
        report_mix(result["mix"])
    csv = result["csv"]
    peer = f"; Datasette tuned, raw table: {csv['peer_seconds']:.1f} s" if csv["peer_seconds"] else ""
    print(
        f"/agreements.csv, full: {csv['seconds']:.1f} s, {csv['mib']:.1f} MiB, "
        f"largest worker +{csv['worker_growth_mib']:.0f} MiB{peer}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agreements", type=int, nargs="+", default=[0, 10_000, 100_000])
    parser.add_argument(
        "--only-postgres", action="store_true", help="measure ours on DATABASE_URL only (no SQLite, no peer)"
    )
    parser.add_argument(
        "--mix-only", action="store_true", help="only the cache-busting mix against tuned Datasette (SQLite)"
    )
    parser.add_argument(
        "--after-change",
        action="store_true",
        help="only the first request after a change of each page showing the target, and the full CSV",
    )
    args = parser.parse_args()
    needed = [("wrk", "apt-get install wrk"), (str(DATASETTE), "make bench installs it")]
    for tool, hint in [] if args.after_change else needed:  # --after-change times ours alone, without wrk
        if subprocess.run(["which", tool], capture_output=True).returncode:
            raise SystemExit(f"{tool} is missing ({hint}).")
    OUT.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=environment(f"sqlite:///{OUT / 'unused.sqlite3'}"),
        check=True,
    )
    postgres_url = os.environ.get("DATABASE_URL", "").strip()
    if args.only_postgres and not postgres_url.startswith("postgres"):
        raise SystemExit("--only-postgres needs DATABASE_URL=postgresql://…")
    results = []
    for agreements in args.agreements:
        database = OUT / f"peer-{agreements}.sqlite3"
        if not args.only_postgres:
            if not database.exists():
                started = time.perf_counter()
                build(environment(f"sqlite:///{database}"), agreements)
                print(f"built {database.name} in {time.perf_counter() - started:.0f} s")
            measure_size(
                agreements,
                f"sqlite:///{database}",
                database,
                results,
                mix_only=args.mix_only,
                after_change=args.after_change,
            )
        if postgres_url:
            env = environment(postgres_url)
            if synthetic_count(env) != agreements:  # built by an earlier run: reused
                django(env, FLUSH)
                build(env, agreements)
            # The mix's twins and the peer read the SQLite file of the same size (built above
            # or by an earlier run): ours on PostgreSQL against Datasette on SQLite.
            peer_database = database if args.mix_only and database.exists() else None
            if args.after_change:
                measure_size(agreements, postgres_url, None, results, after_change=True)
                continue
            if args.mix_only and peer_database is None:
                raise SystemExit(
                    f"--mix-only on PostgreSQL needs {database} (run it once without --only-postgres)"
                )
            measure_size(agreements, postgres_url, peer_database, results, mix_only=args.mix_only)
    machine = (
        f"{platform.node()}: {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.machine()}"
    )
    output = {"date": time.strftime("%Y-%m-%d"), "machine": machine, "results": results}
    name = "peer-results-postgresql.json" if args.only_postgres else "peer-results.json"
    if args.after_change:
        name = name.replace("peer-results", "after-change")
    (OUT / name).write_text(json.dumps(output, indent=2))
    print(f"\n{machine}; results in {OUT / name}")


if __name__ == "__main__":
    main()
