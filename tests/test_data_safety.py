"""Nothing lost, on either database (issue 20): each numbered finding, reproduced, now refused
or handled."""

import csv
import datetime
import io
import json
import os
import stat
import threading
import time
import xml.etree.ElementTree as ET

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import OperationalError, connection, transaction
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.admin_forms import form_data
from tests.factories import make_rate, make_source
from tests.test_public_pages import content
from tracker import freshness
from tracker.models import Agreement, DataVersion, ExchangeRate, Party, Sector, Source, StatusChange
from tracker.services import imports
from tracker.services.backup import dump, restore
from tracker.services.loading import FixtureProblem

pytestmark = pytest.mark.django_db


def admin_export(client):
    response = client.get(reverse("admin:tracker_agreement_export"))
    assert response.status_code == 200
    return content(response).decode("utf-8-sig")


def preview(client, text):
    upload = SimpleUploadedFile("agreements.csv", text.encode("utf-8"), content_type="text/csv")
    return client.post(reverse("admin:tracker_agreement_import"), {"file": upload})


def confirm(client, text, digest=None):
    data = {"confirm": "1", "text": text, "digest": digest or imports.digest(text)}
    return client.post(reverse("admin:tracker_agreement_import"), data)


def problems(response):
    return [
        (row.number, column, message) for row in response.context["rows"] for column, message in row.problems
    ]


# 1. An import never undoes another editor's save; it writes exactly what was previewed.


def test_an_import_refuses_a_row_whose_record_changed_since_the_export(editor_client, summit_data, settings):
    settings.REQUIRE_SECOND_EDITOR = False
    exported = admin_export(editor_client)
    rows = list(csv.DictReader(io.StringIO(exported)))
    edited = [
        dict(row, title=row["title"] + " (renamed)") if row["slug"] == "smartmining-plus" else row
        for row in rows
    ]
    line = 2 + [row["slug"] for row in rows].index("smartmining-plus")  # the header is line 1
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=imports.COLUMNS)
    writer.writeheader()
    writer.writerows(edited)
    # Meanwhile another editor saves a new description on the same agreement.
    agreement = Agreement.objects.get(slug="smartmining-plus")
    page = editor_client.get(reverse("admin:tracker_agreement_change", args=[agreement.pk]))
    data = form_data(page, description="Another editor's new description.")
    assert (
        editor_client.post(reverse("admin:tracker_agreement_change", args=[agreement.pk]), data).status_code
        == 302
    )
    response = preview(editor_client, text.getvalue())
    assert [(number, column) for number, column, _message in problems(response)] == [(line, "version")]
    assert "someone changed it after the file was exported" in problems(response)[0][2]
    assert confirm(editor_client, text.getvalue()).context["ready"] is False
    agreement.refresh_from_db()
    assert agreement.description == "Another editor's new description."
    assert not agreement.title.endswith("(renamed)")


def test_a_confirmation_writes_only_the_previewed_text(editor_client, summit_data, settings):
    settings.REQUIRE_SECOND_EDITOR = False
    source = Source.objects.get(slug="initiative-and-proposals-report")
    header = ",".join(["slug", "title", "description", "instrument", "status", "sources"])
    previewed = f"{header}\nnew-loan,A loan,Reported.,loan,reported,{source.slug}\n"
    swapped = previewed + f"other-loan,Another,Reported.,loan,reported,{source.slug}\n"
    assert preview(editor_client, previewed).context["ready"] is True
    response = confirm(editor_client, swapped, digest=imports.digest(previewed))
    assert "The file changed since its preview" in response.context["problem"]
    assert not Agreement.objects.filter(slug__in=["new-loan", "other-loan"]).exists()
    assert confirm(editor_client, previewed).status_code == 302
    assert Agreement.objects.filter(slug="new-loan").exists()
    assert not Agreement.objects.filter(slug="other-loan").exists()


# 2. Writers never queue or deadlock on the data version.


def test_the_data_version_is_an_insert_and_changes_whatever_order_writers_commit_in(summit_data):
    before = freshness.current_token()
    freshness.bump()
    after = freshness.current_token()
    assert after != before
    # The version counts committed rows among the newest: a row that commits after a later one
    # (here: deleting a later row stands in for an earlier transaction not yet visible) still moves it.
    newest = DataVersion.objects.order_by("-id").first()
    DataVersion.objects.filter(pk=newest.pk - 1).delete()
    assert freshness.current_token() != after


@pytest.mark.django_db(transaction=True)
def test_a_save_never_waits_for_another_writers_open_transaction(summit_rows):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite has one writer at a time by design; PostgreSQL's run of the suite checks this")
    from tests.conftest import insert_rows

    insert_rows(summit_rows)
    holding, release = threading.Event(), threading.Event()

    def long_writer():
        with transaction.atomic():
            sector = Sector.objects.get(slug="health")
            sector.name = "Health care"
            sector.save()  # writes a data version row, then keeps its transaction open
            holding.set()
            release.wait(10)
        connection.close()

    thread = threading.Thread(target=long_writer)
    thread.start()
    assert holding.wait(10)
    started = time.monotonic()
    other = Sector.objects.get(slug="education")
    other.name = "Education and training"
    other.save()  # with the old single version row this waited for the other transaction
    waited = time.monotonic() - started
    release.set()
    thread.join()
    assert waited < 1.0


