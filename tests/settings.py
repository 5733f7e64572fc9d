"""The project's settings with a throwaway secret key, so the suite runs with DEBUG off as in production."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-used-anywhere-else")

from summit.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast user creation in tests

# `make test` runs one pytest-xdist worker per core, each a process with its own test database.
# Given a shared Redis cache, each also takes its own Redis database: a test clears the cache
# (FLUSHDB), which must not empty another worker's under its feet.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1", …
if WORKER and CACHE_URL:  # noqa: F405
    from urllib.parse import urlsplit

    _url = urlsplit(CACHE_URL)  # noqa: F405
    _database = (int(_url.path.strip("/") or 0) - int(WORKER[2:])) % 16
    CACHES["default"]["LOCATION"] = _url._replace(path=f"/{_database}").geturl()  # noqa: F405

# pytest-django leaves the test database of the engine named "django.db.backends.sqlite3" in
# memory (one per worker process) and gives any other engine a file named per worker. Ours
# (tracker.sqlite) is that engine with a faster cursor: its test database is named in memory.
for _settings in DATABASES.values():  # noqa: F405
    if _settings["ENGINE"] == SQLITE_ENGINE:  # noqa: F405
        _settings.setdefault("TEST", {}).setdefault("NAME", ":memory:")
