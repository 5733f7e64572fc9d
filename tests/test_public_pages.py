import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from html.parser import HTMLParser
from unittest import mock
from urllib.parse import urljoin, urlsplit

import pytest
from django.template.base import Template
from django.test.utils import CaptureQueriesContext, _TestState

from tests.factories import make_agreement, make_commitment
from tests.pages import follow_count_links
from tracker.models import Agreement, Party, Sector, Source, StatusChange

ATOM = "{http://www.w3.org/2005/Atom}"


class LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag in ("link", "script", "img") and (attrs.get("href") or attrs.get("src")):
            self.links.append(attrs.get("href") or attrs.get("src"))


OTHER_LANGUAGES = re.compile(r"^/(ja|ru)/")
ADMIN = re.compile(r"^/((ja|ru)/)?admin/")


def internal_links(html, base, *, language=None):
    """The site's own links on a page, in one language: English (no prefix) unless `language`."""
    parser = LinkParser()
    parser.feed(html)
    for href in parser.links:
        url = urljoin(base, href)
        parts = urlsplit(url)
        if (
            parts.scheme not in ("", "http")
            or parts.netloc not in ("", "testserver")
            or ADMIN.match(parts.path)
        ):
            continue
        if parts.path.startswith("/as-of/"):
            continue  # every page's dated citation: the as-of pages are walked in test_as_of
        prefixed = OTHER_LANGUAGES.match(parts.path)
        in_language = prefixed.group(1) == language if prefixed else language is None
        if in_language or parts.path.startswith("/static/"):
            yield parts.path + (f"?{parts.query}" if parts.query else "")


def content(response):
    """The body of a response, streamed (exports, static files) or not."""
    return b"".join(response.streaming_content) if response.streaming else response.content


@contextmanager
def uninstrumented_templates():
    """Templates rendered as in production, without the test runner's instrumentation, which
    copies every template's context for response.context (a crawl reads only the pages' bytes,
    and the copies were an eighth of its time)."""
    original = getattr(getattr(_TestState, "saved_data", None), "template_render", None)
    if original is None:  # not running under the test runner's instrumentation
        yield
        return
    with mock.patch.object(Template, "_render", original):
        yield


