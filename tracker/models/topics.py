from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from simple_history.models import HistoricalRecords

from .base import TRANSLATION_HELP, SlugQuerySet, Translatable


class PriorityArea(Translatable, models.Model):
    """One of the Tokyo Declaration's three priority areas of cooperation."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=100, unique=True)
    name_ja = models.CharField("name (Japanese)", max_length=100, blank=True, help_text=TRANSLATION_HELP)
    name_ru = models.CharField("name (Russian)", max_length=100, blank=True, help_text=TRANSLATION_HELP)
    translated_fields = ("name",)
    order = models.PositiveSmallIntegerField(default=0)
    description = models.TextField(blank=True)
    sources = models.ManyToManyField("Source", blank=True, related_name="priority_areas")

    objects = SlugQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.in_language("name", get_language())[0]

    def get_absolute_url(self):
        return reverse("tracker:area_detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)


class Chapter(models.Model):
    """A chapter of the analytical report on the declaration (source 004). The report lists
    these titles for its own analysis; they are not proven to be the declaration's chapters."""

    slug = models.SlugField(max_length=100, unique=True)
    number = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=200)
    priority_area = models.ForeignKey(
        PriorityArea, null=True, blank=True, on_delete=models.PROTECT, related_name="chapters"
    )
    sources = models.ManyToManyField("Source", blank=True, related_name="chapters")

    objects = SlugQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = "chapter of the analytical report"
        verbose_name_plural = "chapters of the analytical report"

    def __str__(self):
        return f"{self.number}. {self.title}"

    def natural_key(self):
        return (self.slug,)


class Sector(Translatable, models.Model):
    """A field of cooperation that agreements are classified by (energy, health, …)."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=100, unique=True)
    name_ja = models.CharField("name (Japanese)", max_length=100, blank=True, help_text=TRANSLATION_HELP)
    name_ru = models.CharField("name (Russian)", max_length=100, blank=True, help_text=TRANSLATION_HELP)
    translated_fields = ("name",)
    description = models.TextField(blank=True)

    objects = SlugQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.in_language("name", get_language())[0]

    def get_absolute_url(self):
        return reverse("tracker:sector_detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)
