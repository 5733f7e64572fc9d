from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..addresses import slug_url
from .base import (
    TRANSLATION_HELP,
    SlugQuerySet,
    TextRecord,
    TranslatedModel,
    Versioned,
    choices_check,
    translations,
)


class PartyQuerySet(SlugQuerySet):
    def countries(self):
        return self.filter(kind=Party.Kind.COUNTRY)

    def organizations(self):
        return self.exclude(kind=Party.Kind.COUNTRY)

    def central_asian(self):
        return self.countries().exclude(iso_code=Party.JAPAN_ISO)


class PartyKind(models.TextChoices):
    COUNTRY = "country", _("Country")
    COMPANY = "company", _("Company")
    FINANCIER = "financier", _("Development bank or export credit agency")
    AGENCY = "agency", _("Government agency")
    INTERNATIONAL = "international", _("International organization")
    MINISTRY = "ministry", _("Ministry")


class Party(TextRecord, TranslatedModel, Versioned):
    """A country or an organization that signs, finances or carries out what the summit agreed."""

    JAPAN_ISO = "JP"

    Kind = PartyKind

    slug = models.SlugField(verbose_name=_("slug"), max_length=100, unique=True)
    name = models.CharField(verbose_name=_("name"), max_length=200)
    name_ja = models.CharField(_("name (Japanese)"), max_length=200, blank=True, help_text=TRANSLATION_HELP)
    name_ru = models.CharField(_("name (Russian)"), max_length=200, blank=True, help_text=TRANSLATION_HELP)
    translated_fields = ("name", "short_name", "description")
    short_name = models.CharField(
        verbose_name=_("short name"), max_length=40, blank=True, help_text=_("Acronym, e.g. JBIC.")
    )
    short_name_ja, short_name_ru = translations(models.CharField, _("short name"), max_length=40)
    kind = models.CharField(verbose_name=_("kind"), max_length=20, choices=Kind.choices)
    iso_code = models.CharField(
        _("ISO 3166-1 code"),
        max_length=2,
        blank=True,
        help_text=_("Two capital letters; countries only."),
    )
    based_in = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
        limit_choices_to={"kind": Kind.COUNTRY},
        help_text=_("For organizations: the country they are based in."),
        verbose_name=_("based in"),
    )
    description = models.TextField(verbose_name=_("description"), blank=True)
    description_ja, description_ru = translations(models.TextField, _("description"))
    sources = models.ManyToManyField("Source", blank=True, related_name="parties", verbose_name=_("sources"))

    objects = PartyQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[sources])

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["name"]
        constraints = [
            choices_check("kind", PartyKind.choices, name="party_kind_valid"),
            models.CheckConstraint(
                condition=(Q(kind="country") & Q(iso_code__regex=r"^[A-Z]{2}$"))
                | (~Q(kind="country") & Q(iso_code="")),
                name="party_iso_code_iff_country",
            ),
            models.UniqueConstraint(
                fields=["iso_code"], condition=~Q(iso_code=""), name="party_iso_code_unique"
            ),
            models.CheckConstraint(
                condition=Q(based_in__isnull=True) | ~Q(kind="country"),
                name="party_country_not_based_in",
            ),
        ]
        indexes = [models.Index(fields=["kind", "name"], name="party_kind_name_idx")]

    def __str__(self):
        return self.localized("name")

    def get_absolute_url(self):
        name = "tracker:country_detail" if self.is_country else "tracker:organization_detail"
        return slug_url(name, self.slug)

    def natural_key(self):
        return (self.slug,)

    @property
    def is_country(self):
        return self.kind == self.Kind.COUNTRY

    @property
    def display_name(self):
        return f"{self.name} ({self.short_name})" if self.short_name else self.name


class Leader(TextRecord, TranslatedModel, Versioned):
    """A head of state or government who took part in a summit."""

    slug = models.SlugField(verbose_name=_("slug"), max_length=100, unique=True)
    name = models.CharField(verbose_name=_("name"), max_length=200)
    title = models.CharField(
        verbose_name=_("title"), max_length=100, help_text=_("E.g. President, Prime Minister.")
    )
    # In the established press forms of each language (Japanese writes the title after the name).
    name_ja = models.CharField(_("name (Japanese)"), max_length=200, blank=True, help_text=TRANSLATION_HELP)
    name_ru = models.CharField(_("name (Russian)"), max_length=200, blank=True, help_text=TRANSLATION_HELP)
    title_ja = models.CharField(_("title (Japanese)"), max_length=100, blank=True, help_text=TRANSLATION_HELP)
    title_ru = models.CharField(_("title (Russian)"), max_length=100, blank=True, help_text=TRANSLATION_HELP)
    translated_fields = ("name", "title")
    country = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        related_name="leaders",
        limit_choices_to={"kind": Party.Kind.COUNTRY},
        verbose_name=_("country"),
    )
    sources = models.ManyToManyField("Source", blank=True, related_name="leaders", verbose_name=_("sources"))

    objects = SlugQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("leader")
        verbose_name_plural = _("leaders")
        ordering = ["country__name"]

    def __str__(self):
        return f"{self.title} {self.name} ({self.country.name})"

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["tracker.party"]


class Summit(TextRecord, TranslatedModel, Versioned):
    """A leaders' meeting of the dialogue: the Tokyo summit, and the next one once it is agreed."""

    slug = models.SlugField(verbose_name=_("slug"), max_length=100, unique=True)
    name = models.CharField(verbose_name=_("name"), max_length=200)
    name_ja, name_ru = translations(models.CharField, _("name"), max_length=200)
    number = models.PositiveSmallIntegerField(verbose_name=_("number"), unique=True)
    host = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="summits_hosted", verbose_name=_("host")
    )
    city = models.CharField(verbose_name=_("city"), max_length=100, blank=True)
    city_ja, city_ru = translations(models.CharField, _("city"), max_length=100)
    held_on = models.DateField(
        verbose_name=_("held on"), null=True, blank=True, help_text=_("Blank until the date is announced.")
    )
    description = models.TextField(verbose_name=_("description"), blank=True)
    translated_fields = ("name", "city", "description")
    description_ja, description_ru = translations(models.TextField, _("description"))
    leaders = models.ManyToManyField(Leader, blank=True, related_name="summits", verbose_name=_("leaders"))
    sources = models.ManyToManyField("Source", blank=True, related_name="summits", verbose_name=_("sources"))

    objects = SlugQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("summit")
        verbose_name_plural = _("summits")
        ordering = ["number"]
        constraints = [models.CheckConstraint(condition=Q(number__gte=1), name="summit_number_positive")]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)
