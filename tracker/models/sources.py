from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..addresses import slug_url
from .base import SlugQuerySet, TextRecord, TranslatedModel, choices_check, translations


class SourceQuerySet(SlugQuerySet):
    def public(self):
        """The sources readers see: not the one synthetic test records cite."""
        if settings.SHOW_SYNTHETIC_RECORDS:
            return self.all()
        return self.filter(is_synthetic=False)


class SourceKind(models.TextChoices):
    NEWS = "news", _("News report")
    # An opinion piece may inform a reader but never carries a status change on its own.
    OPINION = "opinion", _("Opinion piece")
    ANALYSIS = "analysis", _("Summary of an analytical report")
    OFFICIAL = "official", _("Official document")
    OTHER = "other", _("Other")


class Source(TextRecord, TranslatedModel, models.Model):
    """A document that supports a fact in the tracker; everything public cites one or more."""

    Kind = SourceKind

    slug = models.SlugField(verbose_name=_("slug"), max_length=100, unique=True)
    title = models.CharField(verbose_name=_("title"), max_length=300)
    title_ja, title_ru = translations(models.CharField, _("title"), max_length=300)
    publisher = models.CharField(verbose_name=_("publisher"), max_length=200, blank=True)
    kind = models.CharField(verbose_name=_("kind"), max_length=20, choices=Kind.choices, default=Kind.NEWS)
    published_on = models.DateField(verbose_name=_("published on"), null=True, blank=True)
    date_note = models.CharField(
        _("date as reported"),
        max_length=200,
        blank=True,
        help_text=_(
            "For readers: the date as the document gives it, when it gives no plain date "
            "(e.g. an ambiguous format, or none at all)."
        ),
    )
    date_note_ja, date_note_ru = translations(models.CharField, _("date as reported"), max_length=200)
    url = models.URLField(
        _("original address"),
        blank=True,
        help_text=_("Only an address the document itself gives or we verified."),
    )
    note = models.TextField(
        verbose_name=_("note"), help_text=_("For readers: what this source supports, in our own words.")
    )
    translated_fields = ("title", "date_note", "note")
    note_ja, note_ru = translations(models.TextField, _("note"))
    archived_as = models.CharField(
        verbose_name=_("archived as"),
        max_length=200,
        blank=True,
        help_text=_("File of our archived copy under fixtures/ (for maintainers; not shown to readers)."),
    )
    archived_text = models.TextField(
        verbose_name=_("archived text"),
        blank=True,
        help_text=_("Our archived copy of the document, as we hold it; shown on its own page."),
    )
    version = models.PositiveIntegerField(verbose_name=_("version"), default=1, editable=False)
    is_synthetic = models.BooleanField(
        verbose_name=_("is synthetic"),
        default=False,
        editable=False,  # set only by the synthetic-data command, never by a form
        help_text=_("Cited by generated test records only; never shown to readers."),
    )

    objects = SourceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["-published_on", "title", "pk"]
        constraints = [choices_check("kind", SourceKind.choices, name="source_kind_valid")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return slug_url("tracker:source_detail", self.slug)

    @property
    def has_copy(self):
        return bool(self.archived_as)

    @property
    def is_opinion(self):
        return self.kind == self.Kind.OPINION

    def natural_key(self):
        return (self.slug,)
