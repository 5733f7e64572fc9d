"""Progress toward the five-year target: the one place where agreements turn into yen.

The rules (also in the README's methodology section):

- An agreement counts if it is flagged as counting toward the target, has a stated value,
  is not suspended, cancelled or terminated early, and has an exchange rate to yen on or
  before its signing date (the computation date when it has none).
- Yen values are converted at that rate; the rate and its date travel with the figure.
- Sums keep their exactness: one lower bound makes the total a lower bound ("at least"),
  one approximate figure makes it approximate ("about").
- An aggregate package and the projects itemized from it are never added together: the
  parts count on their own, and the package counts only for what its parts do not cover
  (its value minus theirs, if positive). A package fully covered by its parts is excluded.
- Breakdowns sum to the total: an agreement with several Central Asian countries or
  several sectors goes to a "several" group instead of being counted once per country.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal

from .models import Agreement, AgreementParty, Exactness, ExchangeRate, Party, Sector, Target


@dataclass(frozen=True)
class Tier:
    key: str
    label: str
    statuses: frozenset


TIERS = (
    Tier(
        "signed",
        "Signed or announced",
        frozenset({Agreement.Status.SIGNED, Agreement.Status.IN_PREPARATION}),
    ),
    Tier("financing", "Financing committed", frozenset({Agreement.Status.FINANCING_COMMITTED})),
    Tier("implementation", "In implementation", frozenset({Agreement.Status.IN_IMPLEMENTATION})),
    Tier("completed", "Completed", frozenset({Agreement.Status.COMPLETED})),
)
TIER_BY_STATUS = {status: tier for tier in TIERS for status in tier.statuses}

EXCLUDED_STATUSES = {
    Agreement.Status.SUSPENDED: "suspended: not counted while work is halted",
    Agreement.Status.CANCELLED: "cancelled",
    Agreement.Status.TERMINATED_EARLY: "terminated early",
}

SEVERAL_COUNTRIES = ("several-countries", "Several Central Asian countries")
NO_COUNTRY = ("no-country", "No single Central Asian country named")
SEVERAL_SECTORS = ("several-sectors", "Several sectors")
NO_SECTOR = ("no-sector", "Sector not stated")
NO_YEAR = ("no-year", "Signing date not stated")


@dataclass
class Amount:
    """A sum of yen that remembers whether it is exact, approximate or only a lower bound."""

    yen: Decimal = Decimal(0)
    lower_bound: bool = False
    approximate: bool = False

    def add(self, yen, exactness):
        self.yen += yen
        self.lower_bound |= exactness == Exactness.LOWER_BOUND
        self.approximate |= exactness == Exactness.APPROXIMATE

    @property
    def qualifier(self):
        if self.lower_bound:
            return "at least"
        if self.approximate:
            return "about"
        return ""


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


@dataclass
class Exclusion:
    agreement: Agreement
    reason: str


@dataclass
class Group:
    key: str
    label: str
    amount: Amount = field(default_factory=Amount)
    subject: object = None  # the country or sector behind the group, if it is one


@dataclass
class TargetProgress:
    target: Target
    on_date: datetime.date
    counted: list
    excluded: list
    total: Amount
    by_tier: list
    by_country: list
    by_sector: list
    by_year: list

    @property
    def share_of_target(self):
        return self.total.yen / self.target.amount

    @property
    def share_of_window_elapsed(self):
        return window_elapsed(self.target, self.on_date)

    @property
    def rates_used(self):
        rates = {line.rate.pk: line.rate for line in self.counted if line.rate is not None}
        return sorted(rates.values(), key=lambda rate: (rate.currency, rate.effective_on))

    @property
    def projected_completion(self):
        """The date the target is reached if the pace so far holds; None when there is no pace yet."""
        elapsed_days = (self.on_date - self.target.starts_on).days
        if elapsed_days <= 0 or self.total.yen <= 0:
            return None
        needed_days = elapsed_days * self.target.amount / self.total.yen
        if needed_days > 365 * 1000:
            return None
        return self.target.starts_on + datetime.timedelta(days=int(needed_days))

    def amount_for(self, agreement_ids):
        """Counted yen of some agreements: a page's own figure, not a share of the breakdowns."""
        wanted = set(agreement_ids)
        amount = Amount()
        for line in self.counted:
            if line.agreement.pk in wanted:
                amount.add(line.yen, line.exactness)
        return amount

    def line_for(self, agreement):
        """How one agreement figures in the total: its counted line, or its exclusion."""
        for item in (*self.counted, *self.excluded):
            if item.agreement.pk == agreement.pk:
                return item
        return None

    @property
    def on_pace(self):
        projected = self.projected_completion
        return projected is not None and projected <= self.target.ends_on


def window_elapsed(target, on_date):
    total_days = (target.ends_on - target.starts_on).days
    elapsed_days = (on_date - target.starts_on).days
    return Decimal(min(max(elapsed_days, 0), total_days)) / Decimal(total_days)


