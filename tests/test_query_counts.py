"""Every public page runs a fixed number of queries, whatever the amount of data."""

import csv
import io
import json
import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.test_public_pages import content
from tracker.models import Target
from tracker.progress import compute_progress
from tracker.synthetic import create_synthetic
from tracker.views import exports

# Pages as a reader meets them once their figures are kept. The data version is one query (the
# newest entry of its append-only log and how many of the latest entries are committed;
# tracker.freshness.current_token), read once per request; under it are kept the target's progress
# (computed once per version: test_progress_is_recomputed_once_after_a_change), the pages'
# tallies and the filter forms' choices (countries, organizations, areas, sectors).
PAGES = [
    # the data version (the target's progress and the page's tallies, the area mix, status
    # tallies, distinct pledges and latest checks, are kept with it); last updated: newest
    # commitment, agreement, status change, verdict; latest status changes; Central Asian
    # countries (those without a chart row); shared commitments and verdicts by country (coverage).
    ("/", 9),
    # the data version (the filter's choices are kept with it); count; page of commitments; their
    # countries.
    ("/commitments/", 4),
    # commitment with area, chapter, proposer, main record of its pledge; countries;
    # organizations; sources; timeline; its sources; linked agreements; the links' sources; other
    # records of its subject; countries' verdicts.
    ("/commitments/uz-digital-hub/", 9),
    # the data version; count (only for a full page: PARTIAL_FIRST_PAGES); page; its countries.
    ("/agreements/", 4),
    # the four above: the country chosen is checked against the kept choices.
    ("/agreements/?country=uzbekistan&sort=-value", 4),
    # agreement with its package and yen rate with its source; party roles; their sources;
    # sectors; sources; sources of its tie to the target; commitments; timeline; timeline
    # sources; itemized parts; progress; the links' sources.
    ("/agreements/uzbekistan-solar-power-plants/", 12),
    # the data version (commitments and agreements by country and status, and the target's
    # progress with every country's counted value, are kept with it); countries; their leaders;
    # shared commitments and verdicts by country.
    ("/countries/", 5),
    # country; leaders; sources; summits hosted; the data version (the target's progress with
    # the country's counted value, and the latest status changes, are kept with it); first
    # agreements; their party roles; agreement status tally; the four groups' counts; each
    # group's first commitments (4); the country's verdicts on them; commitment status tally;
    # shared commitments and verdicts by country (2).
    ("/countries/uzbekistan/", 17),
    # organizations with counts and home country.
    ("/organizations/", 1),
    # organization; sources; progress; agreement ids; first agreements; their party roles;
    # status tally; first commitments; commitment tally; its roles.
    ("/organizations/jbic/", 10),
    # areas with counts.
    ("/priority-areas/", 1),
    # area; sources; chapters; progress; agreement ids; first agreements; party roles;
    # status tally; first commitments; commitment tally.
    ("/priority-areas/connectivity/", 10),
    # sectors with counts.
    ("/sectors/", 1),
    # sector; progress; its counted value (one grouped sum); first agreements; party roles;
    # status tally.
    ("/sectors/health/", 6),
    # progress; the target's sources; last updated (4); exchange rates with sources; figures;
    # their sources; Central Asian countries (those without a chart row); the sources' statements;
    # their sources.
    ("/target/", 12),
    # mechanisms; their sources; summits with hosts; their sources; announced meetings; the
    # sources' statements; their sources.
    ("/dialogue/", 7),
    # sources with citation counts.
    ("/sources/", 1),
    # source; citing commitments, agreements, status changes, figures, rates, targets.
    ("/sources/summit-overview-2025-12-25/", 7),
    # latest changes with subjects; their sources.
    ("/changes/", 2),
    # latest changes with subjects; latest verdicts with their commitments and countries.
    ("/changes/feed/", 2),
    # the data version (the filter's choices and the names the export writes are kept with it);
    # commitments with area, chapter, proposer, main record; per batch of rows
    # (tracker.views.exports.BATCH; fewer rows than READ_AHEAD say the export is short, with no
    # count; BATCH_QUERIES): countries; organizations; sources; status steps (the status's date).
    ("/commitments.csv", 6),
    ("/commitments.json", 6),
    # the data version; agreements with package; per batch: party roles; sectors; commitments;
    # sources; status steps.
    ("/agreements.csv", 7),
    ("/agreements.json", 7),
    # the data version (source titles kept with it); steps with their subjects; per batch: their
    # sources.
    ("/changes.csv", 3),
    # per group (commitments, agreements, parties, sources): count and first ten.
    ("/search/?q=Japan", 8),
    ("/data/", 0),
    ("/about/", 0),
    # the data version (the target and its progress are kept with it).
    ("/embed/target.svg", 1),
    # the country; the data version, asked by the scorecards and by the target's figures;
    # commitments and agreements by country and status; the countries; their leaders (every
    # scorecard is built); shared commitments and verdicts by country.
    ("/embed/countries/kazakhstan.svg", 8),
    # per section (commitments, agreements, parties, areas, sectors, sources): its records, once
    # for the three languages.
    ("/sitemap.xml", 6),
    ("/robots.txt", 0),
]


