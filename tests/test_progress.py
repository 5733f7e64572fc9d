import datetime
from decimal import Decimal

import pytest

from tests.factories import make_agreement, make_country, make_rate, make_sector, make_target
from tracker.models import Agreement
from tracker.progress import compute_progress, window_elapsed

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 6, 1)


def progress(target=None):
    return compute_progress(target=target or make_target(), on_date=DAY)


def reasons(result):
    return {item.agreement.slug: item.reason for item in result.excluded}


def test_yen_values_are_summed_exactly():
    make_agreement(amount="1000000000")
    make_agreement(amount="2500000000")
    result = progress()
    assert result.total.yen == Decimal("3500000000")
    assert result.total.qualifier == ""


def test_foreign_values_convert_at_the_rate_on_or_before_signing():
    make_rate("USD", "150", datetime.date(2025, 12, 1))
    make_rate("USD", "160", datetime.date(2026, 3, 1))  # after signing: must not be used
    make_agreement(amount="1000000", currency="USD", signed_on=datetime.date(2026, 1, 15))
    result = progress()
    (line,) = result.counted
    assert line.yen == Decimal("150000000")
    assert line.rate.rate_to_jpy == Decimal("150")
    assert line.rate.effective_on == datetime.date(2025, 12, 1)


def test_value_without_a_rate_is_excluded_with_the_reason():
    make_rate("USD", "150", datetime.date(2026, 3, 1))
    make_agreement(slug="early", amount="5", currency="USD", signed_on=datetime.date(2026, 1, 1))
    result = progress()
    assert result.total.yen == 0
    assert reasons(result) == {"early": "no USD exchange rate on or before 2026-01-01"}


def test_lower_bounds_stay_lower_bounds():
    make_agreement(amount="100", exactness="lower_bound")
    make_agreement(amount="50", exactness="approximate")
    result = progress()
    assert result.total.yen == Decimal("150")
    assert result.total.lower_bound and result.total.approximate
    assert result.total.qualifier == "at least"


def test_lower_bound_conversion_rounds_down():
    make_rate("USD", "157.894737", datetime.date(2025, 12, 20))
    make_agreement(amount="3", currency="USD", exactness="lower_bound")
    assert progress().total.yen == Decimal("473")  # 473.684211 rounded down, never up


def test_excluded_agreements_are_listed_with_reasons():
    make_agreement(slug="no-value")
    make_agreement(slug="cancelled", amount="10", status=Agreement.Status.CANCELLED)
    make_agreement(slug="terminated", amount="10", status=Agreement.Status.TERMINATED_EARLY)
    make_agreement(slug="suspended", amount="10", status=Agreement.Status.SUSPENDED)
    make_agreement(slug="not-counted", amount="10", counts_toward_target=False)
    make_agreement(slug="counted", amount="10")
    result = progress()
    assert result.total.yen == Decimal("10")
    assert reasons(result) == {
        "no-value": "no value stated",
        "cancelled": "cancelled",
        "terminated": "terminated early",
        "suspended": "suspended: not counted while work is halted",
        "not-counted": "not a business project under the target",
    }


def test_fully_itemized_package_is_replaced_by_its_parts():
    package = make_agreement(slug="package", amount="100", is_aggregate=True)
    make_agreement(amount="60", part_of=package, status=Agreement.Status.IN_IMPLEMENTATION)
    make_agreement(amount="40", part_of=package)
    result = progress()
    assert result.total.yen == Decimal("100")
    assert "package" in reasons(result)
    tiers = {group.key: group.amount.yen for group in result.by_tier}
    assert tiers == {"signed": 40, "financing": 0, "implementation": 60, "completed": 0}


def test_partly_itemized_package_counts_only_its_remainder():
    package = make_agreement(slug="package", amount="100", exactness="lower_bound", is_aggregate=True)
    make_agreement(slug="part", amount="30", part_of=package)
    result = progress()
    lines = {line.agreement.slug: line for line in result.counted}
    assert lines["package"].yen == Decimal("70") and lines["package"].is_remainder
    assert lines["part"].yen == Decimal("30")
    assert result.total.yen == Decimal("100")  # never 130
    assert result.total.lower_bound


