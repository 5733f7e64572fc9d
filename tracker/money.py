"""Yen conversion and rounding: the one place where an amount becomes yen and a figure is rounded.

Every page, export and the feed show what these functions return, so a figure is the same
wherever it appears. A lower bound is always rounded down (rounding it up would overstate
it); an approximate or exact figure is rounded half to even.
"""

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal

from django.utils.translation import gettext_lazy as _

from .models import Exactness

# The words that stay attached to a figure, as a pattern, since languages put them in different
# places (the Russian ones join it with a no-break space).
QUALIFIED = {
    Exactness.LOWER_BOUND: _("at least %(figure)s"),
    Exactness.APPROXIMATE: _("about %(figure)s"),
}


def qualified(figure, exactness):
    """`figure` with its qualifier in the active language: “at least ¥2.21 trillion”."""
    pattern = QUALIFIED.get(exactness)
    return str(pattern) % {"figure": figure} if pattern else figure


def rounding_for(exactness):
    return ROUND_DOWN if exactness == Exactness.LOWER_BOUND else ROUND_HALF_EVEN


def round_to(value, quantum, exactness):
    """`value` rounded to `quantum` (Decimal("0.01"), Decimal(1), …) as its exactness allows."""
    return Decimal(value).quantize(Decimal(quantum), rounding=rounding_for(exactness))


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
    def exactness(self):
        if self.lower_bound:
            return Exactness.LOWER_BOUND
        if self.approximate:
            return Exactness.APPROXIMATE
        return Exactness.EXACT


def group_rates(rates):
    """Rates by currency, newest first, as rate_on_or_before expects them."""
    by_currency = {}
    for rate in sorted(rates, key=lambda rate: rate.effective_on, reverse=True):
        by_currency.setdefault(rate.currency, []).append(rate)
    return by_currency


def rate_on_or_before(rates_by_currency, currency, day):
    """The latest rate for `currency` dated `day` or earlier (the latest of all if `day` is None:
    a value whose signing date is unknown converts at the newest rate we hold)."""
    for rate in rates_by_currency.get(currency, ()):
        if day is None or rate.effective_on <= day:
            return rate
    return None


def to_yen(amount, *, rate, exactness):
    """Whole yen for `amount` at `rate` (None for an amount already in yen)."""
    yen = amount if rate is None else amount * rate.rate_to_jpy
    return round_to(yen, 1, exactness)


def convert(agreement, rates_by_currency):
    """(yen, rate) for an agreement's value, rate None for yen; (None, None) if it cannot convert."""
    if agreement.amount is None:
        return None, None
    if agreement.currency == "JPY":
        return to_yen(agreement.amount, rate=None, exactness=agreement.value_exactness), None
    rate = rate_on_or_before(rates_by_currency, agreement.currency, agreement.signed_on)
    if rate is None:
        return None, None
    return to_yen(agreement.amount, rate=rate, exactness=agreement.value_exactness), rate
