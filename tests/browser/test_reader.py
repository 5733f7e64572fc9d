"""The reader's first questions, answered at a glance on a desktop and on a phone."""

import pytest
from playwright.sync_api import expect


def bottom_of(locator):
    box = locator.bounding_box()
    return box["y"] + box["height"]


def test_the_dashboard_answers_both_questions_on_the_first_desktop_screen(page, site):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site + "/")
    answers = [
        page.locator(".confirmed-line .confirmed-figure"),
        page.locator(".reported-line .reported-figure"),
        page.get_by_role("link", name="53 commitment records"),
        page.get_by_role("link", name="Not yet assessed: 53"),
        page.get_by_role("link", name="11 agreements, projects and packages"),
    ]
    for answer in answers:
        expect(answer).to_be_visible()
        assert bottom_of(answer) <= 900, f"{answer} is below the first screen"
    page.get_by_role("link", name="Not yet assessed: 53").click()
    page.wait_for_url("**/commitments/?status=not_assessed")
    expect(page.locator(".result-count")).to_contain_text("53 commitments match these filters")


def test_on_a_phone_the_target_comes_first_and_the_promises_follow(page, site):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(site + "/")
    assert bottom_of(page.locator(".reported-line .reported-figure")) <= 800
    promises = page.get_by_role("heading", name="The promises")
    target = page.get_by_role("heading", name="The ¥3 trillion target")
    assert target.bounding_box()["y"] < promises.bounding_box()["y"]


def test_on_a_phone_the_filters_are_folded_below_the_search_box_and_the_results_come_first(page, site):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(site + "/agreements/")
    expect(page.get_by_label("Country")).to_be_hidden()
    first_result = page.locator("table.records tbody tr").first
    assert first_result.bounding_box()["y"] < 800  # a result on the first screen
    page.get_by_text("Filters and sorting").click()
    page.get_by_label("Country").select_option("kazakhstan")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**country=kazakhstan**")
    # A set filter keeps the panel open, so the reader sees what narrows the list.
    expect(page.get_by_label("Country")).to_have_value("kazakhstan")
    expect(page.get_by_text("Filters and sorting (1 set)")).to_be_visible()
    expect(page.locator("table.records tbody tr")).to_have_count(2)


def test_on_a_wide_screen_the_filters_start_open(page, site):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site + "/agreements/")
    expect(page.get_by_label("Country")).to_be_visible()


@pytest.mark.parametrize(
    "path, message, rows",
    [
        ("/agreements/?q=hydrogen", "No agreement matches these filters.", 11),
        ("/agreements/?status=completed", "No agreement matches these filters.", 11),
        ("/commitments/?status=achieved", "No commitment matches these filters.", 25),
    ],
)
def test_an_empty_result_says_so_and_offers_the_way_back(page, site, path, message, rows):
    page.goto(site + path)
    expect(page.locator(".no-matches")).to_contain_text(message)
    expect(page.locator(".form-errors")).to_have_count(0)
    page.locator(".no-matches").get_by_role("link", name="Clear all filters").click()
    expect(page.locator("table.records tbody tr")).to_have_count(rows)


@pytest.mark.parametrize("width", [375, 1280])
def test_the_scorecards_compare_the_six_countries(page, site, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site + "/countries/")
    cards = page.locator("table.scorecards tbody tr")
    expect(cards).to_have_count(6)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    kyrgyzstan = cards.filter(has_text="Kyrgyzstan")
    expect(kyrgyzstan).to_contain_text("42 in all")
    kyrgyzstan.get_by_role("link", name="42 in all").click()
    page.wait_for_url("**/commitments/?country=kyrgyzstan")
    expect(page.locator(".result-count")).to_contain_text("42 commitments match these filters")


def test_a_country_page_groups_its_commitments_by_who_made_them_with_a_legend(page, site):
    page.goto(site + "/countries/kyrgyzstan/")
    legend = page.locator("#commitments-heading + p + figure .status-legend")
    expect(legend).to_contain_text("Not yet assessed: 42")
    expect(legend).to_contain_text("Achieved: 0")
    # 20 + 14 + 8 folded = the 42 of the legend: every commitment in exactly one group.
    expect(page.get_by_role("heading", name="Committed to jointly (20)")).to_be_visible()
    expect(page.get_by_role("heading", name="Announced by Japan, naming Kyrgyzstan (14)")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Proposed by other leaders, naming Kyrgyzstan (8)")
    ).to_be_visible()
