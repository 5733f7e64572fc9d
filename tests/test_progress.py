import datetime
from decimal import Decimal

import pytest

from tests.factories import make_agreement, make_country, make_rate, make_sector, make_target
from tracker.models import Agreement, Exactness, Target
from tracker.progress import Split, compute_progress, counted_sum, window_elapsed
from tracker.synthetic import create_synthetic

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 6, 1)
STATED = Agreement.TargetLink.STATED


def progress(target=None, on_date=DAY):
    return compute_progress(target=target or make_target(), on_date=on_date)


def reasons(result):
    """{slug: exclusion code} of the agreements the target page lists as not counted."""
    return {
        agreement.slug: agreement.exclusion
        for _label, _n, examples in result.exclusion_groups
        for agreement in examples
    }


def stated(**fields):
    return make_agreement(target_link=STATED, **fields)


def test_yen_values_are_summed_exactly():
    stated(amount="1000000000")
    stated(amount="2500000000")
    result = progress()
    assert result.stated.yen == Decimal("3500000000")
    assert result.stated.exactness == Exactness.EXACT


def test_sums_beyond_fifteen_digits_stay_exact():
    """Django reads a decimal sum on SQLite through a conversion to 15 significant digits; the
    sums are read as whole yen, so a total of ¥1,000 trillion or more is exact to the yen."""
    kazakhstan = make_country("Kazakhstan", "KZ")
    for amount in ("999999999999999", "999999999999999", "3"):
        stated(amount=amount, countries=[kazakhstan])
    result = progress()
    exact = Decimal("2000000000000001")
    assert result.stated.yen == exact
    assert [(group.label, group.split.stated.yen) for group in result.by_country] == [("Kazakhstan", exact)]
    assert result.involving_country[kazakhstan.pk].stated.yen == exact
    assert counted_sum(Agreement.objects.all()).stated.yen == exact


def test_stated_and_reported_figures_are_kept_apart():
    stated(amount="100")
    make_agreement(amount="40", target_link=Agreement.TargetLink.REPORTED)
    make_agreement(slug="outside", amount="1000", target_link=Agreement.TargetLink.NOT_PART)
    result = progress()
    assert (result.stated.yen, result.reported.yen) == (Decimal("100"), Decimal("40"))
    assert reasons(result) == {"outside": "not_part"}
    tiers = {group.key: (group.split.stated.yen, group.split.reported.yen) for group in result.by_tier}
    assert tiers["signed"] == (100, 40)


def test_synthetic_records_never_count(settings):
    stated(amount="100")
    stated(amount="5000", is_synthetic=True)
    assert progress().stated.yen == Decimal("100")
    settings.SHOW_SYNTHETIC_RECORDS = True  # a test or benchmark database may show them
    assert progress().stated.yen == Decimal("5100")


def test_foreign_values_convert_at_the_rate_on_or_before_signing():
    make_rate("USD", "150", datetime.date(2025, 12, 1))
    make_rate("USD", "160", datetime.date(2026, 3, 1))  # after signing: must not be used
    stated(amount="1000000", currency="USD", signed_on=datetime.date(2026, 1, 15))
    result = progress()
    (line,) = result.counted_shown
    assert line.yen == Decimal("150000000")
    assert line.rate.rate_to_jpy == Decimal("150")
    assert line.rate.effective_on == datetime.date(2025, 12, 1)


def test_a_new_rate_changes_the_stored_figures():
    rate = make_rate("USD", "150", datetime.date(2025, 12, 1))
    agreement = stated(amount="10", currency="USD")
    assert progress().stated.yen == Decimal("1500")
    rate.rate_to_jpy = Decimal("151")
    rate.save()  # restates every value in its currency (tracker.counting), in the same transaction
    agreement.refresh_from_db()
    assert agreement.yen_value == Decimal("1510")
    assert progress().stated.yen == Decimal("1510")


def test_value_without_a_rate_is_excluded_with_the_reason():
    make_rate("USD", "150", datetime.date(2026, 3, 1))
    stated(slug="early", amount="5", currency="USD", signed_on=datetime.date(2026, 1, 1))
    result = progress()
    assert result.stated.yen == 0
    assert reasons(result) == {"early": "no_rate"}
    assert str(result.exclusion_groups[0][0]).startswith("no exchange rate to yen")


