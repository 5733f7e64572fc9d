"""Japanese and Russian readers read the records' own texts in their language: the fixture ships
a translation of every text, a translation made from English that has changed since is flagged to
readers and editors, and the main pages hold no English a reader meets unannounced."""

import json
import shutil
from pathlib import Path

import pytest
from django.apps import apps

from tests.pages import english_letters, unmarked_english_words
from tracker.models import Agreement, Commitment, Source
from tracker.models.base import TRANSLATED_LANGUAGES, Translatable

ROOT = Path(__file__).resolve().parent.parent
RECORD_MODELS = [
    model
    for model in apps.get_app_config("tracker").get_models()
    if issubclass(model, Translatable) and not model.__name__.startswith("Historical")
]


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_the_fixture_translates_every_text_of_every_record(summit_data, language):
    untranslated, stale = [], []
    for model in RECORD_MODELS:
        for record in model.objects.all():
            if not record.is_translated(language):
                untranslated.append(str(record))
            if record.translation_is_stale(language):
                stale.append(str(record))
    assert Commitment.objects.count() == 53
    assert not untranslated and not stale


def test_each_translation_file_entry_names_a_record_and_its_english(summit_data):
    for language in TRANSLATED_LANGUAGES:
        entries = json.loads((ROOT / "fixtures" / "translations" / f"{language}.json").read_text())
        assert len(entries) > 300
        for entry in entries:
            assert entry["text"].strip() and entry["en"].strip()


def test_a_translation_file_naming_no_record_is_refused_and_changes_nothing(summit_data, tmp_path):
    from tracker.services.loading import FixtureProblem, load_fixture

    fixture = ROOT / "fixtures" / "tokyo_summit.json"
    (tmp_path / "tokyo_summit.json").write_text(fixture.read_text())
    shutil.copytree(fixture.parent / "archive", tmp_path / "archive")
    (tmp_path / "translations").mkdir()
    (tmp_path / "translations" / "ja.json").write_text(
        json.dumps(
            [{"model": "tracker.agreement", "key": "no-such-deal", "field": "title", "en": "x", "text": "x"}]
        )
    )
    before = Agreement.objects.get(slug="sojitz-medical-centre").title_ja
    with pytest.raises(FixtureProblem, match="no tracker.agreement “no-such-deal”"):
        load_fixture(tmp_path / "tokyo_summit.json", reason="test")
    assert Agreement.objects.get(slug="sojitz-medical-centre").title_ja == before


def test_a_translation_of_changed_english_is_flagged_to_readers_until_an_editor_updates_it(
    client, summit_data
):
    agreement = Agreement.objects.get(slug="sojitz-medical-centre")
    page = f"/ja/agreements/{agreement.slug}/"
    assert "この記録の文章は、英語の記録をトラッカーが翻訳したものです。" in client.get(page).content.decode()

    agreement.description = agreement.description + " A new sentence."
    agreement.save()
    agreement.refresh_from_db()
    assert agreement.translation_is_stale("ja") and agreement.translation_is_stale("ru")
    assert "英語の記録はこの翻訳の後に変更されました" in client.get(page).content.decode()

    agreement.description_ja = agreement.description_ja + "新しい文。"
    agreement.save()
    agreement.refresh_from_db()
    assert not agreement.translation_is_stale("ja")
    assert agreement.translation_is_stale("ru")  # the Russian still translates the old English
    assert "英語の記録はこの翻訳の後に変更されました" not in client.get(page).content.decode()


