import fcntl
import pickle

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction


@pytest.fixture(scope="session", autouse=True)
def collected_static(tmp_path_factory):
    """Pages render hashed static names (whitenoise's manifest), as in production; build it once."""
    settings.STATIC_ROOT = tmp_path_factory.mktemp("staticfiles")
    call_command("collectstatic", interactive=False, verbosity=0)
    return settings.STATIC_ROOT


@pytest.fixture(autouse=True)
def fresh_caches():
    """Each test starts with no kept figures or pages (a test's writes roll back, so two tests
    can see the same data version with different data), and in English: a request to /ja/ or
    /ru/ leaves its language active in the thread, which reverse() would follow."""
    from django.utils import translation

    from tracker import freshness

    freshness.forget()
    translation.activate(settings.LANGUAGE_CODE)


def all_models():
    return apps.get_models(include_auto_created=True)


@pytest.fixture(scope="session")
def summit_rows(django_db_setup, django_db_blocker):
    """The rows `load_summit_data` writes, by model: loaded once per session (the command itself
    is tested in test_fixtures), in a transaction rolled back at once."""
    with django_db_blocker.unblock(), transaction.atomic():
        before = {model: set(model._base_manager.values_list("pk", flat=True)) for model in all_models()}
        call_command("load_summit_data", verbosity=0)
        rows = {}
        for model in all_models():
            key = model._meta.pk.attname
            added = [
                row for row in model._base_manager.order_by("pk").values() if row[key] not in before[model]
            ]
            if added:
                rows[model] = added
        transaction.set_rollback(True)
    return rows


@pytest.fixture
def summit_data(db, summit_rows):
    """The shipped fixtures as `make run` loads them, copied in from the session's one load."""
    insert_rows(summit_rows)


class WalkedPage:
    """What a walk keeps of a response: its status, headers and body (picklable, so the test
    processes can share a walk)."""

    def __init__(self, response):
        self.status_code, self.body = response.status_code, response.body
        self.headers = dict(response.items())

    def __getitem__(self, header):
        return self.headers[header]


def shipped_walk(start, limit, language=None):
    """A session fixture: tests/test_public_pages.crawl of the shipped data by an anonymous reader,
    walked once per test run and shared by the tests that only read its pages (a walk took 15-45
    s, and seven tests walked three sites). Under xdist the first process to need it walks it and
    the others read its file. The rows are rolled back after the walk. Taken as an argument, it
    is walked before the test's own database fixtures."""

    @pytest.fixture(scope="session")
    def walk(summit_rows, django_db_blocker, tmp_path_factory, worker_id):
        # One folder per run, shared by its xdist processes (without xdist, the run's own).
        run_folder = tmp_path_factory.getbasetemp()
        if worker_id != "master":
            run_folder = run_folder.parent
        kept = run_folder / f"walk{start.replace('/', '-')}{limit}.pickle"
        with open(f"{kept}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # the other processes wait for the first walk
            if kept.exists():
                return pickle.loads(kept.read_bytes())
            pages = walked(summit_rows, django_db_blocker, start, limit, language)
            kept.write_bytes(pickle.dumps(pages))
            return pages

    return walk


def walked(summit_rows, django_db_blocker, start, limit, language):
    from django.test import Client
    from django.utils import translation

    from tests.test_public_pages import crawl
    from tracker import freshness

    with django_db_blocker.unblock(), transaction.atomic():
        insert_rows(summit_rows)
        freshness.forget()
        responses = crawl(Client(), start, limit, language)
        transaction.set_rollback(True)
    freshness.forget()  # nothing of these rows stays for the tests
    translation.activate(settings.LANGUAGE_CODE)
    return {url: WalkedPage(response) for url, response in responses.items()}


shipped_site = shipped_walk("/", 600)
shipped_site_ja = shipped_walk("/ja/", 250, "ja")
shipped_site_ru = shipped_walk("/ru/", 250, "ru")


def insert_rows(rows):
    from tracker import freshness

    with transaction.atomic():  # foreign keys are checked at commit, whatever the model order
        for model, values in rows.items():
            model._base_manager.bulk_create([model(**row) for row in values])
        with connection.cursor() as cursor:  # rows came with their ids: move PostgreSQL's sequences on
            for statement in connection.ops.sequence_reset_sql(no_style(), list(rows)):
                cursor.execute(statement)
        freshness.bump()


EDITOR_PASSWORD = "a-long-editor-passphrase-42"


@pytest.fixture
def make_staff(db):
    from django.contrib.auth.models import Group, User

    def make(username, role):
        user = User.objects.create_user(username, password=EDITOR_PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def editor(make_staff):
    return make_staff("editor", "Editor")


@pytest.fixture
def administrator(make_staff):
    return make_staff("chief", "Administrator")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def approve(make_staff):
    """Approve proposals as a second editor would: another editor, through the review page.
    `approve.reviewer` is that editor."""
    from django.test import Client
    from django.urls import reverse

    reviewer = make_staff("reviewer", "Editor")
    client = Client()
    client.force_login(reviewer)

    def approve_all(*proposals):
        for proposal in proposals:
            proposal.refresh_from_db()
            response = client.post(
                reverse("admin:tracker_proposal_review", args=[proposal.pk]),
                {"decision": "approve", "loaded_version": proposal.version},
            )
            # Approved: back to the desk (a refusal shows the form again or returns to the page).
            assert (response.status_code, response.get("Location")) == (302, reverse("admin:index")), (
                response.content.decode()
            )
            proposal.refresh_from_db()
            assert proposal.state == "approved"

    approve_all.reviewer = reviewer
    return approve_all