def test_parts_without_values_leave_the_package_whole():
    package = make_agreement(amount="100", is_aggregate=True)
    make_agreement(slug="unvalued-part", part_of=package)
    result = progress()
    assert result.total.yen == Decimal("100")
    assert reasons(result) == {"unvalued-part": "no value stated"}


def test_breakdowns_sum_to_the_total_without_double_counting():
    kazakhstan, uzbekistan = make_country("Kazakhstan", "KZ"), make_country("Uzbekistan", "UZ")
    japan = make_country("Japan", "JP")
    energy, health = make_sector("Energy"), make_sector("Health")
    make_agreement(amount="10", countries=[kazakhstan, japan], sectors=[energy])
    make_agreement(amount="20", countries=[kazakhstan, uzbekistan], sectors=[energy, health])
    make_agreement(amount="5", countries=[japan], signed_on=None)
    result = progress()
    countries = {group.label: group.amount.yen for group in result.by_country}
    assert countries == {
        "Kazakhstan": 10,
        "Several Central Asian countries": 20,
        "No single Central Asian country named": 5,
    }
    sectors = {group.label: group.amount.yen for group in result.by_sector}
    assert sectors == {"Energy": 10, "Several sectors": 20, "Sector not stated": 5}
    years = {group.label: group.amount.yen for group in result.by_year}
    assert years == {"2025": 30, "Signing date not stated": 5}
    for breakdown in (result.by_tier, result.by_country, result.by_sector, result.by_year):
        assert sum(group.amount.yen for group in breakdown) == result.total.yen


def test_share_of_target_and_window():
    target = make_target(amount=Decimal("1000"), starts_on=datetime.date(2020, 1, 1), duration_years=2)
    make_agreement(amount="250", signed_on=datetime.date(2020, 6, 1))
    result = compute_progress(target=target, on_date=datetime.date(2021, 1, 1))
    assert result.share_of_target == Decimal("0.25")
    assert result.share_of_window_elapsed == Decimal(366) / Decimal(731)
    assert window_elapsed(target, datetime.date(2019, 1, 1)) == 0
    assert window_elapsed(target, datetime.date(2030, 1, 1)) == 1


def test_projection_at_current_pace():
    target = make_target(amount=Decimal("1000"), starts_on=datetime.date(2020, 1, 1), duration_years=5)
    make_agreement(amount="100", signed_on=datetime.date(2020, 2, 1))
    slow = compute_progress(target=target, on_date=datetime.date(2021, 1, 1))
    assert slow.projected_completion == datetime.date(2020, 1, 1) + datetime.timedelta(days=3660)
    assert not slow.on_pace
    make_agreement(amount="400", signed_on=datetime.date(2020, 3, 1))
    fast = compute_progress(target=target, on_date=datetime.date(2021, 1, 1))
    assert fast.projected_completion == datetime.date(2020, 1, 1) + datetime.timedelta(days=732)
    assert fast.on_pace


def test_target_window_ends_five_years_after_the_summit(summit_data):
    from tracker.models import Target

    target = Target.objects.get(slug="tokyo-initiative")
    assert target.ends_on == datetime.date(2030, 12, 20)


def test_progress_on_the_shipped_data(summit_data):
    from tracker.models import Target

    result = compute_progress(target=Target.objects.get(), on_date=datetime.date(2026, 12, 20))
    # Uzbek package "over $11 billion" and Kazakh package "over $3 billion" at ¥157.894737 / $.
    assert result.total.yen == Decimal("1736842107000") + Decimal("473684211000")
    assert result.total.lower_bound
    assert {line.agreement.slug for line in result.counted} == {
        "uzbekistan-japan-summit-package",
        "kazakhstan-japan-summit-package",
    }
    assert reasons(result)["tashkent-international-airport"] == "not a business project under the target"
    assert result.share_of_window_elapsed == Decimal(365) / Decimal(1826)
