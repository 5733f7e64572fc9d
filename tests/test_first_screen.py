"""The first screen no one can misread: what a source confirms as part of the Tokyo Initiative
comes first, in words and in the largest figure; what is only reported is never drawn as progress,
never stands without its qualifier and is never given as a share of the target; on the dashboard,
the target page, a country page, the badges and the widgets, in English, Japanese and Russian.
(The font sizes are compared in a browser: tests/browser/test_first_screen.py.)"""

import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from tests.factories import make_agreement, make_source
from tests.pages import first_sentence, reading_context, text_of, texts_with, tree
from tracker import freshness
from tracker.models import Agreement, Leader, Party, Summit
from tracker.views.common import current_progress

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
PREFIX = {"en-gb": "", "ja": "/ja", "ru": "/ru"}

# With the shipped data no source places any agreement under the Initiative.
NOTHING_CONFIRMED = {
    "en-gb": "No agreement is yet confirmed by a source as part of the Tokyo Initiative: ¥0 of ¥3 trillion.",
    "ja": "出典により東京イニシアティブの一部と確認された合意は、まだありません：3兆円のうち0円。",
    "ru": "Ни одно соглашение пока не подтверждено источником как часть Токийской инициативы: "
    "0 иен из 3 трлн иен.",
}
NONE_OF_THE_COUNTRYS = {
    "en-gb": "None of the agreements listed here is yet confirmed by a source as part of the Tokyo "
    "Initiative: ¥0.",
    "ja": "ここに掲載した合意のうち、出典により東京イニシアティブの一部と確認されたものは、"
    "まだありません：0円。",
    "ru": "Ни одно из перечисленных здесь соглашений пока не подтверждено источником как часть "
    "Токийской инициативы: 0 иен.",
}
# What must stand beside a reported figure, wherever it appears.
QUALIFIER = {
    "en-gb": "not confirmed as part of the Initiative",
    "ja": "イニシアティブの一部とは",
    "ru": "не подтверждено как часть Инициативы",
}
REPORTED = {"en-gb": "at least ¥2.21 trillion", "ja": "少なくとも2.21兆円", "ru": "не менее 2,21 трлн иен"}
KAZAKH_REPORTED = {
    "en-gb": "at least ¥473.68 billion",
    "ja": "少なくとも4,736億円",
    "ru": "не менее 473,68 млрд иен",
}
LANGUAGES = list(PREFIX)


def page(client, code, path):
    response = client.get(PREFIX[code] + path)
    assert response.status_code == 200, path
    return response.content.decode()


def badge_texts(client, code, path):
    """The badge's lines as drawn, and its text alternative."""
    svg = ET.fromstring(client.get(PREFIX[code] + path).content)
    lines = [" ".join("".join(text.itertext()).split()) for text in svg.iter(f"{SVG}text")]
    return svg, lines, " ".join(svg.find(f"{SVG}desc").text.split())


def panel_sentence(html, heading_id="value-heading"):
    """The first sentence of the panel under the heading `heading_id`."""
    return first_sentence(html.split(f'id="{heading_id}"', 1)[1], after="</h2>")


