"""Start-up with a bad environment fails with one clear sentence, not a library traceback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def manage_check(**env):
    clean = {
        key: value for key, value in os.environ.items() if key not in {"DEBUG", "SECRET_KEY", "DATABASE_URL"}
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
    ],
)
def test_bad_environment_is_reported_in_one_line(env, message):
    result = manage_check(**env)
    assert result.returncode != 0
    assert f"Configuration error: {message}" in result.stderr
    assert "Traceback" not in result.stderr


def test_good_environment_starts():
    result = manage_check(SECRET_KEY="a-real-looking-secret-key-for-the-check", DEBUG="off")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
