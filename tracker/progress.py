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
from functools import cached_property

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Agreement, AgreementParty, DateAccuracy, ExchangeRate, Party, Sector
from .money import Amount
from .rows import as_date, as_decimal, raw_rows

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
        _("Reported, signed or in preparation"),
        frozenset({Agreement.Status.REPORTED, Agreement.Status.SIGNED, Agreement.Status.IN_PREPARATION}),
    ),
    Tier("financing", _("Financing committed"), frozenset({Agreement.Status.FINANCING_COMMITTED})),
    Tier("implementation", _("In implementation"), frozenset({Agreement.Status.IN_IMPLEMENTATION})),
    Tier("completed", _("Completed"), frozenset({Agreement.Status.COMPLETED})),
)
TIER_BY_STATUS = {status: tier for tier in TIERS for status in tier.statuses}

# Why an agreement is not counted, by code; the labels are what readers see.
EXCLUSION_REASONS = {
    "not_part": _("a source places it outside the Initiative"),
    "not_tied": _("no source ties it to the Initiative or reports it around the summit"),
    "suspended": _("suspended: not counted while work is halted"),
    "cancelled": _("cancelled"),
    "terminated_early": _("terminated early"),
    "no_value": _("no value stated"),
    "after_window": _("signed after the five-year window closed"),
    "no_rate": _("no exchange rate to yen for its currency on or before its signing date"),
    "fully_itemized": _("package fully itemized: its listed parts are counted instead"),
}
EXCLUDED_STATUSES = ("suspended", "cancelled", "terminated_early")

SEVERAL_COUNTRIES = ("several-countries", _("Several Central Asian countries"))
NO_COUNTRY = ("no-country", _("No single Central Asian country named"))
SEVERAL_SECTORS = ("several-sectors", _("Several sectors"))
NO_SECTOR = ("no-sector", _("Sector not stated"))
NO_YEAR = ("no-year", _("Signing date not stated"))

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


@dataclass(frozen=True, slots=True)
class AgreementRow:
    """The fields of an agreement that counting reads: a plain row, since building a model
    object per agreement was most of the cost at 100,000 agreements."""

    pk: int
    slug: str
    title: str
    status: str
    signed_on: datetime.date | None
    signed_on_accuracy: str
    amount: Decimal | None
    currency: str
    value_exactness: str
    value_reading: str
    yen_value: Decimal | None
    yen_rate_id: int | None
    target_link: str
    part_of_id: int | None
    is_synthetic: bool

    def get_absolute_url(self):
        return reverse("tracker:agreement_detail", args=[self.slug])


ROW_FIELDS = [field.name for field in AgreementRow.__dataclass_fields__.values()]


@dataclass
class CountedLine:
    """One agreement's contribution. For a package it may be only the part its items leave."""

    agreement: AgreementRow
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
    agreement: AgreementRow
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
    by_agreement: dict = field(default_factory=dict)  # pk -> its CountedLine or Exclusion
    # Counted yen of the agreements each country or sector takes part in, by its id: in full on
    # each (unlike the breakdowns), as a country's or sector's own page shows it.
    involving_country: dict = field(default_factory=dict)
    involving_sector: dict = field(default_factory=dict)

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

    @cached_property
    def tied_by_a_source(self):
        """How many agreements a source ties to the Initiative, counted or not (one without a value
        is tied, yet excluded): pages say that no agreement is confirmed only when none is."""
        return sum(1 for item in self.by_agreement.values() if item.agreement.target_link == STATED)

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
        split = Split()
        for pk in set(agreement_ids):
            line = self.by_agreement.get(pk)
            if isinstance(line, CountedLine):
                split.add(line.link, line.yen, line.exactness)
        return split

    def line_for(self, agreement):
        """How one agreement figures in the target: its counted line, or its exclusion."""
        return self.by_agreement.get(agreement.pk)


def window_elapsed(target, on_date):
    total_days = (target.ends_on - target.starts_on).days
    elapsed_days = (on_date - target.starts_on).days
    return Decimal(min(max(elapsed_days, 0), total_days)) / Decimal(total_days)