def confirm(agreement):
    """A source states that the agreement is under the Initiative."""
    agreement.target_link = Agreement.TargetLink.STATED
    agreement.save()
    agreement.target_link_sources.add(make_source(title="Test: the Initiative's list"))


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize("path", ["/", "/target/", "/embed/target/"])
def test_the_first_sentence_says_that_nothing_is_confirmed_yet(client, summit_data, code, path):
    assert first_sentence(page(client, code, path)) == NOTHING_CONFIRMED[code]


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_country_page_first_says_that_none_of_its_agreements_is_confirmed(client, summit_data, code):
    html = page(client, code, "/countries/kazakhstan/")
    assert panel_sentence(html) == NONE_OF_THE_COUNTRYS[code]
    widget = page(client, code, "/embed/countries/kazakhstan/")
    assert {
        "en-gb": "None of the agreements it takes part in is yet confirmed by a source as part of the Tokyo "
        "Initiative: ¥0.",
        "ja": "この国が参加する合意のうち、出典により東京イニシアティブの一部と確認されたものは、"
        "まだありません：0円。",
        "ru": "Ни одно соглашение с её участием пока не подтверждено источником как часть Токийской "
        "инициативы: 0 иен.",
    }[code] == first_sentence(widget)


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_badges_say_in_words_that_nothing_is_confirmed_yet(client, summit_data, code):
    _svg, lines, desc = badge_texts(client, code, "/embed/target.svg")
    words = {
        "en-gb": "No agreement is yet confirmed by a source as part of the Initiative.",
        "ja": "出典によりイニシアティブの一部と確認された合意は、まだありません。",
        "ru": "Ни одно соглашение пока не подтверждено источником как часть Инициативы.",
    }[code]
    assert desc.startswith(words)  # what a screen reader reads first
    assert words.replace(" ", "") in "".join(lines).replace(" ", "")  # drawn, perhaps on two lines
    assert lines[1].startswith(
        {"en-gb": "¥0 of ¥3 trillion", "ja": "0円 （3兆円のうち）", "ru": "0 иен из 3 трлн иен"}[code]
    )
    _svg, lines, desc = badge_texts(client, code, "/embed/countries/kazakhstan.svg")
    assert desc.startswith(
        {
            "en-gb": "None of its agreements is yet confirmed by a source as part of the Initiative. ¥0.",
            "ja": "この国が参加する合意のうち、出典によりイニシアティブの一部と確認されたものは、"
            "まだありません。 0円。",
            "ru": "Ни одно соглашение с её участием пока не подтверждено источником как часть "
            "Инициативы. 0 иен.",
        }[code]
    )


def test_a_confirmed_agreement_is_the_first_sentence_with_its_qualifier_rounded_down(client, summit_data):
    """556,666,666,666 yen as a lower bound: "at least ¥556.66 billion" (never .67), at least
    18.5% of ¥3 trillion (18.55…%, never 18.6)."""
    kazakhstan = Party.objects.get(slug="kazakhstan")
    agreement = make_agreement(
        slug="test-confirmed", amount="556666666666", exactness="lower_bound", countries=[kazakhstan]
    )
    confirm(agreement)
    expected = (
        "Confirmed by a source as part of the Tokyo Initiative so far: at least ¥556.66 billion "
        "of ¥3 trillion (at least 18.5%)."
    )
    assert first_sentence(page(client, "en-gb", "/")) == expected
    assert first_sentence(page(client, "en-gb", "/target/")) == expected
    assert first_sentence(page(client, "en-gb", "/embed/target/")) == expected
    assert first_sentence(page(client, "ja", "/")) == (
        "これまでに出典により東京イニシアティブの一部と確認されたもの：3兆円のうち少なくとも5,566億円（少なくとも18.5%）。"
    )
    assert first_sentence(page(client, "ru", "/")) == (
        "На сегодня подтверждено источником как часть Токийской инициативы: не менее 556,66 млрд иен "
        "из 3 трлн иен (не менее 18,5 %)."
    )
    assert panel_sentence(page(client, "en-gb", "/countries/kazakhstan/")) == (
        "Of the agreements listed here, confirmed by a source as part of the Tokyo Initiative: "
        "at least ¥556.66 billion."
    )
    assert first_sentence(page(client, "en-gb", "/embed/countries/kazakhstan/")) == (
        "Of the agreements it takes part in, confirmed by a source as part of the Tokyo Initiative: "
        "at least ¥556.66 billion."
    )
    _svg, lines, desc = badge_texts(client, "en-gb", "/embed/target.svg")
    assert lines[1] == "at least ¥556.66 billion of ¥3 trillion"
    assert desc.startswith("at least 18.5% of the target, confirmed by a source as part of the Initiative.")
    _svg, lines, desc = badge_texts(client, "en-gb", "/embed/countries/kazakhstan.svg")
    assert lines[1] == "at least ¥556.66 billion"
    assert desc.startswith(
        "Of its agreements, confirmed by a source as part of the Initiative. at least ¥556.66"
    )
    # A country without the confirmed agreement says so, and not that nothing is confirmed anywhere.
    assert panel_sentence(page(client, "en-gb", "/countries/kyrgyzstan/")) == (
        "No value confirmed by a source as part of the Tokyo Initiative is counted yet for the agreements "
        "listed here: ¥0."
    )