def test_editors_find_missing_and_out_of_date_translations_in_the_admin(editor_client, summit_data):
    source = Source.objects.get(slug="summit-overview-2025-12-25")
    source.note = source.note + " Corrected."
    source.save()
    Commitment.objects.filter(slug="initiative-scholarships").update(title_ru="", translated_from_ru="")

    listed = editor_client.get("/admin/tracker/source/", {"translation": "stale-ja"}).content.decode()
    assert "1 source" in listed and source.title[:40] in listed
    listed = editor_client.get("/admin/tracker/commitment/", {"translation": "missing-ru"}).content.decode()
    assert "1 commitment" in listed
    assert (
        "0 commitments"
        in editor_client.get("/admin/tracker/commitment/", {"translation": "missing-ja"}).content.decode()
    )

    form = editor_client.get(f"/admin/tracker/source/{source.pk}/change/").content.decode()
    assert "The Japanese translation was made from English that has changed since" in form
    assert 'name="note_ja"' in form and 'name="title_ru"' in form


def test_an_editor_confirms_a_translation_still_matches(editor_client, summit_data):
    source = Source.objects.get(slug="summit-overview-2025-12-25")
    source.note = source.note.replace("six leaders", "six heads of state and government")
    source.save()
    response = editor_client.post(
        "/admin/tracker/source/", {"action": "confirm_translations", "_selected_action": [source.pk]}
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert not source.translation_is_stale("ja") and not source.translation_is_stale("ru")


MAIN_PAGES = [
    "/",
    "/commitments/",
    "/agreements/",
    "/sources/",
    "/target/",
    "/countries/uzbekistan/",
    "/dialogue/",
    "/commitments/tokyo-initiative-3-trillion-yen/",
    "/agreements/uzbekistan-japan-summit-package/",
    "/sources/summit-overview-2025-12-25/",
]


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_the_main_pages_hold_no_english_a_reader_meets_unannounced(client, summit_data, language):
    """Before the records were translated, /ja/ pages were 10.1 % unmarked and 48.1 % marked
    English letters, /ru/ 6.5 % and 30.1 % (bench/english_share.py)."""
    totals = [0, 0, 0]
    for page in MAIN_PAGES:
        html = client.get(f"/{language}{page}").content.decode()
        unmarked, marked, letters = english_letters(html)
        totals = [totals[0] + unmarked, totals[1] + marked, totals[2] + letters]
        assert unmarked_english_words(html) == [], page
    unmarked_share, marked_share = totals[0] / totals[2], totals[1] / totals[2]
    print(f"{language}: unmarked {unmarked_share:.1%}, marked {marked_share:.1%}")
    assert unmarked_share == 0
    assert marked_share < 0.05


def search_results(client, language, query):
    html = client.get(f"/{language}/search/", {"q": query}).content.decode()
    return html


def test_a_russian_search_finds_a_records_word_forms(client, summit_data):
    # "солнечными" is in no text; the Russian texts say "солнечные" and "солнечных".
    assert not Agreement.objects.filter(title_ru__icontains="солнечными").exists()
    assert not Agreement.objects.filter(description_ru__icontains="солнечными").exists()
    html = search_results(client, "ru", "солнечными")
    assert "/agreements/uzbekistan-solar-power-plants/" in html
    # "Узбекистана" (genitive) and "Узбекистан" find the same records.
    assert search_results(client, "ru", "Узбекистана").count("<li>") == search_results(
        client, "ru", "Узбекистан"
    ).count("<li>")
    lists = client.get("/ru/agreements/", {"q": "электростанции"}).content.decode()
    assert "/agreements/uzbekistan-solar-power-plants/" in lists


def test_a_japanese_search_finds_part_of_a_word(client, summit_data):
    html = search_results(client, "ja", "太陽光")
    assert "/agreements/uzbekistan-solar-power-plants/" in html
    lists = client.get("/ja/agreements/", {"q": "医療"}).content.decode()
    assert "/agreements/sojitz-medical-centre/" in lists


@pytest.mark.parametrize("query", ["Узбекистан", "ウズベキスタン", "Uzbekistan"])
def test_a_countrys_name_in_any_language_finds_its_records(client, summit_data, query):
    lists = client.get("/ja/agreements/", {"q": query}).content.decode()
    uzbek = Agreement.objects.public().filter(parties__slug="uzbekistan").distinct()
    assert uzbek.count() >= 3
    for agreement in uzbek:
        assert agreement.get_absolute_url() in lists


def test_a_sectors_name_in_japanese_finds_its_agreements(client, summit_data):
    from tracker.models import Sector

    sector = Sector.objects.filter(agreements__isnull=False).distinct().first()
    lists = client.get("/ru/agreements/", {"q": sector.name_ja}).content.decode()
    for agreement in sector.agreements.public():
        assert agreement.get_absolute_url() in lists


def test_a_search_with_no_result_suggests_the_names_in_the_other_languages(client, summit_data):
    html = search_results(client, "ja", "Uzbekistan hydrogen")
    assert "同じ検索を別の言語で" in html
    assert 'lang="ru" hreflang="ru">Узбекистан hydrogen</a>' in html
    assert "/search/?q=%D0%A3" in html  # the link searches the Russian words on the Russian page


def test_the_russian_search_page_is_headed_search_not_find(client, summit_data):
    html = client.get("/ru/search/").content.decode()
    assert "<h1>Поиск</h1>" in html


# One term per concept: locale/glossary/<language>.json lists, for each concept, the term to use
# and the terms to avoid (with the messages where an avoided word means something else).
def catalogue_texts(language):
    import polib

    catalogue = polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))
    for entry in catalogue:
        forms = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for form in forms:
            yield f"{entry.msgctxt or ''}|{entry.msgid}", form
    for entry in json.loads((ROOT / "fixtures" / "translations" / f"{language}.json").read_text()):
        yield f"{entry['model']}:{entry['key']}:{entry['field']}", entry["text"]


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_each_concept_has_one_term_in_each_language(language):
    import re

    glossary = json.loads((ROOT / "locale" / "glossary" / f"{language}.json").read_text())
    texts = list(catalogue_texts(language))
    assert len(glossary) > 40 and len(texts) > 1000
    found = []
    for entry in glossary:
        terms = [term.strip() for term in entry["term"].split(";")]
        for avoided in entry.get("avoid", []):
            if language == "ru":  # whole words: "поле" is not in "полезно"
                pattern = re.compile(rf"(?<![\w+]){re.escape(avoided)}(?![\w+])")
            else:
                pattern = re.compile(re.escape(avoided))
            for where, text in texts:
                if any(allowed in where for allowed in entry.get("allowed_in", [])):
                    continue
                for term in terms:  # "ЦА+Я" inside the preferred "ЦА+Япония" is the term itself
                    text = text.replace(term, "\0" * len(term))
                text = re.sub(r"“[^”]*”", "", text)  # a source's English words, quoted
                if pattern.search(text):
                    found.append(f"{avoided} (use {entry['term']}) in {where[:60]}")
    assert found == []


