import functools
import logging

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from .. import freshness
from ..models import Agreement, Commitment, CountryAssessment, Party, PriorityArea, StatusChange, Target
from ..progress import Split, compute_progress

PAGE_SIZE = 25
logger = logging.getLogger(__name__)


def count_of(queryset, field, distinct=None):
    """Rows of `queryset` (or distinct values of `distinct`) whose `field` is the outer row: a
    correlated count, so several counts on one list do not multiply each other's joins."""
    counter = Count(distinct, distinct=True) if distinct else Count("*")
    counted = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=counter)
    return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), Value(0))


def status_counts(queryset, choices):
    """Every status of the vocabulary with its count, zeros included, in vocabulary order."""
    counts = dict(queryset.order_by().values_list("status").annotate(n=Count("pk")))
    return every_status(choices, counts)


def every_status(choices, counts):
    """[(status, label, count)] from {status: count}: every status of the vocabulary, zeros
    included, in vocabulary order."""
    return [(value, label, counts.get(value, 0)) for value, label in choices]


def commitments_by_area(commitments):
    """The status counts of `commitments` in each priority area, in the areas' order (every
    area), then the cross-cutting ones (no area) if there are any: one grouped count and the
    areas, however many records there are."""
    counts = {}
    for area_id, status, number in (
        commitments.order_by().values_list("priority_area", "status").annotate(n=Count("pk"))
    ):
        counts.setdefault(area_id, {})[status] = number
    areas = [*PriorityArea.objects.all(), *([None] if None in counts else [])]
    return [
        {
            "area": area,
            "statuses": every_status(Commitment.Status.choices, counts.get(area.pk if area else None, {})),
            "total": sum(counts.get(area.pk if area else None, {}).values()),
        }
        for area in areas
    ]


def countries_without_a_row(progress):
    """The Central Asian countries a by-country chart has no row for, grouped by the reason, so
    that a country missing from the chart is never taken for one the tracker forgot."""
    shown = {group.subject.pk for group in progress.by_country if group.subject is not None}
    by_reason = {}
    for country in Party.objects.central_asian():
        if country.pk not in shown:
            reason = (
                _("counted only within agreements with several Central Asian countries")
                if progress.involving_country.get(country.pk, Split()).largest
                else _("no agreement the tracker holds for them has a value counted toward the target")
            )
            by_reason.setdefault(reason, []).append(country)
    return [(countries, reason) for reason, countries in by_reason.items()]


def current_progress():
    """The target and its progress today; (None, None) before a target is loaded.

    Computed once per data version and day (the share of the window elapsed moves daily), in
    each server process; a warm page pays one query for the version."""
    on_date = timezone.localdate()

    def compute():
        logger.info("Computing the target's figures for %s", on_date)  # once per change, for all servers
        target = Target.objects.first()
        return target, (compute_progress(target=target, on_date=on_date) if target else None)

    return freshness.kept("progress", compute, on_date)


def recent_changes(limit, changes=None):
    """The latest `limit` steps, newest first, of `changes` (all public steps by default)."""
    changes = StatusChange.objects.public() if changes is None else changes
    return changes.latest_first().select_related("commitment", "agreement")[:limit]


def last_updated():
    """When the public record last changed in this database: the newest write to a commitment,
    an agreement, a status record or a verdict (the time it was really made, never a date from the data)."""

    def newest(records, field):
        # Walks the field's index from the newest end to the first public row; MAX() over the
        # joins that `public()` needs reads every row.
        return records.order_by(f"-{field}").values_list(field, flat=True).first()

    stamps = [
        newest(Commitment.objects.public(), "updated_at"),
        newest(Agreement.objects.public(), "updated_at"),
        newest(StatusChange.objects.public(), "recorded_at"),
        newest(CountryAssessment.objects.public(), "updated_at"),
    ]
    stamps = [stamp for stamp in stamps if stamp is not None]
    return max(stamps) if stamps else None


