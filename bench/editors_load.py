"""Eight editors saving at once while the data is reloaded, a CSV import runs, bulk actions run and
(on PostgreSQL) the database stops and starts again: does anything get lost, or answer 500?

    .venv/bin/python bench/editors_load.py --database sqlite
    .venv/bin/python bench/editors_load.py --database postgresql     # 127.0.0.1:5432

It builds a fresh database (var/bench-editors.sqlite3, or tracker_editors_bench on PostgreSQL),
serves it with gunicorn as `make run` does (2 workers x 4 threads) on 127.0.0.1:8014, and runs:
8 signed-in editors saving sectors and agreements through the admin's forms, each save with a
unique marker; 4 anonymous readers; `load_summit_data` (a reload) at 2 s; a 200-row CSV import
(preview and confirm) at 6 s; "mark reviewed" on every agreement at 11 s; on PostgreSQL a 3 s stop
of the database at 20 s. Then it reads the audit trail: a save answered 302 whose marker is in no
audit record was lost. It prints saves attempted / landed / refused as stale / lost, the slowest
save during the import, and responses by status code for editors and readers.
"""

import argparse
import collections
import html.parser
import http.cookiejar
import os
import random
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = 8014
BASE = f"http://127.0.0.1:{PORT}"
PASSWORD = "a-long-bench-passphrase-7"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DATABASE = "tracker_editors_bench"
READER_PAGES = ["/", "/agreements/", "/target/", "/countries/kazakhstan/", "/changes/feed/", "/healthz"]


class FormReader(html.parser.HTMLParser):
    """The fields of a page's posting forms, as a browser would submit them."""

    def __init__(self):
        super().__init__()
        self.inside, self.fields = False, []
        self.select, self.textarea = None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "").lower() == "post":
            self.inside = True
        if not self.inside:
            return
        if tag == "option" and self.select:
            # A single select sends its selected option, or its first one when none is marked.
            if self.first_option is None:
                self.first_option = attrs.get("value", "")
            if "selected" in attrs:
                self.fields.append((self.select, attrs.get("value", "")))
                self.chosen = True
            return
        name = attrs.get("name")
        if name is None:
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button", "file"):
                self.fields.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select":
            self.select, self.multiple = name, "multiple" in attrs
            self.first_option, self.chosen = None, False
        elif tag == "textarea":
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self.select:
            if not self.chosen and not self.multiple and self.first_option is not None:
                self.fields.append((self.select, self.first_option))
            self.select = None
        elif tag == "textarea" and self.textarea:
            name, text = self.textarea  # a browser drops the newline that follows <textarea>
            self.fields.append((name, text[1:] if text.startswith("\n") else text))
            self.textarea = None
        elif tag == "form":
            self.inside = False


class Session:
    def __init__(self, username=None):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())
        if username:
            page = self.get("/admin/login/")[1]
            self.post("/admin/login/", {"username": username, "password": PASSWORD, "next": "/admin/"}, page)

    def request(self, path, data=None, files=None, timeout=60):
        headers = {"Referer": BASE + path}
        body = None
        if files:
            boundary = uuid.uuid4().hex
            parts = []
            for name, value in data:
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
                )
            for name, (filename, content) in files.items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                    f'filename="{filename}"\r\n'
                    f"Content-Type: text/csv\r\n\r\n{content}\r\n"
                )
            body = ("".join(parts) + f"--{boundary}--\r\n").encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif data is not None:
            body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(BASE + path, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=timeout) as response:
                if 300 <= response.status < 400:  # where it sends the editor, e.g. to sign in again
                    return response.status, response.headers.get("Location", "")
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")
        except OSError:
            return "no answer", ""

    def get(self, path):
        return self.request(path)

    def post(self, path, fields, page, files=None):
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page or "")
        pairs = list(fields.items()) if isinstance(fields, dict) else list(fields)
        if token and not any(name == "csrfmiddlewaretoken" for name, _value in pairs):
            pairs.append(("csrfmiddlewaretoken", token.group(1)))
        return self.request(path, pairs, files=files)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

    def http_error_302(self, request, response, code, message, headers):
        return response


def manage(env, *args, stdin=None):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, input=stdin, text=True, capture_output=True
    )


