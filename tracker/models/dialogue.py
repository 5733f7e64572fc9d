from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .base import SlugQuerySet, TextRecord, TranslatedModel, Versioned, choices_check, translations


class MechanismKind(models.TextChoices):
    MEETING = "meeting", _("Regular meeting")
    DIALOGUE = "dialogue", _("Dialogue or forum")
    SUMMIT = "summit", _("Leaders' summit")


class Mechanism(TextRecord, TranslatedModel, Versioned):
    """A standing part of the Central Asia + Japan dialogue: its meetings, forums and summits,
    as the sources describe them. The start year is left blank where no source gives it."""

    Kind = MechanismKind

    slug = models.SlugField(verbose_name=_("slug"), max_length=100, unique=True)
    name = models.CharField(verbose_name=_("name"), max_length=200)
    name_ja, name_ru = translations(models.CharField, _("name"), max_length=200)
    kind = models.CharField(verbose_name=_("kind"), max_length=20, choices=Kind.choices)
    since_year = models.PositiveSmallIntegerField(
        verbose_name=_("since year"),
        null=True,
        blank=True,
        help_text=_("Only a year a source gives; blank when none does."),
    )
    order = models.PositiveSmallIntegerField(verbose_name=_("order"), default=0)
    description = models.TextField(
        verbose_name=_("description"), help_text=_("In our own words, saying no more than the sources.")
    )
    translated_fields = ("name", "description")
    description_ja, description_ru = translations(models.TextField, _("description"))
    sources = models.ManyToManyField("Source", related_name="mechanisms", verbose_name=_("sources"))

    objects = SlugQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[sources])

    class Meta:
        verbose_name = _("mechanism")
        verbose_name_plural = _("mechanisms")
        ordering = ["order", "name"]
        constraints = [choices_check("kind", MechanismKind.choices, name="mechanism_kind_valid")]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class StatementSubject(models.TextChoices):
    SUMMIT = "summit", _("The summit")
    DECLARATION = "declaration", _("The Tokyo Declaration")
    INITIATIVE = "initiative", _("The Tokyo Initiative and its target")
    DOCUMENTS = "documents", _("The documents signed alongside")


class Statement(TextRecord, TranslatedModel, Versioned):
    """What a source says about the summit and its documents: how its participants received
    them, how the source describes them. In our own words, with the source's own where a word
    matters; a characterisation is the source's, never ours."""

    Subject = StatementSubject

    slug = models.SlugField(verbose_name=_("slug"), max_length=100, unique=True)
    subject = models.CharField(verbose_name=_("subject"), max_length=20, choices=Subject.choices)
    text = models.TextField(
        verbose_name=_("text"), help_text=_("In our own words, saying no more than the source.")
    )
    translated_fields = ("text",)
    text_ja, text_ru = translations(models.TextField, _("text"))
    order = models.PositiveSmallIntegerField(verbose_name=_("order"), default=0)
    sources = models.ManyToManyField("Source", related_name="statements", verbose_name=_("sources"))

    objects = SlugQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[sources])

    class Meta:
        verbose_name = _("statement in the sources")
        verbose_name_plural = _("statements in the sources")
        ordering = ["subject", "order", "slug"]
        constraints = [choices_check("subject", StatementSubject.choices, name="statement_subject_valid")]

    def __str__(self):
        return self.text[:80]

    def natural_key(self):
        return (self.slug,)