def test_japanese_uses_one_word_for_commitment_and_summit():
    texts = [text for _where, text in catalogue_texts("ja")]
    assert not [text for text in texts if "約束" in text or "サミット" in text]
    assert sum("公約" in text for text in texts) > 50


# Messages a reader or an editor sees, raised or shown with a plain string the catalogue cannot see.
SHOWN = {"ValidationError", "ImportProblem", "HttpResponseBadRequest", "PermissionDenied", "Http404"}
SHOWN |= {"message_user", "add_error", "StaleEdit"}
GETTEXT = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "pgettext",
    "npgettext",
    "pgettext_lazy",
    "format_lazy",
}


def plain_strings(node, translated=False):
    import ast

    if isinstance(node, ast.Call):
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        for child in ast.iter_child_nodes(node):
            yield from plain_strings(child, translated or name in GETTEXT)
        return
    if isinstance(node, ast.keyword) and node.arg in ("code", "params", "content_type"):
        return
    if not translated and isinstance(node, ast.Constant) and isinstance(node.value, str):
        if " " in node.value.strip():
            yield node
        return
    if not translated and isinstance(node, ast.JoinedStr):
        literal = "".join(part.value for part in node.values if isinstance(part, ast.Constant))
        if " " in literal.strip() and any(char.isalpha() for char in literal):
            yield node
        return
    for child in ast.iter_child_nodes(node):
        yield from plain_strings(child, translated)


