"""The tracker in English, Japanese and Russian: addresses, the switcher, figures and dates in each
language's conventions, record translations with the English fallback marked, and catalogues
that are complete and in step with the code."""

import datetime
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.utils import translation

from tests.pages import first_sentence
from tests.test_public_pages import content
from tracker.models import Agreement
from tracker.money import Amount
from tracker.templatetags.tracker_format import known_date, number, percent, qualified_yen, yen, yen_short

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("ja", "ru")


def test_english_keeps_todays_addresses_and_the_others_have_prefixes(client, summit_data):
    english = client.get("/agreements/")
    assert english.status_code == 200 and '<html lang="en-gb">' in english.content.decode()
    for code in LANGUAGES:
        page = client.get(f"/{code}/agreements/")
        assert page.status_code == 200
        assert f'<html lang="{code}">' in page.content.decode()
    assert client.get("/en-gb/agreements/").status_code == 404  # one address per page


def test_an_unprefixed_address_is_english_whatever_the_browser_asks(client, summit_data):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert '<html lang="en-gb">' in html and "Is the Tokyo summit delivering?" in html


def test_the_switcher_keeps_the_page_and_its_filters(client, summit_data):
    html = client.get("/agreements/", {"country": "uzbekistan", "sort": "-value"}).content.decode()
    assert (
        'href="/ja/agreements/?country=uzbekistan&amp;sort=-value" hreflang="ja" lang="ja">日本語</a>' in html
    )
    assert (
        'href="/ru/agreements/?country=uzbekistan&amp;sort=-value" hreflang="ru" lang="ru">Русский</a>'
        in html
    )
    ja = client.get("/ja/agreements/", {"country": "uzbekistan"}).content.decode()
    assert 'href="/agreements/?country=uzbekistan" hreflang="en-gb" lang="en-gb">English</a>' in ja


def test_every_page_names_its_other_languages(client, summit_data):
    html = client.get("/ru/target/").content.decode()
    for code, path in (
        ("en-gb", "/target/"),
        ("ja", "/ja/target/"),
        ("ru", "/ru/target/"),
        ("x-default", "/target/"),
    ):
        assert f'<link rel="alternate" hreflang="{code}" href="http://testserver{path}">' in html


@pytest.mark.parametrize(
    ("code", "first", "reported"),
    [
        (
            "en-gb",
            "No agreement is yet confirmed by a source as part of the Tokyo Initiative: ¥0 of ¥3 trillion.",
            "at least ¥2.21\u00a0trillion",
        ),
        (
            "ja",
            "出典により東京イニシアティブの一部と確認された合意は、まだありません：3兆円のうち0円。",
            "少なくとも2.21兆円",
        ),
        (
            "ru",
            "Ни одно соглашение пока не подтверждено источником как часть Токийской инициативы: "
            "0 иен из 3 трлн иен.",
            "не\u00a0менее\u00a02,21\u00a0трлн\u00a0иен",
        ),
    ],
)
def test_the_targets_figures_read_in_each_language(client, summit_data, code, first, reported):
    prefix = "" if code == "en-gb" else f"/{code}"
    html = client.get(f"{prefix}/").content.decode()
    assert first_sentence(html) == first  # what is confirmed, first and in words
    assert f'<span class="reported-figure">{reported}</span>' in html  # the qualifier stays with its figure
    # never a share of the target (the outline's drawn width, 73.684, is not a figure)
    assert not re.search(r"73[.,]6\s?%", html)


def test_lower_bounds_round_down_in_every_language():
    amount = Amount()
    amount.add(2_219_999_999_999, "lower_bound")  # 2.219…: never "2.22"
    for code, expected in (
        ("en-gb", "at least ¥2.21\u00a0trillion"),
        ("ja", "少なくとも2.21兆円"),
        ("ru", "не\u00a0менее\u00a02,21\u00a0трлн\u00a0иен"),
    ):
        with translation.override(code):
            assert qualified_yen(amount) == expected
            assert percent("0.73689", "lower_bound").replace("\u00a0", " ") in ("73.6%", "73,6 %")


