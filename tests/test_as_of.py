"""Pages as they stood: /as-of/<moment>/<address>, rebuilt from the audit trail."""

import datetime
import json
import re

import pytest
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from tests.test_editing import post_short_form, short_form_errors, source_ids
from tests.test_public_pages import content
from tracker.models import Agreement


@pytest.fixture
def as_of_dir(settings, tmp_path, monkeypatch, django_db_blocker):
    """Django's test case refuses connections to databases it was not told of, and a snapshot
    is one it cannot know in advance: let those through, and only those."""
    real_ensure_connection = django_db_blocker._real_ensure_connection
    settings.AS_OF_DIR = tmp_path / "as-of"
    guarded = BaseDatabaseWrapper.ensure_connection

    def ensure_connection(connection, *args, **kwargs):
        if connection.alias.startswith("as_of_"):
            return real_ensure_connection(connection, *args, **kwargs)
        return guarded(connection, *args, **kwargs)

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", ensure_connection)
    yield settings.AS_OF_DIR
    for alias in [alias for alias in connections.settings if alias.startswith("as_of_")]:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]


def stamp(moment):
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def figures(html):
    """The target's two headline figures as the dashboard gives them to the yen."""
    return re.findall(r"¥[\d,]+(?:\.\d+)? (?:trillion|billion)|¥[\d,]{5,}", html)


def test_a_page_as_it_stood_before_an_edit_keeps_the_old_figures_and_status(
    client, editor_client, summit_data, as_of_dir, settings
):
    settings.REQUIRE_SECOND_EDITOR = False
    before = timezone.now().replace(microsecond=0) + datetime.timedelta(seconds=1)
    old_target = client.get("/target/").content.decode()
    old_csv = content(client.get("/agreements.csv")).decode("utf-8-sig")
    assert "at least ¥2.21\u00a0trillion" in old_target

    # Editors change a value and a status after that moment, each on its short form.
    import time

    time.sleep(1.2)
    # The overview is dated 25 December 2025 and cannot report today's step; the undated report can.
    sources = source_ids("summit-overview-2025-12-25", "initiative-and-proposals-report")
    package = Agreement.objects.get(slug="kazakhstan-japan-summit-package")
    response = post_short_form(
        editor_client, package, "value", amount="30000000000.00", note="A new figure.", sources=sources
    )
    assert response.status_code == 302, short_form_errors(response)
    solar = Agreement.objects.get(slug="uzbekistan-solar-power-plants")
    response = post_short_form(
        editor_client,
        solar,
        "status",
        status="in_implementation",
        effective_on=timezone.localdate().isoformat(),
        date_accuracy="exact",
        note="Construction reported.",
        sources=sources,
    )
    assert response.status_code == 302, short_form_errors(response)

    today = client.get("/target/").content.decode()
    assert "at least ¥6.47\u00a0trillion" in today  # 30 billion USD replaces 3 billion
    then = client.get(f"/as-of/{stamp(before)}/target/")
    assert then.status_code == 200
    then_html = then.content.decode()
    assert "at least ¥2.21\u00a0trillion" in then_html and "¥6.47" not in then_html
    assert "You are reading this page as it stood on" in then_html
    assert '<meta name="robots" content="noindex">' in then_html
    assert 'rel="canonical" href="http://testserver/target/"' in then_html
    # Links stay inside the moment; static files do not.
    assert f'href="/as-of/{stamp(before)}/agreements/' in then_html
    assert 'href="/static/css/site.' in then_html
    # The agreement's page and the export as they stood, to the yen.
    page = client.get(f"/as-of/{stamp(before)}/agreements/uzbekistan-solar-power-plants/").content.decode()
    assert "In implementation" not in page and "Signed" in page
    assert "In implementation" in client.get("/agreements/uzbekistan-solar-power-plants/").content.decode()
    then_csv = content(client.get(f"/as-of/{stamp(before)}/agreements.csv")).decode("utf-8-sig")
    assert then_csv.replace(f"/as-of/{stamp(before)}", "") == old_csv
    rows = json.loads(content(client.get(f"/as-of/{stamp(before)}/agreements.json")))
    kazakh = next(row for row in rows if row["slug"] == "kazakhstan-japan-summit-package")
    assert kazakh["amount"] == "3000000000.00"
    # Japanese and Russian as they stood.
    assert "2.21兆円" in client.get(f"/as-of/{stamp(before)}/ja/target/").content.decode()
    assert "2,21" in client.get(f"/as-of/{stamp(before)}/ru/target/").content.decode()


def test_every_page_cites_a_dated_address_that_reproduces_it(client, summit_data, as_of_dir):
    html = client.get("/target/").content.decode()
    dated = re.search(r'<span class="dated">[^<]*<a href="(/as-of/[^"]+)"', html)
    assert dated, "no dated citation"
    again = client.get("/target/").content.decode()
    assert dated.group(1) in again  # stable while nothing changes
    reproduced = client.get(dated.group(1)).content.decode()
    assert figures(reproduced) == figures(html)
    assert dated.group(1).endswith("/target/")


def test_bad_moments_are_answered_plainly(client, summit_data, as_of_dir):
    assert client.get("/as-of/yesterday/target/").status_code == 400
    assert client.get("/as-of/2026-13-45/target/").status_code == 400
    future = (timezone.now() + datetime.timedelta(days=3)).date().isoformat()
    response = client.get(f"/as-of/{future}/target/?x=1")
    assert response.status_code == 302 and response["Location"] == "/target/?x=1"
    response = client.get("/as-of/2020-01-01/target/")
    assert response.status_code == 404
    assert "holds no record before" in response.content.decode()
    # The admin has no past: its links lead to today's admin.
    day = timezone.localdate().isoformat()
    assert client.get(f"/as-of/{day}/admin/")["Location"] == "/admin/"
    assert client.get(f"/as-of/{day}/ja/admin/login/")["Location"] == "/ja/admin/login/"


def test_a_snapshot_is_built_once_per_edit_and_reused(
    client, summit_data, as_of_dir, django_assert_max_num_queries
):
    day = stamp(timezone.now())
    assert client.get(f"/as-of/{day}/").status_code == 200
    assert len(list(as_of_dir.glob("*.sqlite3"))) == 1
    assert client.get(f"/as-of/{day}/countries/kazakhstan/").status_code == 200
    assert client.get(f"/as-of/{stamp(timezone.now())}/agreements/").status_code == 200
    assert len(list(as_of_dir.glob("*.sqlite3"))) == 1  # the same audit trail, the same snapshot
