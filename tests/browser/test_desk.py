"""What only a browser shows of the editors' work (issue 19), at 1280 px: the desk, a status change
in a few clicks on a short form with every error beside its field, the audit trail in words, and
an import preview whose problems are readable without hovering."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import EDITOR_PASSWORD
from tracker.models import Agreement, Source

WIDTH = 1280


@pytest.fixture
def editors(site, make_staff):
    return make_staff("alice", "Editor"), make_staff("bob", "Editor")


def sign_in(page, site, username):
    page.set_viewport_size({"width": WIDTH, "height": 900})
    page.goto(site + "/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")


def test_a_status_change_takes_a_few_clicks_and_a_second_editor_publishes_it(browser, site, editors):
    alice = browser.new_page()
    sign_in(alice, site, "alice")
    clicks = 0
    alice.goto(site + "/admin/tracker/agreement/")
    row = alice.locator("#result_list tr", has_text="Next-Generation SmartMining Plus")
    row.get_by_role("link", name="change", exact=True).click()
    clicks += 1
    alice.wait_for_url(re.compile(r".*/status/$"))
    form_height = alice.evaluate(
        "document.querySelector('#content-main form').getBoundingClientRect().height"
    )
    status_top = alice.locator("#id_status").bounding_box()["y"]
    alice.select_option("#id_status", "in_implementation")
    clicks += 1
    alice.fill("#id_effective_on", "2026-03-02")
    alice.fill("#id_note", "Work reported under way.")
    undated = Source.objects.get(slug="initiative-and-proposals-report")
    # The source picker: open it, type, choose (the admin's autocomplete).
    alice.locator(".field-sources .select2-selection").click()
    alice.keyboard.type("Tokyo Initiative")
    alice.locator(".select2-results__option", has_text=undated.title[:20]).first.click()
    clicks += 2
    alice.get_by_role("button", name="Propose this status").click()
    clicks += 1
    alice.wait_for_url(re.compile(r".*/change/$"))
    assert "waits for a second editor" in alice.locator(".messagelist").inner_text()
    print(
        f"status change: {clicks} clicks, 2 typed fields, form {form_height:.0f} px, "
        f"status at {status_top:.0f} px"
    )
    assert clicks <= 5 and form_height < 1200 and status_top < 300
    assert Agreement.objects.get(slug="smartmining-plus").status == "reported"

    bob = browser.new_page()
    sign_in(bob, site, "bob")
    expect(bob.locator("#desk-waiting")).to_contain_text("Waiting for your review (1)")
    bob.locator(".desk-section").first.get_by_role("link").first.click()
    expect(bob.locator(".proposal-changes")).to_contain_text("In implementation")
    bob.get_by_role("button", name="Approve and publish").click()
    bob.wait_for_url("**/admin/")
    assert Agreement.objects.get(slug="smartmining-plus").status == "in_implementation"
    public = browser.new_page()
    public.goto(site + "/agreements/smartmining-plus/")
    expect(public.locator(".timeline")).to_contain_text("Reviewed by a second editor")


def test_every_error_is_beside_its_field_and_listed_at_the_top(page, site, editors):
    sign_in(page, site, "alice")
    agreement = Agreement.objects.get(slug="smartmining-plus")
    page.goto(f"{site}/admin/tracker/agreement/{agreement.pk}/status/")
    page.select_option("#id_status", "in_implementation")
    page.get_by_role("button", name="Propose this status").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    assert summary.bounding_box()["y"] < 300
    for field in ("effective_on", "note", "sources"):
        beside = page.locator(f".field-{field} .errorlist")
        expect(beside).to_be_visible()
        link = summary.locator(f'a[href="#id_{field}"]')
        expect(link).to_have_count(1)
    # Each error sits within its field's row, not a screen away.
    note_error, note_field = page.locator(".field-note .errorlist"), page.locator("#id_note")
    assert abs(note_error.bounding_box()["y"] - note_field.bounding_box()["y"]) < 80
    page.screenshot(path="/tmp/desk-short-form-errors-1280.png", full_page=True)


def test_the_history_reads_in_words_and_compares_two_versions(page, site, editors):
    sign_in(page, site, "alice")
    agreement = Agreement.objects.get(slug="smartmining-plus")
    url = f"{site}/admin/tracker/agreement/{agreement.pk}/change/"
    page.goto(url)
    page.fill("#id_description", agreement.description + " Checked again.")
    page.get_by_role("button", name="Save", exact=True).click()
    page.goto(url.replace("/change/", "/history/"))
    versions = page.locator(".versions > li")
    assert versions.count() >= 2
    first = versions.first
    expect(first).to_contain_text("alice")
    expect(first.locator(".version-changes")).to_contain_text("Description")
    assert "reported →" not in page.content()  # statuses in words, not codes
    # Read-only: nothing on the page can be typed into.
    assert page.locator("#content-main textarea, #content-main input[type=text]").count() == 0
    page.select_option("#compare-from", index=versions.count() - 1)
    page.get_by_role("button", name="Compare").click()
    expect(page.locator(".version-diff")).to_contain_text("Checked again.")
    page.screenshot(path="/tmp/desk-history-1280.png", full_page=True)


def test_an_import_preview_shows_each_problem_without_hovering(page, site, editors, tmp_path):
    sign_in(page, site, "alice")
    path = tmp_path / "agreements.csv"
    path.write_text(
        "slug,title,description,instrument,status,signed_on,sources\n"
        "good-row,A loan,Reported.,loan,reported,,initiative-and-proposals-report\n"
        "bad-row,A grant,Reported.,grant,reported,01/02/2026,no-such-source\n"
    )
    page.goto(site + "/admin/tracker/agreement/import/")
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="Preview").click()
    problems = page.locator("tr.has-problems .import-problems")
    expect(problems).to_be_visible()
    expect(problems).to_contain_text("01/02/2026")
    expect(problems).to_contain_text("no-such-source")
    width = page.evaluate("document.querySelector('.import-preview').getBoundingClientRect().width")
    assert width <= WIDTH
    # The file is kept: previewing again needs no new choice of file.
    expect(page.locator("text=Kept from your last upload")).to_be_visible()
    expect(page.get_by_role("button", name="Import these rows")).to_have_count(0)
    page.screenshot(path="/tmp/desk-import-preview-1280.png", full_page=True)


def test_the_desk_is_one_screen_of_things_to_do(page, site, editors):
    sign_in(page, site, "bob")
    for heading in (
        "Waiting for your review",
        "Returned to you",
        "Due for a check",
        "Status resting on one source",
    ):
        expect(page.get_by_role("heading", name=re.compile(heading))).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    page.screenshot(path="/tmp/desk-1280.png", full_page=True)