def test_numbers_follow_each_languages_separators():
    with translation.override("ru"):
        assert yen(1234567) == "1\u00a0234\u00a0567\u00a0иен"
        assert yen_short(473_684_208_000) == "473,68\u00a0млрд\u00a0иен"
    with translation.override("ja"):
        assert yen(1234567) == "1,234,567円"
        assert yen_short(473_684_208_000) == "4,737億円"
    with translation.override("en-gb"):
        assert yen(1234567) == "¥1,234,567"


def test_a_date_and_a_figure_read_in_the_active_language_each_time():
    """Their formats are looked up once per language (tracker_format.number_formats, known_day):
    the same date and figure, asked for in turn in each language, read in that language."""
    day = datetime.date(2025, 12, 20)
    for _round in range(2):
        for code, date_text, figure in (
            ("ru", "около\u00a020 декабря 2025 г.", "1\u00a0234,5"),
            ("en-gb", "around 20 December 2025", "1,234.5"),
            ("ja", "2025年12月20日ごろ", "1,234.5"),
        ):
            with translation.override(code):
                assert known_date(day, "approximate") == date_text
                assert number(Decimal("1234.5"), 1) == figure


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("en-gb", "around 20 December 2025"),
        ("ja", "2025年12月20日ごろ"),
        ("ru", "около\u00a020 декабря 2025 г."),
    ],
)
def test_dates_read_in_each_language(client, summit_data, code, expected):
    prefix = "" if code == "en-gb" else f"/{code}"
    html = client.get(f"{prefix}/agreements/uzbekistan-solar-power-plants/").content.decode()
    assert expected in html


def untranslate(record, language):
    """The record as if no editor had translated it into `language` (the fixture translates all)."""
    fields = {f"{field}_{language}": "" for field in record.translated_fields}
    type(record).objects.filter(pk=record.pk).update(**fields, **{f"translated_from_{language}": ""})
    record.refresh_from_db()


def test_an_untranslated_record_is_shown_in_english_marked_as_such(client, summit_data):
    agreement = Agreement.objects.get(slug="sojitz-medical-centre")
    untranslate(agreement, "ja")
    html = client.get(f"/ja/agreements/{agreement.slug}/").content.decode()
    assert f'<h1><span lang="en">{agreement.title}</span></h1>' in html
    assert "この記録の翻訳はまだありません" in html


def test_a_translated_record_is_shown_and_marked_as_a_translation(client, summit_data):
    agreement = Agreement.objects.get(slug="sojitz-medical-centre")
    agreement.title_ru = "Многопрофильный медицинский центр Sojitz"
    agreement.save()
    html = client.get(f"/ru/agreements/{agreement.slug}/").content.decode()
    # The company's Latin name is marked so that a page translator leaves it alone.
    assert '<h1>Многопрофильный медицинский центр <span translate="no">Sojitz</span></h1>' in html
    assert "Тексты этой записи — перевод английской записи, выполненный мониторингом." in html
    # Japanese falls back where no translation exists, marked; English pages never show one.
    untranslate(agreement, "ja")
    assert (
        f'<span lang="en">{agreement.title}</span>'
        in client.get(f"/ja/agreements/{agreement.slug}/").content.decode()
    )
    assert "Многопрофильный" not in client.get(f"/agreements/{agreement.slug}/").content.decode()


def test_a_search_finds_a_record_by_its_translation(client, summit_data):
    agreement = Agreement.objects.get(slug="sojitz-medical-centre")
    agreement.title_ja = "双日による総合医療センター"
    agreement.save()
    html = client.get("/ja/agreements/", {"q": "医療センター"}).content.decode()
    assert "双日による総合医療センター" in html


def test_the_feed_is_in_the_language_of_its_address(client, summit_data):
    body = client.get("/ru/changes/feed/").content.decode()
    assert 'xml:lang="ru"' in body and "изменения статусов" in body.lower()