def test_every_message_a_reader_or_editor_sees_is_in_the_catalogue():
    """The fixture loader's and the management commands' messages are for data maintainers at
    a terminal, in English; everything the site or the admin shows goes through the catalogue."""
    import ast

    unmarked = []
    for path in sorted((ROOT / "tracker").rglob("*.py")):
        relative = path.relative_to(ROOT)
        if {"migrations", "management"} & set(relative.parts) or relative.name in ("loading.py", "backup.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                name = (
                    node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                )
                if name in SHOWN:
                    unmarked += [f"{relative}:{string.lineno}" for string in plain_strings(node)]
    assert unmarked == []


def test_a_bad_moment_is_refused_in_the_pages_language(client, summit_data):
    response = client.get("/as-of/yesterday/ru/agreements/")
    assert response.status_code == 400
    assert "не момент времени" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "title"),
    [("ja", "状況で並べ替え（昇順）"), ("ru", "Сортировать: статус, по возрастанию")],
)
def test_sort_titles_are_in_the_pages_language(client, summit_data, language, title):
    html = client.get(f"/{language}/agreements/").content.decode()
    assert f'title="{title}"' in html and "Sort by" not in html


@pytest.mark.parametrize(
    ("address", "card"),
    [
        ("/", "img/share/en."),
        ("/ja/", "img/share/ja."),
        ("/ru/commitments/", "img/share/ru."),
        ("/ja/countries/kyrgyzstan/", "img/share/ja-kyrgyzstan."),
        ("/ru/countries/japan/", "img/share/ru-japan."),
    ],
)
def test_a_shared_page_previews_in_its_language_and_for_its_country(client, summit_data, address, card):
    import re

    html = client.get(address).content.decode()
    image = re.search(r'<meta property="og:image" content="http://testserver/static/([^"]+)">', html).group(1)
    assert image.startswith(card) and image.endswith(".png")
    # The card was drawn: the file is there, a PNG of the size the tags announce.
    drawn = ROOT / "static" / re.sub(r"\.[0-9a-f]{12}\.png$", ".png", image)
    header = drawn.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(header[16:20], "big") == 1200 and int.from_bytes(header[20:24], "big") == 630


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<p>日本, ウズベキスタン (出典 1).</p>", "<p>日本、ウズベキスタン（出典 1）。</p>"),
        ("<p>出典: <a>報道</a>; <a>論説</a>.</p>", "<p>出典：<a>報道</a>；<a>論説</a>。</p>"),
        (
            '<li>国際協力銀行 (<span translate="no">JBIC</span>)</li>',
            '<li>国際協力銀行（<span translate="no">JBIC</span>）</li>',
        ),
        (
            "<p>≈&nbsp;少なくとも1.73兆円</p>",
            "<p>≈&nbsp;少なくとも1.73兆円</p>",
        ),  # a reference is no semicolon
        ("<p>金額は1,736,842,096,000円 (概算).</p>", "<p>金額は1,736,842,096,000円（概算）。</p>"),
        ('<p lang="en">“a, b (c).”</p>', '<p lang="en">“a, b (c).”</p>'),  # a quotation stays English
        ("<code>x, 日本</code>", "<code>x, 日本</code>"),
        ('<a href="/ja/x?a=1,2">日本</a>', '<a href="/ja/x?a=1,2">日本</a>'),  # never inside a tag
        # Text with no punctuation of its own is still set where the text before it decides:
        # a space after Japanese is a joint, a line after a comma the comma's.
        ("<a>合意</a> <span>パッケージ</span>", "<a>合意</a><span>パッケージ</span>"),
        ("<p>い ,<br>\n語</p>", "<p>い ,<br>語</p>"),
        ("<p>日本,<br>\n語</p>", "<p>日本、<br>\n語</p>"),
        ("<p>日本</p>\n<p>語</p>", "<p>日本</p>\n<p>語</p>"),  # a line between blocks stays
    ],
)
def test_japanese_punctuation_is_set_in_japanese_text_only(markup, expected):
    from tracker.typesetting import set_japanese

    assert set_japanese(markup) == expected