def test_lower_bounds_stay_lower_bounds():
    stated(amount="100", exactness="lower_bound")
    stated(amount="50", exactness="approximate")
    result = progress()
    assert result.stated.yen == Decimal("150")
    assert result.stated.lower_bound and result.stated.approximate
    assert result.stated.exactness == Exactness.LOWER_BOUND


def test_lower_bound_conversion_rounds_down():
    make_rate("USD", "157.894737", datetime.date(2025, 12, 20))
    stated(amount="3", currency="USD", exactness="lower_bound")
    assert progress().stated.yen == Decimal("473")  # 473.684211 rounded down, never up


def test_excluded_agreements_are_listed_with_reasons():
    target = make_target()
    stated(slug="no-value")
    stated(slug="cancelled", amount="10", status=Agreement.Status.CANCELLED)
    stated(slug="terminated", amount="10", status=Agreement.Status.TERMINATED_EARLY)
    stated(slug="suspended", amount="10", status=Agreement.Status.SUSPENDED)
    stated(slug="late", amount="10", signed_on=target.ends_on + datetime.timedelta(days=1))
    stated(slug="last-day", amount="7", signed_on=target.ends_on)
    stated(slug="counted", amount="10")
    result = progress(target)
    assert result.stated.yen == Decimal("17")
    assert reasons(result) == {
        "no-value": "no_value",
        "cancelled": "cancelled",
        "terminated": "terminated_early",
        "suspended": "suspended",
        "late": "after_window",
    }
    assert {str(label) for label, _n, _examples in result.exclusion_groups} >= {
        "signed after the five-year window closed"
    }


def test_fully_itemized_package_is_replaced_by_its_parts():
    package = stated(slug="package", amount="100", is_aggregate=True)
    stated(amount="60", part_of=package, part_of_basis="stated", status=Agreement.Status.IN_IMPLEMENTATION)
    stated(amount="40", part_of=package, part_of_basis="stated")
    result = progress()
    assert result.stated.yen == Decimal("100")
    assert reasons(result)["package"] == "fully_itemized"
    tiers = {group.key: group.split.stated.yen for group in result.by_tier}
    assert tiers == {"signed": 40, "financing": 0, "implementation": 60, "completed": 0}


def test_partly_itemized_package_counts_only_its_remainder():
    package = stated(slug="package", amount="100", exactness="lower_bound", is_aggregate=True)
    stated(slug="part", amount="30", part_of=package, part_of_basis="inferred")
    result = progress()
    lines = {line.agreement.slug: line for line in result.counted_shown}
    assert lines["package"].yen == Decimal("70") and lines["package"].is_remainder
    assert lines["part"].yen == Decimal("30")
    assert result.stated.yen == Decimal("100")  # never 130
    assert result.stated.lower_bound


def test_parts_without_values_leave_the_package_whole():
    package = stated(amount="100", is_aggregate=True)
    stated(slug="unvalued-part", part_of=package, part_of_basis="inferred")
    result = progress()
    assert result.stated.yen == Decimal("100")
    assert reasons(result) == {"unvalued-part": "no_value"}


def test_breakdowns_sum_to_their_figure_without_double_counting():
    kazakhstan, uzbekistan = make_country("Kazakhstan", "KZ"), make_country("Uzbekistan", "UZ")
    japan = make_country("Japan", "JP")
    energy, health = make_sector("Energy"), make_sector("Health")
    stated(amount="10", countries=[kazakhstan, japan], sectors=[energy])
    stated(amount="20", countries=[kazakhstan, uzbekistan], sectors=[energy, health])
    stated(amount="5", countries=[japan], signed_on=None)
    result = progress()
    countries = {group.label: group.split.stated.yen for group in result.by_country}
    assert countries == {
        "Kazakhstan": 10,
        "Several Central Asian countries": 20,
        "No single Central Asian country named": 5,
    }
    sectors = {group.label: group.split.stated.yen for group in result.by_sector}
    assert sectors == {"Energy": 10, "Several sectors": 20, "Sector not stated": 5}
    years = {group.label: group.split.stated.yen for group in result.by_year}
    assert years == {"2025": 30, "Signing date not stated": 5}
    for breakdown in (result.by_tier, result.by_country, result.by_sector, result.by_year):
        assert sum(group.split.stated.yen for group in breakdown) == result.stated.yen