# What the first visit of a page reads beyond a later one, in PAGES' order (the figures and lists
# then kept with the data version, by whichever page needs them first).
FIRST_VISIT = {
    "/commitments/": 2,  # its choices: priority areas, countries
    "/agreements/": 2,  # organizations, sectors (the countries kept already)
    "/countries/": 2,  # commitments and agreements by country and status
    "/countries/uzbekistan/": 1,  # the latest status changes
    "/commitments.csv": 2,  # names of parties and sources
    "/agreements.csv": 2,  # the parties' names with their kinds; names of sectors
}

# The exports' queries for each batch of rows after the first.
BATCH_QUERIES = {
    "/commitments.csv": 4,
    "/commitments.json": 4,
    "/agreements.csv": 5,
    "/agreements.json": 5,
    "/changes.csv": 1,
}

# Lists whose first page holds every match in the shipped data: the page's own rows give the
# count, and no COUNT(*) is run (tracker.views.common.ListPaginator).
PARTIAL_FIRST_PAGES = {"/agreements/", "/agreements/?country=uzbekistan&sort=-value"}


@pytest.mark.parametrize("extra_agreements", [0, 1000])
def test_page_query_counts_are_fixed(client, summit_data, settings, extra_agreements):
    settings.SHOW_SYNTHETIC_RECORDS = True  # the extra rows must reach the pages to be counted
    settings.PUBLIC_PAGE_CACHE = False  # count what rendering a page costs, not a kept copy
    if extra_agreements:  # none: the shipped data alone
        create_synthetic(agreements=extra_agreements, commitments=extra_agreements // 3, seed=7)
    first_visits = {}
    for url, _expected in PAGES:  # the target's progress, tallies and choices: kept from now on
        with CaptureQueriesContext(connection) as queries:
            content(client.get(url))
        first_visits[url] = len(queries)
    measured = {}
    for url, _expected in PAGES:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            body = content(response)  # exports run their queries as they stream
        assert response.status_code == 200, url
        measured[url] = len(queries)
        if url != "/":  # the first visit of "/" computes the target (the test below)
            assert first_visits[url] - measured[url] == FIRST_VISIT.get(url, 0), url
        if url in BATCH_QUERIES:  # a fixed number of queries per batch of rows, however many batches
            text = body.decode("utf-8-sig")
            rows = json.loads(text) if url.endswith(".json") else list(csv.DictReader(io.StringIO(text)))
            measured[url] -= BATCH_QUERIES[url] * (math.ceil(len(rows) / exports.BATCH) - 1)
    expected = dict(PAGES)
    if not extra_agreements:
        expected.update({url: expected[url] - 1 for url in PARTIAL_FIRST_PAGES})
    assert measured == expected


def test_a_list_counts_its_matches_only_when_its_page_does_not_tell(
    client, summit_data, settings, monkeypatch
):
    """The agreements' first page reads its first COUNTED_ROWS matches in its one query, and fewer
    are every match; more, or any later page, take one COUNT(*). A list without its fields given
    (the commitments) counts a first page with fewer rows than a page. The reader sees the same
    number either way."""
    from tracker.models import Agreement, Party
    from tracker.views.common import ListPaginator

    settings.SHOW_SYNTHETIC_RECORDS = True
    settings.PUBLIC_PAGE_CACHE = False

    def counted(path, query):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, query)
        counts = [sql for sql in (q["sql"] for q in queries.captured_queries) if "COUNT(*)" in sql]
        return response.context["page"].paginator.count, len(counts), response.content.decode()

    assert counted("/agreements/", {"country": "uzbekistan"})[:2] == (3, 0)
    create_synthetic(agreements=40, commitments=30, seed=3)
    total, count_queries, html = counted("/agreements/", {})
    assert (total, count_queries) == (51, 0)  # a full first page, counted by its own query
    assert "51 agreements." in html and "Page 1 of 3" in html
    monkeypatch.setattr(ListPaginator, "COUNTED_ROWS", 30)
    total, count_queries, html = counted("/agreements/", {"sort": "title"})
    assert (total, count_queries) == (51, 1)  # more matches than it reads: counted by the database
    assert "51 agreements match these filters." in html and "Page 1 of 3" in html
    total, count_queries, html = counted("/agreements/", {"page": "3"})
    assert (total, count_queries) == (51, 1)  # a later page's number is checked against the count
    assert "51 agreements." in html and "Page 3 of 3" in html
    total, count_queries, html = counted("/agreements/", {"country": "uzbekistan", "page": "1"})
    uzbekistan = Party.objects.get(slug="uzbekistan")
    assert 3 < total == Agreement.objects.public().with_party(uzbekistan).count() < 25
    assert count_queries == 0 and f"{total} agreements match these filters." in html
    total, count_queries, html = counted("/commitments/", {})
    assert total > 25 and count_queries == 1 and f"{total} commitments." in html
    fewer = [
        counted("/commitments/", {"country": slug})[:2] for slug in ("uzbekistan", "turkmenistan", "japan")
    ]
    fewer += [
        counted("/commitments/", {"country": "uzbekistan", "status": status})[:2]
        for status in ("achieved", "in_progress")
    ]
    assert all(count_queries == (total >= 25) for total, count_queries in fewer)
    assert any(total < 25 for total, _count_queries in fewer)


