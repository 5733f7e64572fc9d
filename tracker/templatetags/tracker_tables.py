"""The rows of the agreement and commitment tables, written in Python rather than in a template
loop: through the template engine a row cost about 1.1 ms (a reverse() for its link and another
for its status badge, the choices' labels translated again, some 40 variable lookups), most of an
uncached list page; here the labels are worked out once per table and the addresses once per
language (tracker.addresses). The markup is the one the templates had; the figures and dates come
from the same functions as everywhere."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from tracker.addresses import page_url, slug_url
from tracker.models import Agreement, Commitment

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


NUMERIC = mark_safe(' class="num"')


def table_row(record, page, tags, cells):
    """A record's row: its title linked to its `page` as the row's header, with the `tags` that
    apply (the others None), then (label, content, numeric) cells; the label names the cell
    where a phone shows the table as cards."""
    return format_html(
        '<tr>\n<th scope="row"><a href="{}">{}</a>{}</th>\n{}\n</tr>',
        slug_url(page, record.slug),
        text(record, "title"),
        format_html_join("", "{}", ((tag,) for tag in tags if tag is not None)),
        format_html_join(
            "\n",
            '<td data-label="{}"{}>{}</td>',
            ((label, NUMERIC if numeric else "", content) for label, content, numeric in cells),
        ),
    )


def rows_or_empty(rows, columns, empty_text, default):
    if not rows:
        return format_html('<tr><td colspan="{}">{}</td></tr>', columns, empty_text or default)
    return mark_safe("\n".join(rows))


@register.simple_tag
def agreement_rows(agreements, empty_text=""):
    status_badge = status_badge_maker(Agreement.Status.choices)
    country_name = memo(lambda country: text(country, "name"))
    labels = {
        "countries": _("Countries"),
        "status": _("Status"),
        "value": _("Value"),
        "signed": _("Signed"),
    }
    not_stated = format_html('<span class="muted">{}</span>', _("not stated"))
    unknown = format_html('<span class="muted">{}</span>', _("unknown"))
    package = format_html(' <span class="tag">{}</span>', _("package"))
    synthetic = format_html(' <span class="tag tag-warn">{}</span>', _("synthetic"))
    reading = format_html(' <span class="tag">{}</span>', _("our reading"))
    rows = []
    for agreement in agreements:
        countries = mark_safe(", ".join(country_name(country) for country in agreement.countries()))
        if agreement.amount is None:
            value = not_stated
        else:
            exactness = agreement.value_exactness
            value = format_html(
                '<span title="{}">{}</span>{}',
                qualified_money(agreement.amount, agreement.currency, exactness),
                brief_money(agreement.amount, agreement.currency, exactness),
                reading if agreement.value_reading else "",
            )
            if agreement.yen_rate_id:
                value += format_html(
                    '<br><span class="muted" title="{}">≈&nbsp;{}</span>',
                    qualified_value_yen(agreement.yen_value, exactness),
                    brief_money(agreement.yen_value, "JPY", exactness),
                )
        if agreement.signed_on:
            signed = format_html(
                '<time datetime="{}">{}</time>',
                agreement.signed_on.isoformat(),
                known_date(agreement.signed_on, agreement.signed_on_accuracy),
            )
        else:
            signed = unknown
        rows.append(
            table_row(
                agreement,
                "tracker:agreement_detail",
                [package if agreement.is_aggregate else None, synthetic if agreement.is_synthetic else None],
                [
                    (labels["countries"], countries or not_stated, False),
                    (labels["status"], status_badge(agreement.status), False),
                    (labels["value"], value, True),
                    (labels["signed"], signed, True),
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
    same_subject = _("same subject as another record (our reading)")
    same_pledge = format_html(' <span class="tag">{}</span>', same_subject)
    synthetic = format_html(' <span class="tag tag-warn">{}</span>', _("synthetic"))
    rows = []
    for commitment in commitments:
        origin = origins.get(commitment.origin, commitment.origin)
        if commitment.proposed_by_id:
            origin = format_html("{}: {}", origin, leader_name(commitment.proposed_by))
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
