"""How figures and dates read on the site. Rounding and the words “at least” / “about” come from
tracker.money, so a figure reads the same on every page, in the feed and in the admin."""

import functools
import re
from decimal import Decimal
from html import unescape

from django import template
from django.template.defaultfilters import linebreaksbr
from django.template.loader import render_to_string
from django.template.loader_tags import BLOCK_CONTEXT_KEY
from django.utils import numberformat
from django.utils.formats import date_format, get_format
from django.utils.html import conditional_escape, format_html, strip_tags
from django.utils.safestring import SafeData, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext_lazy, ngettext, npgettext, pgettext, pgettext_lazy
from django.utils.translation import gettext as _

from tracker import charts, sharing
from tracker.addresses import page_url
from tracker.filters import RememberedField
from tracker.models import DateAccuracy, Exactness
from tracker.money import qualified, round_to

register = template.Library()

# How each language writes large yen figures: its scale words, and where the yen goes. A figure
# at a scale keeps two decimals at most ("2.21 trillion"); lower bounds are rounded down.
SCALES = {
    "en": ((Decimal(10) ** 12, "trillion"), (Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million")),
    "ja": ((Decimal(10) ** 12, "兆"), (Decimal(10) ** 8, "億"), (Decimal(10) ** 4, "万")),
    "ru": ((Decimal(10) ** 12, "трлн"), (Decimal(10) ** 9, "млрд"), (Decimal(10) ** 6, "млн")),
}
NBSP = "\u00a0"


def language():
    """The active language's family: en, ja or ru."""
    code = (get_language() or "en")[:2]
    return code if code in SCALES else "en"


def number(value, decimal_places=None):
    """A number in the active language's digits: 1,200.5 / 1,200.5 / 1 200,5 (Django's
    number_format, with the language's separators looked up once: three lookups a figure were
    a twentieth of a list page)."""
    decimal_separator, grouping, thousand_separator = number_formats(get_language())
    return numberformat.format(
        value,
        decimal_separator,
        decimal_places,
        grouping,
        thousand_separator,
        force_grouping=True,
        use_l10n=True,
    )


@functools.lru_cache(maxsize=16)
def number_formats(language):
    return tuple(
        get_format(name, language, use_l10n=True)
        for name in ("DECIMAL_SEPARATOR", "NUMBER_GROUPING", "THOUSAND_SEPARATOR")
    )


def scaled(value, exactness):
    """(text, scale word) of a large figure, or (whole number, "") below the smallest scale."""
    value = Decimal(value)
    for size, word in SCALES[language()]:
        if abs(value) >= size:
            # Four digits of a scale need no decimals: "4,736億", never "4,736.84億".
            quantum = "1" if abs(value) >= size * 1000 else "0.01"
            figure = round_to(value / size, quantum, exactness)
            # "3 trillion", not "3.00 trillion"; "2.10" keeps its zero so it still reads as rounded.
            places = 0 if figure == figure.to_integral_value() else 2
            return number(figure, places), word
    return number(round_to(value, 1, exactness), 0), ""


def yen_text(figure, word=""):
    """¥3 trillion / 3兆円 / 3 трлн иен."""
    family = language()
    if family == "ja":
        return f"{figure}{word}円"
    if family == "ru":
        return f"{figure}{NBSP}{word}{NBSP}иен" if word else f"{figure}{NBSP}иен"
    return f"¥{figure}{NBSP}{word}" if word else f"¥{figure}"


def unit_space():
    """What joins a figure to its unit: a no-break space, so that no line ends between them."""
    return NBSP


def _short(value, exactness):
    figure, word = scaled(value, exactness)
    joint = "" if language() == "ja" else unit_space()
    return f"{figure}{joint}{word}" if word else figure


@register.filter
def yen_short(value, exactness=Exactness.EXACT):
    """¥2.21 trillion: readable at a glance; the whole figure goes in a table or a title."""
    if value is None:
        return "—"
    return yen_text(*scaled(value, exactness))


@register.filter
def yen(value, exactness=Exactness.EXACT):
    if value is None:
        return "—"
    return yen_text(number(round_to(value, 1, exactness), 0))


@register.filter
def money(value, currency):
    """An amount in its own currency: 11,000,000,000 USD."""
    if value is None:
        return "—"
    amount = Decimal(value)
    places = 0 if amount == amount.to_integral_value() else 2
    return f"{number(amount, places)}{unit_space()}{currency}"


# Currencies English writes with their sign, as the sources do ("$19 billion", "€17.9 billion").
CURRENCY_SIGNS = {"USD": "$", "EUR": "€", "JPY": "¥"}


def money_short(value, currency, exactness=Exactness.EXACT):
    """A figure a source reports, in its own currency and with no more digits than it gave:
    "€17.9 billion", "$11 billion"; a lower bound is rounded down ("$18.99 billion", never 19)."""
    value = Decimal(value)
    figure, word = round_to(value, 1, exactness), ""
    for size, scale_word in SCALES[language()]:
        if abs(value) >= size:
            figure, word = round_to(value / size, "0.01", exactness), scale_word
            break
    places = max(0, -figure.normalize().as_tuple().exponent)  # the source's 17.9, not 17.90
    digits = number(figure, places)
    joint = "" if language() == "ja" else unit_space()
    short = f"{digits}{joint}{word}" if word else digits
    sign = CURRENCY_SIGNS.get(currency) if language() == "en" else None
    if sign:
        return f"{sign}{short}"
    return f"{short}{unit_space()}{currency}"


# Short forms for lists and charts, where a reader compares magnitudes at a glance; the record's own
# page gives the whole figure. Three significant digits at most, a lower bound rounded down.
BRIEF_SCALES = {
    "en": ((Decimal(10) ** 12, "tn"), (Decimal(10) ** 9, "bn"), (Decimal(10) ** 6, "m")),
    "ja": SCALES["ja"],
    "ru": SCALES["ru"],
}
CURRENCY_WORDS = {
    "ja": {"USD": "ドル", "EUR": "ユーロ", "JPY": "円"},
    "ru": {"USD": "долл.", "EUR": "евро", "JPY": "иен"},
}
BRIEF_QUALIFIED = {
    Exactness.LOWER_BOUND: pgettext_lazy("a short money figure", "at least %(figure)s"),
    Exactness.APPROXIMATE: pgettext_lazy("a short money figure", "about %(figure)s"),
}


def brief_figure(value, exactness):
    """(digits, scale word) with three significant digits at most: 1.73 / 17.9 / 4,736."""
    value = Decimal(value)
    for size, word in BRIEF_SCALES[language()]:
        if abs(value) >= size:
            scaled_value = value / size
            places = 0 if abs(scaled_value) >= 100 else 1 if abs(scaled_value) >= 10 else 2
            figure = round_to(scaled_value, Decimal(1).scaleb(-places), exactness).normalize()
            return number(figure, max(0, -figure.as_tuple().exponent)), word
    return number(round_to(value, 1, exactness), 0), ""


@register.simple_tag
def brief_money(value, currency, exactness=Exactness.EXACT):
    """A figure short enough for a list: “at least $11bn”, “at least ¥1.73tn”, “110億ドル以上”,
    “не менее 11 млрд долл.”; one unbreakable unit on the line."""
    if value is None:
        return "—"
    family = language()
    digits, word = brief_figure(value, exactness)
    if family == "en":
        sign = CURRENCY_SIGNS.get(currency)
        figure = f"{sign}{digits}{word}" if sign else f"{digits}{word}{NBSP}{currency}"
    elif family == "ja":
        unit = CURRENCY_WORDS["ja"].get(currency)
        figure = f"{digits}{word}{unit}" if unit else f"{digits}{word}{NBSP}{currency}"
    else:
        unit = CURRENCY_WORDS["ru"].get(currency, currency)
        figure = NBSP.join(part for part in (digits, word, unit) if part)
    pattern = BRIEF_QUALIFIED.get(exactness)
    text = (str(pattern) % {"figure": figure}).replace(" ", NBSP) if pattern else figure
    # One unit on the line: Japanese may otherwise break between 少なくとも and its figure.
    return format_html('<span class="figure">{}</span>', text)


@register.filter
def percent(share, exactness=Exactness.EXACT):
    """A share (0.7368) as a percentage to one decimal (73.7%; 73.6% for a lower bound)."""
    if share is None:
        return "—"
    figure = number(round_to(Decimal(share) * 100, "0.1", exactness), 1)
    return f"{figure}{NBSP}%" if language() == "ru" else f"{figure}%"


@register.filter
def qualified_yen(amount):
    """An Amount as words: “at least ¥2.21 trillion”."""
    if amount is None:
        return "—"
    return qualified(yen_short(amount.yen, amount.exactness), amount.exactness)


@register.filter
def qualified_yen_full(amount):
    """An Amount to the yen: “at least ¥2,210,526,304,000”."""
    if amount is None:
        return "—"
    return qualified(yen(amount.yen, amount.exactness), amount.exactness)


@register.filter
def qualified_share(amount, whole):
    """An Amount as a share of `whole`: “at least 73.6%”."""
    if amount is None or not whole:
        return "—"
    return qualified(percent(amount.yen / Decimal(whole), amount.exactness), amount.exactness)


@register.simple_tag
def qualified_money(amount, currency, exactness):
    """A value in its own currency with its qualifier: “at least 11,000,000,000 USD”."""
    if amount is None:
        return "—"
    return qualified(money(amount, currency), exactness)


@register.simple_tag
def qualified_value_yen(value, exactness):
    """A single agreement's yen figure with its qualifier."""
    if value is None:
        return "—"
    return qualified(yen(value, exactness), exactness)


def badge(status, label, method_url, title):
    return format_html(
        '<a class="badge badge-{}" href="{}#status-{}" title="{}">{}</a>',
        status,
        method_url,
        status,
        title,
        label,
    )


@register.simple_tag
def address(name, *args):
    """{% url name %} of a page without a record's slug, reversed once per name, language and
    prefix (tracker.addresses): the menu and footer's links were a twentieth of a list page."""
    return page_url(name, *args)


@register.simple_tag
def status_badge(status, label):
    """A status as a badge, linked to what it means on the method page."""
    return badge(status, label, page_url("tracker:method"), _("What this status means"))


@register.simple_tag
def known_date(day, accuracy=DateAccuracy.EXACT, unknown=None):
    """A date as the evidence allows: “20 December 2025”, “around 20 December 2025”, or `unknown`."""
    if day is None or accuracy == DateAccuracy.UNKNOWN:
        return _("date unknown") if unknown is None else unknown
    return known_day(day, accuracy, get_language())


@functools.lru_cache(maxsize=4096)  # a table's dates are few, and recur from page to page
def known_day(day, accuracy, language):
    """known_date of a date, in `language` (the active one)."""
    text = date_format(day, "DATE_FORMAT")
    return _("around %(date)s") % {"date": text} if accuracy == DateAccuracy.APPROXIMATE else text


@register.filter
def svg_percent(share):
    """A share as a number for SVG geometry, clamped to 0–100 so a chart never draws outside its box."""
    value = float(share or 0) * 100
    return f"{min(max(value, 0.0), 100.0):.3f}"


@register.filter
def mix(counts):
    return charts.status_mix(counts)


@register.filter
def svg_lines(text, layout):
    """A sentence as a badge's lines: `layout` is "width,font size,most lines,first baseline,line
    height" in pixels ("456,11,2,64,13"). SVG text does not wrap by itself."""
    width, font_size, max_lines, baseline, line_height = (float(part) for part in layout.split(","))
    plain = unescape(str(text)) if isinstance(text, SafeData) else str(text)  # escaped again on output
    return charts.svg_lines(
        plain,
        width=width,
        font_size=font_size,
        max_lines=int(max_lines),
        baseline=baseline,
        line_height=line_height,
    )


@register.filter
def web_url(value):
    """The address if it is http(s), else nothing: a stored `javascript:` URL never becomes a link."""
    text = str(value or "").strip()
    return text if text.lower().startswith(("http://", "https://")) else ""


@register.simple_tag
def filter_field(field):
    """A filter form's field as includes/filter_field.html writes it: label, widget, help and
    error. Remembered where it reads the same for every reader (filters.RememberedField): twelve
    includes were a tenth of a list page."""

    def write():
        return render_to_string("includes/filter_field.html", {"field": field})

    return field.remembered("field", write) if isinstance(field, RememberedField) else write()


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
    if state == "ascending":
        title = _("Sort by %(column)s, descending") % {"column": label.lower()}
    else:
        title = _("Sort by %(column)s, ascending") % {"column": label.lower()}
    return format_html(
        '<th scope="col"{}{}><a class="sort" href="?{}" title="{}">{}'
        '<span class="sort-mark" aria-hidden="true">{}</span></a></th>',
        css_attr,
        format_html(' aria-sort="{}"', state) if state else "",
        query.urlencode(),
        title,
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


# A quotation in a translation (“…” holding Latin letters) stays in its source's English; other
# runs of Latin letters in a Japanese or Russian text are names (JOGMEC, SmartMining Plus).
MARKED = re.compile(
    r"(?P<quotation>“[^”]*[A-Za-z][^”]*”)"
    r"|(?P<name>[A-Za-z][A-Za-z0-9+&.\-]*(?:[ \-][A-Z0-9][A-Za-z0-9+&.\-]*)*)"
)
MARKS = {"quotation": '<span lang="en">{}</span>', "name": '<span translate="no">{}</span>'}


def marked_translation(value):
    """A translated text, escaped, with its English quotations marked lang="en" and the Latin
    letters of names marked translate="no" (a page translator would garble them)."""
    pieces, last = [], 0
    for match in MARKED.finditer(value):
        pieces.append(conditional_escape(value[last : match.start()]))
        pieces.append(format_html(MARKS[match.lastgroup], match.group()))
        last = match.end()
    pieces.append(conditional_escape(value[last:]))
    return mark_safe("".join(pieces))


@register.simple_tag
def text(record, field, linebreaks=False, plain=False, words=None):
    """A record's text in the page's language where an editor translated it; else its English,
    marked lang="en" so that readers and screen readers know what they are reading (`plain` for
    places that take no markup, such as the page's title; `words` to shorten it)."""
    page = language()
    if hasattr(record, "in_language"):
        value, written_in = record.in_language(field, page)
    else:  # a plain row of the target's arithmetic: its English text
        value, written_in = getattr(record, field), "en"
    value = value or ""
    if words:
        # Japanese has no spaces to count words by: about four characters make a word.
        truncator = Truncator(value)
        value = truncator.chars(int(words) * 4) if written_in == "ja" else truncator.words(int(words))
    if plain:
        return value
    if written_in == page:
        body = marked_translation(value) if page != "en" else conditional_escape(value)
        return linebreaksbr(body) if linebreaks else body
    return english(linebreaksbr(value) if linebreaks else value)


@register.filter
def full_stop(preceding):
    """The full stop that ends a sentence whose last words are `preceding`: none where they end
    with one already (a Russian date's “г.”), “。” in Japanese."""
    if str(preceding).rstrip().endswith((".", "。")):
        return ""
    return "。" if language() == "ja" else "."


def sentences(*parts):
    """Sentences joined as the active language writes them, each ended once."""
    joiner = "" if language() == "ja" else " "
    return joiner.join(f"{part}{full_stop(part)}" for part in parts if part)


@register.simple_tag
def leader(person, with_title=True):
    """A leader as each language's press writes one: “President Kassym-Jomart Tokayev”,
    “カシムジョマルト・トカエフ大統領”, “Президент Касым-Жомарт Токаев”; a part with no translation
    yet is its English, marked."""
    name = text(person, "name")
    if not with_title:
        return name
    # The pattern comes from the catalogue and holds no markup; the parts are escaped.
    pattern = pgettext("a leader's title and name", "%(title)s %(name)s")
    return mark_safe(
        pattern % {"title": conditional_escape(text(person, "title")), "name": conditional_escape(name)}
    )


@register.inclusion_tag("includes/translation_note.html")
def translation_note(record):
    """On a record's own page in Japanese or Russian: whether its texts are a translation of the
    English record, or shown in English because none exists yet."""
    page = language()
    return {"page": page, "state": record.translation_state(page) if page != "en" else ""}


@register.filter
def yen_rate(rate):
    """Yen per unit of a currency, as exact as its record: ¥157.894737 / 157.894737円."""
    return "—" if rate is None else yen_text(number(Decimal(rate).normalize()))


@register.filter
def english(value):
    """A text kept in English only (a source's words, an editor's note): marked lang="en" on a
    Japanese or Russian page."""
    if not value or language() == "en":
        return value
    return format_html('<span lang="en">{}</span>', value)


REPORTED_FIGURE = {
    Exactness.LOWER_BOUND: gettext_lazy("more than %(figure)s"),
    Exactness.UPPER_BOUND: gettext_lazy("up to %(figure)s"),
    Exactness.APPROXIMATE: gettext_lazy("about %(figure)s"),
    Exactness.APPROXIMATE_RANGE: gettext_lazy("about %(figure)s"),
}


# Counts a source reports, in the page's words ("150 documents", never "150 documents超"). The noun
# follows the number in each language, and in Russian it changes again after "more than", "up to"
# and "about", and in a range ("33 года", but "более 33 лет").
COUNT_UNITS = {
    "documents": (
        lambda n: ngettext("%(number)s document", "%(number)s documents", n),
        lambda n: npgettext("after a qualifier", "%(number)s document", "%(number)s documents", n),
    ),
    "years": (
        lambda n: ngettext("%(number)s year", "%(number)s years", n),
        lambda n: npgettext("after a qualifier", "%(number)s year", "%(number)s years", n),
    ),
}


def count_text(figure):
    """A reported count in words: "more than 150 documents", "10 to 12 years"."""
    plain, qualified_form = COUNT_UNITS[figure.unit]
    digits = number(figure.value.normalize())
    if figure.upper_value is not None:
        digits = _("%(low)s to %(high)s") % {"low": digits, "high": number(figure.upper_value.normalize())}
    last = figure.value if figure.upper_value is None else figure.upper_value
    qualified_count = figure.exactness in REPORTED_FIGURE or figure.upper_value is not None
    return (qualified_form if qualified_count else plain)(int(last)) % {"number": digits}


@register.simple_tag
def reported_figure(figure):
    """A figure a source reports, with its qualifier: “more than 150”, “about 19 billion USD”."""
    if figure.unit in COUNT_UNITS:
        text = count_text(figure)
    elif figure.unit == "percent":
        text = f"{number(figure.value.normalize())}{NBSP if language() == 'ru' else ''}%"
    else:
        text = money_short(figure.value, figure.unit, figure.exactness)
    if figure.upper_value is not None and figure.unit not in COUNT_UNITS:
        high = money_short(figure.upper_value, figure.unit, figure.exactness)
        text = _("%(low)s to %(high)s") % {"low": text, "high": high}
    pattern = REPORTED_FIGURE.get(figure.exactness)
    return str(pattern) % {"figure": text} if pattern else text


@register.filter
def score(value):
    """A compliance score with its sign (+0.50, 0.00, −0.33), in the language's digits."""
    if value is None:
        return ""
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return f"{sign}{number(abs(value), 2)}"


@register.simple_tag(takes_context=True)
def share_card(context):
    """The preview image of this page: its language's, its country's on a country's page."""
    country = context.get("country")
    return sharing.card_for(language(), getattr(country, "slug", None))