class ListPaginator(Paginator):
    """Django's paginator over a valid filter set's records, with the first page's count taken
    from the page's own search where it can be. Given the `fields` its rows need, the first page
    reads the first COUNTED_ROWS matches as plain rows in one query (FilterSet.rows: compiled once
    per shape), makes records of the page's own, and counts the rest: fewer than COUNTED_ROWS are
    every match, so no COUNT(*) repeats the search (+100,000 agreements, a country, a status and a
    sector: 8 ms of a 30 ms page on PostgreSQL, 3 of 21 on SQLite), and the filtered queryset is
    never built. Without `fields` a first page with fewer rows than a page counts itself. Where
    there are more matches the count is Django's; other pages are Django's, their number checked
    against it."""

    COUNTED_ROWS = 250  # ten pages

    def __init__(self, filterset, per_page, *args, fields=None, **kwargs):
        super().__init__(SimpleLazyObject(lambda: filterset.qs), per_page, *args, **kwargs)
        self.filterset, self.fields = filterset, fields

    def _check_object_list_is_ordered(self):
        """Not checked: it would build the filtered queryset, which the first page may not need.
        Every list is ordered (its model's Meta.ordering, or a sort and then the id)."""

    def get_page(self, number):
        """Django's get_page (not a number: the first page; past either end: the last), with the
        number checked by page() rather than against a count made first."""
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            return self.page(self.num_pages)

    def page(self, number):
        if str(number) != "1" or "count" in self.__dict__ or self.orphans:
            return super().page(number)
        base = self.filterset.queryset
        plain = not (base.query.select_related or base.query.annotations or base._prefetch_related_lookups)
        if self.fields is None or not plain or self.per_page > self.COUNTED_ROWS:
            records = list(self.object_list[: self.per_page])
            matched, enough = len(records), self.per_page
        else:
            records, matched = self.first_records()
            enough = self.COUNTED_ROWS
        if not records and not self.allow_empty_first_page:
            return super().page(number)
        if matched < enough:
            self.count = matched  # Paginator.count is a cached_property
        return self._get_page(records, 1, self)

    def first_records(self):
        """(the first page's records, as the queryset would make them with only `fields` loaded;
        how many of the first COUNTED_ROWS matches there are), in one query of plain rows."""
        model = self.filterset.queryset.model
        loaded = {model._meta.get_field(name).attname for name in self.fields} | {model._meta.pk.attname}
        columns = tuple(field.attname for field in model._meta.concrete_fields if field.attname in loaded)
        rows = list(self.filterset.rows(columns, limit=self.COUNTED_ROWS))
        database = self.filterset.queryset.db
        return [model.from_db(database, columns, row) for row in rows[: self.per_page]], len(rows)


def render_filtered_list(request, filterset, template, extra_context=None, *, fields=None):
    """A filtered, paginated list. An invalid filter shows the form's errors and no results (400).
    `fields`: all its rows need (ListPaginator)."""
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filter": filterset, "query_string": query.urlencode(), "page": None, **(extra_context or {})}
    if not filterset.is_valid():
        return render(request, template, context, status=400)
    paginator = ListPaginator(filterset, PAGE_SIZE, fields=fields)
    context["page"] = paginator.get_page(request.GET.get("page"))
    return render(request, template, context)


def follows_renamed_slugs(model):
    """A detail view that, for a slug no record has now, redirects permanently (301) to the
    record that had it before an editor changed it, found in its audit trail: links and citations
    to an old address keep working. A slug never used stays a 404."""

    def decorate(view):
        @functools.wraps(view)
        def detail(request, slug, *args, **kwargs):
            try:
                return view(request, slug, *args, **kwargs)
            except Http404:
                moved = renamed_record(model, slug)
                if moved is None:
                    raise
                query = request.META.get("QUERY_STRING", "")
                url = moved.get_absolute_url() + (f"?{query}" if query else "")
                return HttpResponsePermanentRedirect(url)

        return detail

    return decorate


def renamed_record(model, slug):
    """The public record whose slug was `slug` most recently, if it has another one now."""
    former = model.history.filter(slug=slug).order_by("-history_date").values_list("id", flat=True)
    records = model.objects.public() if hasattr(model.objects, "public") else model.objects.all()
    for record_id in former[:5]:  # a slug moves rarely; a few of its holders at most
        record = records.filter(pk=record_id).exclude(slug=slug).first()
        if record is not None:
            return record
    return None
