import pytest
from playwright.sync_api import expect

from tests.browser.axe import axe_serious

MAIN_PAGES = [
    "/",
    "/commitments/",
    "/commitments/uz-digital-hub/",
    "/agreements/",
    "/agreements/uzbekistan-solar-power-plants/",
    "/countries/",
    "/countries/uzbekistan/",
    "/organizations/jbic/",
    "/priority-areas/connectivity/",
    "/target/",
    "/sources/",
    "/sources/summit-overview-2025-12-25/copy/",
    "/dialogue/",
    "/agreements/smartmining-plus/",
    "/changes/",
    "/agreements/?year=abc&min_yen=x",  # invalid filters: the errors and their descriptions
    "/agreements/?status=completed",  # no matches
    "/search/?q=solar",
    "/search/?q=hydrogen",  # nothing found
    "/data/",
    "/about/",
    "/embed/target/",
    "/embed/countries/kazakhstan/",
    "/agreements/?sort=-value",
]


def test_home_shows_the_two_figures_apart(page, site):
    page.goto(site + "/")
    expect(page.locator(".confirmed-line .confirmed-figure")).to_have_text("¥0")
    expect(page.locator(".reported-line .reported-figure")).to_have_text("at least ¥2.21 trillion")
    expect(page.locator(".reported-line")).to_contain_text("not confirmed as part of the Initiative")
    chart = page.get_by_role("img", name="Progress toward ¥3 trillion")
    expect(chart).to_be_visible()
    # The text alternative says the reported figure is an outline and not part of the stated one.
    description = page.locator("#target-bar-desc").text_content()
    assert "An outline only, never filled and not part of that figure" in description
    assert page.locator("rect.reported-outline").get_attribute("fill") == "none"


def test_filtering_agreements_by_country_narrows_the_list_and_the_url(page, site):
    page.goto(site + "/agreements/")
    rows = page.locator("table.records tbody tr")
    expect(rows).to_have_count(11)
    page.get_by_label("Country").select_option("uzbekistan")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/agreements/?*country=uzbekistan*")
    expect(rows).to_have_count(3)
    expect(page.locator(".result-count")).to_contain_text("3 agreements match these filters")


def test_detail_page_shows_its_timeline(page, site):
    page.goto(site + "/agreements/uzbekistan-solar-power-plants/")
    entry = page.locator(".timeline li").first
    expect(entry).to_contain_text("around 20 December 2025")
    expect(entry).to_contain_text("presented at the business forum after it")
    expect(entry.locator(".badge")).to_have_text("Signed")


def test_keyboard_reaches_the_skip_link_and_filters(page, site):
    page.goto(site + "/agreements/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    assert page.evaluate("document.activeElement.getBoundingClientRect().left") >= 0  # visible when focused
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    page.get_by_label("Search", exact=True).focus()
    page.keyboard.type("SmartMining")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=SmartMining**")
    expect(page.locator("table.records tbody tr")).to_have_count(1)


@pytest.mark.parametrize("path", MAIN_PAGES)
def test_a_main_page_fits_a_phone_keeps_its_policy_and_passes_axe(browser, browser_context_args, site, path):
    """Each page loaded on a 375-pixel phone and on a 1280-pixel desktop (afresh: the filters open
    on a desktop's load), in a browser that honours the Content-Security-Policy: nothing breaks the
    policy and axe finds no serious violation on either; on the phone nothing scrolls sideways and
    the menu and 16-pixel text stay. (Three tests loaded each page once or twice each before:
    a sixth of the suite's time.)"""
    context = browser.new_context(**{**browser_context_args, "bypass_csp": False})
    try:
        phone = context.new_page()
        phone.set_viewport_size({"width": 375, "height": 800})
        assert csp_violations(phone, site + path) == [], "on a phone"
        overflow = phone.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 375px"
        if not path.startswith("/embed/"):  # a widget framed by another site has no menu of its own
            expect(
                phone.get_by_role("navigation", name="Main").get_by_role("link", name="Agreements")
            ).to_be_visible()
        assert phone.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 16
        assert axe_serious(phone) == [], "on a phone"
        desktop = context.new_page()
        desktop.set_viewport_size({"width": 1280, "height": 720})
        assert csp_violations(desktop, site + path) == [], "on a desktop"
        assert axe_serious(desktop) == [], "on a desktop"
    finally:
        context.close()


def test_the_accessibility_check_catches_a_planted_violation(page, site):
    page.goto(site + "/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/x.png\">')")
    assert [(rule, impact) for rule, impact, _elements in axe_serious(page)] == [("image-alt", "critical")]


RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${where}`);
});
"""


def csp_violations(page, url):
    """What the page at url breaks of the policy it is served with, loaded in `page` (a page of a
    context that honours the policy)."""
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    # goto returns at the load event: every resource the page asked for came or was refused. Then
    # one more turn for the violation events queued meanwhile ("networkidle" waited half a second
    # of silence on each of the thirty pages).
    response = page.goto(url)
    page.evaluate("() => new Promise(resolve => setTimeout(resolve, 50))")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    return page.evaluate("window.__cspViolations")


def test_nothing_in_the_admin_breaks_the_content_security_policy(browser, site, editor):
    """The admin's lists and change forms, with their autocomplete widgets and date pickers,
    carry the policy and keep it (the public pages: test_a_main_page_fits_a_phone_…)."""
    from tests.conftest import EDITOR_PASSWORD

    context = browser.new_context(bypass_csp=False)
    try:
        login = context.new_page()
        login.goto(site + "/admin/login/")
        login.get_by_label("Username").fill("editor")
        login.get_by_label("Password").fill(EDITOR_PASSWORD)
        login.get_by_role("button", name="Log in").click()
        login.wait_for_url("**/admin/")
        from tracker.models import Agreement

        agreement = Agreement.objects.get(slug="uzbekistan-solar-power-plants")
        for path in (
            "/admin/",
            "/admin/tracker/agreement/",
            f"/admin/tracker/agreement/{agreement.pk}/change/",
            "/admin/tracker/commitment/add/",
        ):
            assert csp_violations(context.new_page(), site + path) == [], path
    finally:
        context.close()


def test_a_planted_inline_script_is_blocked(browser, site):
    """The check above can fail: an inline script is reported as a violation."""
    context = browser.new_context(bypass_csp=False)
    page = context.new_page()
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    page.goto(site + "/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = '1'; document.body.append(s); }"
    )
    page.wait_for_timeout(200)
    assert any(v.startswith("script-src") for v in page.evaluate("window.__cspViolations"))
    context.close()