def test_a_confirmed_agreement_without_a_value_is_not_said_to_be_missing(client, summit_data):
    """An agreement a source ties to the Initiative but whose value no source gives is not counted:
    the page says that no confirmed value is counted, not that no agreement is confirmed."""
    confirm(Agreement.objects.get(slug="smartmining-plus"))
    _target, progress = current_progress()
    assert progress.stated.yen == 0 and progress.tied_by_a_source == 1
    assert first_sentence(page(client, "en-gb", "/")) == (
        "No value confirmed by a source as part of the Tokyo Initiative is counted yet: ¥0 of ¥3 trillion."
    )
    _svg, _lines, desc = badge_texts(client, "en-gb", "/embed/target.svg")
    assert desc.startswith("No value confirmed by a source as part of the Initiative is counted yet.")


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize(
    ("path", "figure"),
    [
        ("/", REPORTED),
        ("/target/", REPORTED),
        ("/embed/target/", REPORTED),
        ("/countries/kazakhstan/", KAZAKH_REPORTED),
        ("/embed/countries/kazakhstan/", KAZAKH_REPORTED),
        ("/countries/", KAZAKH_REPORTED),
    ],
)
def test_a_reported_figure_never_stands_without_its_qualifier(client, summit_data, code, path, figure):
    html = page(client, code, path)
    places = texts_with(tree(html), figure[code])
    assert places, f"{figure[code]} is not on {path}"
    for place in places:
        if in_a_value_cell(place):
            continue  # an agreement's own value in a list, in yen, which can read like the total
        context = reading_context(place)
        assert QUALIFIER[code] in context, f"{path}: “{context}” has no qualifier"


def in_a_value_cell(node):
    """Inside the value column of a list of agreements (an agreement's own value, not a total)."""
    while node is not None:
        if node.tag == "td" and node.attrs.get("data-label") in ("Value", "金額", "Сумма"):
            return True
        node = node.parent
    return False


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_badges_never_show_a_reported_figure_without_its_qualifier(client, summit_data, code):
    for path, figure in (
        ("/embed/target.svg", REPORTED),
        ("/embed/countries/kazakhstan.svg", KAZAKH_REPORTED),
    ):
        _svg, lines, desc = badge_texts(client, code, path)
        showing = [line for line in lines if " ".join(figure[code].split()) in line]
        assert showing, path
        assert all(QUALIFIER[code] in line for line in showing), showing
        assert QUALIFIER[code] in desc


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize("path", ["/", "/target/", "/embed/target/", "/embed/target.svg"])
def test_the_reported_figure_is_never_given_as_a_share_of_the_target(client, summit_data, code, path):
    """At least 73.6% of the target would be quoted as progress, however it is worded."""
    words = text_of(client.get(PREFIX[code] + path).content.decode())
    assert not re.search(r"(?<![\d.,])73[.,]6", words), path  # not 473.68


def rects(svg_markup):
    return re.findall(r"<rect\b[^>]*>", svg_markup)


def test_the_target_bar_draws_the_reported_figure_as_an_outline_never_a_fill(client, summit_data):
    for path in ("/", "/target/"):
        html = page(client, "en-gb", path)
        bar = html[html.index('<figure class="chart target-chart">') : html.index("</figure>")]
        assert "<pattern" not in bar and "url(#" not in bar
        shapes = rects(bar)
        outlines = [shape for shape in shapes if 'class="reported-outline"' in shape]
        assert len(outlines) == 1 and 'fill="none"' in outlines[0]
        assert 'width="73.684"' in outlines[0]  # the reported figure's share of the bar
        # Every other shape is the track, the window's marker or a confirmed tier.
        others = [shape for shape in shapes if shape not in outlines]
        assert all(re.search(r'class="(track|marker|tier tier-\w+)"', shape) for shape in others), others
    # The breakdowns' reported bars too: outlines.
    html = page(client, "en-gb", "/")
    bars = re.findall(r'<rect class="[^"]*reported-bar"[^>]*>', html)
    assert bars and all('fill="none"' in shape for shape in bars)
    assert "reported-bar" not in " ".join(re.findall(r'<rect class="bar[^"]*"', html))