def test_japanese_pages_use_japanese_punctuation(client, summit_data):
    import re

    from tests.pages import tree

    japanese = "[\u3040-\u30ff\u4e00-\u9fff]"
    ascii_mark = re.compile(rf"{japanese}\s*[,:;()]|[,:;(]\s*{japanese}|{japanese}\.(\s|$)")
    found = []

    def visit(node, english):
        if node.tag in {"script", "style", "code", "head", "textarea"}:
            return
        english = english or node.attrs.get("lang", "ja") != "ja" or node.attrs.get("translate") == "no"
        for child in node.children:
            if isinstance(child, str):
                if not english and ascii_mark.search(child):
                    found.append(child.strip()[:60])
            else:
                visit(child, english)

    for page in MAIN_PAGES:
        html = client.get(f"/ja{page}").content.decode()
        html = re.sub(r"</?(a|b|em|i|small|strong|time)\b[^>]*>", "", html)  # inline: one run of text
        visit(tree(html), False)
    assert found == []


@pytest.mark.parametrize(
    ("typed", "yen"),
    [
        ("1 trillion", 10**12),
        ("1兆", 10**12),
        ("1 трлн", 10**12),
        ("1,000,000,000,000", 10**12),
        ("1 000 000 000 000", 10**12),
        ("1000000000000", 10**12),
        ("10000億円", 10**12),
        ("¥2.5bn", 25 * 10**8),
        ("1,5 трлн", 15 * 10**11),
        ("1.5兆円", 15 * 10**11),
    ],
)
def test_the_yen_filters_read_a_figure_as_readers_write_it(client, summit_data, typed, yen):
    from tracker.filters import parse_yen

    assert parse_yen(typed) == yen
    html = client.get("/agreements/", {"min_yen": typed}).content.decode()
    above = Agreement.objects.public().filter(yen_value__gte=yen)
    assert f"{above.count()} agreement" in html or (not above.exists() and "No agreements" in html)


@pytest.mark.parametrize("typed", ["lots", "1 zillion", "1e5", "10000000000000000000000000000", "1.2.3"])
def test_a_yen_filter_that_is_no_figure_is_refused_with_an_example(client, summit_data, typed):
    response = client.get("/ja/agreements/", {"min_yen": typed})
    assert response.status_code == 400
    html = response.content.decode()
    assert "1兆" in html  # the error or the help gives a figure as it may be written


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en-gb", ["at\u00a0least\u00a0$11bn", "at\u00a0least\u00a0¥1.73tn"]),
        ("ja", ["少なくとも110億ドル", "少なくとも1.73兆円"]),
        (
            "ru",
            [
                "не\u00a0менее\u00a011\u00a0млрд\u00a0долл.",
                "не\u00a0менее\u00a01,73\u00a0трлн\u00a0иен",
            ],
        ),
    ],
)
def test_a_list_shows_money_short_with_its_qualifier(client, summit_data, language, expected):
    prefix = "" if language == "en-gb" else f"/{language}"
    html = client.get(f"{prefix}/agreements/", {"country": "uzbekistan"}).content.decode()
    for figure in expected:
        assert f'<span class="figure">{figure}</span>' in html  # kept on one line
    whole = "1\u00a0736\u00a0842\u00a0096\u00a0000" if language == "ru" else "1,736,842,096,000"
    assert whole in html  # the whole figure stays, in the cell's title
    record = client.get(f"{prefix}/agreements/uzbekistan-japan-summit-package/").content.decode()
    assert {
        "en-gb": "11,000,000,000\u00a0USD",
        "ja": "11,000,000,000\u00a0USD",
        "ru": "11\u00a0000\u00a0000\u00a0000\u00a0USD",
    }[language] in record
