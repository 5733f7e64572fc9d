from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .base import SlugQuerySet, choices_check


class SourceKind(models.TextChoices):
    NEWS = "news", "News report"
    OPINION = "opinion", "Opinion piece"
    ANALYSIS = "analysis", "Analytical report"
    OFFICIAL = "official", "Official document"
    OTHER = "other", "Other"


class Source(models.Model):
    """A document that supports a fact in the tracker; everything public cites one or more."""

    Kind = SourceKind

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=300)
    publisher = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NEWS)
    published_on = models.DateField(null=True, blank=True)
    date_note = models.CharField(
        max_length=200,
        blank=True,
        help_text="How sure the date is, e.g. when the document's format is ambiguous.",
    )
    url = models.URLField(blank=True, help_text="Leave blank when no public address is known.")
    note = models.TextField(help_text="What this source supports, in our own words.")
    archived_as = models.CharField(
        max_length=200,
        blank=True,
        help_text="Where the tracker's own copy of the document is kept.",
    )

    objects = SlugQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "title"]
        constraints = [choices_check("kind", SourceKind.choices, name="source_kind_valid")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("tracker:source_detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)
