"""Geometry for the SVG charts the templates draw: shares and offsets, nothing else."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass
class Segment:
    key: str
    label: str
    amount: object
    share: Decimal  # of the whole the chart is drawn against
    start: Decimal  # where the segment begins, as a share of that whole
    stated: bool = True  # tied to the target by a source; False: reported, not confirmed


def target_segments(progress):
    """The target bar: what sources tie to the target, by tier, then what is only reported,
    drawn apart (hatched) so that it is never read as reached."""
    whole = progress.target.amount
    segments, start = [], Decimal(0)
    for tier in progress.by_tier:
        share = tier.split.stated.yen / whole
        segments.append(Segment(tier.key, tier.label, tier.split.stated, share, start))
        start += share
    reported = progress.reported
    segments.append(
        Segment("reported", "Reported, not confirmed", reported, reported.yen / whole, start, stated=False)
    )
    return segments


@dataclass
class Bar:
    key: str
    label: str
    subject: object
    stated: object
    reported: object
    stated_share: Decimal
    reported_share: Decimal


def bars(groups):
    """One row per group with two bars, stated and reported, scaled to the largest figure."""
    largest = max((group.split.largest for group in groups), default=0)

    def scaled(amount):
        return amount.yen / largest if largest else Decimal(0)

    return [
        Bar(
            group.key,
            group.label,
            group.subject,
            group.split.stated,
            group.split.reported,
            scaled(group.split.stated),
            scaled(group.split.reported),
        )
        for group in groups
    ]


def status_mix(counts):
    """Shares of each status from [(value, label, count)], for a stacked status bar."""
    total = sum(count for _value, _label, count in counts)
    items, start = [], 0.0
    for value, label, count in counts:
        share = count / total if total else 0.0
        items.append({"status": value, "label": label, "count": count, "share": share, "start": start})
        start += share
    return {"total": total, "items": items}
