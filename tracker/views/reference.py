"""The target and its method, the sources, and the record of status changes."""

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..charts import bars, target_segments
from ..counting import EXCLUDED_STATUSES
from ..models import (
    Agreement,
    Commitment,
    CountryAssessment,
    ExchangeRate,
    Mechanism,
    Party,
    ReportedFigure,
    Source,
    Statement,
    StatusChange,
    Summit,
)
from ..progress import EXCLUSION_REASONS, PACE_MIN_DATES, PACE_MIN_SPAN_DAYS, TIERS
from ..templatetags.tracker_format import known_date, sentences
from ..text import printable
from .common import (
    PAGE_SIZE,
    count_of,
    countries_without_a_row,
    current_progress,
    follows_renamed_slugs,
    last_updated,
    recent_changes,
)

FEED_ITEMS = 50


def target_detail(request):
    target, progress = current_progress()
    context = {
        "counted_shown": progress.counted_shown if progress else [],
        "exclusion_groups": progress.exclusion_groups if progress else [],
        "target": target,
        "progress": progress,
        "tier_labels": [str(tier.label).lower() for tier in TIERS],
        "excluded_statuses": [EXCLUSION_REASONS[code] for code in EXCLUDED_STATUSES],
        "pace_min_dates": PACE_MIN_DATES,
        "pace_min_span_days": PACE_MIN_SPAN_DAYS,
        "segments": target_segments(progress) if progress else [],
        "country_bars": bars(progress.by_country) if progress else [],
        "countries_without_a_row": countries_without_a_row(progress) if progress else [],
        "year_bars": bars(progress.by_year) if progress else [],
        "target_sources": target.sources.all() if target else [],  # shown on this page only
        "rates": ExchangeRate.objects.select_related("source"),
        "statements": Statement.objects.filter(subject=Statement.Subject.INITIATIVE).prefetch_related(
            "sources"
        ),
        "figures": ReportedFigure.objects.select_related("country").prefetch_related("sources"),
        "stated_link": Agreement.TargetLink.STATED.label,
        "reported_link": Agreement.TargetLink.REPORTED.label,
        "last_updated": last_updated(),
    }
    return render(request, "tracker/target.html", context)


def dialogue(request):
    """The dialogue the summit belongs to: its mechanisms and summits, as the sources describe them."""
    context = {
        "mechanisms": Mechanism.objects.prefetch_related("sources"),
        "summits": Summit.objects.select_related("host").prefetch_related("sources"),
        "announced": Commitment.objects.public()
        .filter(slug__in=["initiative-justice-ministers-meeting", "initiative-environment-ministers-meeting"])
        .order_by("title"),
        "statement_groups": statement_groups(),
    }
    return render(request, "tracker/dialogue.html", context)


def statement_groups():
    """[(subject label, [statements])] in the subjects' order: what the sources say about the
    summit and its documents."""
    statements = Statement.objects.prefetch_related("sources")
    order = list(Statement.Subject.values)
    grouped = {}
    for statement in sorted(statements, key=lambda s: (order.index(s.subject), s.order, s.slug)):
        grouped.setdefault(statement.subject, []).append(statement)
    return [(Statement.Subject(subject).label, items) for subject, items in grouped.items()]


def source_list(request):
    sources = (
        Source.objects.public()
        .defer("archived_text")
        .annotate(
            commitment_count=count_of(
                Commitment.sources.through.objects.filter(commitment__in=Commitment.objects.public()),
                "source",
            ),
            agreement_count=count_of(
                Agreement.sources.through.objects.filter(agreement__in=Agreement.objects.public()), "source"
            ),
            change_count=count_of(StatusChange.sources.through.objects, "source"),
            figure_count=count_of(ReportedFigure.sources.through.objects, "source"),
        )
    )
    return render(request, "tracker/source_list.html", {"sources": sources})


@follows_renamed_slugs(Source)
def source_detail(request, slug):
    source = get_object_or_404(
        Source.objects.public()
        .defer("archived_text")
        .prefetch_related(
            Prefetch("commitments", queryset=Commitment.objects.public().order_by("title")),
            Prefetch("agreements", queryset=Agreement.objects.public().order_by("title")),
            Prefetch(
                "status_changes",
                queryset=StatusChange.objects.public().select_related("commitment", "agreement"),
            ),
            "figures",
            "exchange_rates",
            "targets",
        ),
        slug=slug,
    )
    return render(request, "tracker/source_detail.html", {"source": source})


def source_copy(request, slug):
    """Our archived copy of a source, as we hold it, for readers to check what we cite."""
    source = get_object_or_404(Source.objects.public().exclude(archived_text=""), slug=slug)
    return render(request, "tracker/source_copy.html", {"source": source})


def change_list(request):
    changes = recent_changes(PAGE_SIZE * 4).prefetch_related("sources")
    return render(request, "tracker/change_list.html", {"changes": changes})


