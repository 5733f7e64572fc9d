"""What only a browser shows of the assessment method: a badge leads to its definition in one
tap, a country page's groups, the coverage line on the first screen, no axe violations, at a
phone's width and a desktop's."""

import pytest

from tests.browser.axe import axe_serious

WIDTHS = [375, 1280]


@pytest.mark.parametrize("width", WIDTHS)
def test_a_badge_leads_to_its_definition_in_one_tap(page, site, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site + "/commitments/")
    page.locator("a.badge-not_assessed").first.click()
    page.wait_for_url("**/method/#status-not_assessed")
    row = page.locator("#status-not_assessed")
    assert row.is_visible()
    assert "does not mean that nothing" in row.inner_text()
    assert axe_serious(page) == []


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("prefix", ["", "/ja", "/ru"])
def test_a_country_page_shows_its_groups_and_the_first_screen_its_coverage(page, site, width, prefix):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site + prefix + "/countries/kazakhstan/")
    for group in ("proposed", "joint", "japan"):
        assert page.locator(f"#group-{group}").is_visible(), group
    others = page.locator("details.other-proposals")
    assert others.get_attribute("open") is None  # another leader's proposals stay folded
    assert not page.locator("details.other-proposals .record-list").is_visible()
    assert page.locator(".compliance-line").is_visible()
    assert axe_serious(page) == []
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    page.goto(site + prefix + "/")
    coverage = page.locator(".coverage-line")
    assert coverage.is_visible()
    assert coverage.bounding_box()["y"] < 1800  # on the first screens, beside the promises
    assert "53" in coverage.inner_text()
    assert axe_serious(page) == []