def test_a_country_with_two_roles_on_one_agreement_counts_once():
    from tracker.models import AgreementParty

    kazakhstan = make_country("Kazakhstan", "KZ")
    agreement = stated(amount="10", countries=[kazakhstan])
    AgreementParty.objects.create(agreement=agreement, party=kazakhstan, role="host_country")
    result = progress()
    assert {group.label: group.split.stated.yen for group in result.by_country} == {"Kazakhstan": 10}


def test_country_figures_are_the_same_however_many_masks_hold_the_countries(monkeypatch):
    """Each country is a bit of a mask; past MASK_BITS countries a second mask is grouped by too.
    With one country per mask the figures must not change."""
    from tracker import progress as module
    from tracker.models import AgreementParty

    kazakhstan, uzbekistan = make_country("Kazakhstan", "KZ"), make_country("Uzbekistan", "UZ")
    tajikistan, japan = make_country("Tajikistan", "TJ"), make_country("Japan", "JP")
    stated(amount="10", countries=[kazakhstan, uzbekistan])
    two_roles = stated(amount="20", countries=[tajikistan])
    AgreementParty.objects.create(agreement=two_roles, party=tajikistan, role="host_country")
    stated(amount="40", countries=[japan])
    make_agreement(amount="80", countries=[uzbekistan, japan], target_link=Agreement.TargetLink.REPORTED)

    def figures():
        result = progress()
        by_country = {
            group.key: (group.split.stated.yen, group.split.reported.yen) for group in result.by_country
        }
        involving = {
            pk: (split.stated.yen, split.reported.yen) for pk, split in result.involving_country.items()
        }
        return by_country, involving

    one_mask = figures()
    assert one_mask == (
        {
            "several-countries": (10, 0),
            "tajikistan": (20, 0),
            "no-country": (40, 0),
            "uzbekistan": (0, 80),
        },
        {kazakhstan.pk: (10, 0), uzbekistan.pk: (10, 80), tajikistan.pk: (20, 0), japan.pk: (40, 80)},
    )
    monkeypatch.setattr(module, "MASK_BITS", 1)
    assert figures() == one_mask


def test_a_country_figure_is_at_least_when_one_of_its_lower_bounds_is_zero_yen():
    """A counted lower bound that rounds to ¥0 (an amount of 0.3 yen, "at least") still makes the
    total of every country in it a lower bound, as it makes the breakdown's: the true value may be
    more. (The per-country sums once skipped a zero and called the total exact.)"""
    kazakhstan = make_country("Kazakhstan", "KZ")
    stated(amount="100", countries=[kazakhstan])
    stated(amount="0.3", exactness=Exactness.LOWER_BOUND, countries=[kazakhstan])
    result = progress()
    [group] = result.by_country
    own = result.involving_country[kazakhstan.pk]
    assert (group.split.stated.yen, group.split.stated.exactness) == (100, Exactness.LOWER_BOUND)
    assert (own.stated.yen, own.stated.exactness) == (100, Exactness.LOWER_BOUND)


def test_share_of_target_and_window():
    target = make_target(amount=Decimal("1000"), starts_on=datetime.date(2020, 1, 1), duration_years=2)
    stated(amount="250", signed_on=datetime.date(2020, 6, 1))
    result = compute_progress(target=target, on_date=datetime.date(2021, 1, 1))
    assert result.stated_share == Decimal("0.25")
    assert result.share_of_window_elapsed == Decimal(366) / Decimal(731)
    assert window_elapsed(target, datetime.date(2019, 1, 1)) == 0
    assert window_elapsed(target, datetime.date(2030, 1, 1)) == 1


def test_no_projection_from_one_days_announcements():
    target = make_target(amount=Decimal("1000"), starts_on=datetime.date(2020, 1, 1), duration_years=5)
    stated(amount="700", signed_on=datetime.date(2020, 1, 1))
    make_agreement(amount="100", signed_on=datetime.date(2020, 9, 1))  # reported only: not a pace
    make_agreement(amount="100", signed_on=datetime.date(2021, 6, 1))
    assert compute_progress(target=target, on_date=datetime.date(2022, 1, 1)).projection is None


