"""Faults a production server meets: several writers at once, a database that goes away,
spreadsheets that run formulas, sessions that outlive their editor."""

import datetime
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import OperationalError, ProgrammingError
from django.urls import reverse
from django.utils import timezone

from tests.test_public_pages import content
from tracker.models import Agreement

ROOT = Path(__file__).resolve().parent.parent

WRITER = textwrap.dedent(
    """
    import sys, time
    import django
    django.setup()
    from django.db import transaction
    from tracker.models import Source
    worker, saves = int(sys.argv[1]), int(sys.argv[2])
    failures = 0
    for number in range(saves):
        try:
            with transaction.atomic():
                # Read, think, write: the pattern of an admin save, which a deferred SQLite
                # transaction cannot upgrade to a write while another process writes.
                source = Source.objects.get(slug=f"writer-{worker}")
                time.sleep(0.01)
                source.note = f"save {number}"
                source.save()
        except Exception as error:
            failures += 1
            print("FAILED", type(error).__name__, error, file=sys.stderr)
    print(failures)
    """
)


def run_django(code_or_args, database_url, *args):
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    command = [sys.executable, "-c", code_or_args, *args] if isinstance(code_or_args, str) else code_or_args
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_concurrent_editors_never_lose_a_save_on_sqlite(tmp_path):
    """Six processes save at once, twenty times each, into one SQLite file: every save lands."""
    database_url = f"sqlite:///{tmp_path / 'tracker.sqlite3'}"
    writers, saves = 6, 20
    setup = textwrap.dedent(
        f"""
        import django
        django.setup()
        from django.core.management import call_command
        from tracker.models import Source
        call_command("migrate", interactive=False, verbosity=0)
        for worker in range({writers}):
            Source.objects.create(slug=f"writer-{{worker}}", title="w", note="start")
        """
    )
    prepared = run_django(setup, database_url)
    assert prepared.returncode == 0, prepared.stderr
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(worker), str(saves)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for worker in range(writers)
    ]
    results = [process.communicate(timeout=300) for process in processes]
    failures = sum(int(out.strip() or 0) for out, _err in results)
    assert failures == 0, [err for _out, err in results if err]
    check = textwrap.dedent(
        """
        import django
        django.setup()
        from tracker.models import Source
        print(sorted(set(Source.objects.filter(slug__startswith="writer-").values_list("note", flat=True))))
        print(Source.history.filter(slug__startswith="writer-").count())
        """
    )
    out = run_django(check, database_url).stdout.splitlines()
    assert out[0] == f"['save {saves - 1}']"
    assert int(out[1]) == writers * (saves + 1)  # every save audited, none lost


def test_health_endpoint_answers_200_when_the_database_does(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_endpoint_answers_503_when_the_database_does_not(client, db, monkeypatch):
    class Unreachable:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr("tracker.views.site.connection", Unreachable())
    response = client.get("/healthz")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response.json()["status"] == "unavailable"


def test_a_lost_database_anywhere_in_a_request_gives_a_plain_503(db):
    from tracker.middleware import DatabaseUnavailableMiddleware

    def lost(request):  # e.g. the session middleware reading an editor's session
        raise OperationalError("server closed the connection unexpectedly")

    response = DatabaseUnavailableMiddleware(lost)(None)
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert b"Temporarily unavailable" in response.content


def test_a_query_bug_is_still_a_500(db):
    from tracker.middleware import DatabaseUnavailableMiddleware

    def buggy(request):
        raise ProgrammingError("column does not exist")

    with pytest.raises(ProgrammingError):
        DatabaseUnavailableMiddleware(buggy)(None)


def test_a_view_losing_the_database_answers_503(client, db, monkeypatch):
    def lost(*args, **kwargs):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr("tracker.views.reference.Source.objects.public", lost)
    response = client.get("/sources/")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert b"cannot reach its database" in response.content


def test_admin_export_never_starts_a_formula(editor_client, summit_data):
    import csv
    import io

    Agreement.objects.filter(slug="smartmining-plus").update(title='=HYPERLINK("http://evil","x")')
    response = editor_client.get(reverse("admin:tracker_agreement_export"))
    assert response.status_code == 200
    body = content(response).decode("utf-8-sig")
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(body))}
    assert rows["smartmining-plus"]["title"] == '\'=HYPERLINK("http://evil","x")'


def test_a_deactivated_editor_is_signed_out(editor_client, editor, summit_data):
    assert editor_client.get("/admin/").status_code == 200
    User.objects.filter(pk=editor.pk).update(is_active=False)
    response = editor_client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_changed_password_ends_existing_sessions(editor_client, editor, summit_data):
    assert editor_client.get("/admin/").status_code == 200
    editor.set_password("another-long-passphrase-77")
    editor.save()
    response = editor_client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_an_idle_session_expires(editor_client, editor, summit_data, settings):
    assert settings.SESSION_COOKIE_AGE == 60 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    editor_client.get("/admin/")
    from django.contrib.sessions.models import Session

    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = editor_client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize("behind_proxy, expected", [(True, 302), (False, 403)])
def test_sign_in_behind_a_tls_proxy(db, editor, settings, behind_proxy, expected):
    """The proxy terminates TLS and says so in X-Forwarded-Proto; with BEHIND_TLS_PROXY the
    browser's https Origin matches the request, so the sign-in form's CSRF check passes."""
    from django.test import Client

    from tests.conftest import EDITOR_PASSWORD

    settings.ALLOWED_HOSTS = ["tracker.example"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if behind_proxy else None
    browser = Client(
        enforce_csrf_checks=True,
        HTTP_HOST="tracker.example",
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_ORIGIN="https://tracker.example",
        HTTP_REFERER="https://tracker.example/admin/login/",
    )
    login = browser.get("/admin/login/")
    token = login.cookies["csrftoken"].value
    response = browser.post(
        "/admin/login/?next=/admin/",
        {"username": "editor", "password": EDITOR_PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == expected


def test_stored_figures_are_recounted_after_migrate_only_with_the_whole_schema(db, monkeypatch):
    """Rolled back to an earlier migration (`migrate tracker 0020`), the database lacks columns the
    counting reads: the recount after it waits for the schema to be whole again (it raised
    "no such column" and failed the rollback)."""
    from django.apps import apps
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.recorder import MigrationRecorder

    from tracker import apps as tracker_apps

    recounts = []
    monkeypatch.setattr("tracker.counting.recount", lambda using: recounts.append(using))
    tracker = apps.get_app_config("tracker")
    tracker_apps.recount_after_migrate(sender=tracker, using="default")
    assert recounts == ["default"]
    [(_app, newest)] = MigrationLoader(connection).graph.leaf_nodes("tracker")
    MigrationRecorder.Migration.objects.filter(app="tracker", name=newest).delete()  # rolled back
    tracker_apps.recount_after_migrate(sender=tracker, using="default")
    assert recounts == ["default"]
