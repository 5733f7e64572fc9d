"""Progress toward the five-year target: sums, in SQL, of what each agreement counts.

Each agreement's counted yen and the reason it is not counted are stored on its row by
tracker.counting, which owns the rules (conversion, exclusions, packages never added to their
parts). This module only adds them up, so no request walks every agreement in Python:

- Two figures, never added together: what a source ties to the Tokyo Initiative ("stated"), and
  what was reported around the summit without a source saying it is part of it ("reported").
- Sums keep their exactness: one lower bound makes a total "at least", one approximate figure
  makes it "about".
- Breakdowns sum to their figure: an agreement with several Central Asian countries or several
  sectors goes to a "several" group instead of being counted once per country.
- Synthetic test records and unpublished ones never count (Agreement.objects.public()).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import gettext_lazy as _

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
        _("Reported, signed or in preparation"),
        frozenset({Agreement.Status.REPORTED, Agreement.Status.SIGNED, Agreement.Status.IN_PREPARATION}),
    ),
    Tier("financing", _("Financing committed"), frozenset({Agreement.Status.FINANCING_COMMITTED})),
    Tier("implementation", _("In implementation"), frozenset({Agreement.Status.IN_IMPLEMENTATION})),
    Tier("completed", _("Completed"), frozenset({Agreement.Status.COMPLETED})),
)
TIER_BY_STATUS = {status: tier for tier in TIERS for status in tier.statuses}

# Why an agreement is not counted, by code (tracker.counting writes the codes); the labels are
# what readers see.
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

SEVERAL_COUNTRIES = ("several-countries", _("Several Central Asian countries"))
NO_COUNTRY = ("no-country", _("No single Central Asian country named"))
SEVERAL_SECTORS = ("several-sectors", _("Several sectors"))
NO_SECTOR = ("no-sector", _("Sector not stated"))
NO_YEAR = ("no-year", _("Signing date not stated"))

# A pace needs confirmed values signed on several dates over a stretch of time: one day's
# announcements are not a pace.
PACE_MIN_DATES = 3
PACE_MIN_SPAN_DAYS = 180
COUNTED_SHOWN = 50
EXAMPLES_PER_REASON = 10


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

    @property
    def yen(self):
        return self.agreement.counted_yen

    @property
    def rate(self):
        return self.agreement.yen_rate  # None for values stated in yen

    @property
    def tier(self):
        return TIER_BY_STATUS[self.agreement.status]

    @property
    def is_remainder(self):
        return self.agreement.counted_yen != self.agreement.yen_value

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


def line_for(agreement):
    """How one agreement figures in the target, from its own row: its counted line, or why not."""
    if agreement.exclusion:
        return Exclusion(agreement, agreement.exclusion)
    if agreement.counted_yen is None:
        return None
    return CountedLine(agreement)


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
    totals: Split
    by_tier: list
    by_country: list
    by_sector: list
    by_year: list
    counted_total: int
    excluded_total: int
    counted_shown: list
    exclusion_groups: list  # (label, count, a few agreements)
    tied_by_a_source: int  # agreements a source ties to the Initiative, counted or not
    rates_used: list
    dated_stated: dict  # signing day -> stated yen signed that day (for the pace)
    # Counted yen of the agreements each country takes part in, by its id: in full on each
    # (unlike the breakdowns), as a country's own page shows it.
    involving_country: dict = field(default_factory=dict)

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
    def projection(self):
        """A projection only where it rests on dated, confirmed figures spread over time."""
        dates = sorted(self.dated_stated)
        if len(dates) < PACE_MIN_DATES or (dates[-1] - dates[0]).days < PACE_MIN_SPAN_DAYS:
            return None
        span_days = (dates[-1] - dates[0]).days
        added_after_first = sum(self.dated_stated[day] for day in dates[1:])
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


def window_elapsed(target, on_date):
    total_days = (target.ends_on - target.starts_on).days
    elapsed_days = (on_date - target.starts_on).days
    return Decimal(min(max(elapsed_days, 0), total_days)) / Decimal(total_days)


def sum_of_yen(expression):
    """The sum of whole yen, read as an integer: Django reads a decimal sum on SQLite through a
    float-like conversion to 15 significant digits, which would round totals from ¥1,000 trillion
    up (synthetic data reaches them). PostgreSQL still returns an exact Decimal."""
    return Sum(expression, output_field=BigIntegerField())


def counted_agreements(agreements=None):
    """The public agreements that count toward one of the two figures."""
    agreements = Agreement.objects.public() if agreements is None else agreements
    return agreements.filter(exclusion="", counted_yen__isnull=False)


def counted_sum(agreements):
    """The two figures of some agreements (a country's, a sector's, an organization's): one
    grouped query, however many agreements."""
    split = Split()
    rows = (
        counted_agreements(agreements)
        .order_by()
        .values_list("target_link", "value_exactness")
        .annotate(yen=sum_of_yen("counted_yen"))
    )
    for link, exactness, yen in rows:
        split.add(link, Decimal(yen), exactness)
    return split


SEVERAL = -1  # the key of an agreement with several sectors in _sector_key()
MASK_BITS = 62  # countries per bit mask: a sum of distinct powers of two within a signed 64-bit integer


def _sector_key():
    """Which group an agreement's sectors put it in, as one subquery: the id of its only sector,
    SEVERAL, or NULL for none. One lookup per agreement, not a count and a minimum."""
    links = Agreement.sectors.through.objects.filter(agreement=OuterRef("pk"))
    links = links.order_by().values("agreement").annotate(first=Min("sector"), last=Max("sector"))
    key = Case(When(first=F("last"), then="first"), default=Value(SEVERAL), output_field=IntegerField())
    return Subquery(links.annotate(key=key).values("key"), output_field=IntegerField())


def country_masks(country_ids):
    """{name: expression}: which of `country_ids` take part in each agreement, as bit masks (bit i
    of mask k stands for country_ids[k * MASK_BITS + i]), one correlated subquery over the
    agreement's roles per mask; a country with two roles sets its bit once (a sum of distinct
    bits). Grouping by them sums every country's agreements in one query of a few dozen rows."""
    masks = {}
    for start in range(0, len(country_ids), MASK_BITS):
        chunk = country_ids[start : start + MASK_BITS]
        bit = Case(
            *(When(party=pk, then=Value(1 << position)) for position, pk in enumerate(chunk)),
            output_field=BigIntegerField(),
        )
        roles = AgreementParty.objects.filter(agreement=OuterRef("pk"), party__in=chunk).order_by()
        mask = roles.values("agreement").annotate(mask=Sum(bit, distinct=True)).values("mask")
        masks[f"countries_{start // MASK_BITS}"] = Coalesce(
            Subquery(mask, output_field=BigIntegerField()), Value(0)
        )
    return masks