def test_a_first_pages_records_are_those_the_queryset_makes(summit_data):
    """The agreements' first page makes its records from plain rows: the same values, the same
    fields left unloaded, as the list's queryset would give."""
    from tracker.models import Agreement
    from tracker.models.agreements import AgreementQuerySet
    from tracker.views.common import ListPaginator

    create_synthetic(agreements=30, commitments=0, seed=4)
    listed = Agreement.objects.public().for_table().order_by("-signed_on", "title", "pk")
    page = ListPaginator(filtered(listed), 25, fields=AgreementQuerySet.TABLE_FIELDS).get_page(1)
    expected = list(listed[:25])
    assert [record.pk for record in page] == [record.pk for record in expected]
    for ours, theirs in zip(page, expected, strict=True):
        assert ours.get_deferred_fields() == theirs.get_deferred_fields() != set()
        assert ours._state.db == theirs._state.db and not ours._state.adding
        for name in AgreementQuerySet.TABLE_FIELDS:
            field = Agreement._meta.get_field(name)
            assert getattr(ours, field.attname) == getattr(theirs, field.attname), name
            assert type(getattr(ours, field.attname)) is type(getattr(theirs, field.attname)), name


def filtered(records, query=None):
    """An agreements filter set over `records`, validated, as the list view makes it."""
    from tracker.filters import AgreementFilter

    filterset = AgreementFilter(query or {}, queryset=records)
    assert filterset.is_valid()
    return filterset


