import pytest
from django.urls import reverse

from tests.factories import make_agreement


def test_home_shows_target_progress_from_the_fixtures(client, summit_data):
    response = client.get(reverse("tracker:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>¥2.21 trillion</strong>" in html
    assert "of ¥3.00 trillion" in html
    assert "≥ 73.7%" in html  # the total is a lower bound, so the share is too
    assert "1 USD = ¥157.894737 (20 Dec 2025)" in html
    assert "9 agreements not counted" in html
    assert response.context["commitment_statuses"][0] == ("not_assessed", "Not yet assessed", 49)
    assert {value: count for value, _label, count in response.context["agreement_statuses"]} == {
        "signed": 10,
        "in_preparation": 1,
        "financing_committed": 0,
        "in_implementation": 0,
        "completed": 0,
        "suspended": 0,
        "cancelled": 0,
        "terminated_early": 0,
    }


def test_home_links_editors_to_the_admin(client, summit_data):
    response = client.get(reverse("tracker:home"))
    assert 'href="/admin/tracker/agreement/"' in response.content.decode()


@pytest.mark.parametrize("extra_agreements", [0, 200])
def test_home_runs_a_fixed_number_of_queries(
    client, summit_data, django_assert_num_queries, extra_agreements
):
    for number in range(extra_agreements):
        make_agreement(amount=str(1000 + number), title=f"Synthetic {number}", is_synthetic=True)
    # 1 target; counting: 2 agreements, 3 their party roles with parties, 4 their sectors,
    # 5 exchange rates; 6-7 commitment and agreement status tallies; 8-9 their totals;
    # 10 the latest status change (data last updated).
    with django_assert_num_queries(10):
        client.get(reverse("tracker:home"))
