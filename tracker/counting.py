"""Each agreement's figures for the target, kept on its own row: the one owner of `yen_value`,
`yen_rate`, `counted_yen` and `exclusion`.

`recount()` runs in the writer's transaction on every write that can change them: an agreement's
save or delete (its row, the package it belongs to or belonged to, and that package's parts),
an exchange rate's save or delete (every agreement in its currency), the target's save (the
window), and bulk writers (synthetic data, imports, as-of snapshots) for what they wrote. The
target's totals, tiers and breakdowns are then sums over these columns in SQL (tracker.progress),
so no request walks every agreement in Python.

The rules (also on the target page and in the README):

- An agreement's value converts to yen at the latest rate for its currency dated on or before its
  signing date (the newest rate held when the date is unknown); lower bounds round down.
- It is excluded, with a code, if a source places it outside the Initiative, it is suspended,
  cancelled or terminated early, it has no value, it was signed after the window closed, or no
  rate converts it.
- A package and the projects itemized from it are never added together: the parts count on
  their own, the package only for what its parts do not cover, and a package its parts cover
  fully is excluded ("fully_itemized").
"""

from decimal import Decimal

from django.db.models import Q

from .freshness import bump
from .money import convert, group_rates
from .rows import as_date, as_decimal, raw_rows

COLUMNS = ("yen_value", "yen_rate_id", "counted_yen", "exclusion")
EXCLUDED_STATUSES = ("suspended", "cancelled", "terminated_early")
_READ = ("pk", "status", "signed_on", "amount", "currency", "value_exactness", "target_link", "part_of_id")


class _Row:
    __slots__ = (*_READ, *COLUMNS, "new")

    def __init__(self, values):
        for name, value in zip(_READ + COLUMNS, values, strict=True):
            setattr(self, name, value)
        self.signed_on = as_date(self.signed_on)
        self.amount = as_decimal(self.amount)
        self.yen_value = as_decimal(self.yen_value)
        self.counted_yen = as_decimal(self.counted_yen)


def exclusion_code(row, yen, window_end):
    """Why an agreement does not count, or "" when it does (before its package is considered)."""
    if row.target_link == "not_part":
        return "not_part"
    if row.target_link == "not_stated":
        return "not_tied"
    if row.status in EXCLUDED_STATUSES:
        return row.status
    if row.amount is None:
        return "no_value"
    if window_end and row.signed_on and row.signed_on > window_end:
        return "after_window"
    if yen is None:
        return "no_rate"
    return ""


def recount(agreement_ids=None, *, currencies=None, using="default"):
    """Store the figures of the given agreements (all when both are None; with `currencies`, every
    agreement in them), of the packages they belong to and of those packages' parts. Returns how
    many rows changed."""
    from .models import Agreement, ExchangeRate, Target  # the models' save() calls this module

    agreements = Agreement.objects.using(using).order_by()
    target = Target.objects.using(using).first()
    window_end = target.ends_on if target else None
    rates = group_rates(ExchangeRate.objects.using(using).all())

    def load(query):
        return {row.pk: row for row in map(_Row, raw_rows(query.values_list(*_READ, *COLUMNS)))}

    if agreement_ids is None and currencies is None:
        rows = load(agreements)
    else:
        ids = [pk for pk in agreement_ids or () if pk]
        if not ids and not currencies:
            return 0
        wanted = Q(pk__in=ids) if ids else Q(pk__in=[])
        if currencies:
            wanted = wanted | Q(currency__in=currencies) if ids else Q(currency__in=currencies)
        rows = load(agreements.filter(wanted))
        rows.update(_whole_families(agreements, rows, load))
    if not rows:
        return 0

    for row in rows.values():
        yen, rate = convert(row, rates)
        row.new = {"yen_value": yen, "yen_rate_id": rate.pk if rate else None}
        row.new["exclusion"] = exclusion_code(row, yen, window_end)
    parts_of = {}
    for row in rows.values():
        if row.part_of_id in rows:
            parts_of.setdefault(row.part_of_id, []).append(row)
    covered = {}

    def coverage(row):
        """The yen a row and its itemized parts account for (a package: at least its parts)."""
        if row.pk not in covered:
            covered[row.pk] = Decimal(0)  # guards against a cycle of parts
            parts = sum((coverage(part) for part in parts_of.get(row.pk, ())), Decimal(0))
            own = row.new["yen_value"] if not row.new["exclusion"] else Decimal(0)
            covered[row.pk] = max(own, parts)
        return covered[row.pk]

    changed = []
    for row in rows.values():
        counted = None
        if not row.new["exclusion"]:
            parts = sum((coverage(part) for part in parts_of.get(row.pk, ())), Decimal(0))
            if parts and parts >= row.new["yen_value"]:
                row.new["exclusion"] = "fully_itemized"
            else:
                counted = row.new["yen_value"] - parts
        row.new["counted_yen"] = counted
        if any(getattr(row, column) != row.new[column] for column in COLUMNS):
            changed.append(Agreement(pk=row.pk, **row.new))
    Agreement.objects.using(using).bulk_update(changed, list(COLUMNS), batch_size=1000)
    if changed and using == "default":
        bump()  # bulk_update sends no signals
    return len(changed)


def _whole_families(agreements, rows, load):
    """The packages above the given rows and every part below those packages: a part's change
    moves its package's remainder, and a package's remainder needs all its parts."""
    found = {}
    above = {row.part_of_id for row in rows.values() if row.part_of_id}
    while above - rows.keys() - found.keys():
        more = load(agreements.filter(pk__in=above - rows.keys() - found.keys()))
        found.update(more)
        above = {row.part_of_id for row in more.values() if row.part_of_id}
    tops = set(rows) | set(found)
    below = tops
    while below:
        more = load(agreements.filter(part_of__in=below).exclude(pk__in=tops | set(found)))
        found.update(more)
        below = set(more)
    return found
