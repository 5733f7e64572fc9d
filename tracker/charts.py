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
    drawn apart as an outline so that it is never read as reached."""
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


# How wide characters run, in ems, in a wide sans-serif (DejaVu Sans, which many Linux readers
# get for system-ui): SVG text never wraps by itself, so a badge's lines are laid out here, on
# the safe side, in every language.
_NARROW = set(" .,:;'’!|()[]·")


def _em(character):
    code = ord(character)
    if 0x3000 <= code <= 0x9FFF or 0xFF00 <= code <= 0xFFEF:
        return 1.0
    if character in _NARROW or character == "\u00a0":
        return 0.34
    if character.isupper():
        return 0.74
    if character.isdigit() or "\u0400" <= character <= "\u04ff":  # digits and Cyrillic run wide
        return 0.64
    return 0.56


# Japanese breaks between any two characters, except before closing punctuation and after opening.
_NO_BREAK_BEFORE = set("、。，．：；）」』〕％!?")
_NO_BREAK_AFTER = set("（「『〔")


def _pieces(text):
    """The text cut where a line may break: after spaces, and between Japanese characters."""
    pieces, current = [], ""
    for index, character in enumerate(text):
        current += character
        following = text[index + 1] if index + 1 < len(text) else ""
        wide = _em(character) == 1.0 or (following and _em(following) == 1.0)
        if character == " " or (
            wide and following and following not in _NO_BREAK_BEFORE and character not in _NO_BREAK_AFTER
        ):
            pieces.append(current)
            current = ""
    return [*pieces, current] if current else pieces


@dataclass
class Line:
    text: str
    y: str  # its baseline, a plain number (never localized: "63,5" is no SVG coordinate)
    squeeze: bool  # wider than the room even after wrapping: drawn with textLength to fit


def svg_lines(text, *, width, font_size, max_lines, baseline, line_height):
    """`text` wrapped into at most `max_lines` lines of `width` pixels at `font_size`, the first on
    `baseline`; a last line that still does not fit is marked to be squeezed, so that nothing is
    drawn outside the badge."""
    room = width / font_size  # in ems
    lines, current = [], ""
    for piece in _pieces(str(text)):
        if current and sum(map(_em, (current + piece).rstrip())) > room and len(lines) < max_lines - 1:
            lines.append(current.rstrip())
            current = piece
        else:
            current += piece
    lines.append(current.rstrip())
    return [
        Line(line, f"{baseline + index * line_height:g}", sum(map(_em, line)) > room)
        for index, line in enumerate(line for line in lines if line)
    ]
