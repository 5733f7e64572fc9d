import calendar
import datetime

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .base import (
    RANGES,
    Exactness,
    SlugQuerySet,
    TextRecord,
    TranslatedModel,
    Versioned,
    choices_check,
    translations,
)
from .currencies import validate_currency


class Target(TextRecord, TranslatedModel, Versioned):
    """A quantified goal with a time window: the Tokyo Initiative's ¥3 trillion in five years."""

    slug = models.SlugField(verbose_name=_("slug"), max_length=100, unique=True)
    name = models.CharField(verbose_name=_("name"), max_length=200)
    name_ja, name_ru = translations(models.CharField, _("name"), max_length=200)
    amount = models.DecimalField(verbose_name=_("amount"), max_digits=20, decimal_places=2)
    currency = models.CharField(verbose_name=_("currency"), max_length=3, default="JPY")
    starts_on = models.DateField(verbose_name=_("starts on"))
    duration_years = models.PositiveSmallIntegerField(verbose_name=_("duration years"))
    description = models.TextField(verbose_name=_("description"), blank=True)
    translated_fields = ("name", "description")
    description_ja, description_ru = translations(models.TextField, _("description"))
    commitment = models.OneToOneField(
        "Commitment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="measured_target",
        verbose_name=_("commitment record"),
        help_text=_(
            "The commitment record of this target. Agreements are tied to the target by their own "
            "“tie to the target” field, never by a link to this commitment."
        ),
    )
    sources = models.ManyToManyField("Source", related_name="targets", verbose_name=_("sources"))

    objects = SlugQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[sources])

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="target_amount_positive"),
            models.CheckConstraint(condition=Q(duration_years__gte=1), name="target_duration_positive"),
            models.CheckConstraint(condition=Q(currency="JPY"), name="target_in_yen"),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def save(self, *args, **kwargs):
        from ..counting import recount  # tracker.counting reads the models

        super().save(*args, **kwargs)
        recount(using=kwargs.get("using") or "default")  # the window decides what counts

    @property
    def ends_on(self):
        year = self.starts_on.year + self.duration_years
        day = min(self.starts_on.day, calendar.monthrange(year, self.starts_on.month)[1])
        return datetime.date(year, self.starts_on.month, day)


class RateDateBasis(models.TextChoices):
    STATED = "stated", _("Dated by its source")
    ASSUMED = "assumed", _("Undated in its source; applied from this day by our assumption")


class ExchangeRateQuerySet(models.QuerySet):
    def get_by_natural_key(self, currency, effective_on):
        return self.get(currency=currency, effective_on=effective_on)


