"""What only a browser shows of the first screen: the confirmed figure is the largest figure on the
page, what is only reported is smaller, grey and an outline in the bar, nothing scrolls sideways on
a phone, and the badges' lines stay inside the badge, in English, Japanese and Russian."""

import pytest

from tests.browser.axe import axe_serious

PREFIXES = {"en": "", "ja": "/ja", "ru": "/ru"}
PAGES = ["/", "/target/", "/countries/kazakhstan/", "/embed/target/", "/embed/countries/kazakhstan/"]

# Every rendered text holding a digit (a figure, a count, a date), its font size and colour.
FIGURES = """() => {
  const confirmed = document.querySelector('.confirmed-figure');
  const style = element => getComputedStyle(element);
  const figures = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, element = node.parentElement;
    if (!/\\d/.test(node.textContent) || confirmed.contains(element)) continue;
    const box = element.getBoundingClientRect();
    if (!box.width || !box.height || style(element).visibility === 'hidden') continue;
    figures.push([parseFloat(style(element).fontSize), node.textContent.trim().slice(0, 60)]);
  }
  const reported = document.querySelector('.reported-figure');
  return {
    confirmed: parseFloat(style(confirmed).fontSize),
    figures,
    reported: reported && [parseFloat(style(reported).fontSize), style(reported).color],
  };
}"""


def channels(colour):
    return [int(part) for part in colour[colour.index("(") + 1 : colour.index(")")].split(",")[:3]]


@pytest.mark.parametrize("code", list(PREFIXES))
@pytest.mark.parametrize("path", PAGES)
def test_the_confirmed_figure_is_the_largest_and_the_reported_one_grey(page, site, path, code):
    for width in (375, 1280):  # each width loaded afresh, as a phone and a desktop load it
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(site + PREFIXES[code] + path)
        found = page.evaluate(FIGURES)
        larger = [figure for figure in found["figures"] if figure[0] >= found["confirmed"]]
        assert larger == [], (
            f"as large as the confirmed figure ({found['confirmed']}px) at {width}px: {larger}"
        )
        size, colour = found["reported"]
        assert size < found["confirmed"] * 0.6, width
        red, green, blue = channels(colour)
        assert max(red, green, blue) - min(red, green, blue) < 30, f"{colour} is not a neutral grey"
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"


@pytest.mark.parametrize("path", ["/", "/target/"])
def test_the_bar_draws_the_reported_figure_as_an_outline(page, site, path):
    page.goto(site + path)
    outline = page.locator("figure.target-chart rect.reported-outline")
    style = outline.evaluate("rect => [getComputedStyle(rect).fill, getComputedStyle(rect).stroke]")
    assert style[0] == "none" and style[1] not in ("none", "")
    assert outline.bounding_box()["width"] > 100  # at least ¥2.21 trillion of ¥3 trillion: most of the bar
    filled = page.locator("figure.target-chart rect.tier").evaluate_all(
        "rects => rects.map(rect => rect.getBoundingClientRect().width)"
    )
    assert max(filled) == 0  # nothing is confirmed: nothing is filled


@pytest.mark.parametrize("code", list(PREFIXES))
@pytest.mark.parametrize("path", ["/embed/target.svg", "/embed/countries/kazakhstan.svg"])
def test_the_badges_lines_stay_inside_the_badge(page, site, code, path):
    page.goto(site + PREFIXES[code] + path)
    edges = page.evaluate(
        "[...document.querySelectorAll('text')].map(text => {"
        " const box = text.getBBox(); return [box.x + box.width, box.y + box.height, text.textContent]; })"
    )
    outside = [edge for edge in edges if edge[0] > 472 or edge[1] > 112]
    assert outside == []


@pytest.mark.parametrize("code", list(PREFIXES))
@pytest.mark.parametrize("path", ["/embed/target/", "/embed/countries/kazakhstan/"])
def test_the_widgets_pass_axe(page, site, code, path):
    page.goto(site + PREFIXES[code] + path)
    assert axe_serious(page) == []