def test_the_admin_speaks_the_editors_language(editor_client, summit_data):
    html = editor_client.get("/ru/admin/tracker/agreement/").content.decode()
    assert '<html lang="ru"' in html
    assert "Изменить статус нескольких записей" not in html  # the page itself, not the action page
    assert "Подписано" in html or "Подписант" in html or "Сообщалось; этап не указан" in html
    pk = Agreement.objects.first().pk
    change = editor_client.get(f"/ja/admin/tracker/agreement/{pk}/change/").content.decode()
    assert "状況を変更" in change  # the link to the short status form
    form = editor_client.get(f"/ja/admin/tracker/agreement/{pk}/status/").content.decode()
    assert '<html lang="ja"' in form and "発効日" in form and "提案" in form


def test_the_error_page_speaks_the_language_of_its_address(client, db):
    html = client.get("/ja/agreements/no-such-record/").content.decode()
    assert "ページが見つかりません" in html


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_message_is_translated_and_the_catalogue_is_in_step_with_the_code(
    code, tmp_path, settings, monkeypatch
):
    committed = polib.pofile(str(ROOT / "locale" / code / "LC_MESSAGES" / "django.po"))
    # makemessages writes to the first "locale" directory it meets while walking the current
    # directory, whatever LOCALE_PATHS says: it runs on a copy of the code, so that the committed
    # catalogues are only read.
    source = tmp_path / "source"
    for name in ("summit", "tracker", "templates", "locale"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    copy = source / "locale"
    settings.LOCALE_PATHS = [copy]
    monkeypatch.chdir(source)
    call_command(
        "makemessages",
        locale=[code],
        extensions=["html", "txt", "py", "svg"],  # the badges are templates too
        no_obsolete=True,
        no_location=True,
        ignore_patterns=["var", "tmp", "bench", "tests", ".venv", "fixtures"],
        verbosity=0,
    )
    fresh = polib.pofile(str(copy / code / "LC_MESSAGES" / "django.po"))
    untranslated = [entry.msgid for entry in fresh if not entry.translated()]
    assert untranslated == [], f"{len(untranslated)} messages without a {code} translation (run makemessages)"
    assert {(entry.msgctxt, entry.msgid) for entry in fresh} == {
        (entry.msgctxt, entry.msgid) for entry in committed
    }
    check = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(copy / code / "LC_MESSAGES" / "django.po")],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_page_of_a_language_resolves_and_stays_in_it(request, code):
    responses = request.getfixturevalue(f"shipped_site_{code}")  # no database fixture: walked before
    broken = {url: response.status_code for url, response in responses.items() if response.status_code != 200}
    assert broken == {}
    pages = [url for url, r in responses.items() if r["Content-Type"].startswith("text/html")]
    assert len(pages) > 60
    for url in pages:
        body = responses[url].body.decode()
        assert f'<html lang="{code}">' in body, url


def test_an_editor_translates_a_status_note_and_the_timeline_shows_it(editor_client, summit_data, client):
    from django.urls import reverse

    from tests.admin_forms import form_data

    agreement = Agreement.objects.get(slug="uzbekistan-japan-summit-package")
    change = agreement.status_changes.get()
    url = reverse("admin:tracker_statuschange_change", args=[change.pk])
    saved = editor_client.post(url, form_data(editor_client.get(url), note_ja="サミットの際に署名された。"))
    assert saved.status_code == 302
    html = client.get(f"/ja/agreements/{agreement.slug}/").content.decode()
    assert "<p>サミットの際に署名された。</p>" in html
    assert f'<span lang="en">{change.note}</span>' not in html
    assert change.note in client.get(f"/agreements/{agreement.slug}/").content.decode()


@pytest.mark.parametrize("code", LANGUAGES)
def test_an_exports_labels_are_in_its_pages_language_on_every_row(client, summit_data, code):
    """The labels are translated once, before the export streams; every row carries them in the
    language of the address (the codes stay the same in every language)."""
    import csv
    import io

    with translation.override(code):
        expected = {value: str(label) for value, label in Agreement.Status.choices}
    response = client.get(f"/{code}/agreements.csv")
    rows = list(csv.DictReader(io.StringIO(content(response).decode("utf-8-sig"))))
    assert len(rows) == Agreement.objects.public().count()
    assert {row["status_label"] for row in rows} == {expected[row["status"]] for row in rows}
    with translation.override("en"):
        english = {value: str(label) for value, label in Agreement.Status.choices}
    assert all(row["status_label"] != english[row["status"]] for row in rows)
