"""How figures and dates read on the site. Rounding and the words “at least” / “about” come from
tracker.money, so a figure reads the same on every page, in the feed and in the admin."""

from decimal import Decimal
from html import unescape

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.loader_tags import BLOCK_CONTEXT_KEY
from django.utils.dateformat import format as format_date
from django.utils.html import format_html, strip_tags

from tracker import charts
from tracker.models import DateAccuracy, Exactness
from tracker.money import qualifier, round_to

register = template.Library()

SCALES = (
    (Decimal(10) ** 12, "trillion"),
    (Decimal(10) ** 9, "billion"),
    (Decimal(10) ** 6, "million"),
)
LONG_DATE = "j F Y"


def _short(value, exactness):
    value = Decimal(value)
    for size, word in SCALES:
        if abs(value) >= size:
            scaled = round_to(value / size, "0.01", exactness)
            # "3 trillion", not "3.00 trillion"; "2.10" keeps its zero so it still reads as rounded.
            text = str(scaled.quantize(Decimal(1))) if scaled == scaled.to_integral_value() else str(scaled)
            return f"{text} {word}"
    return intcomma(int(round_to(value, 1, exactness)))


def _qualified(text, exactness):
    words = qualifier(exactness)
    return f"{words} {text}" if words else text


@register.filter
def yen_short(value, exactness=Exactness.EXACT):
    """¥2.21 trillion: readable at a glance; the whole figure goes in a table or a title."""
    if value is None:
        return "—"
    return f"¥{_short(value, exactness)}"


@register.filter
def yen(value, exactness=Exactness.EXACT):
    if value is None:
        return "—"
    return f"¥{intcomma(int(round_to(value, 1, exactness)))}"


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
    return f"{_short(value, Exactness.EXACT)} {currency}"


@register.filter
def percent(share, exactness=Exactness.EXACT):
    """A share (0.7368) as a percentage to one decimal (73.7%; 73.6% for a lower bound)."""
    if share is None:
        return "—"
    return f"{round_to(Decimal(share) * 100, '0.1', exactness)}%"


@register.filter
def qualified_yen(amount):
    """An Amount as words: “at least ¥2.21 trillion”."""
    if amount is None:
        return "—"
    return _qualified(yen_short(amount.yen, amount.exactness), amount.exactness)


@register.filter
def qualified_yen_full(amount):
    """An Amount to the yen: “at least ¥2,210,526,304,000”."""
    if amount is None:
        return "—"
    return _qualified(yen(amount.yen, amount.exactness), amount.exactness)


@register.filter
def qualified_share(amount, whole):
    """An Amount as a share of `whole`: “at least 73.6%”."""
    if amount is None or not whole:
        return "—"
    return _qualified(percent(amount.yen / Decimal(whole), amount.exactness), amount.exactness)


@register.simple_tag
def qualified_money(amount, currency, exactness):
    """A value in its own currency with its qualifier: “at least 11,000,000,000 USD”."""
    if amount is None:
        return "—"
    return _qualified(money(amount, currency), exactness)


@register.simple_tag
def qualified_value_yen(value, exactness):
    """A single agreement's yen figure with its qualifier."""
    if value is None:
        return "—"
    return _qualified(yen(value, exactness), exactness)


@register.simple_tag
def known_date(day, accuracy=DateAccuracy.EXACT, unknown="date unknown"):
    """A date as the evidence allows: “20 December 2025”, “around 20 December 2025”, or `unknown`."""
    if day is None or accuracy == DateAccuracy.UNKNOWN:
        return unknown
    text = format_date(day, LONG_DATE)
    return f"around {text}" if accuracy == DateAccuracy.APPROXIMATE else text


@register.filter
def svg_percent(share):
    """A share as a number for SVG geometry, clamped to 0–100 so a chart never draws outside its box."""
    value = float(share or 0) * 100
    return f"{min(max(value, 0.0), 100.0):.3f}"


@register.filter
def mix(counts):
    return charts.status_mix(counts)


@register.filter
def web_url(value):
    """The address if it is http(s), else nothing: a stored `javascript:` URL never becomes a link."""
    text = str(value or "").strip()
    return text if text.lower().startswith(("http://", "https://")) else ""


@register.filter
def refinements(form):
    """How many filters besides the search box are set: a folded filter form opens when any is,
    so a reader always sees what narrows the list."""
    return sum(1 for field in form if field.name != "q" and field.value() not in (None, "", []))


SORT_MARKS = {"ascending": "▲", "descending": "▼"}


@register.simple_tag(takes_context=True)
def sort_header(context, key, label, css=""):
    """A column header of a list: a link that sorts by `key` (ascending, then descending on a
    second click) keeping the other filters, with aria-sort on the current order (what screen
    readers announce). Where the table is not a sortable list (`sortable` not set), a plain header."""
    request = context.get("request")
    css_attr = format_html(' class="{}"', css) if css else ""
    if not context.get("sortable") or request is None:
        return format_html('<th scope="col"{}>{}</th>', css_attr, label)
    current = request.GET.get("sort", "")
    state = {key: "ascending", f"-{key}": "descending"}.get(current)
    query = request.GET.copy()
    query.pop("page", None)
    query["sort"] = f"-{key}" if state == "ascending" else key
    next_order = "descending" if state == "ascending" else "ascending"
    return format_html(
        '<th scope="col"{}{}><a class="sort" href="?{}" title="Sort by {}, {}">{}'
        '<span class="sort-mark" aria-hidden="true">{}</span></a></th>',
        css_attr,
        format_html(' aria-sort="{}"', state) if state else "",
        query.urlencode(),
        label.lower(),
        next_order,
        label,
        SORT_MARKS.get(state, "↕"),
    )


@register.simple_tag(takes_context=True)
def block_text(context, name):
    """The plain text of this page's block `name` (its title, its description), for the places a
    page names itself a second time: social preview tags, share links, the citation line."""
    block_context = context.render_context.get(BLOCK_CONTEXT_KEY)
    block = block_context.get_block(name) if block_context else None
    if block is None:
        return ""
    return " ".join(unescape(strip_tags(block.nodelist.render(context))).split())