def test_the_badge_draws_the_reported_figure_as_an_outline_never_a_fill(client, summit_data):
    svg, _lines, _desc = badge_texts(client, "en-gb", "/embed/target.svg")
    assert svg.find(f".//{SVG}pattern") is None
    outline = svg.find(f".//{SVG}rect[@class='reported-outline']")
    assert outline is not None and outline.get("fill") == "none" and outline.get("stroke")
    assert float(outline.get("width")) == pytest.approx(336, abs=0.1)  # 73.68% of 456 pixels
    assert all("url(" not in (rect.get("fill") or "") for rect in svg.iter(f"{SVG}rect"))


def test_the_confirmed_figure_is_the_largest_text_of_the_badges(client, summit_data):
    for path in ("/embed/target.svg", "/embed/countries/kazakhstan.svg"):
        svg = ET.fromstring(client.get(path).content)
        sizes = {
            text.get("class") or "".join(text.itertext())[:30]: float(text.get("font-size"))
            for text in svg.iter(f"{SVG}text")
        }
        largest = max(sizes.values())
        assert sizes.pop("confirmed-figure") == largest and largest > max(sizes.values()), path


def test_reported_figures_are_grey_never_gold(client, summit_data):
    """Gold reads as money reached; what is only reported is drawn in the page's neutral grey."""
    from django.contrib.staticfiles import finders

    with open(finders.find("css/site.css"), encoding="utf-8") as stylesheet:
        css = stylesheet.read()
    assert "#8a6d1f" not in css and "--reported:" not in css
    for path in ("/embed/target.svg", "/embed/countries/kazakhstan.svg"):
        markup = client.get(path).content.decode()
        assert "#6b5416" not in markup and "#8a6d1f" not in markup


@pytest.mark.parametrize(
    ("code", "expected", "unwanted"),
    [
        ("ja", ["150件超", "33年超"], ["documents", "years"]),
        ("ru", ["более 150 документов", "более 33 лет"], ["documents", "years"]),
        ("en-gb", ["more than 150 documents", "more than 33 years"], []),
    ],
)
def test_counts_a_source_reports_read_in_the_pages_language(client, summit_data, code, expected, unwanted):
    html = page(client, code, "/target/")
    words = text_of(html)
    ours = text_of(re.sub(r'<span lang="en">.*?</span>', " ", html))  # a source's words may be English
    for phrase in expected:
        assert phrase in words
    for word in unwanted:
        assert not re.search(rf"\d {word}", ours), word


def test_counts_agree_with_their_number_in_russian():
    from tracker.templatetags.tracker_format import reported_figure

    class Figure:
        unit, upper_value = "years", None

        def __init__(self, value, exactness):
            self.value, self.exactness = value, exactness

    from decimal import Decimal

    with translation.override("ru"):
        assert reported_figure(Figure(Decimal(33), "exact")) == "33 года"
        assert reported_figure(Figure(Decimal(21), "lower_bound")) == "более\u00a021 года"
        assert reported_figure(Figure(Decimal(25), "lower_bound")) == "более\u00a025 лет"
    with translation.override("ja"):
        assert reported_figure(Figure(Decimal(33), "exact")) == "33年間"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/target/",
        "/countries/japan/",
        "/about/",
        "/embed/target/",
        "/embed/countries/kazakhstan/",
        "/dialogue/",
        "/changes/feed/",
    ],
)
def test_a_russian_date_at_the_end_of_a_sentence_takes_no_second_full_stop(client, summit_data, path):
    words = text_of(page(client, "ru", path))
    assert "г.." not in words and "г. ." not in words
    assert "г." in words  # the citation line, the widget's date or the summit's still has its date


@pytest.mark.parametrize("code", ["ja", "ru"])
def test_leaders_and_summits_in_english_are_marked_as_english(client, summit_data, code):
    # In the press's forms where translated: Japanese writes the title after the name.
    html = page(client, code, "/countries/kazakhstan/")
    assert {"ja": "カシムジョマルト・トカエフ大統領", "ru": "президент Касым-Жомарт Токаев"}[code] in html
    # Where no editor has translated them yet, the English is marked as English.
    Leader.objects.update(name_ja="", name_ru="", title_ja="", title_ru="")
    Summit.objects.update(name_ja="", name_ru="")
    freshness.forget()
    html = page(client, code, "/countries/kazakhstan/")
    assert '<span lang="en">President</span>' in html
    assert '<span lang="en">Kassym-Jomart Tokayev</span>' in html
    assert '<span lang="en">Second Central Asia + Japan Dialogue Summit</span>' in html
