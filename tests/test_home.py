from django.urls import reverse

from tests.factories import make_agreement
from tests.pages import first_sentence, follow_count_links, text_of


def test_home_headline_keeps_stated_and_reported_apart(client, summit_data):
    html = client.get(reverse("tracker:home")).content.decode()
    # The first sentence says, in words, that nothing is confirmed, and the confirmed figure is the
    # large one…
    assert first_sentence(html) == (
        "No agreement is yet confirmed by a source as part of the Tokyo Initiative: ¥0 of ¥3 trillion."
    )
    assert '<strong class="confirmed-figure">¥0</strong> of ¥3\u00a0trillion.' in html
    # …and the Uzbek and Kazakh deals follow as reported only, lower bounds rounded down, with
    # their qualifier and no share of the target that could be quoted as progress.
    assert (
        "Reported around the summit, not confirmed as part of the Initiative: "
        '<span class="reported-figure">at least ¥2.21\u00a0trillion</span>, kept apart and never added to '
        "the confirmed figure." in html
    )
    assert "73.6%" not in html and "73.7%" not in html and "if it all were" not in html
    assert "1 USD = ¥157.894736" in html
    assert "9 agreements not counted" in html
    # One day's announcements are not a pace.
    assert "not enough dated, confirmed figures to project" in html
    assert "reached by" not in html


def test_a_confirmed_agreement_becomes_the_first_sentence(client, summit_data):
    from tests.factories import make_source

    agreement = make_agreement(slug="test-confirmed", amount="600000000000", target_link="stated")
    agreement.target_link_sources.add(make_source())
    html = client.get(reverse("tracker:home")).content.decode()
    assert first_sentence(html) == (
        "Confirmed by a source as part of the Tokyo Initiative so far: ¥600 billion of ¥3 trillion (20.0%)."
    )
    # The bar fills the confirmed share; the reported figure stays an outline after it.
    assert '<rect class="tier tier-signed" x="0.000" y="3" width="20.000" height="10"></rect>' in html
    assert '<rect class="reported-outline" x="20.000" y="3.5" width="73.684"' in html


def test_home_says_what_the_tracker_holds(client, summit_data):
    response = client.get(reverse("tracker:home"))
    html = response.content.decode()
    assert "53 commitment records (45 distinct subjects by our reading" in text_of(html)
    assert "The sources report more than 150 documents signed" in html
    assert "every commitment" not in html.lower()
    assert response.context["commitment_statuses"][0] == ("not_assessed", "Not yet assessed", 53)
    assert {value: count for value, _label, count in response.context["agreement_statuses"]} == {
        "reported": 5,
        "signed": 6,
        "in_preparation": 0,
        "financing_committed": 0,
        "in_implementation": 0,
        "completed": 0,
        "suspended": 0,
        "cancelled": 0,
        "terminated_early": 0,
    }


def test_synthetic_records_never_reach_the_public_figures(client, summit_data):
    make_agreement(slug="made-up", title="Example: made up", amount="900000000000", is_synthetic=True)
    response = client.get(reverse("tracker:home"))
    html = response.content.decode()
    assert '<span class="reported-figure">at least ¥2.21\u00a0trillion</span>' in html
    assert '<strong class="confirmed-figure">¥0</strong>' in html and "Example: made up" not in html
    assert client.get("/agreements/made-up/").status_code == 404


def test_home_links_editors_to_the_admin(client, summit_data):
    response = client.get(reverse("tracker:home"))
    assert 'href="/admin/tracker/agreement/"' in response.content.decode()


def test_every_dashboard_count_links_to_the_list_it_counts(client, summit_data):
    """Each status count, priority-area count and country figure leads to a filtered list that
    holds exactly as many records as the dashboard says."""
    html = client.get(reverse("tracker:home")).content.decode()
    checked = follow_count_links(client, html)
    assert {
        "/commitments/?status=not_assessed",
        "/agreements/?status=reported",
        "/agreements/?status=signed",
        "/commitments/?priority_area=green-and-resilience",
        "/commitments/?priority_area=connectivity&status=not_assessed",
    } <= checked
    assert "/agreements/?status=completed" not in html  # a zero is said, not linked to an empty list
    # The country figures lead to that country's agreements with that tie to the target.
    assert (
        'href="/agreements/?country=uzbekistan&amp;target_link=reported">at least ¥1.73\u00a0trillion</a>'
        in html
    )


def test_countries_without_a_counted_value_are_named_with_the_reason(client, summit_data):
    text = text_of(client.get(reverse("tracker:home")).content.decode())
    assert (
        "Not shown: Kyrgyzstan, Tajikistan, Turkmenistan: no agreement the tracker holds for them "
        "has a value counted toward the target." in text
    )