COUNTING_FIELDS = [
    "slug",
    "title",
    "status",
    "signed_on",
    "amount",
    "currency",
    "value_exactness",
    "counts_toward_target",
    "is_aggregate",
    "part_of",
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
        roles = AgreementParty.objects.filter(party__in=list(countries)).values_list("agreement", "party")
        for agreement_id, party_id in roles.distinct():
            country_links.setdefault(agreement_id, []).append(countries[party_id])
        for agreement_id, sector_id in Agreement.sectors.through.objects.values_list("agreement", "sector"):
            sector_links.setdefault(agreement_id, []).append(sectors[sector_id])
        return cls(country_links, sector_links)


def rate_on_or_before(rates_by_currency, currency, day):
    """The latest rate for `currency` dated `day` or earlier, from rates sorted newest first."""
    for rate in rates_by_currency.get(currency, ()):
        if rate.effective_on <= day:
            return rate
    return None


def to_yen(amount, rate, exactness):
    yen = amount if rate is None else amount * rate.rate_to_jpy
    # Rounding a lower bound up would overstate it.
    rounding = ROUND_DOWN if exactness == Exactness.LOWER_BOUND else ROUND_HALF_EVEN
    return yen.quantize(Decimal(1), rounding=rounding)


def group_rates(rates):
    """Rates by currency, newest first, as rate_on_or_before expects them."""
    by_currency = {}
    for rate in sorted(rates, key=lambda rate: rate.effective_on, reverse=True):
        by_currency.setdefault(rate.currency, []).append(rate)
    return by_currency


def convert(agreement, rates_by_currency, on_date):
    """(yen, rate) for an agreement's value, rate None for yen; (None, None) if it cannot convert."""
    if agreement.amount is None:
        return None, None
    if agreement.currency == "JPY":
        return to_yen(agreement.amount, None, agreement.value_exactness), None
    rate = rate_on_or_before(rates_by_currency, agreement.currency, agreement.signed_on or on_date)
    if rate is None:
        return None, None
    return to_yen(agreement.amount, rate, agreement.value_exactness), rate


def compute_progress(*, target, on_date):
    agreements = list(Agreement.objects.only(*COUNTING_FIELDS).order_by("pk"))
    memberships = Memberships.load()
    rates_by_currency = group_rates(ExchangeRate.objects.all())

    excluded = []
    valued = {}  # agreement pk -> (yen, rate)
    for agreement in agreements:
        reason = _exclusion_reason(agreement, target)
        if reason is None:
            yen, rate = convert(agreement, rates_by_currency, on_date)
            if yen is None:
                day = (agreement.signed_on or on_date).isoformat()
                reason = f"no {agreement.currency} exchange rate on or before {day}"
        if reason:
            excluded.append(Exclusion(agreement, reason))
        else:
            valued[agreement.pk] = (yen, rate)

    by_pk = {agreement.pk: agreement for agreement in agreements}
    parts_of = {}
    for agreement in agreements:
        if agreement.part_of_id in by_pk:
            parts_of.setdefault(agreement.part_of_id, []).append(agreement)

    counted = []
    covered = {}  # memo: agreement pk -> yen it and its itemized parts account for

    def coverage(agreement):
        if agreement.pk in covered:
            return covered[agreement.pk]
        covered[agreement.pk] = Decimal(0)  # guards against a cycle of parts
        parts_yen = sum((coverage(part) for part in parts_of.get(agreement.pk, ())), Decimal(0))
        own_yen = valued[agreement.pk][0] if agreement.pk in valued else Decimal(0)
        covered[agreement.pk] = max(own_yen, parts_yen)
        return covered[agreement.pk]

    for agreement in agreements:
        if agreement.pk not in valued:
            continue
        yen, rate = valued[agreement.pk]
        parts_yen = sum((coverage(part) for part in parts_of.get(agreement.pk, ())), Decimal(0))
        if parts_yen and parts_yen >= yen:
            excluded.append(
                Exclusion(agreement, "package fully itemized: its listed parts are counted instead")
            )
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


def _exclusion_reason(agreement, target):
    if not agreement.counts_toward_target:
        return "not a business project under the target"
    if agreement.status in EXCLUDED_STATUSES:
        return EXCLUDED_STATUSES[agreement.status]
    if agreement.amount is None:
        return "no value stated"
    if agreement.signed_on and agreement.signed_on > target.ends_on:
        return "signed after the five-year window closed"
    return None


def _summarize(target, on_date, counted, excluded, memberships):
    total = Amount()
    tiers = {tier.key: Group(tier.key, tier.label) for tier in TIERS}
    countries, sectors, years = {}, {}, {}
    for line in counted:
        total.add(line.yen, line.exactness)
        tiers[line.tier.key].amount.add(line.yen, line.exactness)
        for groups, (key, label, subject) in (
            (countries, _country_group(memberships.countries.get(line.agreement.pk, ()))),
            (sectors, _sector_group(memberships.sectors.get(line.agreement.pk, ()))),
            (years, _year_group(line.agreement)),
        ):
            groups.setdefault(key, Group(key, label, subject=subject)).amount.add(line.yen, line.exactness)

    def largest_first(groups):
        return sorted(groups.values(), key=lambda group: (-group.amount.yen, group.label))

    return TargetProgress(
        target=target,
        on_date=on_date,
        counted=sorted(counted, key=lambda line: -line.yen),
        excluded=sorted(excluded, key=lambda item: item.agreement.title),
        total=total,
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
