"""Two app servers on one PostgreSQL and one Redis: an edit through one shows on the other's pages
at the next request, and after a change the target is computed once for both.

    .venv/bin/python bench/two_servers.py

It builds the database tracker_two_servers_bench, starts two gunicorn instances (2 workers each,
as `make run` does) on 127.0.0.1:8021 and :8022 with CACHE_URL=redis://127.0.0.1:6379/13, and
checks, printing each step: both serve the same figure; an editor signed in on the first changes
an agreement's description; the second's page shows it at the next request; then, after an
agreement's tie to the target changes, 40 requests for pages showing the target hit both servers
at once, and the servers' logs say how many times the target was computed (once is the aim).
"""

import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import editors_load  # noqa: E402
from editors_load import PASSWORD, FormReader, Session  # noqa: E402  (a sibling script)

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "tracker_two_servers_bench"
PORTS = (8021, 8022)
CACHE_URL = "redis://127.0.0.1:6379/13"


def manage(env, *args, stdin=None):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, input=stdin, text=True, capture_output=True
    )


def main():
    import psycopg
    import redis

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {DATABASE}")
    redis.Redis.from_url(CACHE_URL).flushdb()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{DATABASE}",
        "CACHE_URL": CACHE_URL,
        "DEBUG": "false",
        "SECRET_KEY": "two-servers-bench-" + "x" * 40,
        "REQUIRE_SECOND_EDITOR": "false",
        "LOG_LEVEL": "INFO",
    }
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["load_summit_data"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        result = manage(env, *command)
        if result.returncode:
            sys.exit(result.stderr)
    manage(env, "createeditor", "editor0", "--password-stdin", stdin=PASSWORD + "\n")
    servers, logs = [], []
    for port in PORTS:
        (ROOT / "var").mkdir(exist_ok=True)  # a fresh clone has no var/ yet
        log = open(ROOT / "var" / f"two-servers-{port}.log", "w+")  # noqa: SIM115
        logs.append(log)
        servers.append(
            subprocess.Popen(
                [
                    str(ROOT / ".venv/bin/gunicorn"),
                    "summit.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--config",
                    "python:summit.gunicorn",
                    "--log-level",
                    "warning",
                ],
                cwd=ROOT,
                env=env,
                stderr=log,
            )
        )
    time.sleep(4)
    try:
        first, second = (f"http://127.0.0.1:{port}" for port in PORTS)

        def page(base, path):
            with urllib.request.urlopen(base + path, timeout=30) as response:
                return response.read().decode()

        figure = re.compile(r"at least ¥[\d.]+\s(?:trillion|billion)")
        print(
            "both serve:",
            figure.search(page(first, "/target/")).group(),
            "|",
            figure.search(page(second, "/target/")).group(),
        )

        editors_load.BASE = first
        session = Session("editor0")
        path = "/admin/tracker/agreement/1/change/"
        status, form_page = session.get(path)
        reader = FormReader()
        reader.feed(form_page)
        marker = f"Edited through the first server at {time.strftime('%H:%M:%S')}."
        fields = [(name, value) for name, value in reader.fields if name != "description"] + [
            ("description", marker)
        ]
        status, answer = session.post(path, fields, form_page)  # answer: where a 302 leads
        print(f"edit through {first}: {status}, to {answer[:60]}")
        slug = dict(reader.fields)["slug"]  # the form's own field: the page links other agreements too
        detail = page(second, f"/agreements/{slug}/")
        print(f"the next request to {second} shows it: {marker in detail}")

        for log in logs:
            log.seek(0, os.SEEK_END)
        marks = [log.tell() for log in logs]
        result = manage(env, "shell", "--no-imports", "-c", CHANGE_TIE)
        print(result.stdout.strip())
        urls = [base + path for base in (first, second) for path in ("/", "/target/", "/countries/")] * 7
        threads = [
            threading.Thread(target=lambda url=url: urllib.request.urlopen(url, timeout=60).read())
            for url in urls[:40]
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        print(f"40 requests for pages with the target on both servers: {time.monotonic() - started:.2f} s")
        time.sleep(1)
        computed = 0
        for log, mark in zip(logs, marks, strict=True):
            log.seek(mark)
            computed += log.read().count("Computing the target's figures")
        print(f"the target was computed {computed} time(s) for both servers after the change")
        print(
            "both serve:",
            figure.search(page(first, "/target/")).group(),
            "|",
            figure.search(page(second, "/target/")).group(),
        )
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)
    return 0


CHANGE_TIE = """
from tracker.models import Agreement
package = Agreement.objects.get(slug="kazakhstan-japan-summit-package")
package.target_link = Agreement.TargetLink.NOT_PART
package.save()
print("tie changed: the Kazakh package is now outside the Initiative")
"""


if __name__ == "__main__":
    sys.exit(main())
