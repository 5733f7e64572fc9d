"""Progress toward the five-year target: the one place where agreements turn into counted yen.

The rules (also on the target page and in the README's methodology section):

- Two figures, never added together: what a source ties to the Tokyo Initiative ("stated"),
  and what was reported around the summit without a source saying it is part of the
  Initiative ("reported"). An agreement a source places outside the Initiative is excluded.
- An agreement counts (in its figure) if it has a stated value, is not suspended, cancelled or
  terminated early, was not signed after the window closed, and its value converts to yen
  (tracker.money: the rate on or before its signing date).
- Sums keep their exactness: one lower bound makes a total "at least", one approximate
  figure makes it "about".
- A package and the projects itemized from it are never added together: the parts count on
  their own, the package only for what its parts do not cover. A package fully covered by
  its parts is excluded.
- Breakdowns sum to their figure: an agreement with several Central Asian countries or
  several sectors goes to a "several" group instead of being counted once per country.
- Synthetic test records never count (unless the settings show them, on test databases).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from .models import Agreement, AgreementParty, DateAccuracy, ExchangeRate, Party, Sector
from .money import Amount

STATED = Agreement.TargetLink.STATED
REPORTED = Agreement.TargetLink.REPORTED
LINKS = (STATED, REPORTED)


@dataclass(frozen=True)
class Tier:
    key: str
    label: str
    statuses: frozenset


TIERS = (
    Tier(
        "signed",
        "Reported, signed or in preparation",
        frozenset({Agreement.Status.REPORTED, Agreement.Status.SIGNED, Agreement.Status.IN_PREPARATION}),
    ),
    Tier("financing", "Financing committed", frozenset({Agreement.Status.FINANCING_COMMITTED})),
    Tier("implementation", "In implementation", frozenset({Agreement.Status.IN_IMPLEMENTATION})),
    Tier("completed", "Completed", frozenset({Agreement.Status.COMPLETED})),
)
TIER_BY_STATUS = {status: tier for tier in TIERS for status in tier.statuses}

# Why an agreement is not counted, by code; the labels are what readers see.
EXCLUSION_REASONS = {
    "not_part": "a source places it outside the Initiative",
    "suspended": "suspended: not counted while work is halted",
    "cancelled": "cancelled",
    "terminated_early": "terminated early",
    "no_value": "no value stated",
    "after_window": "signed after the five-year window closed",
    "no_rate": "no exchange rate to yen for its currency on or before its signing date",
    "fully_itemized": "package fully itemized: its listed parts are counted instead",
}
EXCLUDED_STATUSES = ("suspended", "cancelled", "terminated_early")

SEVERAL_COUNTRIES = ("several-countries", "Several Central Asian countries")
NO_COUNTRY = ("no-country", "No single Central Asian country named")
SEVERAL_SECTORS = ("several-sectors", "Several sectors")
NO_SECTOR = ("no-sector", "Sector not stated")
NO_YEAR = ("no-year", "Signing date not stated")

# A pace needs confirmed values signed on several dates over a stretch of time: one day's
# announcements are not a pace.
PACE_MIN_DATES = 3
PACE_MIN_SPAN_DAYS = 180


@dataclass
class Split:
    """The two figures kept apart: tied to the target by a source, and only reported."""

    stated: Amount = field(default_factory=Amount)
    reported: Amount = field(default_factory=Amount)

    def add(self, link, yen, exactness):
        (self.stated if link == STATED else self.reported).add(yen, exactness)

    @property
    def largest(self):
        return max(self.stated.yen, self.reported.yen)


@dataclass
class CountedLine:
    """One agreement's contribution. For a package it may be only the part its items leave."""

    agreement: Agreement
    yen: Decimal
    rate: ExchangeRate | None  # None for values stated in yen
    tier: Tier
    is_remainder: bool = False

    @property
    def exactness(self):
        return self.agreement.value_exactness

    @property
    def link(self):
        return self.agreement.target_link

    @property
    def is_stated(self):
        return self.link == STATED


@dataclass
class Exclusion:
    agreement: Agreement
    code: str

    @property
    def reason(self):
        return EXCLUSION_REASONS[self.code]


@dataclass
class Group:
    key: str
    label: str
    split: Split = field(default_factory=Split)
    subject: object = None  # the country or sector behind the group, if it is one


