"""Serve the tracker under load on PostgreSQL, restart the database mid-run, and print what the
clients saw: counts of each status code and how long until pages answered 200 again.

    .venv/bin/python bench/db_restart.py                  # PostgreSQL on 127.0.0.1:5432
    .venv/bin/python bench/db_restart.py --seconds 30 --outage 10

It creates (or reuses) a database named tracker_restart_bench, serves it with gunicorn on
127.0.0.1:8013, and restarts the server with pg_ctlcluster (root, Debian's PostgreSQL), or
stops it for --outage seconds first. Traffic goes only to 127.0.0.1.
"""

import argparse
import collections
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DATABASE = "tracker_restart_bench"
PORT = 8013
PAGES = ["/", "/agreements/", "/agreements/uzbekistan-japan-summit-package/", "/healthz"]


def cluster():
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    return ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main"]


def prepare(env):
    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone()
        if not exists:
            connection.execute(f"CREATE DATABASE {DATABASE}")
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["load_summit_data", "--if-empty"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20, help="length of the run")
    parser.add_argument("--restart-at", type=float, default=5, help="when to restart the database")
    parser.add_argument("--outage", type=float, default=0, help="keep the database down this long")
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()

    env = {
        **os.environ,
        "DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{DATABASE}",
        "DEBUG": "false",
        "SECRET_KEY": "restart-benchmark-only-key-" + "x" * 40,
    }
    prepare(env)
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "summit.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
            "--timeout",
            "30",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    time.sleep(3)
    results = []  # (time since start, status)
    lock = threading.Lock()
    started = time.monotonic()
    stop = started + args.seconds

    def client(number):
        index = number
        while time.monotonic() < stop:
            url = f"http://127.0.0.1:{PORT}{PAGES[index % len(PAGES)]}"
            index += 1
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    response.read()
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            except OSError:
                status = "no answer"
            with lock:
                results.append((time.monotonic() - started, status))

    threads = [threading.Thread(target=client, args=(number,)) for number in range(args.clients)]
    for thread in threads:
        thread.start()
    time.sleep(args.restart_at)
    down_at = time.monotonic() - started
    if args.outage:
        subprocess.run([*cluster(), "stop"], check=True)
        time.sleep(args.outage)
        subprocess.run([*cluster(), "start"], check=True)
    else:
        subprocess.run([*cluster(), "restart"], check=True)
    back_at = time.monotonic() - started
    for thread in threads:
        thread.join()
    server.terminate()
    server.wait(timeout=10)

    counts = collections.Counter(status for _at, status in results)
    failures = [at for at, status in results if status != 200]
    recovered = next((at for at, status in sorted(results) if at > back_at and status == 200), None)
    last_failure = max(failures) if failures else None
    print(f"requests: {len(results)} over {args.seconds:.0f} s from {args.clients} clients")
    print(
        "status codes: "
        + ", ".join(f"{status}: {count}" for status, count in sorted(counts.items(), key=str))
    )
    print(f"database down at {down_at:.1f} s, back at {back_at:.1f} s (outage {back_at - down_at:.1f} s)")
    if recovered is not None:
        print(f"first 200 after the database was back: {recovered - back_at:+.2f} s")
    if last_failure is not None:
        print(f"last non-200: {last_failure - back_at:+.2f} s after the database was back")
    print(f"500s: {counts.get(500, 0)}")
    return 1 if counts.get(500, 0) else 0


if __name__ == "__main__":
    sys.exit(main())
