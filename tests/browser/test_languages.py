"""The tracker in Japanese and Russian in a real browser: each language's words and figures on the
dashboard, a filtered list, a detail page and the target page; axe clean in each; and no sideways
scroll on a phone (long Russian words, Japanese line breaking)."""

import pytest
from playwright.sync_api import expect

from tests.browser.axe import axe_serious
from tracker.models import Agreement

EXPECTED = {
    "ja": {
        "/": [
            "東京首脳会合の公約は果たされているか？",
            "まだありません：3兆円のうち0円。",
            "少なくとも2.21兆円",
        ],
        "/agreements/?country=uzbekistan&sort=-value": [
            "この条件に一致する合意",
            "ウズベキスタン",
            "少なくとも1.73兆円",
        ],
        "/agreements/uzbekistan-solar-power-plants/": ["2025年12月20日ごろ", "当事者とその役割", "経過"],
        "/target/": ["3兆円の目標と当方の計上方法", "計上ルール", "157.894736円"],
    },
    "ru": {
        "/": [
            "Выполняются ли решения Токийского саммита?",
            "Ни одно соглашение пока не подтверждено источником",
            "не\u00a0менее\u00a02,21\u00a0трлн\u00a0иен",
        ],
        "/agreements/?country=uzbekistan&sort=-value": [
            "Этим фильтрам соответствуют",
            "Узбекистан",
            "не\u00a0менее\u00a01,73\u00a0трлн\u00a0иен",
        ],
        "/agreements/uzbekistan-solar-power-plants/": [
            "около\u00a020 декабря 2025 г.",
            "Участники и их роли",
            "Хронология",
        ],
        "/target/": [
            "Цель в 3\u00a0трлн\u00a0иен и как мы её подсчитываем",
            "Правила подсчёта",
            "157,894736\u00a0иен",
        ],
    },
}
PAGES = [(code, path) for code, paths in EXPECTED.items() for path in paths]


@pytest.mark.parametrize(("code", "path"), PAGES)
def test_a_page_reads_in_its_language_and_passes_axe(page, site, code, path):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{site}/{code}{path}")
    assert page.evaluate("document.documentElement.lang") == code
    text = page.locator("main").inner_text()
    for expected in EXPECTED[code][path]:
        assert expected in text, expected
    assert axe_serious(page) == []


@pytest.mark.parametrize(("code", "path"), PAGES)
def test_no_sideways_scroll_on_a_phone(page, site, code, path):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{site}/{code}{path}")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"/{code}{path} scrolls sideways by {overflow}px at 375 px"


def test_the_switcher_keeps_the_filters(page, site):
    page.goto(f"{site}/agreements/?country=uzbekistan&sort=-value")
    page.get_by_role("navigation", name="Language").get_by_role("link", name="日本語").click()
    page.wait_for_url("**/ja/agreements/?country=uzbekistan&sort=-value")
    expect(page.locator("select#id_country")).to_have_value("uzbekistan")
    page.get_by_role("navigation", name="言語").get_by_role("link", name="Русский").click()
    page.wait_for_url("**/ru/agreements/?country=uzbekistan&sort=-value")
    expect(page.locator("h1")).to_have_text("Соглашения")


def test_english_text_on_a_japanese_page_is_marked_english(page, site):
    # A record no editor has translated yet (the fixture translates every record).
    untranslated = {f"{field}_ja": "" for field in Agreement.translated_fields}
    Agreement.objects.filter(slug="sojitz-medical-centre").update(**untranslated, translated_from_ja="")
    page.goto(f"{site}/ja/agreements/sojitz-medical-centre/")
    heading = page.locator("h1 > span")
    expect(heading).to_have_attribute("lang", "en")
    expect(page.locator(".translation-note").first).to_contain_text("翻訳はまだありません")


def test_a_translated_record_reads_in_japanese_with_its_quotation_in_english(page, site):
    page.goto(f"{site}/ja/agreements/uzbekistan-japan-summit-package/")
    expect(page.locator("h1")).to_have_text("首脳会合で署名されたウズベキスタン・日本間の合意")
    expect(page.locator(".translation-note").first).to_contain_text("トラッカーが翻訳したもの")
    quotation = page.locator('dd span[lang="en"]').first
    expect(quotation).to_contain_text("valued at over --11 billion")