# 3. A lost database gives every request the 503, signed in or not; /healthz tells nobody why.


def test_a_signed_in_editor_gets_the_503_when_the_session_cannot_be_saved(editor_client, monkeypatch):
    from django.contrib.sessions.backends.db import SessionStore

    def lost(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused (127.0.0.1:5432)")

    monkeypatch.setattr(SessionStore, "save", lost)
    response = editor_client.get("/about/")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert b"5432" not in response.content


def test_the_health_check_never_shows_the_databases_address(client, db, monkeypatch):
    class Unreachable:
        def cursor(self):
            raise OperationalError('connection to server at "10.0.0.7", port 5432 failed: refused')

    monkeypatch.setattr("tracker.views.site.connection", Unreachable())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable"}
    assert b"10.0.0.7" not in response.content and b"5432" not in response.content


# 5. Every record an editor can change is versioned: a stale save is refused, nothing lost.


def test_a_stale_save_of_a_sector_is_refused_with_the_merge(editor_client, summit_data):
    sector = Sector.objects.get(slug="health")
    url = reverse("admin:tracker_sector_change", args=[sector.pk])
    first, second = editor_client.get(url), editor_client.get(url)
    assert editor_client.post(url, form_data(first, name="Health and medicine")).status_code == 302
    response = editor_client.post(url, form_data(second, name="Health care"))
    assert response.status_code == 200
    assert "after you opened it" in response.content.decode()
    sector.refresh_from_db()
    assert sector.name == "Health and medicine"


# 6. No form can hide a record; synthetic sources stay out of public pages.


def test_posting_is_synthetic_cannot_hide_an_agreement(editor_client, summit_data):
    agreement = Agreement.objects.get(slug="smartmining-plus")
    url = reverse("admin:tracker_agreement_change", args=[agreement.pk])
    data = form_data(editor_client.get(url), is_synthetic="on")
    assert editor_client.post(url, data).status_code == 302
    agreement.refresh_from_db()
    assert agreement.is_synthetic is False
    assert Client().get(agreement.get_absolute_url()).status_code == 200


def test_the_synthetic_source_is_never_public(client, summit_data):
    call_command("generate_synthetic", agreements=3, verbosity=0)
    source = Source.objects.get(slug="synthetic-data")
    assert source.is_synthetic
    assert client.get("/sources/").content.decode().count("synthetic-data") == 0
    assert client.get(source.get_absolute_url()).status_code == 404
    assert "Synthetic data" not in client.get("/search/?q=synthetic").content.decode()
    assert b"synthetic-data" not in client.get("/sitemap.xml").content


# 7. A backup is one snapshot, readable by its owner only.


def test_a_backup_is_written_for_its_owner_only(summit_data, tmp_path):
    path = tmp_path / "backup.json"
    path.write_text("old")
    os.chmod(path, 0o644)
    dump(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert json.loads(path.read_text())


@pytest.mark.django_db(transaction=True)  # outside a test's transaction, as `manage.py backup` runs
def test_a_backup_reads_in_one_snapshot(summit_data, monkeypatch, tmp_path):
    from tracker.services import backup

    seen = []
    original = backup.serializers.serialize

    def serialize(*args, **kwargs):
        if connection.vendor == "sqlite":
            seen.append(connection.connection.in_transaction)  # the BEGIN DEFERRED is open
        else:
            with connection.cursor() as cursor:
                cursor.execute("SHOW transaction_isolation")
                seen.append(cursor.fetchone()[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(backup.serializers, "serialize", serialize)
    dump(tmp_path / "backup.json")
    assert all(seen)
    if connection.vendor == "postgresql":
        assert set(seen) == {"repeatable read"}


# 8. Control characters are refused at every write path, and feeds and badges survive any text.


def test_a_control_character_is_refused_by_the_admin(editor_client, summit_data):
    sector = Sector.objects.get(slug="health")
    url = reverse("admin:tracker_sector_change", args=[sector.pk])
    response = editor_client.post(url, form_data(editor_client.get(url), name="Health\x0bcare"))
    assert response.status_code == 200
    assert "control character (U+000B)" in response.content.decode()


def test_a_control_character_is_refused_by_the_import(editor_client, summit_data):
    header = ",".join(["slug", "title", "description", "instrument", "status", "sources"])
    text = f"{header}\nnew-loan,A\x1bloan,Reported.,loan,reported,initiative-and-proposals-report\n"
    response = preview(editor_client, text)
    assert any(column == "title" and "U+001B" in message for _n, column, message in problems(response))


def test_a_control_character_is_refused_by_the_fixture_and_a_restore(summit_data, tmp_path):
    from tracker.services import load_fixture

    records = [
        {"model": "tracker.sector", "fields": {"slug": "bad", "name": "Bad\x07name", "description": ""}}
    ]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(records))
    with pytest.raises(FixtureProblem, match="U\\+0007"):
        load_fixture(path, reason="test")
    assert not Sector.objects.filter(slug="bad").exists()


def test_a_note_with_any_character_leaves_the_feed_valid_and_sends_text_as_text(client, summit_data):
    step = StatusChange.objects.filter(agreement__slug="smartmining-plus").get()
    StatusChange.objects.filter(pk=step.pk).update(note="Look <script>alert(1)</script>\x0b here")
    freshness.bump()
    response = client.get("/changes/feed/")
    assert response.status_code == 200
    feed = ET.fromstring(response.content)
    atom = "{http://www.w3.org/2005/Atom}"
    summaries = [entry.find(f"{atom}summary") for entry in feed.iter(f"{atom}entry")]
    target = next(summary for summary in summaries if "alert(1)" in summary.text)
    assert target.get("type") == "text"
    assert "<script>alert(1)</script>" in target.text and "\x0b" not in target.text


def test_a_badge_stays_valid_xml_whatever_a_name_holds(client, summit_data):
    Party.objects.filter(slug="kazakhstan").update(name_ru="Казахстан\x1b")
    freshness.bump()
    response = client.get("/ru/embed/countries/kazakhstan.svg")
    assert response.status_code == 200
    ET.fromstring(response.content)


# 9. The smaller ones.


def test_the_admins_own_export_imports_back_unchanged(editor_client, summit_data):
    Agreement.objects.filter(slug="smartmining-plus").update(title="=SUM(1,2) is not a formula here")
    exported = admin_export(editor_client)
    assert "'=SUM(1,2)" in exported  # the export guards the cell…
    response = preview(editor_client, exported)
    assert response.context["ready"] is True
    assert {row.action for row in response.context["rows"]} == {"unchanged"}  # …and the import reads it back


def test_a_double_slash_address_never_links_to_another_host(summit_data):
    from tracker.context_processors import site

    request = RequestFactory().get("/")
    request.path = request.path_info = "//evil.example/"  # as a server passes it on
    context = site(request)
    addresses = [language["url"] for language in context["page_languages"]] + [context["dated_path"]]
    assert len(addresses) == 4
    assert all(not address.startswith("//") for address in addresses), addresses
    assert "/as-of/" in addresses[-1] and addresses[-1].endswith("Z/evil.example/")


def test_the_page_cache_keys_on_the_host(client, summit_data, settings):
    settings.ALLOWED_HOSTS = ["one.example", "two.example"]
    settings.PUBLIC_PAGE_CACHE = True
    first = client.get("/about/", HTTP_HOST="one.example").content.decode()
    second = client.get("/about/", HTTP_HOST="two.example").content.decode()
    assert "http://one.example/about/" in first
    assert "http://two.example/about/" in second and "one.example" not in second


def test_a_restore_refuses_an_overlong_title_on_every_database(db, tmp_path):
    source = {"slug": "long", "title": "x" * 5000, "kind": "news", "note": "A note.", "version": 1}
    path = tmp_path / "backup.json"
    path.write_text(json.dumps([{"model": "tracker.source", "fields": source, "pk": 1}]))
    with pytest.raises(FixtureProblem, match="at most 300 characters"):
        restore(path)
    assert not Source.objects.exists()


def test_sign_in_throttling_trusts_only_our_proxies(settings):
    from tracker.proxies import client_address

    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request) == "10.0.0.1"  # no proxy: the header is ignored
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request) == "203.0.113.9"  # the address our proxy appended, not the forged one
    forged = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="not-an-address")
    assert client_address(forged) == "10.0.0.1"