@pytest.mark.parametrize("fields", [None, "table", "table, reading 30"])
@pytest.mark.parametrize("options", [{}, {"orphans": 3}, {"allow_empty_first_page": False}])
def test_the_list_paginator_answers_as_djangos_does(summit_data, options, fields, monkeypatch):
    """Every page number a reader can send, any number of rows: the same page, rows and count
    as Django's own paginator (invalid numbers give the first page, numbers past either end the
    last)."""
    from django.core.paginator import EmptyPage, Paginator

    from tracker.models import Agreement
    from tracker.models.agreements import AgreementQuerySet
    from tracker.views.common import ListPaginator

    if fields == "table, reading 30":
        monkeypatch.setattr(ListPaginator, "COUNTED_ROWS", 30)
    if fields is not None:
        options = {**options, "fields": AgreementQuerySet.TABLE_FIELDS}
    create_synthetic(agreements=60, commitments=0, seed=5)
    all_ids = list(Agreement.objects.order_by("pk").values_list("pk", flat=True))
    numbers = [None, "", "1", 1, "01", " 1", "１", "2", "3", "4", "99", "9" * 50, "0", "-1", "abc", "1.5"]
    for rows in (0, 1, 24, 25, 26, 29, 30, 31, 50, 51):
        ids = all_ids[:rows]
        records = Agreement.objects.filter(pk__lte=ids[-1] if ids else 0).order_by("pk")  # the first `rows`
        for number in [*numbers, 2.0, 1.0, "%00"]:
            try:
                theirs = Paginator(
                    records, 25, **{k: v for k, v in options.items() if k != "fields"}
                ).get_page(number)
            except EmptyPage:  # no empty first page allowed, and nothing to show
                with pytest.raises(EmptyPage):
                    ListPaginator(filtered(records), 25, **options).get_page(number)
                continue
            ours = ListPaginator(filtered(records), 25, **options).get_page(number)
            assert (ours.number, [r.pk for r in ours], ours.paginator.count, ours.paginator.num_pages) == (
                theirs.number,
                [r.pk for r in theirs],
                theirs.paginator.count,
                theirs.paginator.num_pages,
            ), (rows, number)


def test_progress_is_recomputed_once_after_a_change(client, summit_data, settings):
    """An editor's save shows on the next request, on every page that shows the target; the
    computation's queries run once per change, not per request: the target, the countries, the
    sectors, the grouped sums (totals, tiers and how many are counted; by country, which gives
    every country's own sum too; by sector; by year: four), the exclusions by reason, a few
    examples of each reason (one reason in the shipped data), the first lines of what is
    counted, the agreements a source ties, the rates used, and the dated stated values (the
    pace). All are aggregates: their number does not grow with the agreements."""
    from tracker.models import Agreement

    settings.PUBLIC_PAGE_CACHE = False

    def target_page():
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/target/")
        return len(queries), response.content.decode()

    first_count, first_page = target_page()
    warm_count, _page = target_page()
    with CaptureQueriesContext(connection) as computation:
        compute_progress(target=Target.objects.get(), on_date=timezone.localdate())
    assert len(computation) == 13  # the target and the twelve queries listed above
    assert first_count == warm_count + len(computation)
    assert "at least ¥2.21\u00a0trillion" in first_page

    package = Agreement.objects.get(slug="uzbekistan-japan-summit-package")
    package.target_link = Agreement.TargetLink.NOT_PART
    package.save()
    changed_count, changed_page = target_page()
    assert changed_count == warm_count + len(computation) + 1  # a second reason now has examples
    assert "at least ¥2.21\u00a0trillion" not in changed_page
    for url in ("/", f"/agreements/{package.slug}/", "/countries/uzbekistan/"):
        assert "¥2.21\u00a0trillion" not in client.get(url).content.decode(), url
    assert (
        "a source places it outside the Initiative"
        in client.get(f"/agreements/{package.slug}/").content.decode()
    )


