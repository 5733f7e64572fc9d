from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..addresses import slug_url
from .base import TRANSLATION_HELP, SlugQuerySet, TextRecord, TranslatedModel, Versioned, translations


class PriorityArea(TextRecord, TranslatedModel, Versioned):
    """One of the Tokyo Declaration's three priority areas of cooperation."""

    slug = models.SlugField(verbose_name=_("slug"), max_length=100, unique=True)
    name = models.CharField(verbose_name=_("name"), max_length=100, unique=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=100, blank=True, help_text=TRANSLATION_HELP)
    name_ru = models.CharField(_("name (Russian)"), max_length=100, blank=True, help_text=TRANSLATION_HELP)
    translated_fields = ("name", "description")
    order = models.PositiveSmallIntegerField(verbose_name=_("order"), default=0)
    description = models.TextField(verbose_name=_("description"), blank=True)
    description_ja, description_ru = translations(models.TextField, _("description"))
    sources = models.ManyToManyField(
        "Source", blank=True, related_name="priority_areas", verbose_name=_("sources")
    )

    objects = SlugQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("priority area")
        verbose_name_plural = _("priority areas")
        ordering = ["order", "name"]

    def __str__(self):
        return self.localized("name")

    def get_absolute_url(self):
        return slug_url("tracker:area_detail", self.slug)

    def natural_key(self):
        return (self.slug,)


class Chapter(TextRecord, TranslatedModel, Versioned):
    """A chapter of the analytical report on the declaration (source 004). The report lists
    these titles for its own analysis; they are not proven to be the declaration's chapters."""

    slug = models.SlugField(verbose_name=_("slug"), max_length=100, unique=True)
    number = models.PositiveSmallIntegerField(verbose_name=_("number"), unique=True)
    title = models.CharField(verbose_name=_("title"), max_length=200)
    translated_fields = ("title",)
    title_ja, title_ru = translations(models.CharField, _("title"), max_length=200)
    priority_area = models.ForeignKey(
        PriorityArea,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="chapters",
        verbose_name=_("priority area"),
    )
    sources = models.ManyToManyField("Source", blank=True, related_name="chapters", verbose_name=_("sources"))

    objects = SlugQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chapter of the analytical report")
        verbose_name_plural = _("chapters of the analytical report")
        ordering = ["number"]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def natural_key(self):
        return (self.slug,)


class Sector(TextRecord, TranslatedModel, Versioned):
    """A field of cooperation that agreements are classified by (energy, health, …)."""

    slug = models.SlugField(verbose_name=_("slug"), max_length=100, unique=True)
    name = models.CharField(verbose_name=_("name"), max_length=100, unique=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=100, blank=True, help_text=TRANSLATION_HELP)
    name_ru = models.CharField(_("name (Russian)"), max_length=100, blank=True, help_text=TRANSLATION_HELP)
    translated_fields = ("name",)
    description = models.TextField(verbose_name=_("description"), blank=True)

    objects = SlugQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["name"]

    def __str__(self):
        return self.localized("name")

    def get_absolute_url(self):
        return slug_url("tracker:sector_detail", self.slug)

    def natural_key(self):
        return (self.slug,)
