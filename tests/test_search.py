"""Search matches whole words, on every list and site-wide; column headers sort."""

import re

import pytest

from tests.factories import make_commitment
from tests.pages import text_of
from tracker.models import Agreement, Commitment, Party, Source

pytestmark = pytest.mark.django_db

ROW_LINK = re.compile(r'<th scope="row"><a href="/(?:commitments|agreements)/([^/"]+)/">')


def listed_slugs(html):
    return ROW_LINK.findall(html)


def has_word(texts, word):
    """`word` starts a word of one of `texts`; a word of up to three letters is matched whole."""
    end = r"(?!\w)" if len(word) <= 3 else ""
    return any(re.search(rf"(?<!\w){re.escape(word)}{end}", text, re.IGNORECASE) for text in texts)


def test_a_search_matches_whole_words_not_fragments(client, summit_data):
    words = Commitment.objects.values_list("slug", "title", "description")
    with_word = {slug for slug, *texts in words if has_word(texts, "AI")}
    with_fragment = {slug for slug, *texts in words if any("ai" in text.lower() for text in texts)}
    assert with_fragment - with_word, (
        "the data must hold 'ai' inside other words for this test to mean anything"
    )

    html = client.get("/commitments/?q=AI").content.decode()

    assert set(listed_slugs(html)) == with_word
    assert f"{len(with_word)} commitments match these filters" in text_of(html)


def test_a_longer_word_finds_its_longer_forms_but_not_the_inside_of_other_words(client, db):
    make_commitment(title="Cross-border transport corridors")
    make_commitment(title="A multicorridor scheme")
    html = client.get("/commitments/?q=corridor").content.decode()
    assert "Cross-border transport corridors" in html and "multicorridor" not in html


def test_every_word_of_a_search_must_appear(client, summit_data):
    html = client.get("/agreements/?q=solar+Uzbekistan").content.decode()
    shown = set(listed_slugs(html))
    expected = {
        slug
        for slug, *texts in Agreement.objects.values_list("slug", "title", "description", "value_as_reported")
        if has_word(texts, "solar") and has_word(texts, "Uzbekistan")
    }
    assert shown == expected and shown


def test_the_site_search_finds_records_of_every_kind(client, summit_data):
    html = client.get("/search/", {"q": "Japan"}).content.decode()
    text = text_of(html)

    # Commitments binding Japan and agreements a party named "Japan …" takes part in (Japan, JICA's
    # "Japan International Cooperation Agency") are found by the party's name.
    parties = [party for party in Party.objects.all() if has_word([party.name], "Japan")]
    named = {
        Commitment: {
            pk for party in parties for pk in party.commitments_as_country.values_list("pk", flat=True)
        },
        Agreement: {pk for party in parties for pk in party.agreements.values_list("pk", flat=True)},
    }
    for label, model, fields in (
        ("Commitments", Commitment, ("title", "description")),
        ("Agreements", Agreement, ("title", "description", "value_as_reported")),
        ("Countries and organizations", Party, ("name", "short_name", "description")),
        ("Sources", Source, ("title", "publisher", "note")),
    ):
        manager = model.objects.public() if hasattr(model.objects, "public") else model.objects
        count = sum(
            has_word(texts, "Japan") or pk in named.get(model, ())
            for pk, *texts in manager.values_list("pk", *fields)
        )
        assert f"{label} ({count})" in text
    assert '<a href="/commitments/?q=Japan">' in html  # the group's full list, filters and downloads
    source = Source.objects.get(publisher="News.Az")
    assert source.get_absolute_url() in client.get("/search/", {"q": "news.az"}).content.decode()


def test_a_search_with_no_result_says_so(client, summit_data):
    response = client.get("/search/", {"q": "hydrogen"})
    assert response.status_code == 200
    assert "Nothing matches every word of “hydrogen”" in text_of(response.content.decode())


def test_an_overlong_search_is_refused_with_a_message(client, summit_data):
    response = client.get("/search/", {"q": "x" * 201})
    assert response.status_code == 400
    assert "The search is not valid" in response.content.decode()


def test_every_page_has_the_site_search_box(client, summit_data):
    html = client.get("/priority-areas/").content.decode()
    assert '<form class="site-search" method="get" action="/search/" role="search"' in html


def test_column_headers_sort_the_list_and_say_how(client, summit_data):
    html = client.get("/agreements/?country=uzbekistan&page=1").content.decode()
    # The header keeps the other filters and drops the page.
    assert 'href="?country=uzbekistan&amp;sort=value"' in html

    html = client.get("/agreements/?country=uzbekistan&sort=value").content.decode()
    assert '<th scope="col" class="num" aria-sort="ascending">' in html
    assert 'href="?country=uzbekistan&amp;sort=-value"' in html
    values = [
        agreement.yen_value
        for agreement in Agreement.objects.public().with_party(Party.objects.get(slug="uzbekistan"))
    ]
    known = sorted(value for value in values if value is not None)
    shown = [Agreement.objects.get(slug=slug).yen_value for slug in listed_slugs(html)]
    assert shown[: len(known)] == known and all(value is None for value in shown[len(known) :])


def test_status_sorts_in_the_order_of_the_steps_not_by_code(client, db):
    # By code, "achieved" < "in_progress" < "not_started"; in the vocabulary the steps run the other way.
    for status in ("achieved", "in_progress", "not_started"):
        make_commitment(status=status, title=f"Sorted {status}")
    html = client.get("/commitments/?sort=-status").content.decode()
    order = list(Commitment.Status.values)
    ranks = [order.index(Commitment.objects.get(slug=slug).status) for slug in listed_slugs(html)]
    assert ranks == sorted(ranks, reverse=True)
    assert '<th scope="col" aria-sort="descending">' in html
