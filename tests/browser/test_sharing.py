"""What only a browser shows: the header's search, sorting by a column, the badge drawn as an
image, the widget framed by another site, and the admin's merge after an edit conflict."""

from playwright.sync_api import expect

from tests.conftest import EDITOR_PASSWORD


def test_the_header_search_finds_records_of_every_kind(page, site):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(site + "/priority-areas/")
    page.get_by_role("searchbox", name="Search the tracker").fill("solar")
    page.get_by_role("searchbox", name="Search the tracker").press("Enter")
    page.wait_for_url("**/search/?q=solar")
    expect(page.locator(".result-count")).to_contain_text("for “solar”")
    expect(page.get_by_role("heading", name="Agreements (1)")).to_be_visible()
    page.get_by_role("link", name="Two solar power plants in Uzbekistan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two solar power plants in Uzbekistan")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_column_header_sorts_and_a_second_click_reverses(page, site):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site + "/agreements/?country=uzbekistan")
    page.get_by_role("link", name="Value", exact=True).click()
    page.wait_for_url("**/agreements/?country=uzbekistan&sort=value")
    header = page.locator("th[aria-sort]")
    expect(header).to_have_attribute("aria-sort", "ascending")
    header.get_by_role("link").click()
    page.wait_for_url("**sort=-value")
    expect(page.locator("th[aria-sort]")).to_have_attribute("aria-sort", "descending")
    first = page.locator("table.records tbody tr").first
    expect(first).to_contain_text("Uzbekistan–Japan agreements signed at the summit")  # the largest


def test_the_badge_draws_and_the_widget_can_be_framed_by_another_site(browser, site):
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # honours CSP and framing rules
    page = context.new_page()
    page.goto(site + "/target/#embed")
    badge = page.locator("img.embed-preview")
    expect(badge).to_be_visible()
    assert page.evaluate("(img) => img.complete && img.naturalWidth", badge.element_handle()) == 480
    # Another origin (localhost instead of 127.0.0.1) frames the widget; the target page it refuses.
    other = site.replace("127.0.0.1", "localhost")
    page.goto(other + "/robots.txt")
    page.set_content(
        f'<iframe id="w" src="{site}/embed/target/" width="480" height="300"></iframe>'
        f'<iframe id="p" src="{site}/target/" width="480" height="300"></iframe>'
    )
    widget = page.frame_locator("#w")
    reported = widget.get_by_text("Reported around the summit, not confirmed as part of the Initiative")
    expect(reported).to_be_visible()
    page.wait_for_timeout(500)
    refused = page.frame_locator("#p").get_by_text("and how we count it")
    assert refused.count() == 0, "the target page must not render inside another site's frame"
    # The same check sees a page that does render (so it cannot pass by looking at nothing).
    assert page.frame_locator("#w").get_by_text("never added").count() == 1
    page.wait_for_load_state("networkidle")  # no request left in flight for the live server
    context.close()


def test_after_an_edit_conflict_the_editor_sees_their_typing_and_the_other_change(browser, site, make_staff):
    from tracker.models import Agreement

    agreement = Agreement.objects.get(slug="sojitz-medical-centre")
    url = f"{site}/admin/tracker/agreement/{agreement.pk}/change/"
    pages = []
    for name in ("alice", "bob"):
        make_staff(name, "Editor")
        page = browser.new_page()
        page.goto(site + "/admin/login/")
        page.fill("#id_username", name)
        page.fill("#id_password", EDITOR_PASSWORD)
        page.click("input[type=submit]")
        page.goto(url)
        pages.append(page)
    alice, bob = pages
    alice.fill("#id_description", "Alice's description.")
    alice.click("input[name=_save]")
    bob.fill("#id_description", "Bob's description.")
    bob.click("input[name=_save]")
    expect(bob.locator(".errornote, .errorlist").first).to_be_visible()
    expect(bob.locator("#id_description")).to_have_value("Bob's description.")
    expect(bob.locator(".field-description .errorlist")).to_contain_text("alice changed this meanwhile")
    bob.click("input[name=_save]")  # keeps Bob's, now that he has seen Alice's
    bob.wait_for_url("**/admin/tracker/agreement/")
    agreement.refresh_from_db()
    assert agreement.description == "Bob's description."
    for page in pages:
        page.wait_for_load_state("networkidle")
        page.close()


def test_the_editors_lists_fit_a_1280_pixel_screen(browser, site, make_staff):
    make_staff("lists", "Editor")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(site + "/admin/login/")
    page.fill("#id_username", "lists")
    page.fill("#id_password", EDITOR_PASSWORD)
    page.click("input[type=submit]")
    for path in ("/admin/tracker/commitment/", "/admin/tracker/agreement/", "/ru/admin/tracker/agreement/"):
        page.goto(site + path)
        table, area = page.evaluate(
            "[document.querySelector('#result_list').getBoundingClientRect().width,"
            " document.querySelector('#changelist .results').clientWidth]"
        )
        assert table <= area, f"{path}: the list is {table - area:.0f} px wider than its area"
    page.close()