class ExchangeRate(TextRecord, TranslatedModel, models.Model):
    """How many yen one unit of a currency was worth on a date, and who says so."""

    currency = models.CharField(
        verbose_name=_("currency"),
        max_length=3,
        validators=[validate_currency],
        help_text=_("ISO 4217 code, e.g. USD."),
    )
    rate_to_jpy = models.DecimalField(_("yen per unit"), max_digits=18, decimal_places=6)
    effective_on = models.DateField(verbose_name=_("effective on"))
    effective_on_basis = models.CharField(
        _("basis of the date"),
        max_length=20,
        choices=RateDateBasis.choices,
        default=RateDateBasis.STATED,
        help_text=_("“Assumed” when the source's conversion carries no date and we chose the day."),
    )
    source = models.ForeignKey(
        "Source", on_delete=models.PROTECT, related_name="exchange_rates", verbose_name=_("source")
    )
    note = models.CharField(
        verbose_name=_("note"), max_length=300, blank=True, help_text=_("How the rate was obtained.")
    )
    translated_fields = ("note",)
    note_ja, note_ru = translations(models.CharField, _("note"), max_length=300)
    version = models.PositiveIntegerField(verbose_name=_("version"), default=1, editable=False)

    objects = ExchangeRateQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency", "-effective_on"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "effective_on"], name="exchange_rate_unique_per_day"),
            models.CheckConstraint(condition=Q(rate_to_jpy__gt=0), name="exchange_rate_positive"),
            choices_check("effective_on_basis", RateDateBasis.choices, name="exchange_rate_date_basis_valid"),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$") & ~Q(currency="JPY"),
                name="exchange_rate_currency_code",
            ),
        ]

    def __str__(self):
        if self.date_is_assumed:  # the source gives no day: never print one as if it did
            applied = f"undated in its source; applied from {self.effective_on}"
            return f"1 {self.currency} = ¥{self.rate_to_jpy} ({applied})"
        return f"1 {self.currency} = ¥{self.rate_to_jpy} on {self.effective_on}"

    def save(self, *args, **kwargs):
        from ..counting import recount  # tracker.counting reads the models

        using = kwargs.get("using") or "default"
        before = type(self)._base_manager.using(using).filter(pk=self.pk).values_list("currency", flat=True)
        old_currency = before.first() if self.pk else None
        super().save(*args, **kwargs)
        recount(currencies={self.currency, old_currency} - {None}, using=using)

    def delete(self, *args, **kwargs):
        from ..counting import recount

        deleted = super().delete(*args, **kwargs)
        # Values converted at it move to another rate, or to "no rate": never left counted at it.
        recount(currencies={self.currency}, using=kwargs.get("using") or "default")
        return deleted

    def natural_key(self):
        return (self.currency, self.effective_on.isoformat())

    @property
    def date_is_assumed(self):
        return self.effective_on_basis == RateDateBasis.ASSUMED


class ReportedFigure(TextRecord, TranslatedModel, Versioned):
    """A number a source reports about the summit that is not an agreement's value."""

    Exactness = Exactness

    slug = models.SlugField(verbose_name=_("slug"), max_length=100, unique=True)
    label = models.CharField(verbose_name=_("label"), max_length=200)
    label_ja, label_ru = translations(models.CharField, _("label"), max_length=200)
    value = models.DecimalField(
        verbose_name=_("value"), max_digits=24, decimal_places=4, help_text=_("For a range, its low end.")
    )
    upper_value = models.DecimalField(
        verbose_name=_("upper value"),
        max_digits=24,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("For a range only (“about” or not): its high end."),
    )
    unit = models.CharField(
        verbose_name=_("unit"),
        max_length=20,
        help_text=_("A currency code (USD, JPY, EUR) or a unit such as documents or percent."),
    )
    exactness = models.CharField(verbose_name=_("exactness"), max_length=20, choices=Exactness.choices)
    as_of = models.DateField(verbose_name=_("as of"), null=True, blank=True)
    country = models.ForeignKey(
        "Party",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="figures",
        limit_choices_to={"kind": "country"},
        verbose_name=_("country"),
    )
    note = models.TextField(verbose_name=_("note"), blank=True)
    note_ja, note_ru = translations(models.TextField, _("note"))
    reading = models.TextField(
        verbose_name=_("reading"),
        blank=True,
        help_text=_("Where unit or value is our reading rather than the source's words: what and why."),
    )
    translated_fields = ("label", "note", "reading")
    reading_ja, reading_ru = translations(models.TextField, _("reading"))
    sources = models.ManyToManyField("Source", related_name="figures", verbose_name=_("sources"))

    objects = SlugQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[sources])

    class Meta:
        verbose_name = _("reported figure")
        verbose_name_plural = _("reported figures")
        ordering = ["label"]
        constraints = [
            choices_check("exactness", Exactness.choices, name="figure_exactness_valid"),
            models.CheckConstraint(condition=Q(value__gte=0), name="figure_value_not_negative"),
            models.CheckConstraint(
                condition=(Q(exactness__in=RANGES) & Q(upper_value__gt=F("value")))
                | (~Q(exactness__in=RANGES) & Q(upper_value__isnull=True)),
                name="figure_upper_value_iff_range",
            ),
        ]

    def __str__(self):
        return self.label

    def natural_key(self):
        return (self.slug,)