@contextmanager
def keeping_test_connection():
    """Requests handled and responses closed meanwhile keep the test's database connection:
    Django closes it when a request starts and when it finishes, which would end the test's
    transaction (the test client does the same for its own requests)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def crawl(client, start="/", limit=600, language=None):
    with uninstrumented_templates():
        return walk(client, start, limit, language)


def walk(client, start, limit, language):
    seen, queue, responses = set(), [start], {}
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        response.body = content(response)
        responses[url] = response
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            links = internal_links(response.body.decode(), url, language=language)
            queue.extend(link for link in links if link not in seen)
    return responses


def test_every_internal_link_resolves(shipped_site):
    responses = shipped_site
    broken = {url: response.status_code for url, response in responses.items() if response.status_code != 200}
    assert broken == {}
    # The crawl reached every kind of page from the dashboard.
    for page in (
        "/commitments/",
        "/agreements/",
        "/countries/kazakhstan/",
        "/organizations/nexi/",
        "/priority-areas/connectivity/",
        "/sectors/health/",
        "/target/",
        "/sources/",
        "/changes/",
        "/changes/feed/",
        "/commitments.csv",
        "/agreements.json",
    ):
        assert any(url.startswith(page) for url in responses), page
    assert len(responses) > 100


def test_agreement_list_filters_by_country_in_a_shareable_url(client, summit_data):
    everything = client.get("/agreements/")
    assert everything.context["page"].paginator.count == 11
    response = client.get("/agreements/", {"country": "uzbekistan"})
    titles = [agreement.title for agreement in response.context["page"]]
    assert titles == [
        "Two solar power plants in Uzbekistan",
        "Uzbekistan–Japan agreements signed at the summit",
        "New Tashkent International Airport, with Sojitz",
    ]
    html = response.content.decode()
    assert 'href="/agreements.csv?country=uzbekistan"' in html  # the export keeps the filter
    assert '<option value="uzbekistan" selected>Uzbekistan</option>' in html


def test_agreement_list_sorts_by_yen_value_with_unknowns_last(client, summit_data):
    response = client.get("/agreements/", {"sort": "-value"})
    slugs = [agreement.slug for agreement in response.context["page"]]
    assert slugs[:2] == ["uzbekistan-japan-summit-package", "kazakhstan-japan-summit-package"]
    response = client.get("/agreements/", {"sort": "value"})
    slugs = [agreement.slug for agreement in response.context["page"]]
    assert slugs[:2] == ["kazakhstan-japan-summit-package", "uzbekistan-japan-summit-package"]


def test_agreement_list_value_range_is_in_yen(client, summit_data):
    # The Kazakh package is ≥ $3bn ≈ ¥474bn; the Uzbek one ≥ $11bn ≈ ¥1.74tn.
    response = client.get("/agreements/", {"min_yen": "400000000000", "max_yen": "500000000000"})
    assert [a.slug for a in response.context["page"]] == ["kazakhstan-japan-summit-package"]
    response = client.get("/agreements/", {"target_link": "stated"})
    assert [a.slug for a in response.context["page"]] == []  # no source places one under the Initiative
    response = client.get("/agreements/", {"target_link": "reported"})
    assert response.context["page"].paginator.count == 11


def test_commitment_list_filters(client, summit_data):
    response = client.get("/commitments/", {"origin": "leader_proposal", "country": "kazakhstan"})
    # Tokayev's two proposals, and the Uzbek president's proposals for the whole region.
    assert response.context["page"].paginator.count == 2 + 7
    response = client.get("/commitments/", {"origin": "leader_remark", "country": "kazakhstan"})
    assert response.context["page"].paginator.count == 4
    response = client.get("/commitments/", {"priority_area": "connectivity", "q": "corridor"})
    assert {c.slug for c in response.context["page"]} == {
        "initiative-middle-corridor",
        "declaration-middle-corridor",
        "declaration-transport-logistics",
        "kz-middle-corridor",
        "uz-transport-projects",
    }


def test_invalid_filter_shows_the_error_and_no_data(client, summit_data):
    response = client.get("/agreements/", {"status": "finished"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Select a valid choice. finished is not one of the available choices." in html
    assert "Two solar power plants" not in html
    response = client.get("/agreements/", {"min_yen": "10", "max_yen": "5"})
    assert response.status_code == 400
    assert "The upper value must not be below the lower one." in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/agreements.csv", "/agreements.json", "/commitments.csv", "/commitments.json"]
)
def test_export_with_an_invalid_filter_is_a_400_with_the_reason(client, summit_data, url):
    response = client.get(url, {"status": "nonsense"})
    assert response.status_code == 400
    body = json.loads(response.content)
    assert body["error"] == "invalid filter"
    assert "nonsense is not one of the available choices" in body["fields"]["status"][0]


def test_csv_export_follows_the_filters(client, summit_data):
    response = client.get("/agreements.csv", {"country": "kazakhstan"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(content(response).decode("utf-8-sig"))))
    assert [row["slug"] for row in rows] == ["kazakhstan-japan-summit-package", "smartmining-plus"]
    package = rows[0]
    assert (package["amount"], package["currency"], package["value_exactness"]) == (
        "3000000000.00",
        "USD",
        "lower_bound",
    )
    assert package["value_in_yen"] == "473684208000"  # 3e9 × 157.894736, a lower bound
    assert package["value_reading"].startswith("Our reading: US dollars.")
    assert package["target_link"] == "reported"
    assert (package["signed_on"], package["signed_on_accuracy"]) == ("2025-12-20", "approximate")


def test_export_pairs_each_party_with_its_own_role(client, summit_data):
    rows = json.loads(content(client.get("/agreements.json", {"q": "solar power plants"})))
    solar = next(row for row in rows if row["slug"] == "uzbekistan-solar-power-plants")
    assert set(solar["parties"].split("; ")) == {
        "Chubu Electric Power (Implementer)",
        "Japan Bank for International Cooperation (Supporter (kind of support not stated))",
        "Nippon Export and Investment Insurance (Supporter (kind of support not stated))",
        "Shikoku Electric Power (Implementer)",
        "Sumitomo (Implementer)",
        "Uzbekistan (Host country)",
    }
    assert solar["sectors"] == "Renewable energy" and solar["part_of"] == "uzbekistan-japan-summit-package"
    assert solar["part_of_basis"] == "inferred"


def test_json_export_of_commitments(client, summit_data):
    response = client.get("/commitments.json", {"origin": "summit_outcome"})
    rows = json.loads(content(response))
    assert {row["slug"] for row in rows} == {"next-summit-in-kazakhstan"}
    assert rows[0]["origin"] == "Agreed by the leaders at the summit"
    assert all(row["status"] == "not_assessed" for row in rows)
    rows = json.loads(content(client.get("/commitments.json", {"origin": "ca_leaders"})))
    assert [row["slug"] for row in rows] == ["investment-climate-for-japanese-companies"]
    echo = json.loads(content(client.get("/commitments.json", {"q": "Trans-Caspian"})))
    assert {row["slug"]: row["same_pledge_as"] for row in echo}[
        "kz-middle-corridor"
    ] == "declaration-middle-corridor"


def test_detail_page_shows_value_in_both_currencies_and_its_timeline(client, summit_data):
    html = client.get("/agreements/uzbekistan-japan-summit-package/").content.decode()
    # The source's words, unchanged, and our reading of them, marked as ours with the reason.
    assert "“valued at over --11 billion” (our copy shows no currency sign)" in html
    assert 'at least 11,000,000,000\u00a0USD <span class="tag">our reading</span>' in html
    assert "Our reading: US dollars." in html
    assert "$11" not in html
    assert "at least ¥1,736,842,096,000" in html
    assert "at 1 USD = ¥157.894736, implied by an undated conversion in a" in html
    assert "Counted in the reported, not confirmed figure: at least ¥1,736,842,096,000" in html
    assert "Reported around the summit; not confirmed as part of the Initiative" in html
    assert "Reported signed on the sidelines of the summit of 20 December 2025." in html  # timeline
    assert '<time datetime="2025-12-20">around 20 December 2025</time>' in html
    assert "Two solar power plants in Uzbekistan" in html  # an itemized part…
    assert (
        'Two solar power plants in Uzbekistan</a> <span class="tag">our inference</span>' in html
    )  # …inferred


def test_a_step_no_source_dates_shows_when_it_was_first_reported(client, summit_data):
    html = client.get("/agreements/smartmining-plus/").content.decode()
    assert '<time datetime="2025-12-20"' not in html  # no source dates it
    assert "Date unknown; first reported in an undated source</p>" in html
    assert "Not reported as signed" in html


def test_one_figure_reads_the_same_everywhere(client, summit_data):
    """For each exactness: the page, the CSV, the JSON and compute_progress give one figure."""
    import datetime
    from decimal import Decimal

    from tracker.models import Target
    from tracker.progress import compute_progress

    cases = {
        "lower": ("lower_bound", "at least ¥473", "473"),  # 473.684208 rounded down
        "about": ("approximate", "about ¥474", "474"),  # rounded half to even
        "exact": ("exact", "¥474", "474"),
    }
    for slug, (exactness, _words, _whole) in cases.items():
        make_agreement(slug=slug, amount="3", currency="USD", exactness=exactness, target_link="stated")
    rows = {
        row["slug"]: row
        for row in csv.DictReader(io.StringIO(content(client.get("/agreements.csv")).decode("utf-8-sig")))
    }
    data = {row["slug"]: row for row in json.loads(content(client.get("/agreements.json")))}
    lines = {
        line.agreement.slug: line
        for line in compute_progress(
            target=Target.objects.get(), on_date=datetime.date(2026, 6, 1)
        ).counted_shown
    }
    for slug, (_exactness, words, whole) in cases.items():
        page = client.get(f"/agreements/{slug}/").content.decode()
        assert f"<dt>In yen</dt><dd>{words} " in page
        assert rows[slug]["value_in_yen"] == whole
        assert Decimal(data[slug]["value_in_yen"]) == Decimal(whole)
        assert lines[slug].yen == Decimal(whole)


def test_country_scorecards_count_each_agreement_once_and_link_their_lists(client, summit_data):
    from tracker.views.common import current_progress

    response = client.get("/countries/")
    cards = {card.country.slug: card for card in response.context["scorecards"]}
    assert (cards["uzbekistan"].agreement_total, cards["uzbekistan"].commitment_total) == (3, 47)
    assert cards["japan"].agreement_total == 6  # the five country packages and SmartMining Plus
    assert cards["turkmenistan"].agreement_total == 1
    assert {value: count for value, _label, count in cards["uzbekistan"].agreement_statuses if count} == {
        "reported": 1,
        "signed": 2,
    }
    # Japan's yen is summed from its own agreements (the kept sums are by Central Asian country).
    _target, progress = current_progress()
    assert cards["japan"].counted.reported.yen == progress.reported.yen > 0
    followed = follow_count_links(client, response.content.decode())
    assert {"/agreements/?country=uzbekistan&status=signed", "/commitments/?country=kyrgyzstan"} <= followed
    # Per country its two totals and one commitment status; nine agreement statuses in all.
    assert len(followed) == 6 * 3 + 9


def test_a_country_with_two_roles_on_one_agreement_counts_it_once(client, summit_data):
    from tracker.models import Agreement, AgreementParty, Party

    uzbekistan = Party.objects.get(slug="uzbekistan")
    agreement = Agreement.objects.filter(party_roles__party=uzbekistan).first()
    roles = AgreementParty.objects.filter(agreement=agreement, party=uzbekistan)
    assert roles.count() == 1  # the fixture's one role; a second is added below
    other_role = next(value for value, _label in AgreementParty.Role.choices if value != roles.get().role)
    AgreementParty.objects.create(agreement=agreement, party=uzbekistan, role=other_role)
    cards = {card.country.slug: card for card in client.get("/countries/").context["scorecards"]}
    assert cards["uzbekistan"].agreement_total == 3


def test_country_page(client, summit_data):
    html = client.get("/countries/kazakhstan/").content.decode()
    assert "President Kassym-Jomart Tokayev" in html
    assert "Host of the Second Central Asia + Japan Dialogue Summit (date not yet announced)" in html
    assert "at least ¥473.68\u00a0billion" in html  # 473,684,208,000 rounded down


def test_target_page_lists_exclusions_and_rates(client, summit_data):
    html = client.get("/target/").content.decode()
    assert "No value stated (9)" in html
    assert "167.597765" in html and "157.894736" in html
    assert "Two figures, never added together." in html  # the methodology states the rule
    assert "One day's announcements are not a pace" in html


def test_dialogue_page_gives_the_history_the_sources_give(client, summit_data):
    html = client.get("/dialogue/").content.decode()
    assert "The dialogue&#x27;s first meeting was of foreign ministers, in Astana in 2004" in html
    assert "Tokyo Knowledge Dialogue" in html
    # No start year is made up for a mechanism whose sources give none.
    assert html.count("not stated") == 4
    assert "Justice ministers' meeting" in html or "justice ministers" in html


def test_source_page_lists_what_cites_it(client, summit_data):
    response = client.get("/sources/newsaz-opinion-agreements-by-country/")
    html = response.content.decode()
    assert "Kyrgyzstan–Japan documents signed at the summit" in html
    assert "Opinion piece" in html


def test_atom_feed_is_valid_atom(client, summit_data):
    response = client.get("/changes/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == StatusChange.objects.count() == 11
    ids = [entry.findtext(f"{ATOM}id") for entry in entries]
    assert len(set(ids)) == len(ids) and all(i.startswith("urn:uuid:") for i in ids)
    for entry in entries:
        for required in ("title", "updated", "link"):
            assert entry.find(f"{ATOM}{required}") is not None
        link = urlsplit(entry.find(f"{ATOM}link").get("href"))
        assert client.get(link.path).status_code == 200


def test_sitemap_lists_resolvable_pages(client, summit_data):
    root = ET.fromstring(client.get("/sitemap.xml").content)
    locations = [
        urlsplit(loc.text).path for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    ]
    assert "/agreements/smartmining-plus/" in locations and "/countries/japan/" in locations
    assert "/ja/agreements/smartmining-plus/" in locations and "/ru/countries/japan/" in locations
    assert len(locations) == 3 * (11 + 53 + 11 + 15 + 3 + 22 + 5)  # each page in three languages
    for path in locations[::10]:
        assert client.get(path).status_code == 200, path
    alternates = root.findall(".//{http://www.w3.org/1999/xhtml}link")
    assert {link.get("hreflang") for link in alternates} == {"en-gb", "ja", "ru", "x-default"}


def test_the_sitemap_follows_the_data(client, summit_data):
    client.get("/sitemap.xml")
    make_agreement(slug="added-after-the-first-sitemap", title="Added later")
    assert "/added-after-the-first-sitemap/" in client.get("/sitemap.xml").content.decode()


def test_robots_and_favicon(client, db):
    robots = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in robots and "Sitemap: http://testserver/sitemap.xml" in robots
    favicon = client.get("/favicon.ico")
    assert favicon.status_code == 301 and re.search(
        r"/static/img/favicon\.[0-9a-f]+\.svg$", favicon["Location"]
    )


def test_404_page_is_in_the_site_style(client, db):
    response = client.get("/agreements/no-such-agreement/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html and 'aria-label="Main"' in html


def test_500_page_needs_neither_database_nor_template_tags():
    from django.template.loader import get_template

    source = get_template("500.html").template.source
    assert "{%" not in source and "Something went wrong on our side" in source


def test_static_files_have_hashed_compressed_names(client, db, collected_static):
    html = client.get("/agreements/no-such/").content.decode()
    match = re.search(r'href="/static/(css/site\.[0-9a-f]{12}\.css)"', html)
    assert match, "the stylesheet is served under a hashed name"
    assert (collected_static / f"{match.group(1)}.gz").exists()
    # Everything the page loads is ours (links out, such as share links, load nothing).
    loaded = re.findall(r'<(?:link|script|img|iframe)[^>]+(?:href|src)="([^"]+)"', html)
    assert "//" not in re.sub(r"https?://testserver", "", " ".join(loaded))


def test_home_page_weighs_under_100_kb(client, summit_data, collected_static):
    html = client.get("/").content
    assets = re.findall(rb'(?:href|src)="/static/([^"]+)"', html)
    assert assets
    total = len(html) + sum((collected_static / asset.decode()).stat().st_size for asset in assets)
    assert total < 100 * 1024, total


HOSTILE = '<script>alert("x")</script>'
JS_URL = "javascript:alert(1)"


def test_editor_text_is_always_inert(client, summit_data):
    source = Source.objects.create(slug="hostile", title=HOSTILE, note=HOSTILE, url=JS_URL, publisher=HOSTILE)
    agreement = make_agreement(
        slug="hostile-agreement",
        title=HOSTILE,
        description=HOSTILE,
        value_as_reported=HOSTILE,
        value_reading=HOSTILE,
        amount="5",
        exactness="exact",
        countries=[Party.objects.get(slug="uzbekistan")],
        sectors=[Sector.objects.create(slug="hostile-sector", name=HOSTILE, description=HOSTILE)],
    )
    agreement.sources.add(source)
    commitment = make_commitment(slug="hostile-commitment", title=HOSTILE, description=JS_URL)
    commitment.sources.add(source)
    commitment.agreements.add(agreement, through_defaults={"basis": "inferred", "note": HOSTILE})
    StatusChange.objects.create(
        agreement=agreement,
        effective_on="2026-01-01",
        old_status="signed",
        new_status="completed",
        note=HOSTILE,
    ).sources.add(source)
    organization = Party.objects.create(slug="hostile-org", name=HOSTILE, kind="company", description=HOSTILE)
    agreement.party_roles.create(party=organization, role="implementer")

    # Every page within a few links of the hostile records, and by name each kind of page that
    # shows them (a walk of the whole site from the dashboard found no other kind, in four times
    # the time), the search's results and the other languages' pages too.
    responses = crawl(client, "/agreements/hostile-agreement/", 150)
    for url in (
        "/agreements/hostile-agreement/feed/",
        "/commitments/hostile-commitment/feed/",
        "/search/?q=alert",
        "/ja/agreements/hostile-agreement/",
        "/ru/commitments/hostile-commitment/",
        "/ja/organizations/hostile-org/",
        "/ru/sectors/hostile-sector/",
        "/sectors/hostile-sector/",
        "/countries/uzbekistan/",
        "/sources/hostile/",
        "/agreements/hostile-agreement/",
        "/commitments/hostile-commitment/",
        "/organizations/hostile-org/",
        "/changes/feed/",
        "/agreements.csv",
        "/agreements.json",
        "/commitments.csv",
        "/commitments.json",
    ):
        if url not in responses:
            responses[url] = client.get(url)
            responses[url].body = content(responses[url])
    assert "/sources/hostile/" in responses and "/agreements/hostile-agreement/" in responses
    for url, response in responses.items():
        if url.startswith("/static/"):
            continue
        body = response.body.decode()
        if url.split("?")[0].endswith((".csv", ".json")):
            # Data, not markup: a browser must never render it as HTML.
            assert response["Content-Type"].split(";")[0] in ("text/csv", "application/json"), url
            assert response["X-Content-Type-Options"] == "nosniff", url
            continue
        assert "<script>alert" not in body, url
        assert 'href="javascript:' not in body.lower(), url
    feed = responses["/changes/feed/"].body.decode()
    assert "&lt;script&gt;" in feed
    # The pages fetched by name show the hostile text, escaped (else they would test nothing).
    for url in (
        "/commitments/hostile-commitment/feed/",
        "/search/?q=alert",
        "/ja/agreements/hostile-agreement/",
    ):
        assert "&lt;script&gt;" in responses[url].body.decode(), url
    csv_rows = list(csv.DictReader(io.StringIO(responses["/agreements.csv"].body.decode("utf-8-sig"))))
    assert any(row["title"] == HOSTILE for row in csv_rows)  # kept as text in CSV, never HTML


def test_csv_cells_never_start_a_formula(client, summit_data):
    make_agreement(slug="formula", title='=HYPERLINK("http://evil","x")', amount="1")
    rows = list(csv.DictReader(io.StringIO(content(client.get("/agreements.csv")).decode("utf-8-sig"))))
    assert next(row for row in rows if row["slug"] == "formula")["title"].startswith("'=")


LISTS = [
    "/agreements/",
    "/commitments/",
    "/agreements.csv",
    "/agreements.json",
    "/commitments.csv",
    "/commitments.json",
]
HOSTILE_QUERIES = [
    "year=abc",
    "year=99999999999999999999999",
    "min_yen=1e400",
    "max_yen=-5",
    "min_yen=NaN",
    "min_yen=Infinity",
    "status=%00",
    "q=%00",
    "country=%00",
    "sector=%00bad",
    "priority_area=../../etc",
    "organization=1%20OR%201=1",
    "instrument=loan&instrument=grant&instrument=%00",
    "status=signed&status=nope",
    "sort=password",
    "sort=-value,-date",
    "page=abc",
    "page=-1",
    "page=0",
    "page=99999999999999999999999999",
    "page=%00",
    "target_link=maybe",
    "origin=" + "x" * 5000,
    "q=" + "%F0%9F%98%80" * 300,
    "q=%ff%fe",
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_no_query_string_causes_a_server_error(client, summit_data, query):
    for url in LISTS:
        response = client.get(f"{url}?{query}")
        body = content(response)  # read to the end, as a client would (and the export's slot is freed)
        assert response.status_code in (200, 400, 404), (url, query, response.status_code)
        if response.status_code == 400 and url.endswith((".csv", ".json")):
            assert b"invalid filter" in body  # the reason, never the data


def test_synthetic_records_are_labelled(client, summit_data, settings):
    make_agreement(slug="synthetic-one", title="Generated", is_synthetic=True)
    assert client.get("/agreements/synthetic-one/").status_code == 404  # never shown as real
    settings.SHOW_SYNTHETIC_RECORDS = True  # a test or benchmark database may show them, labelled
    html = client.get("/agreements/synthetic-one/").content.decode()
    assert "synthetic test record" in html and "This copy of the tracker shows synthetic test records" in html


def test_public_from_the_manager_is_a_new_queryset_each_time_and_follows_the_settings(db, settings):
    # Agreement.objects.public() copies a queryset built once per model and settings
    # (TrackedManager): a copy narrowed must not narrow the next, a settings change must reach it,
    # and a related manager's public() keeps its own condition.
    real = make_agreement(slug="real-one", title="Real")
    synthetic = make_agreement(slug="synthetic-one", title="Generated", is_synthetic=True)
    make_agreement(slug="draft-one", title="Draft", is_published=False)
    part = make_agreement(slug="part-one", title="Part", part_of=real, part_of_basis="stated")
    settings.SHOW_SYNTHETIC_RECORDS = False
    assert set(Agreement.objects.public()) == {real, part}
    assert list(Agreement.objects.public().filter(slug="real-one")) == [real]
    later = make_agreement(slug="later-one", title="Later")  # never read from an earlier result
    assert set(Agreement.objects.public()) == {real, part, later}
    assert list(real.parts.public()) == [part]
    settings.SHOW_SYNTHETIC_RECORDS = True
    assert set(Agreement.objects.public()) == {real, part, later, synthetic}


def test_an_export_with_no_match_still_has_its_header_and_is_valid_json(client, summit_data):
    response = client.get("/agreements.csv", {"q": "no such words anywhere"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = content(response)
    assert body.startswith("\ufeff".encode())  # the byte-order mark Excel needs to read UTF-8
    lines = body.decode("utf-8-sig").splitlines()
    assert len(lines) == 1 and "value_in_yen" in lines[0]  # the header, nothing else
    assert lines[0].startswith("slug,title,") and lines[0].endswith(",is_synthetic,url")
    assert json.loads(content(client.get("/commitments.json", {"q": "no such words anywhere"}))) == []


@pytest.mark.parametrize(
    "url, query, noun",
    [
        ("/agreements/", {"q": "hydrogen"}, "agreement"),
        ("/agreements/", {"status": "completed"}, "agreement"),
        ("/commitments/", {"status": "achieved"}, "commitment"),
    ],
)
def test_a_valid_filter_with_no_match_says_so_and_offers_a_way_back(client, summit_data, url, query, noun):
    response = client.get(url, query)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"No {noun} matches these filters." in html
    assert f'<a href="{url}">Clear all filters</a>' in html
    assert "not valid" not in html


def test_result_count_grammar(client, summit_data):
    assert (
        "1 agreement matches these filters"
        in client.get("/agreements/", {"q": "SmartMining"}).content.decode()
    )
    assert (
        "3 agreements match these filters"
        in client.get("/agreements/", {"country": "uzbekistan"}).content.decode()
    )


@pytest.mark.parametrize("url", ["/agreements.csv", "/commitments.json", "/changes.csv", "/agreements.json"])
def test_a_short_export_is_written_whole_and_a_long_one_streams_the_same_bytes(
    client, summit_data, monkeypatch, url
):
    """An export with fewer rows than are read ahead is one response with its length (streamed,
    each chunk was a write of its own); a long one streams, never built whole in memory."""
    from tracker.views import exports

    short = client.get(url)
    assert not short.streaming and int(short["Content-Length"]) == len(short.content) > 100
    monkeypatch.setattr(exports, "READ_AHEAD", 2)
    long = client.get(url)
    assert long.streaming and not long.has_header("Content-Length")
    assert content(long) == short.content  # read to the end, which frees its slot


def test_exports_beyond_the_limit_wait_their_turn_and_pages_stay_free(client, summit_data, monkeypatch):
    from tracker.views import exports

    monkeypatch.setattr(exports, "READ_AHEAD", 10)  # the shipped lists are then long exports
    running = [client.get("/agreements.csv") for _ in range(exports.EXPORTS_AT_ONCE)]  # started, not yet read
    refused = client.get("/commitments.json")
    assert refused.status_code == 503 and refused["Retry-After"] == "10"
    assert client.get("/agreements/").status_code == 200  # pages are not held up
    assert client.get("/commitments.json", {"status": "achieved"}).status_code == 200  # one batch: no slot
    # The clients went away unread, so the server closes the responses. The test client does the
    # same for a response read to its end, keeping the test's database connection open like this.
    with keeping_test_connection():
        for response in running:
            response.close()
    again = client.get("/commitments.json")
    assert again.status_code == 200 and content(again)  # read to the end, which frees its slot


def test_a_long_export_closed_unread_closes_its_query_at_once(client, summit_data, monkeypatch):
    """A long export opens its query before the response starts; a client that goes away unread
    must not leave the cursor to the garbage collector, which would close it later on whatever
    the connection is doing then (on PostgreSQL, inside another request's transaction)."""
    from django.db import connection

    from tracker.views import exports

    opened = []

    class Recorded(exports.Batches):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            opened.append(self)

    monkeypatch.setattr(exports, "READ_AHEAD", 10)
    monkeypatch.setattr(exports, "Batches", Recorded)
    response = client.get("/agreements.csv")  # long when 10 rows are read ahead: a slot and a cursor
    assert response.status_code == 200 and opened[0].long
    assert opened[0].records.gi_frame is not None  # the query is open, partly read
    with keeping_test_connection():
        response.close()
    assert opened[0].records.gi_frame is None  # closed now, not when collected
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_cursors")
            assert cursor.fetchone()[0] == 0
    again = client.get("/agreements.csv")
    assert again.status_code == 200 and content(again)  # its slot was free again; read, it is freed


@pytest.mark.parametrize("read_ahead", [5, 2000])
@pytest.mark.parametrize("url", ["/agreements.json", "/commitments.json", "/changes.json"])
def test_an_export_in_several_batches_has_every_row_once_in_order(
    client, summit_data, monkeypatch, url, read_ahead
):
    from tracker.views import exports

    whole = json.loads(content(client.get(url)))
    # Batches of 3: from the rows read ahead (5: a batch and a part, then the rest from the
    # cursor; 2,000: every row), each batch with its links.
    monkeypatch.setattr(exports, "BATCH", 3)
    monkeypatch.setattr(exports, "READ_AHEAD", read_ahead)
    assert len(whole) > 5 * 2
    assert json.loads(content(client.get(url))) == whole


@pytest.mark.parametrize("read_ahead", [5, 2000])
def test_only_a_long_export_streams_through_a_server_side_cursor_on_postgresql(
    client, summit_data, monkeypatch, read_ahead
):
    """On PostgreSQL a streaming cursor costs round trips and keeps the whole result, so a short
    export reads its rows with a plain cursor; a long one streams them (and reads its first ones
    twice). SQLite's streaming cursor is its plain one: one query either way."""
    from django.db import connection

    from tracker.views import exports

    streamed = []
    chunked_cursor = connection.chunked_cursor
    monkeypatch.setattr(connection, "chunked_cursor", lambda: streamed.append(1) or chunked_cursor())
    monkeypatch.setattr(exports, "READ_AHEAD", read_ahead)
    with CaptureQueriesContext(connection) as queries:
        rows = json.loads(content(client.get("/agreements.json")))
    long = len(rows) >= read_ahead
    selects = [q["sql"] for q in queries.captured_queries if 'FROM "tracker_agreement"' in q["sql"]]
    if connection.vendor == "postgresql":
        assert (len(streamed), len(selects)) == ((1, 2) if long else (0, 1))
    else:
        assert (len(streamed), len(selects)) == (1, 1)


@pytest.mark.parametrize("query", ["", "?country=kazakhstan", "?status=signed"])
def test_an_export_without_a_sort_is_in_the_lists_newest_first_order(client, summit_data, query):
    """The exports spell the default order their own way (so that no index serves it); the rows
    must still come as the list has them: undated last, ties by title, on either database."""
    from tracker.models import Agreement

    listed = Agreement.objects.public()  # Meta.ordering: the list's newest first
    if query:
        field, value = query[1:].split("=")
        lookup = "party_roles__party__slug" if field == "country" else field
        listed = listed.filter(**{lookup: value})
    expected = list(dict.fromkeys(listed.values_list("slug", flat=True)))
    assert Agreement.objects.public().filter(signed_on__isnull=True).exists()  # the case that differs
    exported = [row["slug"] for row in json.loads(content(client.get(f"/agreements.json{query}")))]
    assert len(set(exported)) == len(exported)
    assert exported == expected and len(expected) > 1


def test_the_exports_order_spells_the_models_order():
    """AGREEMENTS_NEWEST_FIRST_BY_SORTING repeats Agreement.Meta.ordering in another form: a change
    to one must reach the other (the test above checks them on the shipped data only)."""
    from django.db.models import F

    from tracker.models import Agreement
    from tracker.views.exports import AGREEMENTS_NEWEST_FIRST_BY_SORTING

    first, *rest = Agreement._meta.ordering
    assert first == F("signed_on").desc(nulls_last=True)
    assert list(AGREEMENTS_NEWEST_FIRST_BY_SORTING[2:]) == rest
    assert AGREEMENTS_NEWEST_FIRST_BY_SORTING[1] == F("signed_on").desc()


@pytest.mark.parametrize("model_name", ["Agreement", "Commitment", "Source", "StatusChange"])
def test_paged_and_exported_records_have_a_total_order(model_name):
    """The default order of every list that pages or exports ends with the primary key: two
    records alike in every sorted field (the same title twice) come in the same order on SQLite
    and PostgreSQL, and a page boundary between them neither repeats nor skips one."""
    from tracker import models

    assert getattr(models, model_name)._meta.ordering[-1] == "pk"


def test_pages_and_exports_are_compressed_for_clients_that_accept_it(client, summit_data):
    import gzip

    for url in ("/", "/agreements/", "/agreements.csv"):
        plain = content(client.get(url))
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert response["Content-Encoding"] == "gzip", url
        assert "Accept-Encoding" in response["Vary"], url
        packed = content(response)
        assert gzip.decompress(packed) == plain and len(packed) < len(plain) / 3, url


def test_every_page_advertises_the_feed_once(client, summit_data):
    for url in ("/", "/agreements/", "/changes/", "/target/", "/search/?q=Japan", "/data/"):
        html = client.get(url).content.decode()
        assert html.count('rel="alternate" type="application/atom+xml"') == 1, url
        assert 'href="/changes/feed/"' in html, url


def test_a_country_or_record_page_advertises_its_own_feed_first(client, summit_data):
    for url, own in (
        ("/countries/uzbekistan/", "/countries/uzbekistan/feed/"),
        ("/commitments/declaration-digital-ai/", "/commitments/declaration-digital-ai/feed/"),
        ("/agreements/uzbekistan-japan-summit-package/", "/agreements/uzbekistan-japan-summit-package/feed/"),
    ):
        html = client.get(url).content.decode()
        feeds = re.findall(
            r'<link rel="alternate" type="application/atom\+xml" title="[^"]*" href="([^"]+)">', html
        )
        assert feeds == [own, "/changes/feed/"], url


def test_a_filter_error_is_the_description_its_input_points_to(client, summit_data):
    import re

    html = client.get("/agreements/", {"year": "abc", "min_yen": "x"}).content.decode()
    described = re.findall(r'aria-describedby="([^"]+)"', html)
    assert described == [
        "id_q_helptext",
        "id_year_error",
        "id_min_yen_helptext id_min_yen_error",
        "id_max_yen_helptext",
    ]
    for element_id in " ".join(described).split():
        assert html.count(f'id="{element_id}"') == 1, element_id


def test_a_country_page_and_its_feed_show_its_latest_changes(client, summit_data, settings):
    """The newest steps of the records a country takes part in, whichever way the database is
    asked for them (on SQLite the country page walks the newest steps first)."""
    from tracker.models import AgreementParty, Commitment
    from tracker.synthetic import create_synthetic
    from tracker.views.reference import FEED_ITEMS

    settings.SHOW_SYNTHETIC_RECORDS = True
    settings.PUBLIC_PAGE_CACHE = False
    create_synthetic(agreements=300, commitments=100, seed=3)
    # The newest step of all is a commitment's, so a country's list must reach commitments too.
    newest_day = StatusChange.objects.latest_first().first().effective_on
    pledge = make_commitment(is_published=True)
    pledge.countries.add(Party.objects.get(slug="kazakhstan"))
    StatusChange.objects.create(
        commitment=pledge,
        effective_on=newest_day,
        old_status="",
        new_status=Commitment.Status.IN_PROGRESS,
        note="The newest step.",
    )
    # An unpublished agreement's step is newer still and must not show.
    hidden = make_agreement(is_published=False, countries=[Party.objects.get(slug="kazakhstan")])
    StatusChange.objects.create(
        agreement=hidden, effective_on=newest_day, old_status="", new_status="signed", note="Not public."
    )
    newest_first = list(StatusChange.objects.public().latest_first())
    assert all(change.agreement != hidden for change in newest_first)
    for country in Party.objects.countries():
        agreements = set(AgreementParty.objects.filter(party=country).values_list("agreement", flat=True))
        commitments = set(
            Commitment.countries.through.objects.filter(party=country).values_list("commitment", flat=True)
        )
        expected = [
            change
            for change in newest_first
            if change.agreement_id in agreements or change.commitment_id in commitments
        ]
        assert len(expected) > FEED_ITEMS, country.slug
        assert (expected[0].commitment == pledge) == (country.slug == "kazakhstan")
        assert client.get(f"/countries/{country.slug}/").context["changes"] == expected[:5]
        # The country's feed reads the same query, longer.
        latest = StatusChange.objects.public().latest_involving(country)[:FEED_ITEMS]
        assert list(latest) == expected[:FEED_ITEMS]
        assert client.get(f"/countries/{country.slug}/feed/").status_code == 200


def wsgi_call(method, path):
    """(status, headers, body) of a request through the WSGI application, as a server calls it
    (Django's test client drops a HEAD response's body itself), keeping the test's connection."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import RequestFactory

    started = []
    with keeping_test_connection():
        body = WSGIHandler()(
            RequestFactory().generic(method, path).environ,
            lambda status, headers: started.append((status, dict(headers))),
        )
        try:
            data = b"".join(body)
        finally:
            body.close()
    status, headers = started[0]
    return status, headers, data


def test_a_head_request_gets_the_headers_of_a_get_and_no_body(summit_data, monkeypatch):
    from tracker.views import exports

    status, headers, body = wsgi_call("GET", "/agreements/?country=uzbekistan")
    assert status == "200 OK" and b"3 agreements match these filters" in body
    head_status, head_headers, head_body = wsgi_call("HEAD", "/agreements/?country=uzbekistan")
    assert (head_status, head_body) == ("200 OK", b"")
    assert head_headers["Content-Length"] == headers["Content-Length"] == str(len(body))
    assert head_headers["Content-Type"] == headers["Content-Type"]
    # A long export: no rows sent, and its slot free again once the server closes the response.
    monkeypatch.setattr(exports, "READ_AHEAD", 10)
    status, headers, body = wsgi_call("HEAD", "/agreements.csv")
    assert (status, body) == ("200 OK", b"") and headers["Content-Type"].startswith("text/csv")
    assert exports.export_slots._value == exports.EXPORTS_AT_ONCE


def test_an_unpublished_commitment_is_named_on_neither_a_published_agreements_page_nor_its_export(
    client, summit_data, settings
):
    """An agreement readers see may carry out a commitment editors have not published yet: its
    page leaves the link out, and so must every export."""
    from tracker.models import AgreementCommitment

    agreement = make_agreement(slug="published-agreement")
    hidden = make_commitment(slug="draft-commitment-not-public", is_published=False)
    shown = make_commitment(slug="published-commitment")
    for commitment in (hidden, shown):
        AgreementCommitment.objects.create(
            agreement=agreement, commitment=commitment, basis="inferred", note="Our reading, for the test."
        )
    page = client.get("/agreements/published-agreement/").content.decode()
    assert "published-commitment" in page and "draft-commitment-not-public" not in page
    synthetic = make_commitment(slug="synthetic-commitment", is_synthetic=True)
    AgreementCommitment.objects.create(
        agreement=agreement, commitment=synthetic, basis="inferred", note="Our reading, for the test."
    )
    for export in ("/agreements.csv", "/agreements.json"):
        body = content(client.get(export, {"q": "published-agreement"})).decode("utf-8-sig")
        assert "published-commitment" in body and "draft-commitment-not-public" not in body
        assert "synthetic-commitment" not in body
    # The exports' link queries are compiled once (rows.owned_rows): a setting that changes
    # what readers see still changes them.
    settings.SHOW_SYNTHETIC_RECORDS = True
    body = content(client.get("/agreements.json", {"q": "published-agreement"})).decode()
    assert "synthetic-commitment" in body and "draft-commitment-not-public" not in body


def test_an_export_leaves_out_a_link_to_a_record_added_after_it_read_its_names(
    client, summit_data, monkeypatch
):
    """The names an export writes are read under the request's data version; a party an editor
    adds and links meanwhile belongs to the next version: left out, never a 500."""
    from tracker.views import exports

    read = exports.names
    uzbekistan = Party.objects.get(slug="uzbekistan")

    def before_uzbekistan(model, *fields):
        found = dict(read(model, *fields))
        if model is Party:
            del found[uzbekistan.pk]
        return found

    monkeypatch.setattr(exports, "names", before_uzbekistan)
    response = client.get("/agreements.json", {"country": "uzbekistan"})
    rows = json.loads(content(response))
    assert response.status_code == 200 and len(rows) == 3
    assert all("Uzbekistan" not in row["parties"] and row["parties"] for row in rows)