def test_large_data_set_really_is_large(summit_data):
    from tracker.models import Agreement

    create_synthetic(agreements=1000, commitments=10, seed=7)
    assert Agreement.objects.filter(is_synthetic=True).count() == 1000


def test_a_page_is_rendered_once_per_data_version(client, summit_data, monkeypatch):
    """A repeat costs the data version's one query (tracker.freshness.current_token) and serves
    the same bytes; a save shows on the next request; an invalid filter is never kept."""
    from tracker.models import Agreement

    def get(url):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        return response, len(queries)

    url = "/agreements/uzbekistan-japan-summit-package/"
    first, first_queries = get(url)
    again, again_queries = get(url)
    assert (again_queries, again.content) == (1, first.content) and first_queries > 5
    assert again["Content-Type"] == first["Content-Type"]

    Agreement.objects.filter(slug="uzbekistan-japan-summit-package").get().save()  # any save
    assert get(url)[1] == first_queries
    Agreement.objects.filter(slug="uzbekistan-japan-summit-package").update(title="Renamed package")
    assert "Renamed package" not in get(url)[0].content.decode()  # update() sends no signal…
    from tracker.freshness import bump

    bump()  # …so code that uses it bumps the version itself (money.refresh_yen_values, synthetic)
    assert "Renamed package" in get(url)[0].content.decode()

    from tracker.views import agreements

    rendered = []
    render = agreements.render_filtered_list
    monkeypatch.setattr(
        agreements,
        "render_filtered_list",
        lambda *args, **kwargs: rendered.append(args) or render(*args, **kwargs),
    )
    statuses = [get("/agreements/?year=abc")[0].status_code for _again in range(2)]
    assert statuses == [400, 400] and len(rendered) == 2


def test_choices_and_names_are_remembered_by_the_process_for_their_version(client, summit_data, monkeypatch):
    """The filters' choices and the exports' names come from the cache once per data version and
    process, then from the process itself (unpickling them from the cache on every request was a
    tenth of a short export); a new version reads them again."""
    from tracker import freshness

    read = []
    kept = freshness.kept

    def counted(name, *args):
        read.append(name)
        return kept(name, *args)

    monkeypatch.setattr(freshness, "kept", counted)
    for visit in range(2):
        content(client.get("/agreements.json", {"country": "uzbekistan", "sector": "renewable-energy"}))
        # Another sort each visit: a page not kept, rendered again.
        client.get("/agreements/", {"country": "kazakhstan", "sort": ["title", "-value"][visit]})
        if visit == 0:
            first, read[:] = list(read), []
    assert {"choices", "names"} <= set(first)
    assert read == []  # the second visit asked the cache for none of them
    freshness.bump()
    content(client.get("/agreements.json", {"country": "uzbekistan"}))
    assert {"choices", "names"} <= set(read)


