"""Heavy exports against a normal page: build a SQLite database with the real data and N
synthetic agreements, serve it as `make run` does, and print an export's time and the workers'
memory, and a normal page's latency while two full exports run.

    .venv/bin/python bench/export_load.py                    # 100,000 agreements
    .venv/bin/python bench/export_load.py --agreements 10000

Traffic goes only to 127.0.0.1. The database is built once into var/bench/ and reused.
"""

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = 8014
GUNICORN = ["--config", "python:summit.gunicorn", "--timeout", "120", "--log-level", "warning"]


def build(env, agreements):
    code = (
        "import django; django.setup()\n"
        "from django.core.management import call_command\n"
        "from tracker.synthetic import create_synthetic\n"
        "call_command('migrate', verbosity=0)\n"
        "call_command('load_summit_data', verbosity=0)\n"
        f"create_synthetic(agreements={agreements}, commitments={agreements // 10}, seed=1)\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)


def rss_mib(pids):
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total = max(total, int(line.split()[1]) / 1024)
    return total


def worker_pids(master):
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def get(path, timeout=300):
    started = time.perf_counter()
    with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=timeout) as response:
        size = sum(len(chunk) for chunk in iter(lambda: response.read(65536), b""))
        return response.status, time.perf_counter() - started, size


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agreements", type=int, default=100_000)
    args = parser.parse_args()
    database = ROOT / "var" / "bench" / f"exports-{args.agreements}.sqlite3"
    database.parent.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DEBUG": "false",
        "SECRET_KEY": "export-benchmark-only-key-" + "x" * 40,
        "SHOW_SYNTHETIC_RECORDS": "true",  # the synthetic rows must reach the exports
        "DJANGO_SETTINGS_MODULE": "summit.settings",
    }
    if not database.exists():
        started = time.perf_counter()
        build(env, args.agreements)
        print(f"built {database.name} in {time.perf_counter() - started:.0f} s")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "summit.wsgi", "--bind", f"127.0.0.1:{PORT}", *GUNICORN],
        cwd=ROOT,
        env=env,
    )
    try:
        time.sleep(3)
        for _ in range(3):
            get("/agreements/")  # warm both workers
        workers = worker_pids(server.pid)
        idle = rss_mib(workers)
        peak = [idle]
        sampling = True

        def sample():
            while sampling:
                peak.append(rss_mib(workers))
                time.sleep(0.05)

        sampler = threading.Thread(target=sample)
        sampler.start()
        status, seconds, size = get("/agreements.csv")
        sampling = False
        sampler.join()
        print(f"{args.agreements:,} agreements; gunicorn {' '.join(GUNICORN)}")
        print(f"/agreements.csv: {status}, {seconds:.1f} s, {size / 1024 / 1024:.1f} MiB")
        print(
            f"largest worker: {idle:.0f} MiB idle, {max(peak):.0f} MiB at most during the export "
            f"(+{max(peak) - idle:.0f})"
        )

        baseline = [get("/agreements/")[1] * 1000 for _ in range(20)]
        exports = [
            threading.Thread(target=get, args=(path,)) for path in ("/agreements.csv", "/agreements.json")
        ]
        for thread in exports:
            thread.start()
        time.sleep(0.5)
        during = []
        while any(thread.is_alive() for thread in exports):
            during.append(get("/agreements/")[1] * 1000)
        for thread in exports:
            thread.join()
        print(
            f"/agreements/ alone: median {statistics.median(baseline):.0f} ms, max {max(baseline):.0f} ms; "
            f"while two full exports run: median {statistics.median(during):.0f} ms, "
            f"max {max(during):.0f} ms over {len(during)} requests"
        )
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