def effective_line(change):
    """When a step took effect, in the timeline's words (one rendering of a dated step)."""
    if change.effective_on is None:
        return _("Date it took effect unknown")
    return _("Took effect %(date)s") % {"date": known_date(change.effective_on, change.date_accuracy)}


def with_verdicts(changes, assessments):
    """Status steps and country verdicts in one feed, newest first: a verdict appears again,
    as a new entry, each time it is revised."""
    verdicts = list(
        assessments.select_related("commitment", "country").order_by("-updated_at", "-pk")[:FEED_ITEMS]
    )
    if not verdicts:
        return list(changes)
    items = [*changes[:FEED_ITEMS], *verdicts]
    items.sort(key=lambda item: item.recorded_at if isinstance(item, StatusChange) else item.updated_at)
    return items[::-1][:FEED_ITEMS]


class TextAtomFeed(Atom1Feed):
    """Atom whose entries carry plain text: an editor's note is sent as text (type="text"), so no
    feed reader turns a “<script>” in it into markup, and control characters, which XML cannot
    carry, are dropped rather than failing the whole feed."""

    def add_item(self, **item):
        super().add_item(**{name: printable(value) for name, value in item.items()})

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"]:
            handler.addQuickElement("summary", item["description"], {"type": "text"})

    def add_root_elements(self, handler):
        self.feed = {name: printable(value) for name, value in self.feed.items()}
        super().add_root_elements(handler)


class StatusChangeFeed(Feed):
    """The feed in the language of its address (/ja/changes/feed/ is in Japanese): status steps
    and countries' verdicts."""

    feed_type = TextAtomFeed
    title = gettext_lazy("CA+JAD Tokyo summit tracker: status changes")
    subtitle = gettext_lazy(
        "Dated, sourced changes in the status of the Tokyo summit's commitments and agreements."
    )
    author_name = gettext_lazy("CA+JAD Tokyo summit tracker")

    def link(self):
        return reverse("tracker:change_list")

    def items(self):
        return with_verdicts(recent_changes(FEED_ITEMS), CountryAssessment.objects.public())

    def item_title(self, change):
        if isinstance(change, CountryAssessment):
            return _("%(title)s: %(country)s, verdict %(verdict)s") % {
                "title": change.commitment.localized("title"),
                "country": change.country.localized("name"),
                "verdict": change.get_verdict_display(),
            }
        old = f"{change.old_status_label} → " if change.old_status else ""
        return f"{change.subject.localized('title')}: {old}{change.new_status_label}"

    def item_description(self, change):
        if isinstance(change, CountryAssessment):
            assessed = _("Assessed on %(date)s") % {"date": known_date(change.assessed_on)}
            return sentences(assessed, change.localized("rationale"))
        return sentences(effective_line(change), change.localized("note"))

    def item_link(self, change):
        if isinstance(change, CountryAssessment):
            return change.get_absolute_url()
        return f"{change.subject.get_absolute_url()}#change-{change.uid}"

    def item_guid(self, change):
        if isinstance(change, CountryAssessment):
            return f"urn:tracker:assessment:{change.pk}:{change.version}"
        return f"urn:uuid:{change.uid}"

    item_guid_is_permalink = False

    def item_pubdate(self, change):
        return change.updated_at if isinstance(change, CountryAssessment) else change.recorded_at

    def item_updateddate(self, change):
        return self.item_pubdate(change)


class CountryChangeFeed(StatusChangeFeed):
    """The steps of one country's commitments and agreements."""

    def get_object(self, request, slug):
        return get_object_or_404(Party.objects.countries(), slug=slug)

    def title(self, country):
        return _("CA+JAD Tokyo summit tracker: status changes for %(name)s") % {
            "name": country.localized("name")
        }

    def subtitle(self, country):
        return _("Dated, sourced changes in the status of the commitments and agreements of %(name)s.") % {
            "name": country.localized("name")
        }

    def link(self, country):
        return country.get_absolute_url()

    def items(self, country):
        return with_verdicts(
            recent_changes(FEED_ITEMS, StatusChange.objects.public().latest_involving(country)),
            CountryAssessment.objects.public().filter(country=country),
        )


class RecordChangeFeed(StatusChangeFeed):
    """The steps of one commitment or agreement."""

    model = None

    def get_object(self, request, slug):
        return get_object_or_404(self.model.objects.public(), slug=slug)

    def title(self, record):
        return _("CA+JAD Tokyo summit tracker: %(title)s") % {"title": record.localized("title")}

    def subtitle(self, record):
        return _("Dated, sourced changes in the status of “%(title)s”.") % {
            "title": record.localized("title")
        }

    def link(self, record):
        return record.get_absolute_url()

    def items(self, record):
        return recent_changes(FEED_ITEMS, record.status_changes.all())


class CommitmentChangeFeed(RecordChangeFeed):
    model = Commitment

    def items(self, record):
        return with_verdicts(super().items(record), record.assessments.all())


class AgreementChangeFeed(RecordChangeFeed):
    model = Agreement
