from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

from tracker import charts

register = template.Library()

SCALES = (
    (Decimal(10) ** 12, "trillion"),
    (Decimal(10) ** 9, "billion"),
    (Decimal(10) ** 6, "million"),
)


def _short(value):
    for size, word in SCALES:
        if abs(value) >= size:
            return f"{(value / size).quantize(Decimal('0.01'))} {word}"
    return intcomma(int(value))


@register.filter
def yen_short(value):
    """¥2.21 trillion: readable at a glance; the exact figure goes in a table or a title."""
    if value is None:
        return "—"
    return f"¥{_short(Decimal(value))}"


@register.filter
def yen(value):
    if value is None:
        return "—"
    return f"¥{intcomma(int(Decimal(value)))}"


@register.filter
def money(value, currency):
    """An amount in its own currency: 11,000,000,000 USD."""
    if value is None:
        return "—"
    amount = Decimal(value)
    text = intcomma(int(amount)) if amount == amount.to_integral_value() else intcomma(f"{amount:.2f}")
    return f"{text} {currency}"


@register.filter
def money_short(value, currency):
    if value is None:
        return "—"
    return f"{_short(Decimal(value))} {currency}"


@register.filter
def percent(share, places=1):
    """A share (0.7368) as a percentage (73.7%)."""
    if share is None:
        return "—"
    quantum = Decimal(1).scaleb(-int(places))
    return f"{(Decimal(share) * 100).quantize(quantum)}%"


@register.filter
def svg_percent(share):
    """A share as a number for SVG geometry, clamped to 0–100 so a chart never draws outside its box."""
    value = float(share or 0) * 100
    return f"{min(max(value, 0.0), 100.0):.3f}"


@register.filter
def mix(counts):
    return charts.status_mix(counts)


@register.filter
def qualified_yen(amount):
    """An Amount as words: “at least ¥2.21 trillion”."""
    if amount is None:
        return "—"
    text = yen_short(amount.yen)
    return f"{amount.qualifier} {text}" if amount.qualifier else text


@register.filter
def web_url(value):
    """The address if it is http(s), else nothing: a stored `javascript:` URL never becomes a link."""
    text = str(value or "").strip()
    return text if text.lower().startswith(("http://", "https://")) else ""
