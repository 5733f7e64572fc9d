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


def stacked_segments(groups, whole):
    segments, start = [], Decimal(0)
    for group in groups:
        share = group.amount.yen / whole if whole else Decimal(0)
        segments.append(Segment(group.key, group.label, group.amount, share, start))
        start += share
    return segments


def bars(groups):
    """Horizontal bars scaled to the largest group, so the biggest fills the row."""
    largest = max((group.amount.yen for group in groups), default=0)
    return [
        Segment(group.key, group.label, group.amount, group.amount.yen / largest if largest else 0, 0)
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
