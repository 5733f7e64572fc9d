from django.urls import reverse


def test_home_shows_target_progress_from_the_fixtures(client, summit_data):
    response = client.get(reverse("tracker:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>¥2.21 trillion</strong>" in html
    assert "of ¥3.00 trillion" in html
    assert "≥ 73.7%" in html  # the total is a lower bound, so the share is too
    assert "1 USD = ¥157.894737 (20 Dec 2025)" in html
    assert "9 agreements not counted" in html
    assert "reached by" in html  # the pace projection
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