def test_deleting_a_rate_restates_the_values_converted_at_it(summit_data):
    package = Agreement.objects.get(slug="uzbekistan-japan-summit-package")
    assert package.counted_yen == package.yen_value > 0
    ExchangeRate.objects.filter(currency="USD").get().delete()
    package.refresh_from_db()
    assert (package.yen_value, package.yen_rate_id, package.counted_yen, package.exclusion) == (
        None,
        None,
        None,
        "no_rate",
    )
    page = Client().get("/target/").content.decode()
    assert "No exchange rate to yen" in page
    make_rate("USD", "150", datetime.date(2025, 12, 1), source=make_source())
    package.refresh_from_db()
    assert package.counted_yen == 11_000_000_000 * 150


def test_the_counted_figures_on_each_row_match_a_full_recount(summit_data):
    from tracker.counting import recount

    call_command("generate_synthetic", agreements=200, verbosity=0)
    before = list(Agreement.objects.order_by("pk").values_list("pk", "yen_value", "counted_yen", "exclusion"))
    assert recount() == 0  # every write path already stored what a full recount finds
    assert (
        list(Agreement.objects.order_by("pk").values_list("pk", "yen_value", "counted_yen", "exclusion"))
        == before
    )


def test_public_csv_reads_only_published_records(client, summit_data):
    Agreement.objects.filter(slug="smartmining-plus").update(is_published=False)
    freshness.bump()
    text = content(client.get("/agreements.csv")).decode("utf-8-sig")
    assert "smartmining-plus" not in text
    assert client.get("/agreements/smartmining-plus/").status_code == 404
