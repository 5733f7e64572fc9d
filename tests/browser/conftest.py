"""Browser tests: Playwright driving Debian's Chromium against Django's live server.

Without Chromium they are skipped with a message saying so; with REQUIRE_BROWSER_TESTS set
(as .ci/run does) a missing Chromium is an error instead.
"""

import os
import threading
from pathlib import Path

import pytest

from tests.conftest import insert_rows

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
BROWSER_DIR = Path(__file__).resolve().parent

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses queries
# there unless told that the thread is really synchronous, which it is.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if BROWSER_DIR in Path(str(item.fspath)).parents]
    if not browser_items or CHROMIUM.exists():
        return
    if os.environ.get("REQUIRE_BROWSER_TESTS"):
        raise pytest.UsageError(f"Browser tests are required but Chromium is missing at {CHROMIUM}.")
    skip = pytest.mark.skip(
        reason=f"Chromium not found at {CHROMIUM}: browser tests skipped (apt-get install chromium)"
    )
    for item in browser_items:
        item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        # Flags for a closed network and running as root in CI.
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    # The live server's static handler serves files by their source names.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def drained_live_server(live_server, browser):
    """The live server, stopped only after the browser has closed its kept-alive connections and
    the server's threads for them have ended: ended later, each thread closed the in-memory
    SQLite connection after the server had stopped sharing it, and pytest reported the threads'
    errors as warnings."""
    yield live_server
    browser.close()  # closed again by its own fixture, which Playwright allows
    for thread in threading.enumerate():
        if "process_request_thread" in thread.name:
            thread.join(timeout=5)


@pytest.fixture
def site(drained_live_server, transactional_db, summit_rows):
    insert_rows(summit_rows)
    return drained_live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # axe-core is injected as an inline script, which our Content-Security-Policy rightly blocks;
    # the CSP tests open contexts of their own that honour it.
    return {**browser_context_args, "bypass_csp": True}