@dataclass
class Projection:
    """When the stated figure would reach the target if confirmed value kept coming at the
    average rate seen between the first and the last dated confirmed agreement."""

    reached_on: datetime.date | None  # None: the pace is too slow to say (over a thousand years)
    first_date: datetime.date
    last_date: datetime.date
    dates: int
    yen_per_year: Decimal
    on_pace: bool


@dataclass
class TargetProgress:
    target: object
    on_date: datetime.date
    counted: list
    excluded: list
    totals: Split
    by_tier: list
    by_country: list
    by_sector: list
    by_year: list

    @property
    def stated(self):
        return self.totals.stated

    @property
    def reported(self):
        return self.totals.reported

    @property
    def stated_share(self):
        return self.stated.yen / self.target.amount

    @property
    def reported_share(self):
        return self.reported.yen / self.target.amount

    @property
    def share_of_window_elapsed(self):
        return window_elapsed(self.target, self.on_date)

    @property
    def rates_used(self):
        rates = {line.rate.pk: line.rate for line in self.counted if line.rate is not None}
        return sorted(rates.values(), key=lambda rate: (rate.currency, rate.effective_on))

    @property
    def projection(self):
        """A projection only where it rests on dated, confirmed figures spread over time."""
        by_date = {}
        for line in self.counted:
            if (
                line.is_stated
                and line.agreement.signed_on
                and line.agreement.signed_on_accuracy != DateAccuracy.UNKNOWN
            ):
                by_date[line.agreement.signed_on] = by_date.get(line.agreement.signed_on, 0) + line.yen
        dates = sorted(by_date)
        if len(dates) < PACE_MIN_DATES or (dates[-1] - dates[0]).days < PACE_MIN_SPAN_DAYS:
            return None
        span_days = (dates[-1] - dates[0]).days
        added_after_first = sum(by_date[day] for day in dates[1:])
        per_day = Decimal(added_after_first) / span_days
        reached_on = None
        remaining = self.target.amount - self.stated.yen
        if remaining <= 0:
            reached_on = dates[-1]
        elif per_day > 0 and remaining / per_day < 365 * 1000:
            reached_on = dates[-1] + datetime.timedelta(days=int(remaining / per_day))
        return Projection(
            reached_on=reached_on,
            first_date=dates[0],
            last_date=dates[-1],
            dates=len(dates),
            yen_per_year=per_day * 365,
            on_pace=reached_on is not None and reached_on <= self.target.ends_on,
        )

    def amount_for(self, agreement_ids):
        """Counted yen of some agreements: a page's own figures, not a share of the breakdowns."""
        wanted = set(agreement_ids)
        split = Split()
        for line in self.counted:
            if line.agreement.pk in wanted:
                split.add(line.link, line.yen, line.exactness)
        return split

    def line_for(self, agreement):
        """How one agreement figures in the target: its counted line, or its exclusion."""
        for item in (*self.counted, *self.excluded):
            if item.agreement.pk == agreement.pk:
                return item
        return None


def window_elapsed(target, on_date):
    total_days = (target.ends_on - target.starts_on).days
    elapsed_days = (on_date - target.starts_on).days
    return Decimal(min(max(elapsed_days, 0), total_days)) / Decimal(total_days)


COUNTING_FIELDS = [
    "slug",
    "title",
    "status",
    "signed_on",
    "signed_on_accuracy",
    "amount",
    "currency",
    "value_exactness",
    "value_reading",
    "yen_value",
    "yen_rate",
    "target_link",
    "is_aggregate",
    "part_of",
    "is_synthetic",
]


@dataclass
class Memberships:
    """Which Central Asian countries and which sectors each agreement has, by agreement id.

    Loaded as id pairs: counting thousands of agreements must not build a model per link.
    """

    countries: dict
    sectors: dict

    @classmethod
    def load(cls):
        countries = {party.pk: party for party in Party.objects.central_asian()}
        sectors = {sector.pk: sector for sector in Sector.objects.all()}
        country_links, sector_links = {}, {}
        # No ordering inside DISTINCT: a country with two roles on one agreement is one pair.
        roles = (
            AgreementParty.objects.filter(party__in=list(countries))
            .order_by()
            .values_list("agreement", "party")
        )
        for agreement_id, party_id in roles.distinct():
            country_links.setdefault(agreement_id, []).append(countries[party_id])
        for agreement_id, sector_id in Agreement.sectors.through.objects.order_by().values_list(
            "agreement", "sector"
        ):
            sector_links.setdefault(agreement_id, []).append(sectors[sector_id])
        return cls(country_links, sector_links)