@dataclass
class Memberships:
    """Which Central Asian countries and which sectors each agreement has, as ids by agreement
    id, and the countries and sectors by id.

    Loaded as id pairs: counting thousands of agreements must not build a model per link.
    """

    countries: dict
    sectors: dict
    country_by_id: dict
    sector_by_id: dict

    @classmethod
    def load(cls):
        countries = {party.pk: party for party in Party.objects.central_asian()}
        sectors = {sector.pk: sector for sector in Sector.objects.all()}
        country_links, sector_links = {}, {}
        if countries:
            # A country with two roles on one agreement is one membership: a set (DISTINCT in
            # SQL costs more than it saves here).
            roles = AgreementParty.objects.filter(party__in=list(countries)).order_by()
            for agreement_id, party_id in raw_rows(roles.values_list("agreement", "party")):
                country_links.setdefault(agreement_id, set()).add(party_id)
        for agreement_id, sector_id in raw_rows(
            Agreement.sectors.through.objects.order_by().values_list("agreement", "sector")
        ):
            sector_links.setdefault(agreement_id, set()).add(sector_id)
        return cls(country_links, sector_links, countries, sectors)


def agreement_rows():
    rows = Agreement.objects.public().order_by("pk").values_list(*ROW_FIELDS)
    for pk, slug, title, status, signed_on, accuracy, amount, *rest in raw_rows(rows):
        currency, exactness, reading, yen_value, rate_id, link, part_of_id, is_synthetic = rest
        yield AgreementRow(
            pk,
            slug,
            title,
            status,
            as_date(signed_on),
            accuracy,
            as_decimal(amount),
            currency,
            exactness,
            reading,
            as_decimal(yen_value),
            rate_id,
            link,
            part_of_id,
            bool(is_synthetic),
        )


def compute_progress(*, target, on_date):
    agreements = list(agreement_rows())
    rates = {rate.pk: rate for rate in ExchangeRate.objects.all()}
    memberships = Memberships.load()
    window_end = target.ends_on

    excluded = []
    valued = {}  # agreement pk -> (yen, rate)
    for agreement in agreements:
        code = _exclusion_code(agreement, window_end)
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


def _exclusion_code(agreement, window_end):
    if agreement.target_link == Agreement.TargetLink.NOT_PART:
        return "not_part"
    if agreement.target_link == Agreement.TargetLink.NOT_STATED:
        return "not_tied"
    if agreement.status in EXCLUDED_STATUSES:
        return agreement.status
    if agreement.amount is None:
        return "no_value"
    if agreement.signed_on and agreement.signed_on > window_end:
        return "after_window"
    if agreement.yen_value is None:
        return "no_rate"
    return None


def _summarize(target, on_date, counted, excluded, memberships):
    # Sum by every combination first (a few hundred), then fold those into the breakdowns: one
    # dictionary update per agreement instead of five group updates.
    sums = {}
    countries_of, sectors_of = memberships.countries, memberships.sectors
    for line in counted:
        agreement = line.agreement
        key = (
            agreement.target_link,
            agreement.value_exactness,
            line.tier.key,
            frozenset(countries_of.get(agreement.pk, ())),
            frozenset(sectors_of.get(agreement.pk, ())),
            agreement.signed_on.year if agreement.signed_on else None,
        )
        sums[key] = sums.get(key, 0) + line.yen

    totals = Split()
    tiers = {tier.key: Group(tier.key, tier.label) for tier in TIERS}
    countries, sectors, years = {}, {}, {}
    involving_country, involving_sector = {}, {}
    for (link, exactness, tier_key, line_countries, line_sectors, year), yen in sums.items():
        for involving, ids in ((involving_country, line_countries), (involving_sector, line_sectors)):
            for pk in ids:
                involving.setdefault(pk, Split()).add(link, yen, exactness)
        totals.add(link, yen, exactness)
        tiers[tier_key].split.add(link, yen, exactness)
        for groups, (key, label, subject) in (
            (countries, _country_group([memberships.country_by_id[pk] for pk in line_countries])),
            (sectors, _sector_group([memberships.sector_by_id[pk] for pk in line_sectors])),
            (years, _year_group(year)),
        ):
            group = groups.setdefault(key, Group(key, label, subject=subject))
            group.split.add(link, yen, exactness)

    def largest_first(groups):
        return sorted(groups.values(), key=lambda group: (-group.split.largest, group.label))

    by_agreement = {item.agreement.pk: item for item in (*counted, *excluded)}
    return TargetProgress(
        by_agreement=by_agreement,
        involving_country=involving_country,
        involving_sector=involving_sector,
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
        (sector,) = sectors
        return sector.slug, sector.name, sector
    return (*(SEVERAL_SECTORS if sectors else NO_SECTOR), None)


def _year_group(year):
    if year is None:
        return (*NO_YEAR, None)
    return str(year), str(year), None