def test_a_filter_forms_select_boxes_are_written_once_per_version_language_and_choice(
    client, summit_data, monkeypatch
):
    """The select boxes of a list's filter form are remembered by the process, each for the data
    version, the page's language and the value chosen; one with an error (a value no choice has)
    is written every time, so that no client can fill the memory with values of its own."""
    from django.forms import Select

    from tracker import freshness

    written = []
    render = Select.render

    def counted(self, name, value, *args, **kwargs):
        written.append((name, value))
        return render(self, name, value, *args, **kwargs)

    monkeypatch.setattr(Select, "render", counted)

    def page(path, query):
        written.clear()
        return client.get(path, query).content.decode()

    first = page("/agreements/", {"country": "uzbekistan"})
    assert ("country", "uzbekistan") in written and len(written) >= 6  # every select written
    second = page("/agreements/", {"country": "uzbekistan", "status": "signed"})
    assert [name for name, _value in written] == ["status"]  # only the one whose choice is new
    assert '<option value="uzbekistan" selected>Uzbekistan</option>' in first
    assert '<option value="uzbekistan" selected>Uzbekistan</option>' in second
    assert '<option value="signed" selected>' in second and '<option value="signed" selected>' not in first
    other = page("/agreements/", {"country": "kazakhstan"})
    assert written == [("country", "kazakhstan")]
    assert '<option value="kazakhstan" selected>' in other and 'value="uzbekistan" selected' not in other
    japanese = page("/ja/agreements/", {"country": "uzbekistan"})
    assert ("country", "uzbekistan") in written and "ウズベキスタン" in japanese
    for _visit in range(2):
        refused = page("/agreements/", {"country": "nowhere"})
        assert ("country", "nowhere") in written and 'aria-invalid="true"' in refused
    # A sort of several keys is valid ("title,title,…", as long as a request line) and drawn as
    # a text box holding it: written each time, never remembered.
    several = ",".join(["title", "-date"] * 40)
    for _visit in range(2):
        assert several in page("/agreements/", {"sort": several})
    remembered = set(freshness._in_process["values"])
    assert not any("nowhere" in repr(lookup) or "-date" in repr(lookup) for lookup in remembered)
    monkeypatch.setattr(freshness, "IN_PROCESS_MOST", len(remembered))  # full: written, not kept
    page("/agreements/", {"country": "tajikistan"})
    page("/agreements/", {"country": "tajikistan", "sort": "title"})  # another page: not a kept one
    assert ("country", "tajikistan") in written and set(freshness._in_process["values"]) == remembered


def test_a_filter_forms_fields_are_written_once_per_version_language_and_value(
    client, summit_data, monkeypatch, settings
):
    """Each field's whole block (label, widget, help) is remembered like its select box; a text box
    with something typed in is written every time, and never kept. The block reads as the
    template writes it."""
    from tracker import freshness
    from tracker.templatetags import tracker_format

    written = []
    render_to_string = tracker_format.render_to_string

    def counted(name, context):
        written.append(context["field"].name)
        return render_to_string(name, context)

    monkeypatch.setattr(tracker_format, "render_to_string", counted)
    settings.PUBLIC_PAGE_CACHE = False  # the same address twice: rendered twice

    def form(query, path="/agreements/"):
        written.clear()
        html = client.get(path, query).content.decode()
        start = html.index('<form class="filters"')
        return html[start : html.index("</form>", start)]

    first = form({"year": "2025"})
    assert {"q", "country", "sector", "status", "year", "min_yen", "sort"} <= set(written)
    assert form({"year": "2025"}) == first and written == ["year"]  # only the box typed in
    assert 'value="2025"' in first and 'value="2024"' in form({"year": "2024"}) and written == ["year"]
    assert "ウズベキスタン" in form({}, "/ja/agreements/") and "country" in written  # its own language
    kept = [lookup for lookup in freshness._in_process["values"] if lookup[1] == "field"]
    assert kept and not any("2025" in repr(lookup) or "2024" in repr(lookup) for lookup in kept)


def test_kept_choices_and_names_follow_an_edit(client, summit_data):
    """The filter forms' choices, the tables' country names and the exports' names are kept with
    the data version: an editor's save shows in them on the next request."""
    from tracker.models import Party

    assert "Uzbekistan" in client.get("/agreements/").content.decode()
    content(client.get("/agreements.csv"))
    uzbekistan = Party.objects.get(slug="uzbekistan")
    uzbekistan.name = "Republic of Uzbekistan"
    uzbekistan.save()
    html = client.get("/agreements/", {"country": "uzbekistan"}).content.decode()
    assert '<option value="uzbekistan" selected>Republic of Uzbekistan</option>' in html
    assert '<td data-label="Countries">Republic of Uzbekistan</td>' in html
    exported = content(client.get("/agreements.csv", {"country": "uzbekistan"})).decode()
    assert "Republic of Uzbekistan (" in exported and "Uzbekistan (" not in exported.replace(
        "Republic of Uzbekistan (", ""
    )
