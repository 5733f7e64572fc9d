"""The rows of the agreement and commitment tables, written in Python rather than in a template
loop: through the template engine a row cost about 1.1 ms (a reverse() for its link and another
for its status badge, the choices' labels translated again, some 40 variable lookups), most of an
uncached list page; here the labels are worked out once per table and the addresses once per
language (tracker.addresses). The rows are joined as plain strings, each value escaped once
(format_html's lazy-aware escaping was a third of a row). The markup is the one the templates had;
the figures and dates come from the same functions as everywhere."""

from html import escape

from django import template
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from tracker.addresses import page_url, slug_url
from tracker.filters import choice_records
from tracker.models import Agreement, AgreementParty, Commitment
from tracker.rows import owned_rows

from .tracker_format import (
    badge,
    brief_money,
    known_date,
    leader,
    qualified_money,
    qualified_value_yen,
    text,
)

register = template.Library()


def esc(value):
    """conditional_escape(value) as a str: markup as it is, anything else escaped."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))


def span(css, word, before=""):
    """<span class="`css`">`word`</span> (a tag after a title, a muted "unknown"), as markup."""
    return SafeString(f'{before}<span class="{css}">{esc(word)}</span>')


def status_badge_maker(choices):
    """status → its badge (tracker_format.status_badge), with the labels and the link made once."""
    labels = {value: str(label) for value, label in choices}
    method, title = page_url("tracker:method"), _("What this status means")
    return lambda status: badge(status, labels.get(status, status), method, title)


def memo(render):
    """render(record) kept by the record's primary key, for one table: the same few countries,
    areas and leaders appear on many rows."""
    seen = {}

    def rendered(record):
        if record.pk not in seen:
            seen[record.pk] = render(record)
        return seen[record.pk]

    return rendered


NUMERIC = ' class="num"'


def table_row(record, page, tags, cells):
    """A record's row: its title linked to its `page` as the row's header, with the `tags` that
    apply (the others None), then (label, content, numeric) cells; the label names the cell
    where a phone shows the table as cards."""
    cells = "\n".join(
        f'<td data-label="{esc(label)}"{NUMERIC if numeric else ""}>{esc(content)}</td>'
        for label, content, numeric in cells
    )
    tags = "".join(esc(tag) for tag in tags if tag is not None)
    return (
        f'<tr>\n<th scope="row"><a href="{esc(slug_url(page, record.slug))}">{esc(text(record, "title"))}</a>'
        f"{tags}</th>\n{cells}\n</tr>"
    )


def countries_by_agreement(agreements):
    """{agreement id: [country name, …]} for a table's agreements, in one query of the link table
    alone: the countries (kept with the filter forms' choices, in the database's order of their
    names) among their parties, each once, in the order of their roles, then names
    (AgreementParty's own order; the role codes sort alike in any collation), each named once per
    table."""
    countries = {country.pk: country for country in choice_records("countries")}
    by_name = {pk: place for place, pk in enumerate(countries)}  # the database's order (Party's)
    # In SQL compiled once (rows.owned_rows): the ORM's build of this query per table took longer
    # than running it, a tenth of a list page.
    roles = []
    if countries:
        roles = owned_rows(
            AgreementParty, "agreement", ("agreement", "role", "party"), among=Q(party__in=list(countries))
        )([agreement.pk for agreement in agreements])
    names, found = {}, {}
    for agreement_id, _role, party_id in sorted(roles, key=lambda row: (*row[:2], by_name[row[2]])):
        if party_id not in names:
            names[party_id] = text(countries[party_id], "name")
        found.setdefault(agreement_id, {}).setdefault(party_id, names[party_id])
    return {agreement_id: list(named.values()) for agreement_id, named in found.items()}


def rows_or_empty(rows, columns, empty_text, default):
    if not rows:
        return format_html('<tr><td colspan="{}">{}</td></tr>', columns, empty_text or default)
    return mark_safe("\n".join(rows))


@register.simple_tag
def agreement_rows(agreements, empty_text=""):
    agreements = list(agreements)
    countries_of = countries_by_agreement(agreements)
    status_badge = status_badge_maker(Agreement.Status.choices)
    labels = {
        "countries": _("Countries"),
        "status": _("Status"),
        "value": _("Value"),
        "signed": _("Signed"),
    }
    not_stated, unknown = span("muted", _("not stated")), span("muted", _("unknown"))
    package, synthetic = span("tag", _("package"), " "), span("tag tag-warn", _("synthetic"), " ")
    reading = span("tag", _("our reading"), " ")
    signed_on = {}  # a table's many rows share few dates
    rows = []
    for agreement in agreements:
        countries = ", ".join(esc(name) for name in countries_of.get(agreement.pk, ()))
        if agreement.amount is None:
            value = not_stated
        else:
            exactness = agreement.value_exactness
            value = (
                f'<span title="{esc(qualified_money(agreement.amount, agreement.currency, exactness))}">'
                f"{esc(brief_money(agreement.amount, agreement.currency, exactness))}</span>"
                f"{reading if agreement.value_reading else ''}"
            )
            if agreement.yen_rate_id:
                in_yen = qualified_value_yen(agreement.yen_value, exactness)
                value += (
                    f'<br><span class="muted" title="{esc(in_yen)}">'
                    f"≈&nbsp;{esc(brief_money(agreement.yen_value, 'JPY', exactness))}</span>"
                )
        if agreement.signed_on:
            day = (agreement.signed_on, agreement.signed_on_accuracy)
            if day not in signed_on:
                signed_on[day] = f'<time datetime="{day[0].isoformat()}">{esc(known_date(*day))}</time>'
            signed = signed_on[day]
        else:
            signed = unknown
        rows.append(
            table_row(
                agreement,
                "tracker:agreement_detail",
                [package if agreement.is_aggregate else None, synthetic if agreement.is_synthetic else None],
                [
                    (labels["countries"], SafeString(countries or not_stated), False),
                    (labels["status"], status_badge(agreement.status), False),
                    (labels["value"], SafeString(value), True),
                    (labels["signed"], SafeString(signed), True),
                ],
            )
        )
    return rows_or_empty(rows, 5, empty_text, _("No agreements."))


@register.simple_tag
def commitment_rows(commitments, empty_text=""):
    status_badge = status_badge_maker(Commitment.Status.choices)
    origins = {value: str(label) for value, label in Commitment.Origin.choices}
    area_name = memo(lambda area: text(area, "name"))
    leader_name = memo(lambda person: leader(person, with_title=False))
    labels = {"origin": _("Origin"), "area": _("Priority area"), "status": _("Status")}
    same_pledge = span("tag", _("same subject as another record (our reading)"), " ")
    synthetic = span("tag tag-warn", _("synthetic"), " ")
    rows = []
    for commitment in commitments:
        origin = origins.get(commitment.origin, commitment.origin)
        if commitment.proposed_by_id:
            origin = SafeString(f"{esc(origin)}: {esc(leader_name(commitment.proposed_by))}")
        rows.append(
            table_row(
                commitment,
                "tracker:commitment_detail",
                [
                    same_pledge if commitment.same_pledge_as_id else None,
                    synthetic if commitment.is_synthetic else None,
                ],
                [
                    (labels["origin"], origin, False),
                    (
                        labels["area"],
                        area_name(commitment.priority_area) if commitment.priority_area_id else "—",
                        False,
                    ),
                    (labels["status"], status_badge(commitment.status), False),
                ],
            )
        )
    return rows_or_empty(rows, 4, empty_text, _("No commitments."))