def prepare(database):
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "editors-bench-only-" + "x" * 40,
        "CONTACT_EMAIL": "",
    }
    if database == "sqlite":
        path = ROOT / "var" / "bench-editors.sqlite3"
        path.parent.mkdir(exist_ok=True)  # a fresh clone has no var/ yet
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
            connection.execute(f"CREATE DATABASE {PG_DATABASE}")
        env["DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:5432/{PG_DATABASE}"
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["load_summit_data"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        result = manage(env, *command)
        if result.returncode:
            sys.exit(result.stderr)
    for number in range(10):
        manage(env, "createeditor", f"editor{number}", "--password-stdin", stdin=PASSWORD + "\n")
    return env


def import_file(rows):
    header = "slug,title,description,instrument,status,sources,parties\n"
    lines = [
        f"bench-{uuid.uuid4().hex[:8]}-{n},Bench agreement {n},Made for the load test.,loan,reported,"
        f"summit-overview-2025-12-25,uzbekistan:signatory\n"
        for n in range(rows)
    ]
    return header + "".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--editors", type=int, default=8)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--import-rows", type=int, default=200)
    args = parser.parse_args()
    env = prepare(args.database)
    # The server's log goes to a file: a pipe nobody reads until the end fills during the outage
    # and blocks every worker thread that logs.
    log = ROOT / "var" / f"bench-editors-{args.database}.log"
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "summit.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--config",
            "python:summit.gunicorn",
            "--timeout",
            "30",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stderr=log.open("w"),
    )
    time.sleep(4)
    lock = threading.Lock()
    started = time.monotonic()
    stop = started + args.seconds
    statuses = {"editor": collections.Counter(), "reader": collections.Counter()}
    saves = []  # (model, pk, marker, outcome, seconds, at)
    events = {}
    where = {}

    def note(kind, status):
        with lock:
            statuses[kind][status] += 1

    def editor(number):
        session = Session(f"editor{number}")
        rng = random.Random(number)
        while time.monotonic() < stop:
            model, pk = rng.choice([("sector", rng.randint(1, 6)), ("agreement", rng.randint(1, 6))])
            path = f"/admin/tracker/{model}/{pk}/change/"
            status, page = session.get(path)
            note("editor", status)
            if status != 200:
                continue
            reader = FormReader()
            reader.feed(page)
            marker = f"edit-{number}-{uuid.uuid4().hex[:6]}"
            field = "name" if model == "sector" else "description"
            fields = [(name, value) for name, value in reader.fields if name != field]
            fields.append((field, f"{marker}" if model == "sector" else f"Load test {marker}."))
            time.sleep(0.5 + rng.random())  # the editor types
            began = time.monotonic()
            status, answer = session.post(path, fields, page)
            took = time.monotonic() - began
            note("editor", status)
            # A 302 back to the same form is a stale save lost in the final race (tracker.admin.base):
            # refused with a message, nothing saved.
            raced = status == 302 and answer.endswith(path)
            outcome = (
                "signed out"
                if status == 302 and "/login/" in answer
                else "stale"
                if raced
                else "landed"
                if status == 302
                else "stale"
                if "after you opened it" in answer
                else f"other {status}"
            )
            with lock:
                saves.append((model, pk, marker, outcome, took, began - started))
                where[marker] = (round(began - started, 1), status, answer[:80] if status == 302 else "")
                if outcome.startswith("other"):
                    errors = " ".join(re.findall(r"errorlist[^>]*><li>(.*?)</li>", answer))[:160]
                    events.setdefault("other answers", collections.Counter())[errors or status] += 1

    def reader(number):
        session, index = Session(), number
        while time.monotonic() < stop:
            status, _page = session.get(READER_PAGES[index % len(READER_PAGES)])
            index += 1
            time.sleep(0.1)  # a reader follows a link
            note("reader", status)

    def reload_fixture():
        time.sleep(2)
        began = time.monotonic()
        result = manage(env, "load_summit_data")
        events["fixture window"] = (began - started, time.monotonic() - started)
        events["fixture load"] = (result.returncode, round(time.monotonic() - began, 2), result.stderr[-300:])

    def run_import():
        time.sleep(6)
        session = Session(f"editor{args.editors}")
        status, page = session.get("/admin/tracker/agreement/import/")
        text = import_file(args.import_rows)
        began = time.monotonic()
        status, page = session.post(
            "/admin/tracker/agreement/import/", [("preview", "1")], page, files={"file": ("bench.csv", text)}
        )
        previewed = time.monotonic() - began
        hidden = dict(re.findall(r'<input type="hidden" name="(text|digest|name)" value="([^"]*)"', page))
        import html as html_module

        fields = [(name, html_module.unescape(value)) for name, value in hidden.items()] + [("confirm", "1")]
        began_confirm = time.monotonic()
        status, _page = session.post("/admin/tracker/agreement/import/", fields, page)
        events["import"] = (
            status,
            f"preview {previewed:.2f} s, confirm {time.monotonic() - began_confirm:.2f} s",
        )
        events["import window"] = (began - started, time.monotonic() - started)

    def bulk_review():
        time.sleep(11)
        session = Session(f"editor{args.editors + 1}")
        began = time.monotonic()
        status, page = session.get("/admin/tracker/agreement/")
        ids = re.findall(r'name="_selected_action" value="(\d+)"', page)
        fields = [("action", "mark_reviewed_today"), *[("_selected_action", pk) for pk in ids]]
        status, page = session.post("/admin/tracker/agreement/", fields, page)
        versions = re.search(r'name="versions" value="([^"]+)"', page)
        if versions:
            fields += [("apply", "1"), ("versions", versions.group(1))]
            status, page = session.post("/admin/tracker/agreement/", fields, page)
        events["mark reviewed"] = (status, "stale refused" if "changed" in page and status == 302 else "")
        events["bulk window"] = (began - started, time.monotonic() - started)

    def outage():
        if args.database != "postgresql":
            return
        time.sleep(20)
        version = sorted(os.listdir("/etc/postgresql"))[-1]
        command = ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main"]
        subprocess.run([*command, "stop", "-m", "fast"], check=True)
        down = time.monotonic() - started
        time.sleep(3)
        subprocess.run([*command, "start"], check=True)
        events["database outage"] = (f"{down:.1f} s", f"{time.monotonic() - started:.1f} s")

    threads = [threading.Thread(target=editor, args=(n,)) for n in range(args.editors)]
    threads += [threading.Thread(target=reader, args=(n,)) for n in range(args.readers)]
    threads += [threading.Thread(target=task) for task in (reload_fixture, run_import, bulk_review, outage)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    server.terminate()
    server.wait(timeout=20)
    errors = log.read_text()

    check = manage(
        env,
        "shell",
        "--no-imports",  # Django 5.2 lists its automatic imports on stdout, which this reads
        "-c",
        AUDIT_CHECK,
        stdin="\n".join(f"{m} {pk} {marker}" for m, pk, marker, o, *_ in saves if o == "landed"),
    )
    lost = [line for line in check.stdout.splitlines() if line.startswith("LOST")]
    outcomes = collections.Counter(save[3] for save in saves)
    window = events.get("import window", (0, 0))
    during = [took for *_x, took, at in saves if window[0] <= at <= window[1]]
    landed_during = [
        took for *_x, outcome, took, at in saves if outcome == "landed" and window[0] <= at <= window[1]
    ]
    print(f"database: {args.database}; {args.seconds:.0f} s; {args.editors} editors, {args.readers} readers")
    print(
        f"saves attempted: {len(saves)}; landed: {outcomes['landed']}; "
        f"refused as stale: {outcomes['stale']}; "
        f"other: {sum(v for k, v in outcomes.items() if k not in ('landed', 'stale'))}; lost: {len(lost)}"
    )
    during.sort()
    p95 = during[int(len(during) * 0.95)] if during else 0
    outside = sorted(took for *_x, took, at in saves if not window[0] <= at <= window[1])
    p95_outside = outside[int(len(outside) * 0.95)] if outside else 0
    print(
        f"slowest save: {max((s[4] for s in saves), default=0):.2f} s; during the import: slowest "
        f"{max(during, default=0):.2f} s, 95th percentile {p95:.2f} s ({len(during)} saves); "
        f"at other times: 95th percentile {p95_outside:.2f} s ({len(outside)} saves); "
        f"slowest landed during the import {max(landed_during, default=0):.2f} s"
    )
    # The slowest saves and the long writes they overlapped: is an import what they waited behind?
    windows = {name[: -len(" window")]: span for name, span in events.items() if name.endswith(" window")}
    for model, _pk, _m, outcome, took, at in sorted(saves, key=lambda save: -save[4])[:3]:
        beside = [name for name, (a, b) in windows.items() if at <= b and at + took >= a] or ["nothing"]
        print(f"  a {model} save at {at:.1f} s took {took:.2f} s ({outcome}), beside: {', '.join(beside)}")
    for kind, counter in statuses.items():
        print(
            f"{kind} responses: "
            + ", ".join(f"{status}: {n}" for status, n in sorted(counter.items(), key=str))
        )
    for name, value in events.items():
        if not name.endswith(" window"):
            print(f"{name}: {value}")
    deadlocks = errors.count("deadlock detected")
    reasons = collections.Counter(
        re.sub(r"\d+", "N", line.split("Database unavailable: ", 1)[1])[:120]
        for line in errors.splitlines()
        if "Database unavailable: " in line
    )
    for reason, count in reasons.most_common(6):
        print(f"503 because: {reason} ({count})")
    print(
        f"deadlocks in the server log: {deadlocks}; 500s: {statuses['editor'][500] + statuses['reader'][500]}"
    )
    for line in lost[:5]:
        print(line, where.get(line.split()[-1]))
    return 1 if lost or deadlocks or statuses["editor"][500] or statuses["reader"][500] else 0


# Run in the project's shell: every landed marker must be in some audit record of its object.
AUDIT_CHECK = """
import sys
from tracker.models import Agreement, Sector
for line in sys.stdin.read().splitlines():
    model, pk, marker = line.split()
    cls = Sector if model == "sector" else Agreement
    field = "name" if model == "sector" else "description"
    if not cls.history.filter(id=int(pk), **{field + "__contains": marker}).exists():
        print("LOST", model, pk, marker)
"""


if __name__ == "__main__":
    sys.exit(main())
