"""A reader in Tokyo and one in Tashkent, in Chromium at a phone's and a desktop's width: a
commitment, an agreement, a source and a search read in their language (English only where it is
marked: a quotation, a name), no line breaks inside a word or a figure, and axe clean."""

import pytest

from tests.browser.axe import axe_serious

PAGES = {
    "ja": [
        "/commitments/tokyo-initiative-3-trillion-yen/",
        "/agreements/uzbekistan-japan-summit-package/",
        "/sources/summit-overview-2025-12-25/",
        "/search/?q=%E5%A4%AA%E9%99%BD%E5%85%89",  # 太陽光
        "/agreements/?country=uzbekistan",
    ],
    "ru": [
        "/commitments/tokyo-initiative-3-trillion-yen/",
        "/agreements/uzbekistan-japan-summit-package/",
        "/sources/summit-overview-2025-12-25/",
        "/search/?q=%D1%81%D0%BE%D0%BB%D0%BD%D0%B5%D1%87%D0%BD%D1%8B%D0%B5",  # солнечные
        "/agreements/?country=uzbekistan",
    ],
}
CASES = [(code, path) for code, paths in PAGES.items() for path in paths]

# Latin words a reader meets outside anything marked lang="en" or translate="no" (acronyms such
# as JICA or USD aside: every language writes them so).
UNMARKED_ENGLISH = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    if (parent.closest('script, style, code, [lang^="en"], [translate="no"]')) continue;
    if (!parent.getClientRects().length) continue;
    for (const word of node.textContent.match(/[A-Za-z][A-Za-z'-]+/g) || []) {
      if (!/^[A-Z0-9+&.-]+$/.test(word) && word !== 'Atom') found.push(word);  // the feed format's name
    }
  }
  return found;
}"""

# Words (a Japanese word as Intl.Segmenter finds it; a Russian one between spaces, no-break
# spaces holding a figure, its scale and its currency together) whose letters sit on two lines.
BROKEN_WORDS = """(language) => {
  const broken = [];
  const segmenter = new Intl.Segmenter(language, {granularity: 'word'});
  const figure = new RegExp('[0-9][0-9,.\\u00a0]*(?:\\u00a0?(?:兆|億|万|трлн|млрд|млн|tn|bn))?'
    + '(?:\\u00a0?(?:円|ドル|ユーロ|иен|долл\\.|евро))?', 'g');
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    if (parent.closest('script, style, code, textarea, .visually-hidden, [hidden]')) continue;
    if (parent.closest('[lang^="en"]') && /--/.test(node.textContent)) continue;  // a source's garbled "--11"
    if (!parent.getClientRects().length) continue;
    let clipped = false;  // visually hidden (a phone's table headers): not read on screen
    for (let element = parent; element; element = element.parentElement) {
      if (getComputedStyle(element).clip.startsWith('rect')) clipped = true;
    }
    if (clipped) continue;
    const text = node.textContent;
    const spans = [];
    if (language === 'ja') {
      // Names and nouns: runs of kanji, katakana, Latin letters or digits ("ウズベキスタン",
      // "首脳会合"); where a particle or an inflection may go is the phrase segmenter's choice.
      for (const part of segmenter.segment(text)) {
        if (part.isWordLike && /^[\\u4e00-\\u9fff\\u30a0-\\u30ffA-Za-z0-9ー・]+$/.test(part.segment)) {
          spans.push([part.index, part.index + part.segment.length]);
        }
      }
    } else {
      // A line may end after a hyphen ("узбекско-/японских"), as in print.
      for (const match of text.matchAll(/[^ \\t\\n\\r-]+-?/g)) {
        spans.push([match.index, match.index + match[0].length]);
      }
    }
    for (const match of text.matchAll(figure)) spans.push([match.index, match.index + match[0].length]);
    for (const [start, end] of spans) {
      if (end - start < 2 || /^-+$/.test(text.slice(start, end))) continue;
      const range = document.createRange();
      range.setStart(node, start);
      range.setEnd(node, end);
      const tops = new Set();
      for (const rect of range.getClientRects()) {
        if (rect.width > 0) tops.add(Math.round(rect.top / 4));
      }
      if (tops.size > 1) broken.push(`${text.slice(start, end)} in ${parent.tagName}: ${text.slice(0, 30)}`);
    }
  }
  return broken;
}"""


@pytest.mark.parametrize(("code", "path"), CASES)
def test_a_page_reads_in_the_readers_language_and_is_set_well(page, site, code, path):
    for width in (375, 1280):  # each width loaded afresh: the filters open on a desktop's load
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{site}/{code}{path}")
        assert page.evaluate("document.documentElement.lang") == code
        assert page.evaluate(UNMARKED_ENGLISH) == [], width
        assert page.evaluate(BROKEN_WORDS, code) == [], width
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, width
        assert axe_serious(page) == [], width


def test_japanese_text_breaks_between_phrases(page, site):
    page.goto(f"{site}/ja/")
    assert page.evaluate("CSS.supports('word-break', 'auto-phrase')")
    assert page.evaluate("getComputedStyle(document.querySelector('main p')).wordBreak") == "auto-phrase"
    assert page.evaluate("getComputedStyle(document.querySelector('main p')).hyphens") != "auto"


# Each filter's chosen value wider than its box, in the box's own font: a select cannot wrap its
# text, so a wider one is cut ("Сначала нов…"). The room leaves out the padding and the arrow.
CUT_SELECTS = """() => {
  const context = document.createElement('canvas').getContext('2d');
  const cut = [];
  const selects = document.querySelectorAll('form.filters select');
  for (const select of selects) {
    const style = getComputedStyle(select);
    context.font = style.font;
    const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 24;
    const text = select.options[select.selectedIndex].text;
    if (context.measureText(text).width > room) cut.push(`${select.name}: ${text}`);
  }
  return {measured: selects.length, cut};
}"""


@pytest.mark.parametrize("code", ["en", "ja", "ru"])
def test_every_filter_shows_its_chosen_value_whole_on_a_phone_and_a_desktop(page, site, code):
    prefix = "" if code == "en" else f"/{code}"
    for path in ("/agreements/", "/commitments/"):
        page.goto(f"{site}{prefix}{path}")
        page.locator("details.more-filters").evaluate("details => { details.open = true; }")
        for width in (375, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            selects = page.evaluate(CUT_SELECTS)
            assert selects["measured"] >= 5, (path, width)  # the form's selects, not an empty page
            assert selects["cut"] == [], (path, width)
