"""Start-up: a bad environment fails with one clear sentence, not a library traceback; the shipped
server configuration's hooks."""

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def manage_check(**env):
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "SECRET_KEY_FILE", "DATABASE_URL"}
    }
    clean["DJANGO_SETTINGS_MODULE"] = "summit.settings"
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    "env, message",
    [
        ({}, "SECRET_KEY is not set"),
        ({"DEBUG": "false"}, "SECRET_KEY is not set"),
        ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean"),
        (
            {"DEBUG": "1", "DATABASE_URL": "mysql://root@localhost/db"},
            "DATABASE_URL must start with postgresql://",
        ),
        ({"DEBUG": "1", "DATABASE_URL": "not a url"}, "DATABASE_URL must start with postgresql://"),
        (
            {"DEBUG": "1", "DATABASE_URL": "postgresql://postgres@127.0.0.1:5432"},
            "DATABASE_URL names no database",
        ),
        (
            {"DEBUG": "0", "SECRET_KEY_FILE": "/nonexistent/key"},
            "SECRET_KEY_FILE='/nonexistent/key' cannot be read",
        ),
        ({"DEBUG": "1", "HSTS_SECONDS": "a year"}, "HSTS_SECONDS='a year' is not a whole number"),
    ],
)
def test_bad_environment_is_reported_in_one_line(env, message):
    result = manage_check(**env)
    assert result.returncode != 0
    assert f"Configuration error: {message}" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_secret_key_file_is_read(tmp_path):
    key = tmp_path / "secret_key"
    key.write_text("a-real-looking-secret-key-read-from-its-file\n")
    result = manage_check(SECRET_KEY_FILE=str(key), DEBUG="off")
    assert result.returncode == 0, result.stderr


def test_documented_production_settings_pass_the_deployment_checks():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            # Not the test run's own switches (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE).
            **{key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            "DJANGO_SETTINGS_MODULE": "summit.settings",
            "DEBUG": "false",
            "SECRET_KEY": "x7-a-long-random-looking-production-key-used-only-in-this-test-Q9z",
            "SECURE_COOKIES": "true",
            "SSL_REDIRECT": "true",
            "HSTS_SECONDS": "31536000",
            "HSTS_PRELOAD": "true",
            "BEHIND_TLS_PROXY": "true",
            "CONTACT_EMAIL": "corrections@example.org",
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_public_server_without_a_contact_address_is_warned():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--tag", "security"],
        cwd=ROOT,
        env={
            **{key: value for key, value in os.environ.items() if key not in ("CONTACT_EMAIL",)},
            "DJANGO_SETTINGS_MODULE": "summit.settings",
            "DEBUG": "false",
            "SECRET_KEY": "x7-a-long-random-looking-production-key-used-only-in-this-test-Q9z",
        },
        capture_output=True,
        text=True,
    )
    assert "tracker.W001" in result.stdout + result.stderr


def test_a_bad_contact_address_stops_the_server_with_one_line():
    result = manage_check(
        SECRET_KEY="a-real-looking-secret-key-for-the-check", CONTACT_EMAIL="not an address"
    )
    assert result.returncode != 0
    assert "CONTACT_EMAIL='not an address' is not an email address." in result.stderr


def test_good_environment_starts():
    result = manage_check(SECRET_KEY="a-real-looking-secret-key-for-the-check", DEBUG="off")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_gunicorn_workers_freeze_what_the_application_loaded():
    """The shipped gunicorn configuration's worker hook moves what the loaded application holds out
    of the garbage collector's reach, so a full collection scans only what requests made since."""
    from gunicorn.config import Config

    from summit import gunicorn as shipped

    config = Config()
    config.set("post_worker_init", shipped.post_worker_init)  # gunicorn's own check of a hook
    before = gc.get_freeze_count()
    try:
        config.post_worker_init(None)
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()


@pytest.mark.django_db
def test_sqlite_runs_through_our_engine_and_placeholders_read_as_in_django():
    from django.db import connection

    from summit.settings import database_from_url

    assert database_from_url("sqlite:///var/x.sqlite3")["ENGINE"] == "tracker.sqlite"
    engine = "tracker.sqlite" if connection.vendor == "sqlite" else "django.db.backends.postgresql"
    assert connection.settings_dict["ENGINE"] == engine
    query = "SELECT %s || '%%s' || %s, '100%%'"
    with connection.cursor() as cursor:
        for _ in range(2):  # the second time from the remembered conversion
            cursor.execute(query, ["a", "b"])
            assert cursor.fetchone() == ("a%sb", "100%")