def test_projection_rests_on_dated_confirmed_values_over_time():
    target = make_target(amount=Decimal("1000"), starts_on=datetime.date(2020, 1, 1), duration_years=5)
    stated(amount="100", signed_on=datetime.date(2020, 1, 1))
    stated(amount="100", signed_on=datetime.date(2020, 4, 10))  # 100 days later
    stated(amount="100", signed_on=datetime.date(2020, 7, 19))  # 200 days after the first
    stated(amount="900", signed_on=None, signed_on_accuracy="unknown")  # undated: not part of a pace
    pace = compute_progress(target=target, on_date=datetime.date(2021, 1, 1)).projection
    assert (pace.first_date, pace.last_date, pace.dates) == (
        datetime.date(2020, 1, 1),
        datetime.date(2020, 7, 19),
        3,
    )
    assert pace.yen_per_year == Decimal(200) / 200 * 365  # 200 yen added over 200 days
    # The stated figure (1,200) has passed the target already.
    assert pace.reached_on == datetime.date(2020, 7, 19) and pace.on_pace


def test_projection_says_when_the_pace_falls_short():
    target = make_target(amount=Decimal("100000"), starts_on=datetime.date(2020, 1, 1), duration_years=5)
    for day in (datetime.date(2020, 1, 1), datetime.date(2020, 4, 10), datetime.date(2020, 7, 19)):
        stated(amount="100", signed_on=day)
    pace = compute_progress(target=target, on_date=datetime.date(2021, 1, 1)).projection
    # 99,700 yen still to go at 1 yen a day.
    assert pace.reached_on == datetime.date(2020, 7, 19) + datetime.timedelta(days=99700)
    assert not pace.on_pace


def test_target_window_ends_five_years_after_the_summit(summit_data):
    from tracker.models import Target

    target = Target.objects.get(slug="tokyo-initiative")
    assert target.ends_on == datetime.date(2030, 12, 20)


def test_progress_on_the_shipped_data(summit_data):
    from tracker.models import Target

    result = compute_progress(target=Target.objects.get(), on_date=datetime.date(2026, 12, 20))
    # No source places any agreement under the Initiative.
    assert result.stated.yen == 0 and result.projection is None
    # Reported: Uzbek "over 11 billion" and Kazakh "exceeding 3 billion", read as dollars, at
    # ¥157.894736 per dollar (3,000 / 19 rounded down), each rounded down.
    assert result.reported.yen == Decimal("1736842096000") + Decimal("473684208000")
    assert result.reported.lower_bound
    assert {line.agreement.slug for line in result.counted_shown} == {
        "uzbekistan-japan-summit-package",
        "kazakhstan-japan-summit-package",
    }
    assert reasons(result)["tashkent-international-airport"] == "no_value"
    assert result.share_of_window_elapsed == Decimal(365) / Decimal(1826)


def test_kept_sums_per_country_match_their_agreements(summit_data, settings):
    """The country pages read their counted value from the kept computation; it must equal the
    sum over the agreements each takes part in (in full on each), as a sector's page sums it."""
    from tracker.models import Party, Sector

    settings.SHOW_SYNTHETIC_RECORDS = True
    create_synthetic(agreements=300, commitments=0, seed=3)
    result = compute_progress(target=Target.objects.get(), on_date=datetime.date(2026, 6, 1))
    pairs = [
        (result.involving_country, country, Agreement.objects.public().with_party(country))
        for country in Party.objects.countries()
    ]
    nonzero = 0
    for kept, subject, agreements in pairs:
        expected = counted_sum(agreements)
        found = kept.get(subject.pk, Split())
        assert (found.stated, found.reported) == (expected.stated, expected.reported), subject.slug
        nonzero += bool(found.largest)
    assert nonzero >= 5
    # A sector's page sums its own agreements: in full, even those with several sectors.
    sector = Sector.objects.get(slug="renewable-energy")
    own = [line for line in Agreement.objects.public().filter(sectors=sector) if line.counted_yen]
    assert counted_sum(Agreement.objects.public().filter(sectors=sector)).largest == max(
        sum(a.counted_yen for a in own if a.target_link == "stated"),
        sum(a.counted_yen for a in own if a.target_link == "reported"),
    )