def compute_progress(*, target, on_date):
    agreements = list(Agreement.objects.public().only(*COUNTING_FIELDS).order_by("pk"))
    rates = {rate.pk: rate for rate in ExchangeRate.objects.all()}
    memberships = Memberships.load()

    excluded = []
    valued = {}  # agreement pk -> (yen, rate)
    for agreement in agreements:
        code = _exclusion_code(agreement, target)
        if code:
            excluded.append(Exclusion(agreement, code))
        else:
            valued[agreement.pk] = (agreement.yen_value, rates.get(agreement.yen_rate_id))

    by_pk = {agreement.pk: agreement for agreement in agreements}
    parts_of = {}
    for agreement in agreements:
        if agreement.part_of_id in by_pk:
            parts_of.setdefault(agreement.part_of_id, []).append(agreement)

    covered = {}  # memo: agreement pk -> yen it and its itemized parts account for

    def coverage(agreement):
        if agreement.pk in covered:
            return covered[agreement.pk]
        covered[agreement.pk] = Decimal(0)  # guards against a cycle of parts
        parts_yen = sum((coverage(part) for part in parts_of.get(agreement.pk, ())), Decimal(0))
        own_yen = valued[agreement.pk][0] if agreement.pk in valued else Decimal(0)
        covered[agreement.pk] = max(own_yen, parts_yen)
        return covered[agreement.pk]

    counted = []
    for agreement in agreements:
        if agreement.pk not in valued:
            continue
        yen, rate = valued[agreement.pk]
        parts_yen = sum((coverage(part) for part in parts_of.get(agreement.pk, ())), Decimal(0))
        if parts_yen and parts_yen >= yen:
            excluded.append(Exclusion(agreement, "fully_itemized"))
            continue
        counted.append(
            CountedLine(
                agreement=agreement,
                yen=yen - parts_yen,
                rate=rate,
                tier=TIER_BY_STATUS[agreement.status],
                is_remainder=bool(parts_yen),
            )
        )

    return _summarize(target, on_date, counted, excluded, memberships)


def _exclusion_code(agreement, target):
    if agreement.target_link == Agreement.TargetLink.NOT_PART:
        return "not_part"
    if agreement.status in EXCLUDED_STATUSES:
        return agreement.status
    if agreement.amount is None:
        return "no_value"
    if agreement.signed_on and agreement.signed_on > target.ends_on:
        return "after_window"
    if agreement.yen_value is None:
        return "no_rate"
    return None


def _summarize(target, on_date, counted, excluded, memberships):
    totals = Split()
    tiers = {tier.key: Group(tier.key, tier.label) for tier in TIERS}
    countries, sectors, years = {}, {}, {}
    for line in counted:
        totals.add(line.link, line.yen, line.exactness)
        tiers[line.tier.key].split.add(line.link, line.yen, line.exactness)
        for groups, (key, label, subject) in (
            (countries, _country_group(memberships.countries.get(line.agreement.pk, ()))),
            (sectors, _sector_group(memberships.sectors.get(line.agreement.pk, ()))),
            (years, _year_group(line.agreement)),
        ):
            group = groups.setdefault(key, Group(key, label, subject=subject))
            group.split.add(line.link, line.yen, line.exactness)

    def largest_first(groups):
        return sorted(groups.values(), key=lambda group: (-group.split.largest, group.label))

    return TargetProgress(
        target=target,
        on_date=on_date,
        counted=sorted(counted, key=lambda line: (not line.is_stated, -line.yen)),
        excluded=sorted(excluded, key=lambda item: item.agreement.title),
        totals=totals,
        by_tier=list(tiers.values()),
        by_country=largest_first(countries),
        by_sector=largest_first(sectors),
        by_year=sorted(years.values(), key=lambda group: group.key),
    )


def _country_group(countries):
    if len(countries) == 1:
        (country,) = countries
        return country.slug, country.name, country
    return (*(SEVERAL_COUNTRIES if countries else NO_COUNTRY), None)


def _sector_group(sectors):
    if len(sectors) == 1:
        return sectors[0].slug, sectors[0].name, sectors[0]
    return (*(SEVERAL_SECTORS if sectors else NO_SECTOR), None)


def _year_group(agreement):
    if agreement.signed_on is None:
        return (*NO_YEAR, None)
    return str(agreement.signed_on.year), str(agreement.signed_on.year), None