def countries_in(masks, country_ids):
    """The ids among `country_ids` whose bits are set in `masks` (values of country_masks())."""
    return [
        pk
        for position, pk in enumerate(country_ids)
        if masks[position // MASK_BITS] >> (position % MASK_BITS) & 1
    ]


class SigningYear(ExtractYear):
    """The year of a date. On SQLite, Django's ExtractYear calls a Python function once per row;
    strftime is SQLite's own (a date is stored there as YYYY-MM-DD text)."""

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.lhs)
        return f"CAST(strftime('%%Y', {sql}) AS INTEGER)", params


def compute_progress(*, target, on_date):
    counted = counted_agreements().order_by()
    countries = {party.pk: party for party in Party.objects.countries()}
    country_ids = list(countries)
    central_asian = {pk for pk, country in countries.items() if country.iso_code != Party.JAPAN_ISO}
    sectors = {sector.pk: sector for sector in Sector.objects.all()}
    # One grouped query per breakdown: each returns a few dozen rows, whatever the number of
    # agreements (grouping by every dimension at once returned one row per combination).
    totals = Split()
    tiers = {tier.key: Group(tier.key, tier.label) for tier in TIERS}
    counted_total = 0
    by_status = _sums(counted.annotate(number=Count("pk")), "status", "number")
    for link, exactness, status, number, yen in by_status:
        totals.add(link, yen, exactness)
        tiers[TIER_BY_STATUS[status].key].split.add(link, yen, exactness)
        counted_total += number
    # Every country's agreements from one grouped query: the breakdown by Central Asian country
    # (one, several or none) and each country's full sum, as its own page shows it.
    by_country, involving_country = {}, {pk: Split() for pk in country_ids}
    masks = country_masks(country_ids)
    for link, exactness, *mask_values, yen in _sums(counted.annotate(**masks), *masks):
        members = countries_in(mask_values, country_ids)
        for pk in members:
            involving_country[pk].add(link, yen, exactness)
        in_central_asia = [pk for pk in members if pk in central_asian]
        key, label, subject = _one_of(in_central_asia, countries, SEVERAL_COUNTRIES, NO_COUNTRY)
        by_country.setdefault(key, Group(key, label, subject=subject)).split.add(link, yen, exactness)
    by_sector = _breakdown(
        _sums(counted.annotate(sector_key=_sector_key()), "sector_key"),
        lambda key: _one_of(() if key is None else [key], sectors, SEVERAL_SECTORS, NO_SECTOR),
    )
    by_year = _breakdown(
        _sums(counted.annotate(year=SigningYear("signed_on")), "year"),
        lambda year: (str(year), str(year), None) if year else (*NO_YEAR, None),
    )

    public = Agreement.objects.public()
    excluded = public.exclude(exclusion="")
    exclusion_counts = dict(excluded.order_by().values_list("exclusion").annotate(n=Count("pk")))
    exclusion_groups = sorted(
        (
            (
                EXCLUSION_REASONS[code],
                number,
                list(excluded.filter(exclusion=code).order_by("title")[:EXAMPLES_PER_REASON]),
            )
            for code, number in exclusion_counts.items()
        ),
        key=lambda group: (-group[1], str(group[0])),
    )
    stated_first = Case(
        When(target_link=STATED, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    shown = counted.select_related("yen_rate").order_by(stated_first, "-counted_yen", "title", "pk")[
        :COUNTED_SHOWN
    ]
    dated = (
        counted.filter(target_link=STATED, signed_on__isnull=False)
        .exclude(signed_on_accuracy=DateAccuracy.UNKNOWN)
        .order_by()
        .values_list("signed_on")
        .annotate(yen=sum_of_yen("counted_yen"))
    )

    def largest_first(breakdown):
        return sorted(breakdown.values(), key=lambda group: (-group.split.largest, str(group.label)))

    return TargetProgress(
        target=target,
        on_date=on_date,
        totals=totals,
        by_tier=list(tiers.values()),
        by_country=largest_first(by_country),
        by_sector=largest_first(by_sector),
        by_year=sorted(by_year.values(), key=lambda group: group.key),
        counted_total=counted_total,
        excluded_total=sum(exclusion_counts.values()),
        counted_shown=[CountedLine(agreement) for agreement in shown],
        exclusion_groups=exclusion_groups,
        tied_by_a_source=public.filter(target_link=STATED).count(),
        # One indexed lookup per rate we hold, not a scan of the counted agreements for their rates.
        rates_used=list(
            ExchangeRate.objects.filter(Exists(counted.filter(yen_rate=OuterRef("pk")))).order_by(
                "currency", "effective_on"
            )
        ),
        dated_stated={day: Decimal(yen) for day, yen in dated},
        involving_country=involving_country,
    )


def _sums(agreements, *dimensions):
    """(link, exactness, *dimensions, yen) rows: the counted yen summed by those columns."""
    rows = agreements.values_list("target_link", "value_exactness", *dimensions)
    rows = rows.annotate(yen=sum_of_yen("counted_yen"))
    return [(*row[:-1], Decimal(row[-1])) for row in rows]


def _breakdown(rows, group_of):
    """{key: Group} of _sums() rows; group_of(*dimensions) names a row's (key, label, subject)."""
    groups = {}
    for link, exactness, *dimensions, yen in rows:
        key, label, subject = group_of(*dimensions)
        groups.setdefault(key, Group(key, label, subject=subject)).split.add(link, yen, exactness)
    return groups


def _one_of(keys, subjects, several, none):
    """The group of an agreement by its countries' (or sectors') ids: its one, several, or none."""
    if not keys:
        return (*none, None)
    if len(keys) > 1 or keys[0] == SEVERAL or keys[0] not in subjects:
        return (*several, None)
    subject = subjects[keys[0]]
    return subject.slug, subject.name, subject
